import { Html } from '@kitajs/html';
/** The staff side of 依申请公开: case lists, the office's overview by agency, and reminders. */
import type { Principal } from '../../core/access.ts';
import { Csrf, Select, TextField } from '../../web/forms.tsx';
import { Pager } from '../../web/layout.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import type { AgencyLoad, CaseFilter, CaseRow } from './requests.read.store.ts';
import { STAGE_LABELS } from './requests.rules.ts';

/** Working days left in words, so that colour is never the only sign. */
/** Working days left, or overdue, as the lists and the case page show it. */
export function Left(props: { left: number | null; certain: boolean }): JSX.Element {
  if (props.left === null) return <span class="muted">—</span>;
  const text =
    props.left < 0 ? `已超期 ${-props.left} 个工作日` : props.left === 0 ? '今天到期' : `剩余 ${props.left} 个工作日`;
  return (
    <span class={props.left < 0 ? 'tag warn' : props.left <= 5 ? 'tag' : undefined} safe>
      {`${text}${props.certain ? '' : '（期限待定）'}`}
    </span>
  );
}

const STAGE_FILTERS: [string, string][] = [
  ['open', '未办结'],
  ['overdue', '已超期'],
  ...Object.entries(STAGE_LABELS),
  ['', '全部'],
];

export function CasesPage(props: {
  principal: Principal;
  csrf: string;
  rows: CaseRow[];
  total: number;
  page: number;
  pages: number;
  filter: CaseFilter;
  agencies: { id: number; name: string }[];
  query: (page: number) => string;
}): JSX.Element {
  return (
    <AdminLayout title="依申请公开" principal={props.principal} csrf={props.csrf}>
      <h1>依申请公开申请</h1>
      <p>
        <a class="btn" href="/admin/requests/new">
          登记申请
        </a>{' '}
        <a href="/admin/requests/overview">办理情况总览</a> · <a href="/admin/calendar">工作日历</a> ·{' '}
        <a href="/admin/notifications">到期提醒</a>
      </p>
      <form method="get" action="/admin/requests" class="filters">
        <Select name="stage" label="状态" options={STAGE_FILTERS} value={props.filter.stage ?? ''} errors={{}} />
        <Select
          name="agency"
          label="机构"
          options={[['', '全部'], ...props.agencies.map((a): [string, string] => [String(a.id), a.name])]}
          value={props.filter.agencyId ?? ''}
          errors={{}}
        />
        <TextField name="no" label="申请编号" values={{ no: props.filter.trackingNo }} errors={{}} max={40} />
        <div class="field">
          <button type="submit" class="btn secondary">
            筛选
          </button>
        </div>
      </form>
      <p class="muted" safe>{`共 ${props.total} 件`}</p>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">申请编号</th>
              <th scope="col">申请人</th>
              <th scope="col">承办机构</th>
              <th scope="col">所需信息</th>
              <th scope="col">状态</th>
              <th scope="col">收到日期</th>
              <th scope="col">答复期限</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>
                  <a href={`/admin/requests/${r.id}`} safe>
                    {r.trackingNo}
                  </a>
                </td>
                <td safe>{r.applicant}</td>
                <td safe>{r.agency}</td>
                <td safe>{r.description}</td>
                <td safe>{STAGE_LABELS[r.stage]}</td>
                <td safe>{r.receivedOn ?? '待确认'}</td>
                <td>
                  <span safe>{r.dueOn ?? '计时暂停'}</span> <Left left={r.left} certain={r.dueCertain} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!props.rows.length && <p>没有符合条件的申请。</p>}
      <Pager page={props.page} pages={props.pages} href={props.query} />
    </AdminLayout>
  );
}

export function OverviewPage(props: {
  principal: Principal;
  csrf: string;
  rows: AgencyLoad[];
  thresholds: number[];
  flash?: string;
}): JSX.Element {
  return (
    <AdminLayout title="依申请公开办理情况" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>依申请公开办理情况总览</h1>
      <p>本站点各机构未办结的申请；“临近到期”指剩余工作日不超过 {Html.escapeHtml(props.thresholds[0] ?? 0)} 天。</p>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">机构</th>
              <th scope="col">未办结</th>
              <th scope="col">待确认收到</th>
              <th scope="col">已超期</th>
              <th scope="col">临近到期</th>
              <th scope="col">计时暂停</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>
                  <a href={`/admin/requests?stage=open&agency=${r.agencyId}`} safe>
                    {r.agency}
                  </a>
                </td>
                <td safe>{String(r.open)}</td>
                <td safe>{String(r.awaitingReceipt)}</td>
                <td>
                  {r.overdue ? (
                    <a class="tag warn" href={`/admin/requests?stage=overdue&agency=${r.agencyId}`}>
                      {Html.escapeHtml(`${r.overdue} 件已超期`)}
                    </a>
                  ) : (
                    '0'
                  )}
                </td>
                <td>{r.dueSoon ? <span class="tag" safe>{`${r.dueSoon} 件临近到期`}</span> : '0'}</td>
                <td safe>{String(r.stopped)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!props.rows.length && <p>本站点没有未办结的申请。</p>}
      <h2>到期提醒</h2>
      <form method="post" action="/admin/requests/settings">
        <Csrf token={props.csrf} />
        <TextField
          name="reminderWorkdays"
          label="在剩余多少个工作日时提醒承办人"
          values={{ reminderWorkdays: props.thresholds.join(' ') }}
          errors={{}}
          max={40}
          hint="用空格分隔，例如 5 2 0；超期后另有提醒"
        />
        <button type="submit" class="btn secondary">
          保存
        </button>
      </form>
    </AdminLayout>
  );
}

export function NotificationsPage(props: {
  principal: Principal;
  csrf: string;
  rows: { id: number; request_id: number | null; message: string; created_at: Date }[];
}): JSX.Element {
  return (
    <AdminLayout title="到期提醒" principal={props.principal} csrf={props.csrf}>
      <h1>到期提醒</h1>
      {!props.rows.length && <p>没有未读的提醒。</p>}
      <ul>
        {props.rows.map((n) => (
          <li>
            {n.request_id ? (
              <a href={`/admin/requests/${n.request_id}`} safe>
                {n.message}
              </a>
            ) : (
              <span safe>{n.message}</span>
            )}
          </li>
        ))}
      </ul>
      {props.rows.length > 0 && (
        <form method="post" action="/admin/notifications/read">
          <Csrf token={props.csrf} />
          <button type="submit" class="btn secondary">
            全部标为已读
          </button>
        </form>
      )}
    </AdminLayout>
  );
}
