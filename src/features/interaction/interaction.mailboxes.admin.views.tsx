/** The office's settings of the mailbox, the agencies' canned replies, and a letter registered from another channel. */
import type { Principal } from '../../core/access.ts';
import type { Mailbox } from '../../core/db.types.ts';
import {
  Checkbox,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  optionsOf,
  Select,
  str,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { Paragraphs } from '../../web/layout.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { LETTER_KINDS } from './interaction.letters.rules.ts';

const Back = () => (
  <p>
    <a href="/admin/letters">← 来信办理</a>
  </p>
);

export function LetterSettingsPage(props: {
  principal: Principal;
  csrf: string;
  s: {
    mailboxes: (Mailbox & { agency_name: string | null })[];
    agencies: { id: number; name: string }[];
    days: Record<string, number>;
    review: boolean;
    resultDays: number;
  };
  /** A refused form: which, what it showed and why. */
  refused?: { form: 'settings' | 'mailbox'; values: FormValues; errors: FieldErrors; message: string };
  flash?: string;
}): JSX.Element {
  const { s } = props;
  const v = (form: string) => (props.refused?.form === form ? props.refused.values : {});
  const e = (form: string) => (props.refused?.form === form ? props.refused.errors : {});
  const settings: FormValues = {
    ...Object.fromEntries(Object.entries(s.days).map(([k, d]) => [`days_${k}`, String(d)])),
    review: s.review ? 'on' : '',
    resultDays: String(s.resultDays),
    ...v('settings'),
  };
  return (
    <AdminLayout title="信箱和期限设置" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <Back />
      <h1>信箱和期限设置</h1>
      <FormMessage message={props.refused?.message} />
      <h2>答复期限</h2>
      <form method="post" action="/admin/letters/settings" class="form-wide">
        <Csrf token={props.csrf} />
        <p class="hint">自分办（或直接送达承办单位）之日起计算的工作日，节假日和调休按本站点的工作日历。</p>
        {Object.entries(LETTER_KINDS).map(([k, label]) => (
          <TextField
            name={`days_${k}`}
            label={`${label}（工作日）`}
            values={settings}
            errors={e('settings')}
            max={2}
            inputmode="numeric"
          />
        ))}
        <Checkbox name="review" label="答复须经承办单位审核人审核后发送" checked={str(settings.review) === 'on'} />
        <TextField
          name="resultDays"
          label="意见征集截止后公布采纳情况的期限（工作日）"
          values={settings}
          errors={e('settings')}
          max={2}
          inputmode="numeric"
        />
        <p>
          <button type="submit" class="btn">
            保存
          </button>
        </p>
      </form>

      <h2>信箱</h2>
      <table class="stack">
        <thead>
          <tr>
            <th scope="col">名称</th>
            <th scope="col">地址</th>
            <th scope="col">受理</th>
            <th scope="col">状态</th>
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {s.mailboxes.map((m) => (
            <tr>
              <td data-label="名称" safe>
                {m.name}
              </td>
              <td data-label="地址" safe>{`/mail/${m.slug}/write`}</td>
              <td data-label="受理">
                {m.agency_name ? <span safe>{`${m.agency_name}直接办理`}</span> : '政务公开办分办'}
              </td>
              <td data-label="状态">{m.active ? '开放' : '已关闭'}</td>
              <td data-label="操作">
                <form method="post" action={`/admin/letters/mailboxes/${m.id}/${m.active ? 'close' : 'open'}`}>
                  <Csrf token={props.csrf} />
                  <button type="submit" class="btn secondary">
                    {m.active ? '关闭' : '重新开放'}
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="post" action="/admin/letters/mailboxes" class="action-form form-wide">
        <Csrf token={props.csrf} />
        <fieldset>
          <legend>新建信箱</legend>
          <TextField name="name" label="名称（如 县长信箱）" values={v('mailbox')} errors={e('mailbox')} max={30} />
          <TextField
            name="slug"
            label="地址代码"
            values={v('mailbox')}
            errors={e('mailbox')}
            max={30}
            hint="小写字母、数字和连字符，如 xzxx"
          />
          <Select
            name="agencyId"
            label="受理"
            options={[
              ['', '政务公开办分办'],
              ...s.agencies.map((a): [string, string] => [String(a.id), `${a.name}直接办理`]),
            ]}
            value={v('mailbox').agencyId}
            errors={e('mailbox')}
          />
          <TextArea name="intro" label="说明" values={v('mailbox')} errors={e('mailbox')} rows={3} max={1000} />
          <button type="submit" class="btn">
            新建信箱
          </button>
        </fieldset>
      </form>
    </AdminLayout>
  );
}

export function CannedRepliesPage(props: {
  principal: Principal;
  csrf: string;
  agencies: { id: number; name: string }[];
  chosen: { id: number; name: string } | null;
  replies: { id: number; title: string; body: string }[];
  refused?: { agencyId: number; values: FormValues; errors: FieldErrors; message: string };
  flash?: string;
}): JSX.Element {
  const a = props.chosen;
  const refused = props.refused;
  return (
    <AdminLayout title="常用答复" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <Back />
      <h1>常用答复</h1>
      <p>答复来信时可选用本机构的常用答复，再按来信内容修改。</p>
      <FormMessage message={refused?.message} />
      {props.agencies.length > 1 ? (
        <form method="get" action="/admin/letters/canned" class="filters">
          <Select
            name="agency"
            label="机构"
            options={props.agencies.map((x): [string, string] => [String(x.id), x.name])}
            value={a ? String(a.id) : ''}
            errors={{}}
          />
          <button type="submit" class="btn secondary">
            查看
          </button>
        </form>
      ) : (
        ''
      )}
      {a ? (
        <section aria-labelledby="replies">
          <h2 id="replies" safe>{`${a.name}（${props.replies.length}）`}</h2>
          {props.replies.map((r) => (
            <div class="canned">
              <h3 safe>{r.title}</h3>
              <Paragraphs text={r.body} />
              <form method="post" action={`/admin/letters/canned/${a.id}/${r.id}/delete`}>
                <Csrf token={props.csrf} />
                <button type="submit" class="btn secondary">
                  删除
                </button>
              </form>
            </div>
          ))}
          <form method="post" action={`/admin/letters/canned/${a.id}`} class="action-form form-wide">
            <Csrf token={props.csrf} />
            <fieldset>
              <legend>新增常用答复</legend>
              <TextField
                name="title"
                label="标题"
                values={refused?.values ?? {}}
                errors={refused?.errors ?? {}}
                max={60}
              />
              <TextArea
                name="body"
                label="答复内容"
                values={refused?.values ?? {}}
                errors={refused?.errors ?? {}}
                rows={5}
                max={5000}
              />
              <button type="submit" class="btn">
                保存
              </button>
            </fieldset>
          </form>
        </section>
      ) : (
        <p>您不是任何机构的信息员。</p>
      )}
    </AdminLayout>
  );
}

export function RegisterLetterPage(props: {
  principal: Principal;
  csrf: string;
  mailboxes: Mailbox[];
  agencies: { id: number; name: string }[];
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  const { values: v, errors: e } = props;
  return (
    <AdminLayout title="登记来信" principal={props.principal} csrf={props.csrf}>
      <Back />
      <h1>登记来信</h1>
      <p>
        登记通过信件、电话、12345 转办等其他渠道收到的来信。登记后生成信件编号和查询码，请告知来信人以便查询办理进度。
      </p>
      <FormMessage message={props.message} />
      <form method="post" action="/admin/letters/new" class="form-wide">
        <Csrf token={props.csrf} />
        <Select
          name="mailbox"
          label="信箱"
          options={props.mailboxes.map((m): [string, string] => [m.slug, m.name])}
          value={v.mailbox}
          errors={e}
        />
        <Select name="kind" label="来信类型" options={optionsOf(LETTER_KINDS)} value={v.kind ?? 'consult'} errors={e} />
        <Select
          name="agencyId"
          label="写给哪个单位"
          options={[['', '由政务公开办分办'], ...props.agencies.map((a): [string, string] => [String(a.id), a.name])]}
          value={v.agencyId}
          errors={e}
        />
        <TextField name="title" label="标题" values={v} errors={e} required max={60} />
        <TextArea name="content" label="来信内容 *" values={v} errors={e} rows={8} max={3000} />
        <TextField name="name" label="姓名" values={v} errors={e} required max={30} />
        <TextField name="phone" label="联系电话" values={v} errors={e} max={20} hint="联系电话和电子邮箱至少填写一项" />
        <TextField name="email" label="电子邮箱" values={v} errors={e} max={100} />
        <Checkbox name="consent" label="来信人同意公开本信" checked={str(v.consent) === 'on'} />
        <p>
          <button type="submit" class="btn">
            登记
          </button>
        </p>
      </form>
    </AdminLayout>
  );
}
