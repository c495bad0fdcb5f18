/** The office's pages for its site: settings, the platform's sites, agencies and the column tree. */
import type { Principal } from '../../core/access.ts';
import type { Agency, Column, Site } from '../../core/db.types.ts';
import {
  Checkbox,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  Select,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { treeOrder } from '../../web/tree.ts';
import { COLUMN_KINDS } from '../catalog/catalog.schema.ts';
import { AGENCY_KINDS } from './admin.schema.ts';

export interface Page {
  principal: Principal;
  csrf: string;
  flash?: string;
}

export interface Form {
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}

export const indent = (depth: number, name: string) => `${'　'.repeat(depth * 2)}${name}`;

export function SiteSettingsPage(props: Page & Form & { site: Site }): JSX.Element {
  const v = props.values;
  return (
    <AdminLayout title="站点设置" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>站点设置</h1>
      <p safe>{`站点代码：${props.site.code}（访问路径 /s/${props.site.code}/）`}</p>
      <FormMessage message={props.message} />
      <form method="post" action="/admin/site">
        <Csrf token={props.csrf} />
        <TextField name="name" label="站点名称" values={v} errors={props.errors} required max={100} />
        <TextField
          name="hosts"
          label="绑定域名"
          values={v}
          errors={props.errors}
          max={2000}
          hint="多个域名用空格或逗号分隔，如 www.qingshan.gov.cn"
        />
        <TextField
          name="interpretationDays"
          label="政策解读时限（工作日）"
          type="number"
          values={v}
          errors={props.errors}
          hint="政策文件发布后超过此工作日数仍无解读，列入待解读清单"
        />
        <Checkbox
          name="sameReviewerAllowed"
          label="允许同一人完成同一版本的审核和保密审查（仅适用于人员较少的单位；每次均记入操作日志）"
          checked={[v.sameReviewerAllowed].flat().at(-1) === 'on'}
        />
        <fieldset>
          <legend>网站底部信息（按《政府网站发展指引》展示）</legend>
          <TextField
            name="sponsor"
            label="主办单位"
            values={v}
            errors={props.errors}
            max={100}
            hint="留空则为站点名称"
          />
          <TextField name="organizer" label="承办单位" values={v} errors={props.errors} max={100} />
          <TextField
            name="siteId"
            label="网站标识码"
            values={v}
            errors={props.errors}
            max={10}
            hint="10 位，如 4311240001"
          />
          <TextField
            name="icp"
            label="ICP 备案号"
            values={v}
            errors={props.errors}
            max={60}
            hint="如 湘ICP备12345678号"
          />
          <TextField name="police" label="公安机关备案号" values={v} errors={props.errors} max={60} />
          <TextField name="policeLink" label="公安机关备案链接" type="url" values={v} errors={props.errors} max={500} />
          <TextField name="conacLink" label="党政机关标识链接" type="url" values={v} errors={props.errors} max={500} />
          <TextField
            name="contact"
            label="联系我们"
            values={v}
            errors={props.errors}
            max={300}
            hint="电话、邮箱或地址"
          />
        </fieldset>
        <button class="btn" type="submit">
          保存
        </button>
      </form>
    </AdminLayout>
  );
}

export function SitesPage(props: Page & Form & { sites: Site[]; current: number }): JSX.Element {
  return (
    <AdminLayout title="站点管理" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>站点管理</h1>
      <table>
        <thead>
          <tr>
            <th scope="col">站点</th>
            <th scope="col">代码</th>
            <th scope="col">域名</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {props.sites.map((s) => (
            <tr>
              <td safe>{s.name}</td>
              <td safe>{s.code}</td>
              <td safe>{s.hosts.join('、')}</td>
              <td>
                {s.id === props.current ? (
                  <span>当前管理的站点</span>
                ) : (
                  <form method="post" action={`/admin/sites/${s.id}/use`} class="inline-form">
                    <Csrf token={props.csrf} />
                    <button class="btn secondary" type="submit" aria-label={`管理站点 ${s.name}`}>
                      切换到此站点
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>新建站点</h2>
      <FormMessage message={props.message} />
      <form method="post" action="/admin/sites">
        <Csrf token={props.csrf} />
        <TextField
          name="code"
          label="站点代码"
          values={props.values}
          errors={props.errors}
          required
          max={32}
          hint="小写字母、数字和连字符，如 dongshan"
        />
        <TextField name="name" label="站点名称" values={props.values} errors={props.errors} required max={100} />
        <TextField name="hosts" label="绑定域名" values={props.values} errors={props.errors} max={2000} />
        <button class="btn" type="submit">
          创建站点
        </button>
      </form>
    </AdminLayout>
  );
}

export function AgenciesAdminPage(props: Page & { agencies: Agency[] }): JSX.Element {
  return (
    <AdminLayout title="机构管理" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>机构管理</h1>
      <p>
        <a class="btn" href="/admin/agencies/new">
          新增机构
        </a>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">机构</th>
            <th scope="col">类型</th>
            <th scope="col">机构代码</th>
            <th scope="col">公开工作机构电话</th>
          </tr>
        </thead>
        <tbody>
          {treeOrder(props.agencies).map(({ node: a, depth }) => (
            <tr>
              <td>
                <a href={`/admin/agencies/${a.id}`} safe>
                  {indent(depth, a.name)}
                </a>
              </td>
              <td>{AGENCY_KINDS[a.kind]}</td>
              <td safe>{a.code}</td>
              <td safe>{a.office_phone}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}

export function AgencyFormPage(props: Page & Form & { agencyId: number | null; agencies: Agency[] }): JSX.Element {
  const v = props.values;
  const e = props.errors;
  const title = props.agencyId ? '编辑机构' : '新增机构';
  const parents = treeOrder(props.agencies).filter(({ node }) => node.id !== props.agencyId);
  return (
    <AdminLayout title={title} principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>{title}</h1>
      <FormMessage message={props.message} />
      <form method="post" action={props.agencyId ? `/admin/agencies/${props.agencyId}` : '/admin/agencies'}>
        <Csrf token={props.csrf} />
        <TextField name="name" label="机构名称" values={v} errors={e} required max={100} />
        <Select name="kind" label="机构类型" options={Object.entries(AGENCY_KINDS)} value={v.kind} errors={e} />
        <Select
          name="parentId"
          label="上级机构"
          options={[
            ['', '（无）'],
            ...parents.map(({ node, depth }): [string, string] => [String(node.id), indent(depth, node.name)]),
          ]}
          value={v.parentId}
          errors={e}
        />
        <TextField
          name="code"
          label="机构代码"
          values={v}
          errors={e}
          required
          max={20}
          hint="组织机构代码或统一社会信用代码，用于生成索引号"
        />
        <TextField name="sort" label="排序" type="number" values={v} errors={e} hint="数字小的在前" />
        <fieldset>
          <legend>政府信息公开工作机构（公开指南中展示）</legend>
          <TextField name="officeName" label="名称" values={v} errors={e} max={100} />
          <TextField name="officeAddress" label="办公地址" values={v} errors={e} max={200} />
          <TextField name="officePostcode" label="邮政编码" values={v} errors={e} max={6} />
          <TextField name="officeHours" label="办公时间" values={v} errors={e} max={200} />
          <TextField name="officePhone" label="联系电话" values={v} errors={e} max={50} />
          <TextField name="officeFax" label="传真" values={v} errors={e} max={50} />
          <TextField name="officeEmail" label="电子邮箱或网上联系方式" values={v} errors={e} max={100} />
        </fieldset>
        <TextArea name="guideText" label="公开指南补充说明" values={v} errors={e} rows={8} max={20000} />
        <button class="btn" type="submit">
          保存
        </button>
      </form>
    </AdminLayout>
  );
}

export function ColumnsAdminPage(props: Page & { columns: Column[]; siteBase: string }): JSX.Element {
  return (
    <AdminLayout title="栏目管理" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>栏目管理</h1>
      <p>
        <a class="btn" href="/admin/columns/new">
          新增栏目
        </a>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">栏目</th>
            <th scope="col">类型</th>
            <th scope="col">路径</th>
            <th scope="col">排序</th>
            <th scope="col">显示</th>
          </tr>
        </thead>
        <tbody>
          {treeOrder(props.columns).map(({ node: c, depth }) => (
            <tr>
              <td>
                <a href={`/admin/columns/${c.id}`} safe>
                  {indent(depth, c.name)}
                </a>
              </td>
              <td safe>{COLUMN_KINDS[c.kind as keyof typeof COLUMN_KINDS] ?? c.kind}</td>
              <td>
                <a href={`${props.siteBase}/c/${c.slug}`} safe>
                  {`/c/${c.slug}`}
                </a>
              </td>
              <td safe>{String(c.sort)}</td>
              <td>{c.visible ? '显示' : '隐藏'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}

export function ColumnFormPage(props: Page & Form & { columnId: number | null; columns: Column[] }): JSX.Element {
  const v = props.values;
  const e = props.errors;
  const title = props.columnId ? '编辑栏目' : '新增栏目';
  const parents = treeOrder(props.columns).filter(({ node }) => node.id !== props.columnId);
  return (
    <AdminLayout title={title} principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>{title}</h1>
      <FormMessage message={props.message} />
      <form method="post" action={props.columnId ? `/admin/columns/${props.columnId}` : '/admin/columns'}>
        <Csrf token={props.csrf} />
        <TextField name="name" label="栏目名称" values={v} errors={e} required max={50} />
        <TextField
          name="slug"
          label="栏目路径"
          values={v}
          errors={e}
          required
          max={64}
          hint="小写字母、数字和连字符，如 tzgg"
        />
        <Select name="kind" label="栏目类型" options={Object.entries(COLUMN_KINDS)} value={v.kind} errors={e} />
        <Select
          name="parentId"
          label="上级栏目"
          options={[
            ['', '（顶级栏目）'],
            ...parents.map(({ node, depth }): [string, string] => [String(node.id), indent(depth, node.name)]),
          ]}
          value={v.parentId}
          errors={e}
        />
        <TextField name="sort" label="排序" type="number" values={v} errors={e} hint="数字小的在前" />
        <TextArea name="description" label="栏目说明" values={v} errors={e} rows={3} max={1000} />
        <Checkbox name="visible" label="在网站上显示" checked={v.visible !== 'off' && v.visible !== false} />
        <button class="btn" type="submit">
          保存
        </button>
      </form>
    </AdminLayout>
  );
}
