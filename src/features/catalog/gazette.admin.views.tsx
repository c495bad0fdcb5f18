import type { Principal } from '../../core/access.ts';
import type { GazetteIssue } from '../../core/db.types.ts';
import {
  Checkbox,
  Csrf,
  Err,
  type FieldErrors,
  FormMessage,
  type FormValues,
  str,
  TextField,
} from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { issueTitle } from './gazette.views.tsx';

interface Page {
  principal: Principal;
  csrf: string;
  flash?: string;
}

export function GazetteAdminPage(
  props: Page & { issues: (GazetteIssue & { entry_count: number | null })[]; siteBase: string },
): JSX.Element {
  return (
    <AdminLayout title="政府公报" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>政府公报</h1>
      <p>
        <a class="btn" href="/admin/gazette/new">
          新建一期
        </a>
      </p>
      {props.issues.length === 0 ? (
        <p class="muted">还没有公报</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">期次</th>
              <th scope="col">出版日期</th>
              <th scope="col">篇目</th>
              <th scope="col">状态</th>
            </tr>
          </thead>
          <tbody>
            {props.issues.map((i) => (
              <tr>
                <td>
                  <a href={`/admin/gazette/${i.id}`} safe>
                    {issueTitle(i)}
                  </a>
                </td>
                <td class="date" safe>
                  {i.issue_date}
                </td>
                <td safe>{String(i.entry_count ?? 0)}</td>
                <td>{i.published ? <a href={`${props.siteBase}/gazette/${i.id}`}>已发布（查看）</a> : '未发布'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AdminLayout>
  );
}

/** Blank rows offered below the entries, so that entries can be added without JavaScript. */
export const BLANK_ROWS = 5;

export function GazetteFormPage(
  props: Page & {
    issueId: number | null;
    values: FormValues;
    entries: { section: string; title: string; publicationId: string }[];
    errors: FieldErrors;
    message?: string;
    publications: { id: number; title: string }[];
  },
): JSX.Element {
  const v = props.values;
  const e = props.errors;
  const title = props.issueId ? '编辑公报' : '新建公报';
  const rows = [
    ...props.entries,
    ...Array.from({ length: BLANK_ROWS }, () => ({ section: '', title: '', publicationId: '' })),
  ];
  return (
    <AdminLayout title={title} principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>{title}</h1>
      <FormMessage message={props.message} />
      <form method="post" action={props.issueId ? `/admin/gazette/${props.issueId}` : '/admin/gazette'}>
        <Csrf token={props.csrf} />
        <TextField name="year" label="年份" type="number" values={v} errors={e} required />
        <TextField name="number" label="期号（本年第几期）" type="number" values={v} errors={e} required />
        <TextField name="totalNumber" label="总期号" type="number" values={v} errors={e} />
        <TextField name="issueDate" label="出版日期" type="date" values={v} errors={e} required />
        <Checkbox name="published" label="在网站上发布" checked={v.published === 'on' || v.published === true} />
        <fieldset>
          <legend>目录（篇目按顺序排列；整行留空的不保存；保存后会再提供空行）</legend>
          <Err errors={e} name="entries" />
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">序号</th>
                  <th scope="col">分类</th>
                  <th scope="col">篇目标题</th>
                  <th scope="col">关联信息编号</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr>
                    <td safe>{String(i + 1)}</td>
                    <td>
                      <input
                        type="text"
                        name={`entries.${i}.section`}
                        value={r.section}
                        maxlength="50"
                        size="10"
                        aria-label={`第${i + 1}篇 分类`}
                      />
                    </td>
                    <td>
                      <input
                        type="text"
                        name={`entries.${i}.title`}
                        value={r.title}
                        maxlength="300"
                        size="40"
                        aria-label={`第${i + 1}篇 标题`}
                      />
                    </td>
                    <td>
                      <input
                        type="text"
                        inputmode="numeric"
                        name={`entries.${i}.publicationId`}
                        value={str(r.publicationId)}
                        maxlength="10"
                        size="8"
                        list="gazette-publications"
                        aria-label={`第${i + 1}篇 关联信息编号（可选）`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <datalist id="gazette-publications">
            {props.publications.map((p) => (
              <option value={String(p.id)} safe>
                {p.title}
              </option>
            ))}
          </datalist>
        </fieldset>
        <button class="btn" type="submit">
          保存
        </button>
      </form>
    </AdminLayout>
  );
}
