/** The back office of the mailbox: the letters to handle, and one letter with what the member may do with it. */
import { administersSite, type Principal } from '../../core/access.ts';
import type { LetterKind, LetterRating, LetterState } from '../../core/db.types.ts';
import { fmtDateTime } from '../../web/format.ts';
import {
  ActionForm,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  optionsOf,
  Select,
  TextArea,
  TextField,
  TrackingNumbers,
} from '../../web/forms.tsx';
import { Pager, Paragraphs } from '../../web/layout.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import {
  ACTION_LABELS,
  CLOSE_KINDS,
  LETTER_KINDS,
  LETTER_STATES,
  type LetterAction,
  RATINGS,
} from './interaction.letters.rules.ts';
import type { OpenedLetter } from './interaction.letters.service.ts';

export interface StaffLetterRow {
  id: number;
  tracking_no: string;
  kind: LetterKind;
  title: string;
  state: LetterState;
  submitted_at: Date;
  due_on: string | null;
  due_certain: boolean;
  rating: LetterRating | null;
  published_at: Date | null;
  mailbox: string;
  agency: string | null;
}

const STATE_FILTERS: [string, string][] = [
  ['open', '未办结'],
  ['overdue', '已超期'],
  ...Object.entries(LETTER_STATES),
  ['', '全部'],
];

/** The deadline in words (never colour alone). */
function Due(props: { due: string | null; certain: boolean; state: LetterState; today: string }): JSX.Element {
  if (!props.due || props.state === 'replied' || props.state === 'closed') return <span class="muted">—</span>;
  const late = props.due < props.today;
  return (
    <span class={late ? 'tag warn' : undefined} safe>
      {`${props.due}${late ? '（已超期）' : ''}${props.certain ? '' : '（期限待定）'}`}
    </span>
  );
}

export function LettersPage(props: {
  principal: Principal;
  csrf: string;
  rows: StaffLetterRow[];
  total: number;
  page: number;
  pages: number;
  today: string;
  filter: { state: string; agency?: number; no?: string };
  agencies: { id: number; name: string }[];
  query: (page: number) => string;
  counts: { open: number; triage: number; review: number; overdue: number; soon: number; stale: number };
  siteId: number;
}): JSX.Element {
  const c = props.counts;
  return (
    <AdminLayout title="来信办理" principal={props.principal} csrf={props.csrf}>
      <h1>来信办理</h1>
      <p>
        {administersSite(props.principal, props.siteId) ? (
          <>
            <a href="/admin/letters/new">登记来信</a> · <a href="/admin/letters/settings">信箱和期限设置</a> ·{' '}
          </>
        ) : (
          ''
        )}
        <a href="/admin/letters/canned">常用答复</a>
      </p>
      <p safe>
        {`未办结 ${c.open} 件：待分办 ${c.triage} 件，答复待审核 ${c.review} 件，两个工作日内到期 ${c.soon} 件，已超期 ${c.overdue} 件${c.stale ? `，超过三个月未答复 ${c.stale} 件（网站检查单项否决）` : ''}。`}
      </p>
      <form method="get" action="/admin/letters" class="filters">
        <Select name="state" label="状态" options={STATE_FILTERS} value={props.filter.state} errors={{}} />
        <Select
          name="agency"
          label="承办单位"
          options={[['', '全部'], ...props.agencies.map((a): [string, string] => [String(a.id), a.name])]}
          value={props.filter.agency ? String(props.filter.agency) : ''}
          errors={{}}
        />
        <TextField name="no" label="信件编号" values={{ no: props.filter.no }} errors={{}} max={40} />
        <button type="submit" class="btn secondary">
          筛选
        </button>
      </form>
      <p safe>{`共 ${props.total} 件`}</p>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">标题</th>
            <th scope="col">信件编号</th>
            <th scope="col">类型</th>
            <th scope="col">信箱</th>
            <th scope="col">承办单位</th>
            <th scope="col">状态</th>
            <th scope="col">答复期限</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td data-label="标题">
                <a href={`/admin/letters/${r.id}`} safe>
                  {r.title}
                </a>
              </td>
              <td data-label="信件编号" safe>
                {r.tracking_no}
              </td>
              <td data-label="类型" safe>
                {LETTER_KINDS[r.kind]}
              </td>
              <td data-label="信箱" safe>
                {r.mailbox}
              </td>
              <td data-label="承办单位" safe>
                {r.agency ?? '待分办'}
              </td>
              <td data-label="状态" safe>
                {`${LETTER_STATES[r.state]}${r.published_at ? '（已公开）' : ''}`}
              </td>
              <td data-label="答复期限">
                <Due due={r.due_on} certain={r.due_certain} state={r.state} today={props.today} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={props.page} pages={props.pages} href={props.query} />
    </AdminLayout>
  );
}

