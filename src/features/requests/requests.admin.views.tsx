import { Html } from '@kitajs/html';
/** The staff side of 依申请公开: registering an application that came on paper, its query code, and the calendar. */
import type { Principal } from '../../core/access.ts';
import {
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  optionsOf as opts,
  Select,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { APPLICANT_TYPES, CHANNELS, DELIVERIES, FORMS_WANTED, ID_TYPES } from './requests.schema.ts';

/** The applicant and request fields shared by staff registration. */
function ApplicantFields(props: { values: FormValues; errors: FieldErrors; agencies: { id: number; name: string }[] }) {
  const { values: v, errors: e } = props;
  return (
    <>
      <Select
        name="agencyId"
        label="承办机构"
        options={[['', '请选择'], ...props.agencies.map((a): [string, string] => [String(a.id), a.name])]}
        value={v.agencyId}
        errors={e}
      />
      <Select
        name="applicantType"
        label="申请人类型"
        options={opts(APPLICANT_TYPES)}
        value={v.applicantType}
        errors={e}
      />
      <TextField name="name" label="姓名或名称" values={v} errors={e} required max={100} />
      <Select name="idType" label="证件类型（自然人）" options={opts(ID_TYPES, '—')} value={v.idType} errors={e} />
      <TextField name="idNumber" label="证件号码" values={v} errors={e} max={30} autocomplete="off" />
      <TextField name="orgCode" label="统一社会信用代码（法人或其他组织）" values={v} errors={e} max={18} />
      <TextField name="contactName" label="联系人（法人或其他组织）" values={v} errors={e} max={50} />
      <TextField name="phone" label="联系电话" values={v} errors={e} required max={20} />
      <TextField name="email" label="电子邮箱" values={v} errors={e} max={100} />
      <TextField name="address" label="通信地址" values={v} errors={e} max={200} />
      <TextField name="postcode" label="邮政编码" values={v} errors={e} max={6} />
      <TextArea name="description" label="所需信息描述" values={v} errors={e} rows={5} max={2000} />
      <Select name="formWanted" label="载体形式" options={opts(FORMS_WANTED)} value={v.formWanted} errors={e} />
      <Select name="delivery" label="获取方式" options={opts(DELIVERIES)} value={v.delivery} errors={e} />
    </>
  );
}

export function RegisterPage(props: {
  principal: Principal;
  csrf: string;
  agencies: { id: number; name: string }[];
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  const { values: v, errors: e } = props;
  return (
    <AdminLayout title="登记申请" principal={props.principal} csrf={props.csrf}>
      <h1>登记政府信息公开申请</h1>
      <p>登记通过信函、邮寄、传真或当面提交的申请。收到申请日期按《条例》第三十一条确定：</p>
      <ul>
        {Object.values(CHANNELS).map((c) => (
          <li safe>{`${c.label}：${c.rule}`}</li>
        ))}
      </ul>
      <FormMessage message={props.message} />
      <form method="post" action="/admin/requests/new" class="form-wide">
        <Csrf token={props.csrf} />
        <Select
          name="channel"
          label="申请渠道"
          options={Object.entries(CHANNELS)
            .filter(([k]) => k !== 'online')
            .map(([k, c]): [string, string] => [k, c.label])}
          value={v.channel}
          errors={e}
        />
        <TextField
          name="receivedOn"
          label="收到申请日期"
          type="date"
          values={v}
          errors={e}
          hint="平常信函、传真在与申请人确认之前可以留空，确认后在申请页面登记"
        />
        <ApplicantFields values={v} errors={e} agencies={props.agencies} />
        <button type="submit" class="btn">
          登记
        </button>
      </form>
    </AdminLayout>
  );
}

/** After registration or a new code: the tracking number and query code to hand to the applicant, shown once. */
export function CodePage(props: {
  principal: Principal;
  csrf: string;
  id: number;
  trackingNo: string;
  queryCode: string;
}): JSX.Element {
  return (
    <AdminLayout title="申请编号与查询码" principal={props.principal} csrf={props.csrf}>
      <h1>申请编号与查询码</h1>
      <p class="notice-ok" role="status">
        请将申请编号和查询码告知申请人（查询码只显示这一次，遗失后可重新生成）。
      </p>
      <table class="meta">
        <tbody>
          <tr>
            <th scope="row">申请编号</th>
            <td safe>{props.trackingNo}</td>
          </tr>
          <tr>
            <th scope="row">查询码</th>
            <td>
              <strong safe>{props.queryCode}</strong>
            </td>
          </tr>
        </tbody>
      </table>
      <p>
        <a href={`/admin/requests/${props.id}`}>进入申请办理页面</a>
      </p>
    </AdminLayout>
  );
}

export function CalendarPage(props: {
  principal: Principal;
  csrf: string;
  year: number;
  entries: { day: string; kind: string; name: string; scope: 'site' | 'national' }[];
  known: boolean;
  /** The member keeps the national calendar (a platform admin). */
  national: boolean;
  flash?: string;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  return (
    <AdminLayout title="工作日历" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>工作日历</h1>
      <p>
        依申请公开的答复期限按工作日计算。系统内置国务院办公厅公布的节假日安排（至 2026
        年）；新一年的全国放假和调休安排由平台管理员录入，适用于所有站点。本站点另有的调整（如地方性假日）由本站点政务公开办录入，仅适用于本站点的申请。修改后相关未办结申请的期限将重新计算。
      </p>
      <nav aria-label="年份" class="filters">
        {[props.year - 1, props.year, props.year + 1].map((y) => (
          <a href={`/admin/calendar?year=${y}`} aria-current={y === props.year ? 'page' : undefined}>
            {Html.escapeHtml(`${y} 年`)}
          </a>
        ))}
      </nav>
      {!props.known && (
        <p class="banner" safe>{`${props.year} 年尚无节假日安排：落在该年的期限将显示为“期限待定”。`}</p>
      )}
      <h2 safe>{`${props.year} 年录入的日期`}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">日期</th>
            <th scope="col">类型</th>
            <th scope="col">名称</th>
            <th scope="col">适用范围</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((d) => (
            <tr>
              <td safe>{d.day}</td>
              <td>{d.kind === 'holiday' ? '放假' : '调休上班'}</td>
              <td safe>{d.name}</td>
              <td>{d.scope === 'national' ? '全国' : '仅本站点'}</td>
              <td>
                {(d.scope === 'site' || props.national) && (
                  <form method="post" action={`/admin/calendar/${d.day}/delete`} class="inline-form">
                    <Csrf token={props.csrf} />
                    <input type="hidden" name="scope" value={d.scope} />
                    <button type="submit" class="btn secondary" aria-label={`删除 ${d.day}`}>
                      删除
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>录入一天</h2>
      <FormMessage message={props.message} />
      <form method="post" action="/admin/calendar">
        <Csrf token={props.csrf} />
        <TextField name="day" label="日期" type="date" values={props.values} errors={props.errors} required />
        <Select
          name="kind"
          label="类型"
          options={[
            ['holiday', '放假'],
            ['workday', '调休上班（周末上班）'],
          ]}
          value={props.values.kind}
          errors={props.errors}
        />
        <TextField name="name" label="名称" values={props.values} errors={props.errors} max={50} hint="例如 春节" />
        {props.national && (
          <Select
            name="scope"
            label="适用范围"
            options={[
              ['site', '仅本站点'],
              ['national', '全国（所有站点）'],
            ]}
            value={props.values.scope}
            errors={props.errors}
          />
        )}
        <button type="submit" class="btn">
          保存
        </button>
      </form>
    </AdminLayout>
  );
}
