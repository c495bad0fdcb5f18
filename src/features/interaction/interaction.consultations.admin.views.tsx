/** The back office of 意见征集: the consultations, one consultation's form, its comments and its result. */
import type { Principal } from '../../core/access.ts';
import { fmtDateTime, fmtSize } from '../../web/format.ts';
import {
  ActionForm,
  Checkbox,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  optionsOf,
  Select,
  str,
  TextArea,
  TextField,
  UploadForm,
} from '../../web/forms.tsx';
import { Pager, Paragraphs } from '../../web/layout.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { ADOPTIONS, MIN_OPEN_DAYS, STAGE_LABELS, type Stage } from './interaction.consultations.rules.ts';
import type { OpenedConsultation } from './interaction.consultations.service.ts';

export function ConsultationsPage(props: {
  principal: Principal;
  csrf: string;
  rows: {
    id: number;
    title: string;
    agency: string;
    opens_on: string;
    closes_on: string;
    result_due_on: string | null;
    pending: number;
    stage: Stage;
  }[];
  total: number;
  page: number;
  pages: number;
  flash?: string;
}): JSX.Element {
  return (
    <AdminLayout title="意见征集" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>意见征集</h1>
      <p>
        {`起草单位发布征求意见稿（期限一般不少于 ${MIN_OPEN_DAYS} 日），审核群众意见后公开；期限届满后逐条标明采纳情况，并在规定期限内公布意见收集和采纳情况。`}
      </p>
      <p>
        <a class="btn" href="/admin/consultations/new">
          新建意见征集
        </a>
      </p>
      <p safe>{`共 ${props.total} 件`}</p>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">标题</th>
            <th scope="col">起草单位</th>
            <th scope="col">征求意见时间</th>
            <th scope="col">状态</th>
            <th scope="col">待审核意见</th>
            <th scope="col">结果公布期限</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td data-label="标题">
                <a href={`/admin/consultations/${r.id}`} safe>
                  {r.title}
                </a>
              </td>
              <td data-label="起草单位" safe>
                {r.agency}
              </td>
              <td data-label="征求意见时间" safe>{`${r.opens_on} 至 ${r.closes_on}`}</td>
              <td data-label="状态" safe>
                {STAGE_LABELS[r.stage]}
              </td>
              <td data-label="待审核意见" safe>
                {String(r.pending)}
              </td>
              <td data-label="结果公布期限">
                {r.stage === 'closed' || r.stage === 'open' ? <span safe>{r.result_due_on ?? ''}</span> : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={props.page} pages={props.pages} href={(p) => `/admin/consultations?page=${p}`} />
    </AdminLayout>
  );
}

/** The consultation's own fields: written while it is a draft. */
function ConsultationFields(props: {
  values: FormValues;
  errors: FieldErrors;
  agencies: [string, string][];
  /** The form takes a Word file too. */
  word?: boolean;
}) {
  const { values: v, errors: e } = props;
  return (
    <>
      <Select name="agencyId" label="起草单位" options={props.agencies} value={v.agencyId} errors={e} />
      <TextField
        name="title"
        label="标题 *"
        values={v}
        errors={e}
        max={100}
        hint={props.word ? '从 Word 导入时可留空，取文件的第一行' : undefined}
      />
      <TextArea
        name="draft"
        label="征求意见稿 *（每条以“第X条”开头的，群众可逐条提意见）"
        values={v}
        errors={e}
        rows={16}
        max={50_000}
      />
      <TextArea
        name="explanation"
        label="起草说明（依据、必要性和主要内容）"
        values={v}
        errors={e}
        rows={6}
        max={10_000}
      />
      <TextField name="opensOn" label="开始日期" values={v} errors={e} type="date" required />
      <TextField name="closesOn" label="截止日期" values={v} errors={e} type="date" required />
      <TextField
        name="shortReason"
        label="期限少于30日的理由"
        values={v}
        errors={e}
        max={500}
        hint="征求意见期限一般不少于30日，期限更短的须说明理由"
      />
      <Checkbox name="contactRequired" label="提意见须填写姓名和联系方式" checked={str(v.contactRequired) === 'on'} />
    </>
  );
}

export function ConsultationFormPage(props: {
  principal: Principal;
  csrf: string;
  agencies: [string, string][];
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  return (
    <AdminLayout title="新建意见征集" principal={props.principal} csrf={props.csrf}>
      <p>
        <a href="/admin/consultations">← 意见征集</a>
      </p>
      <h1>新建意见征集</h1>
      <FormMessage message={props.message} />
      <form
        method="post"
        action={`/admin/consultations?_csrf=${encodeURIComponent(props.csrf)}`}
        enctype="multipart/form-data"
        class="form-wide"
      >
        <Csrf token={props.csrf} />
        <div class="field">
          <label for="f-word">
            从 Word 导入征求意见稿（可选）<span class="hint"> .docx 文件，导入后代替下面填写的征求意见稿</span>
          </label>
          <input type="file" id="f-word" name="word" accept=".docx" />
        </div>
        <ConsultationFields values={props.values} errors={props.errors} agencies={props.agencies} word />
        <p>
          <button type="submit" class="btn">
            保存草稿
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}

export function ConsultationPage(props: {
  principal: Principal;
  csrf: string;
  o: OpenedConsultation;
  agencies: [string, string][];
  publicPath: string;
  /** A refused form: which, what it showed and why. */
  refused?: { form: string; values: FormValues; errors: FieldErrors; message: string };
  flash?: string;
}): JSX.Element {
  const { o, csrf } = props;
  const { c } = o;
  const base = `/admin/consultations/${c.id}`;
  const v = (form: string) => (props.refused?.form === form ? props.refused.values : {});
  const e = (form: string) => (props.refused?.form === form ? props.refused.errors : {});
  const draftValues: FormValues = {
    agencyId: String(c.agency_id),
    title: c.title,
    draft: c.draft,
    explanation: c.explanation,
    opensOn: c.opens_on,
    closesOn: c.closes_on,
    shortReason: c.short_reason,
    contactRequired: c.contact_required ? 'on' : '',
    ...v('save'),
  };
  const decided = o.stage === 'closed' || o.stage === 'open';
  return (
    <AdminLayout title={c.title} principal={props.principal} csrf={csrf} flash={props.flash}>
      <p>
        <a href="/admin/consultations">← 意见征集</a>
      </p>
      <h1 safe>{c.title}</h1>
      <FormMessage message={props.refused?.message} />
      <table class="meta">
        <tbody>
          <tr>
            <th scope="row">状态</th>
            <td safe>{STAGE_LABELS[o.stage]}</td>
          </tr>
          <tr>
            <th scope="row">征集时间</th>
            <td safe>{`${c.opens_on} 至 ${c.closes_on}`}</td>
          </tr>
          <tr>
            <th scope="row">结果期限</th>
            <td safe>{c.result_due_on ?? '发布时按截止日期计算'}</td>
          </tr>
          <tr>
            <th scope="row">意见</th>
            <td safe>
              {`共 ${o.comments.length} 条：待审核 ${o.pending} 条，采纳 ${o.counts.adopted}、部分采纳 ${o.counts.partly}、未采纳 ${o.counts.notAdopted}、未标明 ${o.counts.undecided - o.pending}`}
            </td>
          </tr>
          {c.withdrawn_reason ? (
            <tr>
              <th scope="row">撤回理由</th>
              <td safe>{c.withdrawn_reason}</td>
            </tr>
          ) : (
            ''
          )}
        </tbody>
      </table>
      {c.published_at && !c.withdrawn_reason ? (
        <p>
          <a href={props.publicPath}>在网站上查看</a>
        </p>
      ) : (
        ''
      )}

      {o.stage === 'draft' && o.may.edit ? (
        <form method="post" action={base} class="form-wide">
          <Csrf token={csrf} />
          <ConsultationFields values={draftValues} errors={e('save')} agencies={props.agencies} />
          <p>
            <button type="submit" class="btn secondary">
              保存草稿
            </button>
          </p>
        </form>
      ) : (
        <>
          <h2 safe>{`征求意见稿（${o.articles.length} 条）`}</h2>
          <details>
            <summary>查看全文</summary>
            <Paragraphs text={c.draft} />
          </details>
        </>
      )}
      {o.attachments.length || (o.stage === 'draft' && o.may.edit) ? (
        <section aria-labelledby="files">
          <h2 id="files" safe>{`附件（${o.attachments.length}）`}</h2>
          {o.attachments.length ? (
            <ul>
              {o.attachments.map((a) => (
                <li>
                  <a href={`${base}/files/${a.id}`} safe>
                    {a.filename}
                  </a>{' '}
                  <span class="muted" safe>{`（${fmtSize(Number(a.size))}）`}</span>
                  {o.stage === 'draft' && o.may.edit ? (
                    <form method="post" action={`${base}/files/${a.id}/remove`} class="inline-form">
                      <Csrf token={csrf} />
                      <button type="submit" class="btn secondary" aria-label={`删除附件 ${a.filename}`}>
                        删除
                      </button>
                    </form>
                  ) : (
                    ''
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <p>无附件。</p>
          )}
          {o.stage === 'draft' && o.may.edit ? (
            <UploadForm
              action={`${base}/files`}
              csrf={csrf}
              id="f-file"
              label="添加附件（PDF、Word、Excel 或图片，发布后不能再改）"
            />
          ) : (
            ''
          )}
        </section>
      ) : (
        ''
      )}
      {o.stage === 'draft' && o.may.publish ? (
        <ActionForm action={`${base}/publish`} label="发布征求意见" csrf={csrf}>
          <p class="hint">发布后即在网站公开（开始日期已过的，从今天起算），征求意见稿不能再修改。</p>
        </ActionForm>
      ) : (
        ''
      )}

      <h2>群众意见</h2>
      {o.comments.length ? (
        <ol class="comments">
          {o.comments.map((m) => (
            <li>
              <p class="muted" safe>
                {`${m.name || '未署名'}${m.contact ? `（${m.contact}）` : ''} · ${fmtDateTime(m.submitted_at)} · ${m.article ? `针对${m.article}` : '针对全文'} · ${m.state === 'pending' ? '待审核' : m.state === 'shown' ? '已公开' : `不予显示：${m.hidden_reason}`}${m.adoption ? ` · ${ADOPTIONS[m.adoption]}` : ''}`}
              </p>
              <Paragraphs text={m.content} />
              {m.adoption_reason ? <p safe>{`理由：${m.adoption_reason}`}</p> : ''}
              {m.state === 'pending' && o.may.moderate ? (
                <form method="post" action={`${base}/comments/${m.id}/moderate`} class="inline-form">
                  <Csrf token={csrf} />
                  <TextField
                    name="reason"
                    label="不予显示的理由（不公开时填写）"
                    values={v(`moderate-${m.id}`)}
                    errors={e(`moderate-${m.id}`)}
                    max={200}
                  />
                  <button type="submit" name="show" value="1" class="btn">
                    公开
                  </button>{' '}
                  <button type="submit" name="show" value="0" class="btn secondary">
                    不予显示
                  </button>
                </form>
              ) : (
                ''
              )}
              {m.state === 'shown' && decided && o.may.decide ? (
                <form method="post" action={`${base}/comments/${m.id}/decide`} class="inline-form">
                  <Csrf token={csrf} />
                  <Select
                    name="adoption"
                    label="采纳情况"
                    options={optionsOf(ADOPTIONS, '请选择')}
                    value={v(`decide-${m.id}`).adoption ?? m.adoption ?? ''}
                    errors={e(`decide-${m.id}`)}
                  />
                  <TextField
                    name="reason"
                    label="理由（未采纳或部分采纳的须填写）"
                    values={{ reason: v(`decide-${m.id}`).reason ?? m.adoption_reason }}
                    errors={e(`decide-${m.id}`)}
                    max={1000}
                  />
                  <button type="submit" class="btn secondary">
                    保存
                  </button>
                </form>
              ) : (
                ''
              )}
            </li>
          ))}
        </ol>
      ) : (
        <p>暂无意见。</p>
      )}

      {(o.stage === 'open' || o.stage === 'closed') && o.may.moderate ? (
        <ActionForm action={`${base}/register`} label="登记其他渠道收到的意见" csrf={csrf} secondary>
          <Select
            name="articleId"
            label="针对"
            options={[['', '征求意见稿全文'], ...o.articles.map((a): [string, string] => [String(a.id), a.heading])]}
            value={v('register').articleId}
            errors={e('register')}
          />
          <TextArea name="content" label="意见内容" values={v('register')} errors={e('register')} rows={4} max={2000} />
          <TextField name="name" label="提出人（可选）" values={v('register')} errors={e('register')} max={30} />
          <TextField
            name="contact"
            label="联系方式（可选，不公开）"
            values={v('register')}
            errors={e('register')}
            max={100}
          />
        </ActionForm>
      ) : (
        ''
      )}
      {o.stage === 'closed' && o.may.result ? (
        <ActionForm action={`${base}/result`} label="公布意见采纳情况" csrf={csrf}>
          <TextArea
            name="result"
            label="征求意见情况说明（收集情况、采纳情况和未采纳的理由）"
            values={v('result')}
            errors={e('result')}
            rows={8}
            max={10_000}
          />
        </ActionForm>
      ) : (
        ''
      )}
      {o.stage === 'result' ? (
        <section aria-labelledby="result">
          <h2 id="result">已公布的意见采纳情况</h2>
          <Paragraphs text={c.result} />
        </section>
      ) : (
        ''
      )}
      {c.published_at && !c.withdrawn_reason && o.may.link ? (
        <ActionForm action={`${base}/link`} label="关联正式文件" csrf={csrf} secondary>
          <p class="hint">
            {o.policy ? (
              <>
                已关联：<span safe>{o.policy}</span>
              </>
            ) : (
              '决策文件在本站公开后，填写其信息编号，公众可从征求意见页面找到正式文件。'
            )}
          </p>
          <TextField
            name="policyId"
            label="信息编号"
            values={v('link')}
            errors={e('link')}
            max={12}
            inputmode="numeric"
          />
        </ActionForm>
      ) : (
        ''
      )}
      {c.published_at && !c.withdrawn_reason && o.may.withdraw ? (
        <ActionForm action={`${base}/withdraw`} label="撤回" csrf={csrf} secondary>
          <TextField name="reason" label="撤回理由" values={v('withdraw')} errors={e('withdraw')} max={500} />
        </ActionForm>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}
