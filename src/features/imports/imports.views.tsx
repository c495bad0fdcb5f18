import type { Principal } from '../../core/access.ts';
import type { Agency, Column, Import } from '../../core/db.types.ts';
import { fmtDateTime } from '../../web/format.ts';
import { Csrf, Err, type FieldErrors, FormMessage, type FormValues, Select, str } from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { treeOrder } from '../../web/tree.ts';
import { GENRES } from '../catalog/catalog.rules.ts';
import type { RawRow } from './imports.parse.ts';
import { IMPORT_FIELDS, type ImportField } from './imports.rules.ts';

interface Page {
  principal: Principal;
  csrf: string;
  flash?: string;
}

const STATUS: Record<Import['status'], string> = {
  mapping: '待确认对应关系',
  pending: '排队中',
  running: '导入中',
  done: '已完成',
  failed: '已中断',
};

export function ImportsPage(props: Page & { imports: Import[]; message?: string; maxMb: number }): JSX.Element {
  return (
    <AdminLayout title="批量导入" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>批量导入历史信息</h1>
      <p>
        导入已在其他系统发布过的信息（JSONL、CSV 或制表符分隔文本、Excel
        .xlsx）：先上传文件，再确认各列对应的字段。每行单独校验，有错误的行不导入并列出原因；同一条信息重复导入不会重复发布；导入中断后可从中断处继续。
      </p>
      <FormMessage message={props.message} />
      <form
        method="post"
        action={`/admin/imports?_csrf=${encodeURIComponent(props.csrf)}`}
        enctype="multipart/form-data"
      >
        <div class="field">
          <label for="imp-file" safe>{`文件（最大 ${props.maxMb} MB）`}</label>
          <input type="file" id="imp-file" name="file" required accept=".jsonl,.ndjson,.csv,.tsv,.txt,.xlsx" />
        </div>
        <button class="btn" type="submit">
          上传
        </button>
      </form>
      <h2>导入记录</h2>
      {props.imports.length === 0 ? (
        <p class="muted">还没有导入记录</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">文件</th>
              <th scope="col">上传时间</th>
              <th scope="col">状态</th>
              <th scope="col">行数</th>
              <th scope="col">已导入</th>
              <th scope="col">重复</th>
              <th scope="col">有错误</th>
            </tr>
          </thead>
          <tbody>
            {props.imports.map((i) => (
              <tr>
                <td>
                  <a href={`/admin/imports/${i.id}`} safe>
                    {i.filename}
                  </a>
                </td>
                <td class="date" safe>
                  {fmtDateTime(i.created_at)}
                </td>
                <td safe>{STATUS[i.status]}</td>
                <td safe>{String(i.total_rows)}</td>
                <td safe>{String(i.imported_rows)}</td>
                <td safe>{String(i.duplicate_rows)}</td>
                <td safe>{String(i.error_rows)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

export function ImportMappingPage(
  props: Page & {
    imp: Import;
    headers: string[];
    sample: RawRow[];
    agencies: Agency[];
    columns: Column[];
    values: FormValues;
    errors: FieldErrors;
    message?: string;
  },
): JSX.Element {
  const v = props.values;
  const e = props.errors;
  return (
    <AdminLayout title="确认导入字段" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1 safe>{`确认导入字段：${props.imp.filename}`}</h1>
      <p safe>{`文件共 ${props.imp.total_rows} 行。已按列名自动对应，请核对；没有的字段留空。`}</p>
      <FormMessage message={props.message} />
      <form method="post" action={`/admin/imports/${props.imp.id}/start`}>
        <Csrf token={props.csrf} />
        <fieldset>
          <legend>字段对应关系</legend>
          {(Object.entries(IMPORT_FIELDS) as [ImportField, (typeof IMPORT_FIELDS)[ImportField]][]).map(
            ([field, spec]) => (
              <div class="field">
                <label for={`m-${field}`}>
                  {spec.label}
                  {'required' in spec && <span aria-hidden="true"> *</span>}
                </label>
                <select id={`m-${field}`} name={`mapping.${field}`}>
                  <option value="">（无）</option>
                  {props.headers.map((h) => (
                    <option value={h} selected={str(v[`mapping.${field}`]) === h} safe>
                      {h}
                    </option>
                  ))}
                </select>
                <Err errors={e} name={`mapping.${field}`} />
              </div>
            ),
          )}
        </fieldset>
        <fieldset>
          <legend>默认值（文件中没有或无法识别时使用）</legend>
          <Select
            name="agencyId"
            label="默认发文机关"
            options={[['', '（无）'], ...props.agencies.map((a): [string, string] => [String(a.id), a.name])]}
            value={v.agencyId}
            errors={e}
          />
          <Select
            name="columnId"
            label="默认栏目"
            options={[
              ['', '（无）'],
              ...treeOrder(props.columns).map(({ node, depth }): [string, string] => [
                String(node.id),
                `${'　'.repeat(depth * 2)}${node.name}`,
              ]),
            ]}
            value={v.columnId}
            errors={e}
          />
          <Select
            name="genre"
            label="默认体裁分类"
            options={[['', '（无）'], ...GENRES.map((g): [string, string] => [g, g])]}
            value={v.genre}
            errors={e}
          />
        </fieldset>
        <button class="btn" type="submit">
          开始导入
        </button>
      </form>
      <h2>前几行预览</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              {props.headers.map((h) => (
                <th scope="col" safe>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.sample.map((row) => (
              <tr>
                {props.headers.map((h) => (
                  <td safe>{(row[h] ?? '').slice(0, 80)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </AdminLayout>
  );
}

export function ImportProgressPage(
  props: Page & { imp: Import; errors: { row_number: number; field: string; message: string }[] },
): JSX.Element {
  const i = props.imp;
  const running = i.status === 'pending' || i.status === 'running';
  const percent = i.total_rows ? Math.floor((100 * i.done_rows) / i.total_rows) : 0;
  const label = (field: string) => (field in IMPORT_FIELDS ? IMPORT_FIELDS[field as ImportField].label : '整行');
  return (
    <AdminLayout
      title="导入进度"
      principal={props.principal}
      csrf={props.csrf}
      flash={props.flash}
      refreshSeconds={running ? 2 : undefined}
    >
      <h1 safe>{`导入：${i.filename}`}</h1>
      <p role="status" safe>
        {`${STATUS[i.status]}：已处理 ${i.done_rows} / ${i.total_rows} 行（${percent}%），导入 ${i.imported_rows} 条，重复跳过 ${i.duplicate_rows} 行，有错误 ${i.error_rows} 行。`}
      </p>
      <progress
        max={String(i.total_rows)}
        value={String(i.done_rows)}
        aria-label="导入进度"
        safe
      >{`${percent}%`}</progress>
      {running && <p class="muted">本页每 2 秒自动刷新；离开本页不影响导入。</p>}
      {i.status === 'failed' && (
        <>
          <p class="banner" role="alert" safe>
            {i.message}
          </p>
          <form method="post" action={`/admin/imports/${i.id}/retry`}>
            <Csrf token={props.csrf} />
            <button class="btn" type="submit">
              从中断处继续
            </button>
          </form>
        </>
      )}
      {props.errors.length > 0 && (
        <section aria-labelledby="imp-errors">
          <h2 id="imp-errors">未导入的行</h2>
          <p>
            <a href={`/admin/imports/${i.id}/errors.csv`}>下载全部错误（CSV）</a>
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">行号</th>
                <th scope="col">字段</th>
                <th scope="col">原因</th>
              </tr>
            </thead>
            <tbody>
              {props.errors.map((e) => (
                <tr>
                  <td safe>{String(e.row_number)}</td>
                  <td>{label(e.field)}</td>
                  <td safe>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </AdminLayout>
  );
}
