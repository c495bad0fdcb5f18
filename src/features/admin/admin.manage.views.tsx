import { type Principal, ROLE_LABELS } from '../../core/access.ts';
import type { Agency, Column, Site } from '../../core/db.types.ts';
import { fmtDateTime } from '../../web/format.ts';
import {
  Checkbox,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  ids,
  Select,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { treeOrder } from '../../web/tree.ts';
import { COLUMN_KINDS } from '../catalog/catalog.schema.ts';
import { AGENCY_KINDS, AGENCY_ROLES } from './admin.schema.ts';
import type { StaffAccount } from './admin.store.ts';

interface Page {
  principal: Principal;
  csrf: string;
  flash?: string;
}
interface Form {
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}

const indent = (depth: number, name: string) => `${'　'.repeat(depth * 2)}${name}`;

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
              <td safe>{AGENCY_KINDS[a.kind]}</td>
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

const roleList = (u: StaffAccount, agencies: Map<number, string>) =>
  u.roles
    .map((r) =>
      r.agencyId === null ? ROLE_LABELS[r.role] : `${agencies.get(r.agencyId) ?? '其他站点'}${ROLE_LABELS[r.role]}`,
    )
    .join('、');

export function UsersPage(props: Page & { users: StaffAccount[]; agencies: Agency[]; now: Date }): JSX.Element {
  const names = new Map(props.agencies.map((a) => [a.id, a.name]));
  return (
    <AdminLayout title="用户管理" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>用户管理</h1>
      <p>
        <a class="btn" href="/admin/users/new">
          新增用户
        </a>
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">姓名</th>
            <th scope="col">用户名</th>
            <th scope="col">所在机构</th>
            <th scope="col">角色</th>
            <th scope="col">状态</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td>
                <a href={`/admin/users/${u.id}`} safe>
                  {u.name}
                </a>
              </td>
              <td safe>{u.username}</td>
              <td safe>{u.agency_name ?? ''}</td>
              <td safe>{roleList(u, names)}</td>
              <td>
                {!u.active
                  ? '已停用'
                  : u.locked_until && u.locked_until > props.now
                    ? `已锁定至 ${fmtDateTime(u.locked_until)}`
                    : '正常'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}

/** The roles as a grid: one row per agency, one checkbox per role, each with its own accessible name. */
function RoleGrid(props: { agencies: Agency[]; values: FormValues; errors: FieldErrors }): JSX.Element {
  return (
    <fieldset>
      <legend>角色（在哪个机构担任什么角色）</legend>
      {props.errors.roles && (
        <span class="field-error" safe>
          {`错误：${props.errors.roles}`}
        </span>
      )}
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">机构</th>
              {AGENCY_ROLES.map((r) => (
                <th scope="col" safe>
                  {ROLE_LABELS[r]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {treeOrder(props.agencies).map(({ node: a, depth }) => (
              <tr>
                <th scope="row" safe>
                  {indent(depth, a.name)}
                </th>
                {AGENCY_ROLES.map((r) => (
                  <td>
                    <input
                      type="checkbox"
                      name={`role.${r}`}
                      value={String(a.id)}
                      checked={ids(props.values[`role.${r}`]).includes(a.id)}
                      aria-label={`${a.name} ${ROLE_LABELS[r]}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </fieldset>
  );
}

export function UserFormPage(
  props: Page &
    Form & {
      user: StaffAccount | null;
      agencies: Agency[];
      canGrantPlatform: boolean;
      password?: Form;
    },
): JSX.Element {
  const v = props.values;
  const e = props.errors;
  const u = props.user;
  const title = u ? `用户：${u.name}` : '新增用户';
  const pw = props.password ?? { values: {}, errors: {} };
  return (
    <AdminLayout title={title} principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1 safe>{title}</h1>
      <FormMessage message={props.message} />
      <form method="post" action={u ? `/admin/users/${u.id}` : '/admin/users'}>
        <Csrf token={props.csrf} />
        {u ? (
          <p safe>{`用户名：${u.username}`}</p>
        ) : (
          <TextField
            name="username"
            label="用户名"
            values={v}
            errors={e}
            required
            max={40}
            autocomplete="off"
            hint="3–40 位字母、数字、下划线、点或连字符"
          />
        )}
        <TextField name="name" label="姓名（实名）" values={v} errors={e} required max={50} />
        <TextField name="phone" label="联系电话" values={v} errors={e} max={20} />
        <TextField
          name="email"
          label="电子邮箱"
          type="email"
          values={v}
          errors={e}
          max={100}
          hint="接收依申请公开到期提醒"
        />
        <Select
          name="agencyId"
          label="所在机构"
          options={[
            ['', '（无）'],
            ...treeOrder(props.agencies).map(({ node, depth }): [string, string] => [
              String(node.id),
              indent(depth, node.name),
            ]),
          ]}
          value={v.agencyId}
          errors={e}
        />
        {!u && (
          <TextField
            name="password"
            label="初始密码"
            type="password"
            values={v}
            errors={e}
            required
            max={200}
            autocomplete="new-password"
            hint="至少 10 位"
          />
        )}
        {u && (
          <Checkbox
            name="active"
            label="账号启用（停用后立即退出登录）"
            checked={v.active !== 'off' && v.active !== false}
          />
        )}
        <RoleGrid agencies={props.agencies} values={v} errors={e} />
        {props.canGrantPlatform && (
          <Checkbox name="platformAdmin" label="平台管理员（管理所有站点）" checked={v.platformAdmin === 'on'} />
        )}
        <button class="btn" type="submit">
          保存
        </button>
      </form>
      {u && (
        <section aria-labelledby="reset">
          <h2 id="reset">重置密码</h2>
          <p>重置后该用户的所有登录会话失效，账号锁定同时解除。</p>
          <FormMessage message={pw.message} />
          <form method="post" action={`/admin/users/${u.id}/password`}>
            <Csrf token={props.csrf} />
            <TextField
              name="password"
              label="新密码"
              type="password"
              values={pw.values}
              errors={pw.errors}
              required
              max={200}
              autocomplete="new-password"
              hint="至少 10 位"
            />
            <TextField
              name="confirm"
              label="再次输入新密码"
              type="password"
              values={pw.values}
              errors={pw.errors}
              required
              max={200}
              autocomplete="new-password"
            />
            <button class="btn secondary" type="submit">
              重置密码
            </button>
          </form>
        </section>
      )}
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
              <td>{String(c.sort)}</td>
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

export function AccountPage(props: Page & Form): JSX.Element {
  return (
    <AdminLayout title="修改密码" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>修改密码</h1>
      <p>修改后，您在其他设备上的登录会话将失效。</p>
      <FormMessage message={props.message} />
      <form method="post" action="/admin/account/password" style="max-width:420px">
        <Csrf token={props.csrf} />
        <TextField
          name="current"
          label="原密码"
          type="password"
          values={{}}
          errors={props.errors}
          required
          max={200}
          autocomplete="current-password"
        />
        <TextField
          name="password"
          label="新密码"
          type="password"
          values={{}}
          errors={props.errors}
          required
          max={200}
          autocomplete="new-password"
          hint="至少 10 位"
        />
        <TextField
          name="confirm"
          label="再次输入新密码"
          type="password"
          values={{}}
          errors={props.errors}
          required
          max={200}
          autocomplete="new-password"
        />
        <button class="btn" type="submit">
          修改密码
        </button>
      </form>
    </AdminLayout>
  );
}
