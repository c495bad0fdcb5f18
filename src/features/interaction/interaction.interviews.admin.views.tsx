/** The back office of 在线访谈: the interviews, one interview's announcement, questions, live stream and summary. */
import type { Principal } from '../../core/access.ts';
import { fmtDateTime } from '../../web/format.ts';
import {
  ActionForm,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  Select,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { Pager, Paragraphs } from '../../web/layout.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { INTERVIEW_PAGE, INTERVIEW_STAGES, type InterviewStage } from './interaction.interviews.rules.ts';
import type { OpenedInterview } from './interaction.interviews.service.ts';

export function InterviewsPage(props: {
  principal: Principal;
  csrf: string;
  rows: {
    id: number;
    title: string;
    agency: string;
    starts_at: Date;
    pending: number;
    stage: InterviewStage;
  }[];
  total: number;
  page: number;
  flash?: string;
}): JSX.Element {
  return (
    <AdminLayout title="在线访谈" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>在线访谈</h1>
      <p>
        承办机构编写访谈预告，审核人发布后网友即可提问；访谈中主持人提出网友问题、发布嘉宾的回答，网站页面实时更新；访谈结束后保留文字实录。
      </p>
      <p>
        <a class="btn" href="/admin/interviews/new">
          新建在线访谈
        </a>
      </p>
      <p safe>{`共 ${props.total} 期`}</p>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">主题</th>
            <th scope="col">主办单位</th>
            <th scope="col">访谈时间</th>
            <th scope="col">状态</th>
            <th scope="col">待审核提问</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td data-label="主题">
                <a href={`/admin/interviews/${r.id}`} safe>
                  {r.title}
                </a>
              </td>
              <td data-label="主办单位" safe>
                {r.agency}
              </td>
              <td data-label="访谈时间" safe>
                {fmtDateTime(r.starts_at)}
              </td>
              <td data-label="状态" safe>
                {INTERVIEW_STAGES[r.stage]}
              </td>
              <td data-label="待审核提问" safe>
                {String(r.pending)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        page={props.page}
        pages={Math.max(1, Math.ceil(props.total / INTERVIEW_PAGE))}
        href={(p) => `/admin/interviews?page=${p}`}
      />
    </AdminLayout>
  );
}

function InterviewFields(props: { values: FormValues; errors: FieldErrors; agencies: [string, string][] }) {
  const { values: v, errors: e } = props;
  return (
    <>
      <Select name="agencyId" label="主办单位" options={props.agencies} value={v.agencyId} errors={e} />
      <TextField name="title" label="访谈主题 *" values={v} errors={e} max={100} />
      <TextArea name="intro" label="访谈简介" values={v} errors={e} rows={4} max={5000} />
      <TextField name="startsAt" label="开始时间（北京时间）" values={v} errors={e} type="datetime-local" required />
      <TextField name="endsAt" label="结束时间（北京时间）" values={v} errors={e} type="datetime-local" required />
      <TextArea name="guests" label="访谈嘉宾（每行一位：姓名｜职务）" values={v} errors={e} rows={3} max={2000} />
    </>
  );
}

export function InterviewFormPage(props: {
  principal: Principal;
  csrf: string;
  agencies: [string, string][];
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  return (
    <AdminLayout title="新建在线访谈" principal={props.principal} csrf={props.csrf}>
      <p>
        <a href="/admin/interviews">← 在线访谈</a>
      </p>
      <h1>新建在线访谈</h1>
      <FormMessage message={props.message} />
      <form method="post" action="/admin/interviews" class="form-wide">
        <Csrf token={props.csrf} />
        <InterviewFields values={props.values} errors={props.errors} agencies={props.agencies} />
        <p>
          <button type="submit" class="btn">
            保存草稿
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}

export function InterviewAdminPage(props: {
  principal: Principal;
  csrf: string;
  o: OpenedInterview;
  agencies: [string, string][];
  draftValues: FormValues;
  publicPath: string;
  refused?: { form: string; values: FormValues; errors: FieldErrors; message: string };
  flash?: string;
}): JSX.Element {
  const { o, csrf } = props;
  const { i } = o;
  const base = `/admin/interviews/${i.id}`;
  const v = (form: string) => (props.refused?.form === form ? props.refused.values : {});
  const e = (form: string) => (props.refused?.form === form ? props.refused.errors : {});
  const editable = o.stage === 'draft' || o.stage === 'announced' || o.stage === 'live';
  const multipart = (action: string) => `${base}/${action}?_csrf=${encodeURIComponent(csrf)}`;
  const speakers: [string, string][] = [
    ['host', '主持人'],
    ...o.guests.map((g, n): [string, string] => [`g${n}`, g.title ? `${g.title} ${g.name}` : g.name]),
  ];
  return (
    <AdminLayout title={i.title} principal={props.principal} csrf={csrf} flash={props.flash}>
      <p>
        <a href="/admin/interviews">← 在线访谈</a>
      </p>
      <h1 safe>{i.title}</h1>
      <FormMessage message={props.refused?.message} />
      <table class="meta">
        <tbody>
          <tr>
            <th scope="row">状态</th>
            <td safe>{INTERVIEW_STAGES[o.stage]}</td>
          </tr>
          <tr>
            <th scope="row">访谈时间</th>
            <td safe>{`${fmtDateTime(i.starts_at)} 至 ${fmtDateTime(i.ends_at)}`}</td>
          </tr>
          <tr>
            <th scope="row">嘉宾</th>
            <td safe>
              {o.guests.map((g) => `${g.name}（${g.title}）${g.photo ? '' : '，无照片'}`).join('；') || '未填写'}
            </td>
          </tr>
          {i.withdrawn_reason ? (
            <tr>
              <th scope="row">撤回理由</th>
              <td safe>{i.withdrawn_reason}</td>
            </tr>
          ) : (
            ''
          )}
        </tbody>
      </table>
      {i.published_at && !i.withdrawn_reason ? (
        <p>
          <a href={props.publicPath}>在网站上查看</a>
        </p>
      ) : (
        ''
      )}

      {o.stage === 'live' && o.may.host ? (
        <section aria-labelledby="post-h" class="live-console">
          <h2 id="post-h">发布直播内容</h2>
          <form method="post" action={multipart('post')} enctype="multipart/form-data" class="form-wide">
            <Select
              name="speaker"
              label="发言人"
              options={speakers}
              value={v('post').speaker ?? ''}
              errors={e('post')}
            />
            <TextArea name="content" label="内容 *" values={v('post')} errors={e('post')} rows={5} max={5000} />
            <div class="field">
              <label for="f-image">图片（可选，PNG 或 JPEG）</label>
              <input type="file" id="f-image" name="image" accept=".png,.jpg,.jpeg" />
            </div>
            <p>
              <button type="submit" class="btn">
                发布
              </button>
            </p>
          </form>
          <ActionForm action={`${base}/end`} label="结束访谈" csrf={csrf} secondary>
            <p class="hint">结束后网站页面显示为文字实录，不再接收提问。</p>
          </ActionForm>
        </section>
      ) : (
        ''
      )}
      {o.stage === 'draft' && o.may.publish ? (
        <ActionForm action={`${base}/publish`} label="发布访谈预告" csrf={csrf}>
          <p class="hint">发布后预告在网站公开，网友即可提问。</p>
        </ActionForm>
      ) : (
        ''
      )}
      {o.stage === 'announced' && o.may.host ? (
        <ActionForm action={`${base}/start`} label="开始直播" csrf={csrf}>
          <p class="hint">开始后，在本页发布的内容即时出现在网站的访谈页面。</p>
        </ActionForm>
      ) : (
        ''
      )}

      <section aria-labelledby="questions-h">
        <h2 id="questions-h" safe>{`网友提问（${o.questions.length} 条）`}</h2>
        {o.questions.length ? (
          <ol class="comments">
            {o.questions.map((q) => (
              <li>
                <p class="muted" safe>
                  {`${q.name || '未署名'} · ${fmtDateTime(q.submitted_at)} · ${
                    q.state === 'pending'
                      ? '待审核'
                      : q.state === 'shown'
                        ? q.put
                          ? '已提出'
                          : '已采用'
                        : `不予采用：${q.hidden_reason}`
                  }`}
                </p>
                <Paragraphs text={q.content} />
                {q.state === 'pending' && o.may.moderate ? (
                  <form method="post" action={`${base}/questions/${q.id}/moderate`} class="inline-form">
                    <Csrf token={csrf} />
                    <TextField
                      name="reason"
                      label="不予采用的理由（不采用时填写）"
                      values={v(`moderate-${q.id}`)}
                      errors={e(`moderate-${q.id}`)}
                      max={200}
                    />
                    <button type="submit" name="show" value="1" class="btn">
                      采用
                    </button>{' '}
                    <button type="submit" name="show" value="0" class="btn secondary">
                      不予采用
                    </button>
                  </form>
                ) : (
                  ''
                )}
                {q.state === 'shown' && !q.put && o.stage === 'live' && o.may.host ? (
                  <form method="post" action={`${base}/questions/${q.id}/put`} class="inline-form">
                    <Csrf token={csrf} />
                    <button type="submit" class="btn">
                      向嘉宾提出此问题
                    </button>
                  </form>
                ) : (
                  ''
                )}
              </li>
            ))}
          </ol>
        ) : (
          <p>暂无网友提问。</p>
        )}
        {(o.stage === 'announced' || o.stage === 'live') && o.may.moderate ? (
          <ActionForm action={`${base}/ask`} label="登记其他渠道的提问" csrf={csrf} secondary>
            <p class="hint">通过热线电话、微信等渠道收到的提问在此登记，与网上提问一并审核。</p>
            <TextArea name="content" label="问题内容 *" values={v('ask')} errors={e('ask')} rows={3} max={1000} />
            <TextField name="name" label="提问人称呼（可选）" values={v('ask')} errors={e('ask')} max={30} />
          </ActionForm>
        ) : (
          ''
        )}
      </section>

      {o.stage === 'live' || o.stage === 'ended' || o.posts.length ? (
        <section aria-labelledby="stream-h">
          <h2 id="stream-h" safe>{`${o.stage === 'live' ? '直播内容' : '文字实录'}（${o.posts.length} 条）`}</h2>
          <ol class="stream">
            {o.posts.map((p) => (
              <li class={`post post-${p.role}`}>
                <p class="post-who">
                  <strong safe>{p.speaker}</strong>{' '}
                  <span class="muted" safe>
                    {fmtDateTime(p.posted_at)}
                  </span>
                </p>
                <Paragraphs text={p.content} />
                {p.image ? <p class="muted">（附图片）</p> : ''}
              </li>
            ))}
          </ol>
        </section>
      ) : (
        ''
      )}

      {o.stage === 'ended' && o.may.edit ? (
        <form method="post" action={`${base}/summary`} class="form-wide">
          <Csrf token={csrf} />
          <h2>访谈摘要和视频</h2>
          <TextArea
            name="summary"
            label="访谈摘要 *"
            values={{ summary: i.summary, ...v('summary') }}
            errors={e('summary')}
            rows={6}
            max={10_000}
          />
          <TextField
            name="videoUrl"
            label="视频地址（可选）"
            values={{ videoUrl: i.video_url, ...v('summary') }}
            errors={e('summary')}
            max={500}
          />
          <p>
            <button type="submit" class="btn">
              保存摘要
            </button>
          </p>
        </form>
      ) : (
        ''
      )}

      {editable && o.may.edit ? (
        <>
          <form method="post" action={base} class="form-wide">
            <Csrf token={csrf} />
            <h2>访谈信息</h2>
            <InterviewFields
              values={{ ...props.draftValues, ...v('save') }}
              errors={e('save')}
              agencies={props.agencies}
            />
            <p>
              <button type="submit" class="btn secondary">
                保存
              </button>
            </p>
          </form>
          {o.guests.length ? (
            <form method="post" action={multipart('photo')} enctype="multipart/form-data" class="form-wide">
              <h2>嘉宾照片</h2>
              <Select
                name="guest"
                label="嘉宾"
                options={o.guests.map((g, n): [string, string] => [String(n), g.name])}
                value={v('photo').guest ?? ''}
                errors={e('photo')}
              />
              <div class="field">
                <label for="f-photo">照片（PNG 或 JPEG）</label>
                <input type="file" id="f-photo" name="photo" accept=".png,.jpg,.jpeg" />
              </div>
              <p>
                <button type="submit" class="btn secondary">
                  上传照片
                </button>
              </p>
            </form>
          ) : (
            ''
          )}
        </>
      ) : (
        ''
      )}
      {i.published_at && !i.withdrawn_reason && o.may.withdraw ? (
        <ActionForm action={`${base}/withdraw`} label="撤回访谈" csrf={csrf} secondary>
          <TextField name="reason" label="撤回理由 *" values={v('withdraw')} errors={e('withdraw')} max={500} />
        </ActionForm>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}
