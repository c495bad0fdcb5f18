import { Html } from '@kitajs/html';
/** The staff side of 依申请公开: one case's page, with the form of each action, and the letters it prints. */
import type { Principal } from '../../core/access.ts';
import { paragraphsOf } from '../../core/text.ts';
import { fmtSize } from '../../web/format.ts';
import {
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  Select,
  TextArea,
  TextField,
  UploadForm,
} from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { Left } from './requests.cases.views.tsx';
import { LETTER_TITLE, NOTICE_TITLES, type NoticeKind } from './requests.letters.ts';
import { type CaseAction, OUTCOME_GROUPS, OUTCOMES, STAGE_LABELS, workdaysLeft } from './requests.rules.ts';
import {
  APPEAL_KINDS,
  APPEAL_RESULTS,
  APPLICANT_TYPES,
  CHANNELS,
  DELIVERIES,
  FORMS_WANTED,
  ID_TYPES,
} from './requests.schema.ts';
import type { openCase } from './requests.service.ts';

type Case = Awaited<ReturnType<typeof openCase>>;

const EVENT_LABELS: Record<string, string> = {
  submitted: '网上提交',
  registered: '登记',
  received: '确认收到申请',
  routed: '转办',
  amendment_requested: '发出补正通知',
  amendment_received: '收到补正',
  consultation_sent: '发出征求意见',
  consultation_answered: '收到征求意见答复',
  extended: '批准延期',
  fee_notified: '发出收费通知',
  fee_paid: '缴纳费用',
  decided: '作出决定',
  reply_sent: '送达答复',
  closed: '办结',
  appeal: '登记复议诉讼',
};

const ACTION_LABELS: Record<CaseAction, string> = {
  confirm_receipt: '确认收到申请',
  route: '转其他机构办理',
  request_amendment: '要求补正',
  receive_amendment: '登记收到补正',
  send_consultation: '征求第三方或其他机关意见',
  answer_consultation: '登记征求意见答复',
  extend: '批准延期答复',
  notify_fee: '发出收费通知',
  record_fee_paid: '登记已缴费',
  decide: '作出决定',
  send_reply: '送达答复',
  close: '办结',
  add_appeal: '登记行政复议或诉讼',
};

function DateField(props: { name?: string; label: string; value: string; errors: FieldErrors }): JSX.Element {
  return (
    <TextField
      name={props.name ?? 'on'}
      label={props.label}
      type="date"
      values={{ [props.name ?? 'on']: props.value }}
      errors={props.errors}
      required
    />
  );
}

