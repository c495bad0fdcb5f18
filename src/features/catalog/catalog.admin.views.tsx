import { Html } from '@kitajs/html';
/** The catalogue's back-office lists: the 工作台, the items, policies awaiting interpretation, Word import, the audit log. */
import type { Principal } from '../../core/access.ts';
import { auditAction } from '../../core/audit.text.ts';
import type { AuditFilter } from '../../core/audit.ts';
import type { Agency, Edition } from '../../core/db.types.ts';
import { fmtDate, fmtDateTime } from '../../web/format.ts';
import { AdminLayout } from '../../web/staff.layout.tsx';
import type { Alert, InteractionLine } from './catalog.desk.service.ts';
import { GENRES, STATE_LABELS } from './catalog.rules.ts';

export interface StaffRow {
  publication_id: number;
  edition_id: number;
  title: string;
  state: Edition['state'];
  number: number;
  agency_name: string;
  updated_at: Date;
  index_no: string | null;
  /** Why review returned it, while it is a draft again. */
  rejection_reason: string;
}

export function StaffTable(props: { rows: StaffRow[]; empty: string }): JSX.Element {
  if (!props.rows.length)
    return (
      <p class="muted" safe>
        {props.empty}
      </p>
    );
  return (
    <table class="stack">
      <thead>
        <tr>
          <th scope="col">标题</th>
          <th scope="col">机构</th>
          <th scope="col">状态</th>
          <th scope="col">更新时间</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr>
            <td>
              <a href={`/admin/editions/${r.edition_id}`} safe>
                {r.title}
              </a>
              {r.number > 1 && <span class="tag" safe>{`第${r.number}版`}</span>}
            </td>
            <td data-label="机构" safe>
              {r.agency_name}
            </td>
            <td data-label="状态">
              {r.state === 'draft' && r.rejection_reason ? (
                <>
                  <strong class="tag warn">已退回</strong>
                  <span class="muted" safe>{`理由：${r.rejection_reason}`}</span>
                </>
              ) : (
                <span safe>{STATE_LABELS[r.state]}</span>
              )}
            </td>
            <td class="date" data-label="更新时间">
              {Html.escapeHtml(fmtDateTime(r.updated_at))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Dashboard(props: {
  principal: Principal;
  csrf: string;
  sections: { title: string; rows: StaffRow[]; empty: string }[];
  alerts: Alert[];
  interaction: InteractionLine[];
}): JSX.Element {
  return (
    <AdminLayout title="工作台" principal={props.principal} csrf={props.csrf}>
      <h1>工作台</h1>
      {props.alerts.length > 0 && (
        <section aria-labelledby="alerts-h">
          <h2 id="alerts-h">待办提醒</h2>
          <ul class="alerts">
            {props.alerts.map((a) => (
              <li class={a.urgent ? 'banner' : undefined}>
                <a href={a.href} safe>
                  {a.text}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {props.interaction.length > 0 && (
        <section aria-labelledby="interaction-h">
          <h2 id="interaction-h">政民互动</h2>
          <table class="stack">
            <tbody>
              {props.interaction.map((line) => (
                <tr>
                  <th scope="row">
                    <a href={line.href} safe>
                      {line.label}
                    </a>
                  </th>
                  {line.figures.map((f) => (
                    <td data-label={f.label}>
                      <span safe>{`${f.label} `}</span>
                      <strong class={f.urgent ? 'urgent' : undefined} safe>
                        {String(f.n)}
                      </strong>
                      {f.urgent ? '（需处理）' : ''}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {props.sections.map((s, i) => (
        <section aria-labelledby={`desk-${i}`}>
          <h2 id={`desk-${i}`} safe>{`${s.title}（${s.rows.length}）`}</h2>
          <StaffTable rows={s.rows} empty={s.empty} />
        </section>
      ))}
    </AdminLayout>
  );
}

export function PublicationsList(props: { principal: Principal; csrf: string; rows: StaffRow[] }): JSX.Element {
  return (
    <AdminLayout title="信息管理" principal={props.principal} csrf={props.csrf}>
      <h1>信息管理</h1>
      <p>
        <a class="btn" href="/admin/publications/new">
          新建信息
        </a>
      </p>
      <StaffTable rows={props.rows} empty="暂无信息" />
    </AdminLayout>
  );
}

export function InterpretationsPage(props: {
  principal: Principal;
  csrf: string;
  days: number;
  rows: { id: number; title: string; agency_name: string; first_published_at: Date | null }[];
  siteBase: string;
}): JSX.Element {
  return (
    <AdminLayout title="待解读政策" principal={props.principal} csrf={props.csrf}>
      <h1>待解读政策</h1>
      <p safe>{`发布超过 ${props.days} 个工作日仍没有政策解读的规章和行政规范性文件：`}</p>
      {props.rows.length === 0 ? (
        <p class="muted">没有逾期未解读的政策文件。</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">文件</th>
              <th scope="col">机构</th>
              <th scope="col">发布日期</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td>
                  <a href={`${props.siteBase}/p/${r.id}`} safe>
                    {r.title}
                  </a>
                </td>
                <td safe>{r.agency_name}</td>
                <td class="date" safe>
                  {fmtDate(r.first_published_at)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

export function ImportPage(props: {
  principal: Principal;
  csrf: string;
  agencies: Agency[];
  genreDefault: string;
  error?: string;
}): JSX.Element {
  return (
    <AdminLayout title="导入 Word 文件" principal={props.principal} csrf={props.csrf}>
      <h1>导入 Word 文件为草稿</h1>
      {!!props.error && (
        <p class="banner" role="alert" safe>
          {props.error}
        </p>
      )}
      <form
        method="post"
        action={`/admin/import?_csrf=${encodeURIComponent(props.csrf)}`}
        enctype="multipart/form-data"
      >
        <div class="field">
          <label for="i-agency">发布机构</label>
          <select id="i-agency" name="agencyId">
            {props.agencies.map((a) => (
              <option value={String(a.id)} safe>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="i-genre">体裁分类</label>
          <select id="i-genre" name="genre">
            {GENRES.map((g) => (
              <option value={g} selected={g === props.genreDefault}>
                {g}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="i-file">Word 文件（.docx）</label>
          <input type="file" id="i-file" name="file" required accept=".docx" />
        </div>
        <button class="btn" type="submit">
          导入
        </button>
      </form>
    </AdminLayout>
  );
}

const json = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v, null, 1));

/** The audit log's filter: each kind of action by its code's prefix. */
const AUDIT_KINDS: [string, string][] = [
  ['publication.', '信息新建、撤回和撤销'],
  ['edition.', '信息修改、审核和发布'],
  ['attachment.', '附件'],
  ['request.', '依申请公开'],
  ['report.', '年度报告'],
  ['calendar.', '工作日历'],
  ['user.', '用户和密码'],
  ['agency.', '机构'],
  ['column.', '栏目'],
  ['site.', '站点设置'],
  ['import.', '批量导入'],
  ['search.', '搜索管理'],
  ['personal.', '个人信息检查'],
];

export function AuditPage(props: {
  principal: Principal;
  csrf: string;
  rows: {
    at: Date;
    actor_name: string;
    ip: string;
    action: string;
    entity_type: string;
    entity_id: string;
    before: unknown;
    after: unknown;
    agency_name: string | null;
    /** What the thing acted on is called (an item's title, a case's number), where known. */
    subject?: string;
  }[];
  hasNext: boolean;
  filter: AuditFilter & { page: number };
  agencies: Agency[];
}): JSX.Element {
  const f = props.filter;
  const query = (page: number) =>
    `/admin/audit?${new URLSearchParams(
      Object.entries({ ...f, page }).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]])),
    )}`;
  return (
    <AdminLayout title="操作日志" principal={props.principal} csrf={props.csrf}>
      <h1>操作日志</h1>
      <form method="get" action="/admin/audit" class="filters">
        <div>
          <label for="a-action">操作类别</label>
          <select id="a-action" name="action">
            <option value="">（全部）</option>
            {AUDIT_KINDS.map(([prefix, label]) => (
              <option value={prefix} selected={f.action === prefix} safe>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="a-actor">操作人</label>
          <input type="text" id="a-actor" name="actor" value={f.actor ?? ''} maxlength="50" />
        </div>
        <div>
          <label for="a-agency">机构</label>
          <select id="a-agency" name="agencyId">
            <option value="">（全部）</option>
            {props.agencies.map((a) => (
              <option value={String(a.id)} selected={a.id === f.agencyId} safe>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="a-from">起始日期</label>
          <input type="date" id="a-from" name="from" value={f.from ?? ''} />
        </div>
        <div>
          <label for="a-to">截止日期</label>
          <input type="date" id="a-to" name="to" value={f.to ?? ''} />
        </div>
        <button class="btn" type="submit">
          筛选
        </button>
      </form>
      {props.rows.length === 0 ? (
        <p class="muted">没有符合条件的记录</p>
      ) : (
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">时间</th>
              <th scope="col">操作人</th>
              <th scope="col">机构</th>
              <th scope="col">IP</th>
              <th scope="col">操作</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((r) => (
              <tr>
                <td class="date" data-label="时间" safe>
                  {fmtDateTime(r.at)}
                </td>
                <td data-label="操作人" safe>
                  {r.actor_name || '系统'}
                </td>
                <td data-label="机构" safe>
                  {r.agency_name ?? ''}
                </td>
                <td data-label="IP" safe>
                  {r.ip}
                </td>
                <td>
                  <span safe>{auditAction(r, r.subject)}</span>
                  {(r.before !== null || r.after !== null) && (
                    <details>
                      <summary>原始记录</summary>
                      <pre safe>
                        {json({
                          操作: r.action,
                          对象: `${r.entity_type} #${r.entity_id}`,
                          变更前: r.before,
                          变更后: r.after,
                        })}
                      </pre>
                    </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="翻页">
        {f.page > 1 && <a href={query(f.page - 1)}>上一页</a>}
        <span safe>{`第 ${f.page} 页`}</span>
        {props.hasNext && <a href={query(f.page + 1)}>下一页</a>}
      </nav>
    </AdminLayout>
  );
}
