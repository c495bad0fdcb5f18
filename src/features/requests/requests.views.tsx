/** The public side of 依申请公开: the application form, the receipt, and the status page. */
import type { Challenge } from '../../core/captcha.ts';
import { paragraphsOf } from '../../core/text.ts';
import { fmtSize } from '../../web/format.ts';
import {
  CaptchaFields,
  Checkbox,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  OptionalFile,
  optionsOf as options,
  Select,
  str,
  TextArea,
  TextField,
  TrackingLookup,
  TrackingNumbers,
} from '../../web/forms.tsx';
import { Layout, type PageCtx } from '../../web/layout.tsx';
import { APPLICANT_TYPES, DELIVERIES, FORMS_WANTED, ID_TYPES } from './requests.schema.ts';

const crumbs = (ctx: PageCtx, label: string) => [{ href: `${ctx.base}/apply`, label: '依申请公开' }, { label }];

export function ApplyPage(props: {
  ctx: PageCtx;
  csrf: string;
  agencies: { id: number; name: string }[];
  challenge: Challenge;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  maxFileMb: number;
  /** A file was chosen but the form came back: it must be chosen again. */
  fileDropped?: boolean;
}): JSX.Element {
  const { ctx, values: v, errors: e } = props;
  return (
    <Layout ctx={ctx} title="政府信息公开申请" crumbs={crumbs(ctx, '在线申请')}>
      <h1>政府信息公开申请</h1>
      <p>
        公民、法人或者其他组织可以向行政机关申请获取政府信息。行政机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起
        20 个工作日内答复，需要延长的，延长期限最长不超过 20 个工作日。
        <a href={`${ctx.base}/apply/status`}>查询已提交的申请</a>
      </p>
      <FormMessage message={props.message} />
      <form
        method="post"
        action={`${ctx.base}/apply?_csrf=${encodeURIComponent(props.csrf)}`}
        enctype="multipart/form-data"
        class="form-wide"
      >
        <Csrf token={props.csrf} />
        <fieldset>
          <legend>受理机构</legend>
          <Select
            name="agencyId"
            label="向哪个机关申请 *"
            options={[['', '请选择'], ...props.agencies.map((a): [string, string] => [String(a.id), a.name])]}
            value={v.agencyId}
            errors={e}
          />
        </fieldset>
        <fieldset>
          <legend>申请人信息</legend>
          <Select
            name="applicantType"
            label="申请人类型 *"
            options={options(APPLICANT_TYPES)}
            value={v.applicantType ?? 'person'}
            errors={e}
          />
          <TextField
            name="name"
            label="姓名或名称"
            values={v}
            errors={e}
            required
            max={100}
            autocomplete="name"
            hint="自然人填写姓名；法人或其他组织填写单位全称"
          />
          <TextField
            name="phone"
            label="联系电话"
            values={v}
            errors={e}
            required
            max={20}
            type="tel"
            autocomplete="tel"
          />
          <TextField
            name="email"
            label="电子邮箱"
            values={v}
            errors={e}
            max={100}
            type="email"
            autocomplete="email"
            hint="填写后，回执和办理进度将发送到此邮箱"
          />
          <TextField name="address" label="通信地址" values={v} errors={e} max={200} autocomplete="street-address" />
          <TextField name="postcode" label="邮政编码" values={v} errors={e} max={6} autocomplete="postal-code" />
        </fieldset>
        <fieldset>
          <legend>自然人填写</legend>
          <Select
            name="idType"
            label="证件类型"
            options={options(ID_TYPES, '请选择')}
            value={v.idType ?? 'resident_id'}
            errors={e}
          />
          <TextField
            name="idNumber"
            label="证件号码"
            values={v}
            errors={e}
            max={30}
            autocomplete="off"
            hint="居民身份证号码为 18 位"
          />
        </fieldset>
        <fieldset>
          <legend>法人或其他组织填写</legend>
          <TextField name="orgCode" label="统一社会信用代码" values={v} errors={e} max={18} autocomplete="off" />
          <TextField name="contactName" label="联系人姓名" values={v} errors={e} max={50} />
        </fieldset>
        <fieldset>
          <legend>所需信息</legend>
          <TextArea
            name="description"
            label="所需政府信息的名称、文号或者便于查询的其他特征性描述 *"
            values={v}
            errors={e}
            rows={6}
            max={2000}
          />
          <Select
            name="formWanted"
            label="获取信息的载体形式 *"
            options={options(FORMS_WANTED)}
            value={v.formWanted ?? 'electronic'}
            errors={e}
          />
          <Select
            name="delivery"
            label="获取信息的方式 *"
            options={options(DELIVERIES)}
            value={v.delivery ?? 'email'}
            errors={e}
          />
          <Checkbox name="feeWaiver" label="申请减免信息处理费" checked={str(v.feeWaiver) === 'on'} />
          <TextField name="feeWaiverReason" label="减免理由" values={v} errors={e} max={500} />
          <OptionalFile name="proof" label="身份证明材料" maxFileMb={props.maxFileMb} dropped={props.fileDropped} />
        </fieldset>
        <CaptchaFields challenge={props.challenge} errors={e} />
        <p>
          <button type="submit" class="btn">
            提交申请
          </button>
        </p>
      </form>
    </Layout>
  );
}