/** The form of one action; refused input comes back into the same form with its messages. */
function ActionForm(props: {
  c: Case;
  action: CaseAction;
  csrf: string;
  refused?: { action: string; values: FormValues; errors: FieldErrors };
}): JSX.Element {
  const { c, action } = props;
  const mine = props.refused?.action === action ? props.refused : undefined;
  const v: FormValues = mine?.values ?? { on: c.today };
  const e = mine?.errors ?? {};
  const openRefs = [
    ...new Set(
      c.events
        .filter((x) => x.kind === 'consultation_sent')
        .map((x) => x.ref)
        .filter(
          (ref) =>
            c.events.filter((x) => x.kind === 'consultation_sent' && x.ref === ref).length >
            c.events.filter((x) => x.kind === 'consultation_answered' && x.ref === ref).length,
        ),
    ),
  ];
  const body: Record<CaseAction, () => JSX.Element> = {
    confirm_receipt: () => <DateField label="收到申请日期（双方确认之日）" value={String(v.on ?? '')} errors={e} />,
    route: () => (
      <>
        <Select
          name="agencyId"
          label="转至机构"
          options={c.agencies.filter((a) => a.id !== c.agency.id).map((a): [string, string] => [String(a.id), a.name])}
          value={v.agencyId}
          errors={e}
        />
        <TextField name="note" label="转办说明" values={v} errors={e} required max={500} />
      </>
    ),
    request_amendment: () => (
      <>
        <DateField label="补正通知日期" value={String(v.on ?? '')} errors={e} />
        <TextArea name="note" label="需要补正的事项（一次性告知）" values={v} errors={e} max={2000} />
      </>
    ),
    receive_amendment: () => (
      <>
        <DateField label="收到补正日期（答复期限自此重新计算）" value={String(v.on ?? '')} errors={e} />
        <TextArea name="note" label="补正内容" values={v} errors={e} max={2000} />
      </>
    ),
    send_consultation: () => (
      <>
        <DateField label="发出日期" value={String(v.on ?? '')} errors={e} />
        <Select
          name="party"
          label="征求意见对象"
          options={[
            ['third_party', '第三方（第三十二条）'],
            ['agency', '其他机关（第三十四条）'],
          ]}
          value={v.party}
          errors={e}
        />
        <TextField name="ref" label="对象名称" values={v} errors={e} required max={100} />
        <TextArea name="note" label="征求意见内容" values={v} errors={e} max={2000} />
      </>
    ),
    answer_consultation: () => (
      <>
        <DateField label="收到答复日期" value={String(v.on ?? '')} errors={e} />
        <Select
          name="ref"
          label="征求意见对象"
          options={openRefs.map((r): [string, string] => [r, r])}
          value={v.ref}
          errors={e}
        />
        <Select
          name="answer"
          label="答复意见"
          options={[
            ['agree', '同意公开'],
            ['disagree', '不同意公开'],
            ['no_reply', '逾期未答复'],
          ]}
          value={v.answer}
          errors={e}
        />
        <TextArea name="note" label="答复内容" values={v} errors={e} max={2000} />
      </>
    ),
    extend: () => (
      <>
        <DateField label="批准日期" value={String(v.on ?? '')} errors={e} />
        <TextField
          name="workdays"
          label="延长工作日数"
          type="number"
          values={v}
          errors={e}
          required
          hint={`最多还可延长 ${20 - c.state.extension} 个工作日`}
        />
        <TextArea name="note" label="延期理由" values={v} errors={e} max={1000} />
      </>
    ),
    notify_fee: () => (
      <>
        <DateField label="收费通知日期" value={String(v.on ?? '')} errors={e} />
        <Select
          name="method"
          label="计费方式（只能选一种）"
          options={[
            ['count', '按件计收（同一申请人本月申请件数）'],
            ['pages', '按量计收（页数）'],
          ]}
          value={v.method}
          errors={e}
        />
        <TextField name="pages" label="页数（按量计收时填写）" type="number" values={v} errors={e} />
        <TextArea name="note" label="说明" values={v} errors={e} max={1000} />
      </>
    ),
    record_fee_paid: () => <DateField label="缴费日期" value={String(v.on ?? '')} errors={e} />,
    decide: () => (
      <>
        <DateField label="决定日期" value={String(v.on ?? '')} errors={e} />
        <div class="field">
          <label for={`f-outcome-${action}`}>办理结果（年度报告表三的类别）</label>
          <select id={`f-outcome-${action}`} name="outcome">
            {OUTCOME_GROUPS.map((g) => (
              <optgroup label={g.label}>
                {g.outcomes
                  .filter((o) => c.outcomes.includes(o.code))
                  .map((o) => (
                    <option value={o.code} selected={v.outcome === o.code} safe>
                      {o.label}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </div>
        <TextArea name="reason" label="理由（写入告知书）" values={v} errors={e} max={2000} />
        <TextField name="basis" label="法律依据（留空则按结果自动填写）" values={v} errors={e} max={500} />
        <TextField
          name="publicationId"
          label="已主动公开信息的编号（予以公开且已主动公开时填写）"
          values={v}
          errors={e}
          max={12}
        />
      </>
    ),
    send_reply: () => (
      <>
        <DateField label="答复日期" value={String(v.on ?? '')} errors={e} />
        <Select
          name="method"
          label="送达方式"
          options={Object.entries(DELIVERIES)}
          value={v.method ?? c.request.delivery}
          errors={e}
        />
        <TextArea
          name="letter"
          label={`${LETTER_TITLE}（可修改，段落之间空一行）`}
          values={{ letter: v.letter ?? c.request.reply_text }}
          errors={e}
          rows={16}
          max={20000}
        />
      </>
    ),
    close: () => <TextField name="note" label="办结说明" values={v} errors={e} max={500} />,
    add_appeal: () => (
      <>
        <Select name="kind" label="类别" options={Object.entries(APPEAL_KINDS)} value={v.kind} errors={e} />
        <DateField name="filedOn" label="申请复议或起诉日期" value={String(v.filedOn ?? c.today)} errors={e} />
        <Select
          name="result"
          label="结果"
          options={Object.entries(APPEAL_RESULTS)}
          value={v.result ?? 'pending'}
          errors={e}
        />
        <TextField name="concludedOn" label="审结日期（已审结时填写）" type="date" values={v} errors={e} />
        <TextArea name="note" label="说明" values={v} errors={e} max={1000} />
      </>
    ),
  };
  return (
    <details class="action" open={mine !== undefined || action === 'send_reply' || undefined}>
      <summary safe>{ACTION_LABELS[action]}</summary>
      <form method="post" action={`/admin/requests/${c.request.id}/${action}`}>
        <Csrf token={props.csrf} />
        {body[action]()}
        <button type="submit" class="btn">
          {Html.escapeHtml(ACTION_LABELS[action])}
        </button>
      </form>
    </details>
  );
}

/**
 * The files disclosed with the reply: added between the decision and the reply's delivery, then sent with it (by
 * e-mail when the applicant gave an address, and on the applicant's status page).
 */
function ReplyFiles({ c, csrf }: { c: Case; csrf: string }): JSX.Element {
  const r = c.request;
  const files = c.attachments.filter((a) => a.kind === 'reply');
  return (
    <>
      <h3 id="reply-files-h">随答复提供的政府信息</h3>
      {files.length === 0 && <p class="muted">{c.replyFilesOpen ? '尚未添加文件。' : '无。'}</p>}
      {files.length > 0 && (
        <ul aria-labelledby="reply-files-h">
          {files.map((a) => (
            <li>
              <a href={`/admin/requests/${r.id}/files/${a.id}`} safe>
                {a.filename}
              </a>{' '}
              <span class="muted" safe>{`（${fmtSize(Number(a.size))}）`}</span>
              {c.replyFilesOpen && (
                <form method="post" action={`/admin/requests/${r.id}/reply-files/${a.id}/delete`} class="inline-form">
                  <Csrf token={csrf} />
                  <button class="btn secondary" type="submit" aria-label={`删除文件 ${a.filename}`}>
                    删除
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {c.replyFilesOpen && (
        <UploadForm
          action={`/admin/requests/${r.id}/reply-files`}
          csrf={csrf}
          id="reply-file"
          label="添加文件（PDF、Word、Excel、图片）；送达答复时随告知书发送给申请人"
        />
      )}
    </>
  );
}

export function CasePage(props: {
  principal: Principal;
  csrf: string;
  c: Case;
  flash?: string;
  refused?: { action: string; values: FormValues; errors: FieldErrors; message: string };
}): JSX.Element {
  const { c } = props;
  const r = c.request;
  const clock = c.clock;
  const person = r.applicant_type === 'person';
  const proofs = c.attachments.filter((a) => a.kind === 'proof');
  const rows: [string, string][] = [
    ['申请编号', r.tracking_no],
    ['承办机构', c.agency.name],
    ['申请渠道', CHANNELS[r.channel].label],
    ['申请人类型', APPLICANT_TYPES[r.applicant_type]],
    [person ? '姓名' : '名称', r.applicant_name],
    ...(person
      ? ([['证件', `${r.id_type ? ID_TYPES[r.id_type] : ''} ${r.id_number}`]] as [string, string][])
      : ([
          ['统一社会信用代码', r.org_code],
          ['联系人', r.contact_name],
        ] as [string, string][])),
    ['联系电话', r.phone],
    ['电子邮箱', r.email],
    ['通信地址', `${r.address} ${r.postcode}`],
    ['所需信息', r.description],
    ['载体形式 / 获取方式', `${FORMS_WANTED[r.form_wanted]} / ${DELIVERIES[r.delivery]}`],
    ['减免费用', r.fee_waiver_requested ? `申请减免：${r.fee_waiver_reason}` : '未申请'],
  ];
  return (
    <AdminLayout title={`申请 ${r.tracking_no}`} principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1 safe>{`申请 ${r.tracking_no}：${STAGE_LABELS[r.stage]}`}</h1>
      <FormMessage message={props.refused?.message} />
      <section aria-labelledby="clock-h">
        <h2 id="clock-h">答复期限</h2>
        {!clock ? (
          <p>尚未确认收到申请，答复期限自收到申请之日起计算。</p>
        ) : (
          <ul>
            <li
              safe
            >{`计算起点：${clock.start}（${c.state.amendmentReceived ? '收到补正之日' : '收到申请之日'}，当日不计）`}</li>
            <li>
              {clock.due ? (
                <>
                  <span safe>{`应于 ${clock.due} 前答复（${clock.limit} 个工作日）`}</span>{' '}
                  {r.reply_sent_on ? (
                    ''
                  ) : (
                    <Left left={workdaysLeft(c.calendar, c.today, clock.due)} certain={clock.certain} />
                  )}
                </>
              ) : (
                <span
                  safe
                >{`计时暂停：${{ amendment: '等待补正', consultation: '征求意见期间不计入', fee: '收费通知至缴费期间不计入' }[clock.stopped ?? 'amendment']}`}</span>
              )}
            </li>
            {!clock.certain && (
              <li class="banner">
                暂定期限：期限跨入尚未公布放假安排的年度，已按法定节假日（含农历节日及补假）推算，但不含调休；请在工作日历中录入该年度安排，期限将自动重新计算。
              </li>
            )}
            {!!clock.amendmentNoticeDue && !c.state.amendmentAsked && !r.outcome && (
              <li safe>{`如需补正，应于 ${clock.amendmentNoticeDue} 前一次性告知`}</li>
            )}
            {clock.consultationsDue.map((x) => (
              <li safe>{`征求“${x.ref}”意见，答复期限 ${x.due}`}</li>
            ))}
            {!!clock.amendmentDue &&
              (c.today > clock.amendmentDue ? (
                <li
                  class="banner"
                  safe
                >{`补正期限已于 ${clock.amendmentDue} 届满。申请人无正当理由逾期不补正的，可作出“逾期不补正、不再处理”的决定。`}</li>
              ) : (
                <li safe>{`申请人应于 ${clock.amendmentDue} 前补正`}</li>
              ))}
            {!!clock.feeDue &&
              (c.today > clock.feeDue ? (
                <li
                  class="banner"
                  safe
                >{`缴费期限已于 ${clock.feeDue} 届满。申请人逾期未缴纳信息处理费的，可作出“逾期未缴费、不再处理”的决定。`}</li>
              ) : (
                <li safe>{`信息处理费 ${r.fee_amount ?? ''} 元应于 ${clock.feeDue} 前缴纳`}</li>
              ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="who-h">
        <h2 id="who-h">申请信息</h2>
        <table class="meta">
          <tbody>
            {rows.map(([k, v]) => (
              <tr>
                <th scope="row" safe>
                  {k}
                </th>
                <td safe>{v}</td>
              </tr>
            ))}
            {proofs.map((a) => (
              <tr>
                <th scope="row">身份证明材料</th>
                <td>
                  <a href={`/admin/requests/${r.id}/files/${a.id}`} safe>
                    {a.filename}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {!!r.outcome && (
        <section aria-labelledby="decision-h">
          <h2 id="decision-h">办理结果</h2>
          <p
            safe
          >{`${OUTCOMES.get(r.outcome)?.groupLabel ?? ''} ${OUTCOMES.get(r.outcome)?.label ?? r.outcome}（${r.decided_on}）`}</p>
          <p>
            <a href={`/admin/requests/${r.id}/letter`}>打印告知书</a> ·{' '}
            <a href={`/admin/requests/${r.id}/letter.docx`}>下载 Word</a>
          </p>
          <ReplyFiles c={c} csrf={props.csrf} />
        </section>
      )}
      <section aria-labelledby="actions-h">
        <h2 id="actions-h">办理</h2>
        {c.actions.length === 0 && <p>当前没有可执行的操作。</p>}
        {c.actions.map((a) => (
          <ActionForm c={c} action={a} csrf={props.csrf} refused={props.refused} />
        ))}
        <form method="post" action={`/admin/requests/${r.id}/reset-code`} class="inline-form">
          <Csrf token={props.csrf} />
          <button type="submit" class="btn secondary">
            重新生成查询码
          </button>
        </form>
      </section>
      <section aria-labelledby="log-h">
        <h2 id="log-h">办理记录</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">日期</th>
              <th scope="col">环节</th>
              <th scope="col">说明</th>
              <th scope="col">经办人</th>
            </tr>
          </thead>
          <tbody>
            {c.events.map((e) => (
              <tr>
                <td safe>{e.on_date}</td>
                <td
                  safe
                >{`${EVENT_LABELS[e.kind] ?? e.kind}${e.ref ? `（${e.ref}）` : ''}${e.workdays ? ` ${e.workdays} 个工作日` : ''}`}</td>
                <td>
                  <span safe>{e.note}</span>
                  {Object.hasOwn(NOTICE_TITLES, e.kind) && (
                    <span class="notice-links">
                      {' '}
                      <a href={`/admin/requests/${r.id}/notices/${e.id}`} safe>
                        {`打印${NOTICE_TITLES[e.kind as NoticeKind]}`}
                      </a>
                      {' · '}
                      <a href={`/admin/requests/${r.id}/notices/${e.id}/notice.docx`}>下载 Word</a>
                    </span>
                  )}
                </td>
                <td safe>{e.actor_name || '申请人'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {c.appeals.length > 0 && (
        <section aria-labelledby="appeal-h">
          <h2 id="appeal-h">行政复议、行政诉讼</h2>
          <ul>
            {c.appeals.map((a) => (
              <li
                safe
              >{`${APPEAL_KINDS[a.kind]}：${a.filed_on} 提起，${APPEAL_RESULTS[a.result]}${a.concluded_on ? `（${a.concluded_on} 审结）` : ''} ${a.note}`}</li>
            ))}
          </ul>
        </section>
      )}
    </AdminLayout>
  );
}

/** The letter alone, for printing (the print stylesheet hides nothing here: it is all letter). */
export function LetterPage(props: { title: string; trackingNo: string; text: string }): JSX.Element {
  const paras = paragraphsOf(props.text);
  return (
    <>
      {'<!doctype html>'}
      <html lang="zh-CN">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${props.title} ${props.trackingNo}`}</title>
          <link rel="stylesheet" href="/static/site.css" />
        </head>
        <body>
          <main id="main" class="letter-page">
            <h1 safe>{props.title}</h1>
            <p class="letter-no" safe>
              {props.trackingNo}
            </p>
            {paras.map((p, i) => (
              <p class={i >= paras.length - 2 ? 'letter-sign' : i === 0 ? 'letter-to' : undefined} safe>
                {p}
              </p>
            ))}
          </main>
        </body>
      </html>
    </>
  );
}
