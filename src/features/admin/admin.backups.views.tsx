/** The platform's backups: where and how often they are taken, the ones kept, and a backup taken now. */
import type { Principal } from '../../core/access.ts';
import type { StoredBackup } from '../../core/backup.ts';
import { fmtSize } from '../../web/format.ts';
import { ActionForm, FormMessage } from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';

const takenAt = (name: string) =>
  `${name.slice(0, 4)}-${name.slice(4, 6)}-${name.slice(6, 8)} ${name.slice(9, 11)}:${name.slice(11, 13)}:${name.slice(13, 15)}`;

export function BackupsPage(props: {
  principal: Principal;
  csrf: string;
  settings: { dir: string; hours: number; keep: number } | null;
  backups: StoredBackup[];
  flash?: string;
  message?: string;
}): JSX.Element {
  const s = props.settings;
  return (
    <AdminLayout title="数据备份" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>数据备份</h1>
      <FormMessage message={props.message} />
      {s ? (
        <p
          safe
        >{`平台每 ${s.hours} 小时自动备份一次数据库和上传的文件，保存在 ${s.dir}，保留最近 ${s.keep} 份。备份在服务运行时进行，不必停止服务。`}</p>
      ) : (
        <p>
          尚未设置备份目录。请在配置中设置 BACKUP_DIR（以及可选的
          BACKUP_HOURS、BACKUP_KEEP）后重启，平台即按时自动备份。
        </p>
      )}
      <p>
        恢复：在新的空数据目录上运行 <code>node dist/cli.js restore 备份目录</code>
        ，搜索索引随之重建；恢复时须使用备份时的数据密钥（DATA_KEY）和同一版本的程序。
      </p>
      {s ? (
        <ActionForm action="/admin/backups" label="立即备份" csrf={props.csrf}>
          <p class="hint">备份期间嵌入式数据库的读写稍有等待；大型平台请使用 PostgreSQL。</p>
        </ActionForm>
      ) : (
        ''
      )}
      <h2 safe>{`已有备份（${props.backups.length} 份）`}</h2>
      {props.backups.length ? (
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">备份时间（北京时间）</th>
              <th scope="col">表</th>
              <th scope="col">行数</th>
              <th scope="col">文件</th>
              <th scope="col">大小</th>
              <th scope="col">目录</th>
            </tr>
          </thead>
          <tbody>
            {props.backups.map((b) => (
              <tr>
                <td data-label="备份时间" safe>
                  {takenAt(b.name)}
                </td>
                <td data-label="表" safe>
                  {String(Object.keys(b.manifest.tables).length)}
                </td>
                <td data-label="行数" safe>
                  {String(Object.values(b.manifest.tables).reduce((a, n) => a + n, 0))}
                </td>
                <td data-label="文件" safe>
                  {String(b.manifest.files)}
                </td>
                <td data-label="大小" safe>
                  {fmtSize(b.bytes)}
                </td>
                <td data-label="目录">
                  <code safe>{b.name}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>暂无备份。</p>
      )}
    </AdminLayout>
  );
}
