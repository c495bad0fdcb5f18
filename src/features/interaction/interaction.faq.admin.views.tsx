/** The back office of the knowledge base: the entries the member keeps, and one entry's form. */
import type { Principal } from '../../core/access.ts';
import type { FaqRow } from '../../core/db.types.ts';
import { fmtDate } from '../../web/format.ts';
import { Csrf, type FieldErrors, FormMessage, type FormValues, Select, TextArea, TextField } from '../../web/forms.tsx';
import { Pager } from '../../web/layout.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';

interface StaffFaqRow {
  id: number;
  topic: string;
  question: string;
  published_at: Date | null;
  updated_at: Date;
  agency: string | null;
}

const STATES: [string, string][] = [
  ['', '全部'],
  ['published', '已发布'],
  ['draft', '未发布'],
];

export function FaqsPage(props: {
  principal: Principal;
  csrf: string;
  rows: StaffFaqRow[];
  total: number;
  page: number;
  pages: number;
  filter: { state: string; q?: string };
  query: (page: number) => string;
  flash?: string;
}): JSX.Element {
  return (
    <AdminLayout title="常见问题" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>常见问题</h1>
      <p>
        常见问题在网站“互动交流”中公开，可被站内搜索找到，并在群众写信时按标题推荐。答复较好的来信可在来信页面一键转为常见问题。
      </p>
      <p>
        <a class="btn" href="/admin/faq/new">
          新建问答
        </a>
      </p>
      <form method="get" action="/admin/faq" class="filters">
        <Select name="state" label="状态" options={STATES} value={props.filter.state} errors={{}} />
        <TextField name="q" label="问题包含" values={{ q: props.filter.q }} errors={{}} max={50} />
        <button type="submit" class="btn secondary">
          筛选
        </button>
      </form>
      <p safe>{`共 ${props.total} 条`}</p>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">问题</th>
            <th scope="col">分类</th>
            <th scope="col">答复单位</th>
            <th scope="col">状态</th>
            <th scope="col">更新日期</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td data-label="问题">
                <a href={`/admin/faq/${r.id}`} safe>
                  {r.question}
                </a>
              </td>
              <td data-label="分类" safe>
                {r.topic}
              </td>
              <td data-label="答复单位" safe>
                {r.agency ?? '政务公开办'}
              </td>
              <td data-label="状态">{r.published_at ? '已发布' : '未发布'}</td>
              <td data-label="更新日期" safe>
                {fmtDate(r.updated_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={props.page} pages={props.pages} href={props.query} />
    </AdminLayout>
  );
}

export function FaqEditPage(props: {
  principal: Principal;
  csrf: string;
  /** The entry being changed; undefined: a new one. */
  faq?: FaqRow;
  mayEdit: boolean;
  mayPublish: boolean;
  /** The agencies the member may answer for ('' the office's own, when the member is the office). */
  agencies: [string, string][];
  publicPath?: string;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  flash?: string;
}): JSX.Element {
  const f = props.faq;
  const v: FormValues = f
    ? {
        agencyId: f.agency_id ? String(f.agency_id) : '',
        topic: f.topic,
        question: f.question,
        answer: f.answer,
        ...props.values,
      }
    : props.values;
  const title = f ? f.question : '新建问答';
  return (
    <AdminLayout title={title} principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <p>
        <a href="/admin/faq">← 常见问题</a>
      </p>
      <h1 safe>{title}</h1>
      <FormMessage message={props.message} />
      {f ? (
        <p safe>
          {`${f.published_at ? `已于 ${fmtDate(f.published_at)} 发布。修改后立即在网站上生效。` : '未发布：发布后在网站公开，并可被搜索和写信推荐找到。'}${f.letter_id ? '（由来信答复转来）' : ''}`}
        </p>
      ) : (
        ''
      )}
      {f?.published_at && props.publicPath ? (
        <p>
          <a href={props.publicPath}>在网站上查看</a>
        </p>
      ) : (
        ''
      )}
      {props.mayEdit ? (
        <form method="post" action={f ? `/admin/faq/${f.id}` : '/admin/faq'} class="form-wide">
          <Csrf token={props.csrf} />
          <Select name="agencyId" label="答复单位" options={props.agencies} value={v.agencyId} errors={props.errors} />
          <TextField name="topic" label="分类" values={v} errors={props.errors} max={20} hint="如：教育、社保、户籍" />
          <TextField name="question" label="问题" values={v} errors={props.errors} required max={100} />
          <TextArea name="answer" label="答复 *" values={v} errors={props.errors} rows={10} max={5000} />
          <p>
            <button type="submit" class="btn">
              保存
            </button>
          </p>
        </form>
      ) : (
        ''
      )}
      {f && props.mayPublish ? (
        <form method="post" action={`/admin/faq/${f.id}/${f.published_at ? 'unpublish' : 'publish'}`}>
          <Csrf token={props.csrf} />
          <button type="submit" class={f.published_at ? 'btn secondary' : 'btn'}>
            {f.published_at ? '撤销发布' : '发布'}
          </button>
        </form>
      ) : (
        ''
      )}
    </AdminLayout>
  );
}