/** Shown once after submission: the tracking number and the query code (the code is never shown again). */
export function ReceiptPage(props: {
  ctx: PageCtx;
  trackingNo: string;
  queryCode: string;
  agency: string;
  /** The receipt goes by e-mail too: an address was given and the site sends mail. */
  mailed: boolean;
}): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="申请已提交" crumbs={crumbs(ctx, '申请回执')}>
      <h1>申请已提交</h1>
      <p class="notice-ok" role="status" safe>{`您向${props.agency}提出的政府信息公开申请已提交。`}</p>
      <TrackingNumbers numberLabel="申请编号" trackingNo={props.trackingNo} queryCode={props.queryCode} />
      <p>
        请记下申请编号和查询码（可打印本页），凭二者查询办理进度和答复。离开或刷新本页后，查询码不再显示。
        {props.mailed ? '回执将发送到您填写的电子邮箱。' : ''}
      </p>
      <p>受理机构确认收到申请后，自收到之日起计算答复期限（20 个工作日）。</p>
      <p>
        <a class="btn secondary" href={`${ctx.base}/apply/status`}>
          查询办理进度
        </a>
      </p>
    </Layout>
  );
}

export function StatusLookupPage(props: {
  ctx: PageCtx;
  csrf: string;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="查询申请办理进度" crumbs={crumbs(ctx, '进度查询')}>
      <h1>查询申请办理进度</h1>
      <FormMessage message={props.message} />
      <TrackingLookup
        action={`${ctx.base}/apply/status`}
        csrf={props.csrf}
        numberLabel="申请编号"
        values={props.values}
        errors={props.errors}
      />
      <p>
        <a href={`${ctx.base}/apply`}>提交新的申请</a>
      </p>
    </Layout>
  );
}

export function StatusPage(props: {
  ctx: PageCtx;
  s: {
    trackingNo: string;
    stageLabel: string;
    agency: string;
    submittedOn: string;
    receivedOn: string | null;
    dueOn: string | null;
    dueCertain: boolean;
    replySentOn: string | null;
    reply: string;
    description: string;
    waiting: { kind: 'amendment' | 'fee'; what: string; by: string | null } | null;
    files: { id: number; filename: string; size: number }[];
  };
  /** The form's token and the code the page was opened with: a download is asked for with them, never in the address. */
  csrf: string;
  queryCode: string;
}): JSX.Element {
  const { ctx, s } = props;
  return (
    <Layout ctx={ctx} title="申请办理进度" crumbs={crumbs(ctx, '办理进度')}>
      <h1>申请办理进度</h1>
      <table class="meta">
        <tbody>
          <tr>
            <th scope="row">申请编号</th>
            <td safe>{s.trackingNo}</td>
          </tr>
          <tr>
            <th scope="row">受理机构</th>
            <td safe>{s.agency}</td>
          </tr>
          <tr>
            <th scope="row">所需信息</th>
            <td safe>{s.description}</td>
          </tr>
          <tr>
            <th scope="row">提交日期</th>
            <td safe>{s.submittedOn}</td>
          </tr>
          <tr>
            <th scope="row">收到申请日期</th>
            <td safe>{s.receivedOn ?? '待受理机构确认'}</td>
          </tr>
          <tr>
            <th scope="row">办理状态</th>
            <td>
              <strong safe>{s.stageLabel}</strong>
            </td>
          </tr>
          {!!s.dueOn && (
            <tr>
              <th scope="row">答复期限</th>
              <td safe>{`${s.dueOn}${s.dueCertain ? '' : '（该年度节假日安排尚未公布，期限待定）'}`}</td>
            </tr>
          )}
          {s.waiting?.kind === 'amendment' && (
            <>
              <tr>
                <th scope="row">需要补正的事项</th>
                <td safe>{s.waiting.what}</td>
              </tr>
              <tr>
                <th scope="row">补正期限</th>
                <td
                  safe
                >{`${s.waiting.by ?? ''} 前（无正当理由逾期不补正的，视为放弃申请；答复期限自收到补正之日起重新计算）`}</td>
              </tr>
            </>
          )}
          {s.waiting?.kind === 'fee' && (
            <>
              <tr>
                <th scope="row">应缴费用</th>
                <td safe>{s.waiting.what}</td>
              </tr>
              <tr>
                <th scope="row">缴费期限</th>
                <td safe>{`${s.waiting.by ?? ''} 前（逾期未缴纳的，视为放弃申请）`}</td>
              </tr>
            </>
          )}
          {!!s.replySentOn && (
            <tr>
              <th scope="row">答复日期</th>
              <td safe>{s.replySentOn}</td>
            </tr>
          )}
        </tbody>
      </table>
      {!!s.reply && (
        <section class="letter" aria-labelledby="reply-h">
          <h2 id="reply-h">答复告知书</h2>
          {paragraphsOf(s.reply).map((p) => (
            <p safe>{p}</p>
          ))}
        </section>
      )}
      {s.files.length > 0 && (
        <section aria-labelledby="files-h">
          <h2 id="files-h">随答复提供的政府信息</h2>
          <form method="post" action={`${ctx.base}/apply/status/file`}>
            <Csrf token={props.csrf} />
            <input type="hidden" name="trackingNo" value={s.trackingNo} />
            <input type="hidden" name="queryCode" value={props.queryCode} />
            <ul class="downloads">
              {s.files.map((f) => (
                <li>
                  <button type="submit" name="file" value={String(f.id)} class="link-button">
                    <span safe>{f.filename}</span>
                  </button>{' '}
                  <span class="muted" safe>{`（${fmtSize(f.size)}）`}</span>
                </li>
              ))}
            </ul>
          </form>
        </section>
      )}
    </Layout>
  );
}
