/** Staff accounts: the office's list and form of accounts with their roles, and a member's own password. */
import { ROLE_LABELS } from '../../core/access.ts';
import type { Agency } from '../../core/db.types.ts';
import { fmtDateTime } from '../../web/format.ts';
import {
  Checkbox,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  ids,
  Select,
  TextField,
} from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { treeOrder } from '../../web/tree.ts';
import { type Form, indent, type Page } from './admin.manage.views.tsx';
import { AGENCY_ROLES } from './admin.schema.ts';
import type { StaffAccount } from './admin.service.ts';

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
      {!!props.errors.roles && (
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
        {!!u && (
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
      {!!u && (
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