export function LetterPage(props: {
  principal: Principal;
  csrf: string;
  o: OpenedLetter;
  today: string;
  /** What a refused action's form showed, and its message. */
  refused?: { action: LetterAction; values: FormValues; errors: FieldErrors; message: string };
  flash?: string;
  /** A letter just registered by staff: its numbers, shown this once, to tell the writer. */
  registered?: { trackingNo: string; queryCode: string };
}): JSX.Element {
  const { o, csrf } = props;
  const l = o.letter;
  const has = (a: LetterAction) => o.actions.includes(a);
  const v = (a: LetterAction) => (props.refused?.action === a ? props.refused.values : {});
  const e = (a: LetterAction) => (props.refused?.action === a ? props.refused.errors : {});
  const agencyOptions = o.agencies.map((a): [string, string] => [String(a.id), a.name]);
  return (
    <AdminLayout title={l.title} principal={props.principal} csrf={csrf} flash={props.flash}>
      <p>
        <a href="/admin/letters">← 来信办理</a>
      </p>
      <h1 safe>{l.title}</h1>
      <FormMessage message={props.refused?.message} />
      {props.registered ? (
        <section aria-labelledby="numbers" class="notice-ok">
          <h2 id="numbers">请告知来信人</h2>
          <TrackingNumbers
            numberLabel="信件编号"
            trackingNo={props.registered.trackingNo}
            queryCode={props.registered.queryCode}
          />
          <p>查询码只显示这一次；来信人凭信件编号和查询码在网站“互动交流”查询办理进度和答复。</p>
        </section>
      ) : (
        ''
      )}
      <table class="meta">
        <tbody>
          <tr>
            <th scope="row">信件编号</th>
            <td safe>{l.tracking_no}</td>
          </tr>
          <tr>
            <th scope="row">信箱 / 类型</th>
            <td safe>{`${o.mailbox.name} / ${LETTER_KINDS[l.kind]}`}</td>
          </tr>
          <tr>
            <th scope="row">状态</th>
            <td safe>{`${LETTER_STATES[l.state]}${l.published_at ? '（已公开）' : ''}`}</td>
          </tr>
          <tr>
            <th scope="row">承办单位</th>
            <td safe>{o.agency || '待分办'}</td>
          </tr>
          <tr>
            <th scope="row">来信时间</th>
            <td safe>{fmtDateTime(l.submitted_at)}</td>
          </tr>
          <tr>
            <th scope="row">答复期限</th>
            <td>
              <Due due={l.due_on} certain={l.due_certain} state={l.state} today={props.today} />
              {l.extension_days ? `（已延期 ${l.extension_days} 个工作日）` : ''}
            </td>
          </tr>
          <tr>
            <th scope="row">来信人</th>
            <td safe>{`${l.writer_name}　${l.phone}　${l.email}`}</td>
          </tr>
          <tr>
            <th scope="row">同意公开</th>
            <td>{l.consent ? '是' : '否'}</td>
          </tr>
          {l.rating && (
            <tr>
              <th scope="row">来信人评价</th>
              <td safe>{`${RATINGS[l.rating]}${l.rating_comment ? `：${l.rating_comment}` : ''}`}</td>
            </tr>
          )}
        </tbody>
      </table>
      <h2>来信内容</h2>
      <Paragraphs text={l.content} />
      {o.attachments.length > 0 && (
        <ul>
          {o.attachments.map((a) => (
            <li>
              <a href={`/admin/letters/${l.id}/files/${a.id}`} safe>
                {a.filename}
              </a>
            </li>
          ))}
        </ul>
      )}
      {l.reply ? (
        <section aria-labelledby="sent">
          <h2 id="sent" safe>{`已发送的答复（${l.replied_on ?? ''}）`}</h2>
          <Paragraphs text={l.reply} />
          {o.faqId ? (
            <p>
              <a href={`/admin/faq/${o.faqId}`}>已转为常见问题</a>
            </p>
          ) : o.mayMakeFaq ? (
            <form method="post" action={`/admin/letters/${l.id}/faq`}>
              <Csrf token={csrf} />
              <button type="submit" class="btn secondary">
                转为常见问题
              </button>{' '}
              <span class="hint">以公开标题和这份答复生成问答草稿（去除个人信息），核对后发布。</span>
            </form>
          ) : (
            ''
          )}
        </section>
      ) : (
        ''
      )}
      {l.state === 'review' && (
        <section aria-labelledby="held">
          <h2 id="held">待审核的答复</h2>
          <Paragraphs text={l.draft} />
        </section>
      )}

      <h2>办理</h2>
      {!o.actions.length && <p>当前没有您可以执行的操作。</p>}
      {has('assign') && (
        <ActionForm action={`/admin/letters/${l.id}/assign`} label={ACTION_LABELS.assign} csrf={csrf}>
          <Select
            name="agencyId"
            label="承办单位"
            options={[['', '请选择'], ...agencyOptions]}
            value={v('assign').agencyId}
            errors={e('assign')}
          />
        </ActionForm>
      )}
      {(has('reply') || has('draft')) && (
        <>
          {o.canned.length > 0 && (
            <details>
              <summary>常用答复（选用后可在下面修改）</summary>
              {o.canned.map((c) => (
                <form method="post" action={`/admin/letters/${l.id}/draft`} class="canned">
                  <Csrf token={csrf} />
                  <h3 safe>{c.title}</h3>
                  <Paragraphs text={c.body} />
                  <input type="hidden" name="reply" value={c.body} />
                  <button type="submit" class="btn secondary">
                    选用此答复
                  </button>
                </form>
              ))}
            </details>
          )}
          <form method="post" action={`/admin/letters/${l.id}/reply`} class="action-form form-wide">
            <Csrf token={csrf} />
            <fieldset>
              <legend>答复</legend>
              <TextArea
                name="reply"
                label={o.reviewed ? '答复内容（提交后由审核人审核再发送）' : '答复内容（提交后即发送给来信人）'}
                values={{ reply: v('reply').reply ?? v('draft').reply ?? l.draft }}
                errors={{ ...e('reply'), ...e('draft') }}
                rows={8}
                max={5000}
              />
              <button type="submit" class="btn" safe>
                {o.reviewed ? '提交审核' : ACTION_LABELS.reply}
              </button>{' '}
              <button type="submit" class="btn secondary" formaction={`/admin/letters/${l.id}/draft`} safe>
                {ACTION_LABELS.draft}
              </button>
            </fieldset>
          </form>
        </>
      )}
      {has('approve') && (
        <ActionForm action={`/admin/letters/${l.id}/approve`} label={ACTION_LABELS.approve} csrf={csrf} />
      )}
      {has('return') && (
        <ActionForm action={`/admin/letters/${l.id}/return`} label={ACTION_LABELS.return} csrf={csrf} secondary>
          <TextField name="reason" label="退回理由" values={v('return')} errors={e('return')} max={500} />
        </ActionForm>
      )}
      {has('transfer') && (
        <ActionForm action={`/admin/letters/${l.id}/transfer`} label={ACTION_LABELS.transfer} csrf={csrf} secondary>
          <Select
            name="agencyId"
            label="转至"
            options={[['', '请选择'], ...agencyOptions]}
            value={v('transfer').agencyId}
            errors={e('transfer')}
          />
          <TextField name="reason" label="转办理由" values={v('transfer')} errors={e('transfer')} max={500} />
        </ActionForm>
      )}
      {has('extend') && (
        <ActionForm action={`/admin/letters/${l.id}/extend`} label={ACTION_LABELS.extend} csrf={csrf} secondary>
          <TextField
            name="days"
            label="延长工作日数"
            values={v('extend')}
            errors={e('extend')}
            max={2}
            inputmode="numeric"
          />
          <TextField name="reason" label="延期理由" values={v('extend')} errors={e('extend')} max={500} />
        </ActionForm>
      )}
      {has('close') && (
        <ActionForm action={`/admin/letters/${l.id}/close`} label={ACTION_LABELS.close} csrf={csrf} secondary>
          <Select
            name="closedKind"
            label="办结原因"
            options={optionsOf(CLOSE_KINDS, '请选择')}
            value={v('close').closedKind}
            errors={e('close')}
          />
          <TextField
            name="mergedInto"
            label="重复的信件编号（重复来信时填写）"
            values={v('close')}
            errors={e('close')}
            max={40}
          />
          <TextField name="reason" label="说明" values={v('close')} errors={e('close')} max={500} />
        </ActionForm>
      )}
      {has('publish') && (
        <ActionForm action={`/admin/letters/${l.id}/publish`} label={ACTION_LABELS.publish} csrf={csrf}>
          <p class="hint">公开的标题、内容和答复已去除身份证号、手机号码、来信人姓名和联系方式，请核对后公开。</p>
          <TextField
            name="title"
            label="公开标题"
            values={{ title: v('publish').title ?? o.suggested.title }}
            errors={e('publish')}
            max={60}
          />
          <TextArea
            name="content"
            label="公开内容"
            values={{ content: v('publish').content ?? o.suggested.content }}
            errors={e('publish')}
            rows={8}
            max={3000}
          />
          <TextArea
            name="reply"
            label="公开的答复"
            values={{ reply: v('publish').reply ?? o.suggested.reply }}
            errors={e('publish')}
            rows={6}
            max={5000}
          />
        </ActionForm>
      )}
      {has('unpublish') && (
        <ActionForm action={`/admin/letters/${l.id}/unpublish`} label={ACTION_LABELS.unpublish} csrf={csrf} secondary>
          <TextField name="reason" label="撤销理由" values={v('unpublish')} errors={e('unpublish')} max={500} />
        </ActionForm>
      )}

      <h2>办理记录</h2>
      <ol class="steps">
        {o.events.map((ev) => (
          <li safe>
            {`${ev.on_date} ${ev.actor_name || (ev.kind === 'replied' ? '系统' : '来信人')} ${ev.kind in ACTION_LABELS ? ACTION_LABELS[ev.kind as LetterAction] : (STEP_LABELS[ev.kind] ?? ev.kind)}${ev.note ? `：${ev.note}` : ''}`}
          </li>
        ))}
      </ol>
    </AdminLayout>
  );
}

const STEP_LABELS: Record<string, string> = {
  submitted: '提交来信',
  replied: '答复已发送',
  rated: '评价答复',
  reopened: '请求重新办理',
};
