import { Html } from '@kitajs/html';
/** The office's scan of everything published for personal data: its progress and the past leaks it found. */
import type { Principal } from '../../core/access.ts';
import { fmtDate, fmtDateTime } from '../../web/format.ts';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { STATE_LABELS } from './catalog.rules.ts';

export function PersonalScanPage(props: {
  principal: Principal;
  csrf: string;
  flash?: string;
  scan: { requested_at: Date; scanned: number; finished_at: Date | null } | undefined;
  total: number;
  shown: number;
  findings: {
    publication_id: number;
    edition_id: number;
    summary: string;
    places: string[];
    title: string;
    published_at: Date | null;
    state: keyof typeof STATE_LABELS;
    agency_name: string;
  }[];
}): JSX.Element {
  const { scan } = props;
  const running = scan !== undefined && scan.finished_at === null;
  return (
    <AdminLayout
      title="个人信息检查"
      principal={props.principal}
      csrf={props.csrf}
      flash={props.flash}
      refreshSeconds={running ? 5 : undefined}
    >
      <h1>个人信息检查</h1>
      <p>
        检查本站已发布信息的标题、概述、正文和附件中是否含有未去标识化的身份证号、手机号码或银行卡号。新发布的信息在审核时逐条检查；此处用于排查历史信息。
      </p>
      <form method="post" action="/admin/personal/scan" class="inline-form">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <button class="btn" type="submit">
          {scan ? '重新扫描全部已发布信息' : '扫描全部已发布信息'}
        </button>
      </form>
      {!!scan && (
        <p role="status" safe>
          {running
            ? `正在扫描：已检查 ${scan.scanned} 条（${fmtDateTime(scan.requested_at)} 开始，本页每 5 秒刷新）`
            : `扫描完成：共检查 ${scan.scanned} 条，发现 ${props.total} 条含疑似个人信息（${fmtDateTime(scan.finished_at)}）`}
        </p>
      )}
      {props.findings.length > 0 && (
        <table>
          <caption class="muted">
            {Html.escapeHtml(props.total > props.shown ? `仅列出最近发布的 ${props.shown} 条` : `共 ${props.total} 条`)}
          </caption>
          <thead>
            <tr>
              <th scope="col">信息</th>
              <th scope="col">机构</th>
              <th scope="col">发布日期</th>
              <th scope="col">发现</th>
              <th scope="col">位置（已遮盖显示）</th>
            </tr>
          </thead>
          <tbody>
            {props.findings.map((f) => (
              <tr>
                <td>
                  <a href={`/admin/editions/${f.edition_id}`} safe>
                    {f.title}
                  </a>
                  {f.state !== 'published' && (
                    <span class="tag" safe>
                      {STATE_LABELS[f.state]}
                    </span>
                  )}
                </td>
                <td safe>{f.agency_name}</td>
                <td class="date" safe>
                  {fmtDate(f.published_at)}
                </td>
                <td safe>{f.summary}</td>
                <td>
                  <ul class="plain">
                    {f.places.slice(0, 5).map((p) => (
                      <li safe>{p}</li>
                    ))}
                    {f.places.length > 5 && <li class="muted" safe>{`等 ${f.places.length} 处`}</li>}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!!scan && !running && props.total === 0 && <p class="notice-ok">未发现含个人信息的已发布信息。</p>}
      <p class="muted">发现后请在该信息页面“创建新版本”，遮盖后重新审核发布；情况严重的，可先撤回。</p>
    </AdminLayout>
  );
}
