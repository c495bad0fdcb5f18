/** An edition in the back office: its form (new or draft) and its page with the actions the member may take. */
import type { Principal } from '../../core/access.ts';
import { type AuditEntry, auditAction } from '../../core/audit.text.ts';
import type { Agency, Column, Edition } from '../../core/db.types.ts';
import { fmtDateTime, fmtSize } from '../../web/format.ts';
import {
  Checks,
  Csrf,
  described,
  Err,
  type FieldErrors,
  FormMessage,
  type FormValues,
  ids,
  Select,
  TextArea,
  TextField,
  UploadForm,
} from '../../web/forms.tsx';
import { AdminLayout } from '../../web/staff.layout.tsx';
import type { BodyBlock, FieldChange } from './catalog.diff.ts';
import type { PlacedFinding } from './catalog.personal.ts';
import type { PublicPage } from './catalog.read.store.ts';
import { EditionChanges, PersonalCheck, staffFileHref } from './catalog.review.views.tsx';
import {
  ACTION_LABELS,
  DISCLOSURE_LABELS,
  type EditionAction,
  GENRES,
  STATE_LABELS,
  THEMES,
  VALIDITY_LABELS,
} from './catalog.rules.ts';
import { DocumentView } from './catalog.views.tsx';

export interface EditionFormProps {
  csrf: string;
  action: string;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  agencies: Agency[];
  ownerAgencies: Agency[];
  columns: Column[];
  policies: { id: number; title: string; doc_no: string }[];
  isNewEdition?: boolean;
  /** Where the editor uploads a picture (an existing draft's attachments); none on a new item's form. */
  pictureUpload?: string;
}

export function NewEditionPage(props: EditionFormProps & { principal: Principal }): JSX.Element {
  return (
    <AdminLayout title="新建信息" principal={props.principal} csrf={props.csrf}>
      <h1>新建信息</h1>
      <EditionForm {...props} />
    </AdminLayout>
  );
}

/** The draft form: every catalogue field, with the error message next to the field it concerns. */
export function EditionForm(props: EditionFormProps): JSX.Element {
  const v = props.values;
  const e = props.errors;
  return (
    <>
      <FormMessage message={props.message} />
      <form method="post" action={props.action}>
        <Csrf token={props.csrf} />
        {props.ownerAgencies.length > 0 && (
          <Select
            name="ownerAgencyId"
            label="发布机构"
            options={props.ownerAgencies.map((a) => [String(a.id), a.name])}
            value={v.ownerAgencyId}
            errors={e}
          />
        )}
        <TextField name="title" label="标题" values={v} errors={e} required max={300} />
        <TextField name="docNo" label="发文字号" values={v} errors={e} max={100} hint="如 青政办〔2026〕12号" />
        <TextField name="writtenOn" label="成文日期" type="date" values={v} errors={e} />
        <Select name="genre" label="体裁分类" options={GENRES.map((g) => [g, g])} value={v.genre} errors={e} />
        <Select
          name="themeCategory"
          label="主题分类"
          options={[['', '（未分类）'], ...THEMES.map((t): [string, string] => [t, t])]}
          value={v.themeCategory}
          errors={e}
        />
        <TextField name="keywords" label="主题词" values={v} errors={e} max={200} hint="用空格或逗号分隔" />
        <TextArea name="summary" label="内容概述" values={v} errors={e} rows={3} max={2000} />
        <TextArea
          name="bodyHtml"
          label="正文"
          hint="（无法使用编辑器时可直接填写 HTML，保存时自动清理不安全内容）"
          values={v}
          errors={e}
          rows={14}
          data={{ editor: 'rich', ...(props.pictureUpload ? { upload: props.pictureUpload } : {}) }}
        />
        <script src="/static/editor.js" defer />
        <Checks
          name="agencyIds"
          legend="发文机关（不选则为发布机构；联合发文时勾选全部发文机关）"
          options={props.agencies.map((a) => ({ id: a.id, label: a.name }))}
          values={ids(v.agencyIds)}
          errors={e}
        />
        <Checks
          name="columnIds"
          legend="所属栏目"
          options={props.columns.map((c) => ({ id: c.id, label: c.name }))}
          values={ids(v.columnIds)}
          errors={e}
        />
        <Select
          name="disclosureMode"
          label="公开方式"
          options={Object.entries(DISCLOSURE_LABELS)}
          value={v.disclosureMode}
          errors={e}
        />
        <TextField name="nonDisclosureReason" label="不予公开理由" values={v} errors={e} max={500} />
        <Select
          name="validity"
          label="有效性"
          options={Object.entries(VALIDITY_LABELS)}
          value={v.validity}
          errors={e}
        />
        <TextField name="effectiveOn" label="施行日期" type="date" values={v} errors={e} />
        <TextField name="validityChangedOn" label="失效/废止日期" type="date" values={v} errors={e} />
        <div class="field">
          <label for="f-replacedByPick">
            替代文件（修订或废止时）<span class="hint"> 输入标题或文号，从列表中选择；清空则无</span>
          </label>
          <input
            type="search"
            id="f-replacedByPick"
            name="replacedByPick"
            list="policy-choices"
            size="60"
            maxlength="400"
            autocomplete="off"
            value={replacementLabel(props.policies, v)}
            {...described(e, 'replacedByPick')}
          />
          <Err errors={e} name="replacedByPick" />
          <Err errors={e} name="replacedById" />
        </div>
        <PolicyPicker policies={props.policies} values={v} errors={e} />
        <Select
          name="interpretationKind"
          label="解读形式"
          options={[
            ['', '（不是解读）'],
            ['text', '文字解读'],
            ['graphic', '图解'],
            ['video', '视频解读'],
          ]}
          value={v.interpretationKind}
          errors={e}
        />
        <TextField name="videoUrl" label="视频链接" type="url" values={v} errors={e} max={500} />
        <TextField
          name="scheduledAt"
          label="定时发布时间"
          type="datetime-local"
          values={v}
          errors={e}
          hint="留空则审查通过后立即发布（北京时间）"
        />
        {props.isNewEdition && (
          <TextField name="changeNote" label="修改说明" values={v} errors={e} required max={1000} />
        )}
        <button class="btn" type="submit">
          保存草稿
        </button>
      </form>
    </>
  );
}

/** A policy as the picker offers it; the number after # is what the server reads. */
const pickLabel = (p: { id: number; title: string; doc_no: string }) =>
  `${p.title}${p.doc_no ? `（${p.doc_no}）` : ''} #${p.id}`;

/** What the replacement field shows: as typed when the form comes back, else the linked policy. */
function replacementLabel(policies: { id: number; title: string; doc_no: string }[], v: FormValues): string {
  if (typeof v.replacedByPick === 'string') return v.replacedByPick;
  const id = Number(v.replacedById);
  if (!id) return '';
  const p = policies.find((x) => x.id === id);
  return p ? pickLabel(p) : `#${id}`;
}

/**
 * 解读的文件: the policies linked so far (untick to drop one) and a field to add one, searched by title or document
 * number among the site's live policies as it is typed (the browser's own list: no script needed).
 */
function PolicyPicker(props: {
  policies: { id: number; title: string; doc_no: string }[];
  values: FormValues;
  errors: FieldErrors;
}): JSX.Element {
  const linked = ids(props.values.interpretsIds);
  const known = new Map(props.policies.map((p) => [p.id, p]));
  return (
    <fieldset>
      <legend>解读的文件（体裁为政策解读时必填）</legend>
      <Err errors={props.errors} name="interpretsIds" />
      <div class="checks">
        {linked.map((id) => (
          <label>
            <input type="checkbox" name="interpretsIds" value={String(id)} checked />
            <span safe>{known.has(id) ? pickLabel(known.get(id)!) : `#${id}`}</span>
          </label>
        ))}
      </div>
      <div class="field">
        <label for="f-interpretsPick">添加：输入标题或文号，从列表中选择</label>
        <input
          type="search"
          id="f-interpretsPick"
          name="interpretsPick"
          list="policy-choices"
          size="60"
          maxlength="400"
          autocomplete="off"
          value={typeof props.values.interpretsPick === 'string' ? props.values.interpretsPick : ''}
          {...described(props.errors, 'interpretsPick')}
        />
        <datalist id="policy-choices">
          {props.policies.map((p) => (
            <option value={pickLabel(p)} />
          ))}
        </datalist>
        <Err errors={props.errors} name="interpretsPick" />
      </div>
    </fieldset>
  );
}

export function EditionDetail(props: {
  principal: Principal;
  csrf: string;
  flash?: string;
  edition: Edition;
  publication: { id: number; index_no: string | null; status: string; status_reason: string };
  agencyName: string;
  actions: EditionAction[];
  canEdit: boolean;
  canNewEdition: boolean;
  canWithdraw: boolean;
  /** The page this edition makes, and what it changes of the live edition when it would replace it. */
  page: PublicPage;
  /** What the personal-data guard found, and whether this member may mask it. */
  personal: PlacedFinding[];
  canMask: boolean;
  changes: { liveNumber: number; fields: FieldChange[]; body: BodyBlock[] } | null;
  history: (AuditEntry & { at: Date })[];
  form?: EditionFormProps;
  siteBase: string;
}): JSX.Element {
  const e = props.edition;
  const p = props.publication;
  const reasonForm = (action: string, label: string) => (
    <form method="post" action={action} class="inline-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <label for={`r-${label}`} safe>{`${label}理由`}</label>
      <input type="text" id={`r-${label}`} name="reason" required maxlength="500" />
      <button class="btn secondary" type="submit" safe>
        {label}
      </button>
    </form>
  );
  return (
    <AdminLayout title={e.title} principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1 safe>{e.title}</h1>
      <table class="meta">
        <tbody>
          <tr>
            <th scope="row">状态</th>
            <td safe>{`第 ${e.number} 版：${STATE_LABELS[e.state]}`}</td>
          </tr>
          <tr>
            <th scope="row">发布机构</th>
            <td safe>{props.agencyName}</td>
          </tr>
          <tr>
            <th scope="row">所属栏目</th>
            <td safe>{props.page.columns.map((c) => c.name).join('、') || '（未选栏目）'}</td>
          </tr>
          {!!(e.rejection_reason && e.state === 'draft') && (
            <tr>
              <th scope="row">退回理由</th>
              <td safe>{e.rejection_reason}</td>
            </tr>
          )}
          {!!e.scheduled_at && (
            <tr>
              <th scope="row">定时发布</th>
              <td safe>{fmtDateTime(e.scheduled_at)}</td>
            </tr>
          )}
          {!!(e.number > 1 && e.change_note) && (
            <tr>
              <th scope="row">修改说明</th>
              <td safe>{e.change_note}</td>
            </tr>
          )}
          {p.status === 'withdrawn' || p.status === 'unpublished' ? (
            <tr>
              <th scope="row">撤回/撤销理由</th>
              <td safe>{p.status_reason}</td>
            </tr>
          ) : (
            ''
          )}
        </tbody>
      </table>
      <p class="links">
        <a href={`/admin/editions/${e.id}/preview`}>按网站样式预览本版</a>
        {(p.status === 'published' || p.status === 'withdrawn') && (
          <a href={`${props.siteBase}/p/${p.id}`}>查看公开页面</a>
        )}
        <a href="#acts">跳到操作</a>
      </p>
      {!!props.changes && <EditionChanges {...props.changes} />}
      <PersonalCheck editionId={e.id} csrf={props.csrf} findings={props.personal} canMask={props.canMask} />
      <section aria-labelledby="full" class="review-copy">
        <h2 id="full">全文（公开后的样子）</h2>
        <DocumentView
          base={props.siteBase}
          data={props.page}
          agencyName={props.agencyName}
          fileHref={staffFileHref(e.id)}
          staffEdition={e.id}
          titleLevel={3}
          markPersonal
        />
      </section>
      <section aria-labelledby="acts">
        <h2 id="acts">操作</h2>
        {props.actions.map((a) =>
          a.startsWith('reject') ? (
            reasonForm(`/admin/editions/${e.id}/${a}`, ACTION_LABELS[a])
          ) : a.startsWith('approve') && props.personal.length > 0 ? (
            <form method="post" action={`/admin/editions/${e.id}/${a}`} class="inline-form">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <label for={`o-${a}`}>确认公开个人信息的理由</label>
              <input type="text" id={`o-${a}`} name="personalOverride" required maxlength="500" />
              <button class="btn" type="submit" safe>
                {ACTION_LABELS[a]}
              </button>
            </form>
          ) : (
            <form method="post" action={`/admin/editions/${e.id}/${a}`} class="inline-form">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button class="btn" type="submit" safe>
                {ACTION_LABELS[a]}
              </button>
            </form>
          ),
        )}
        {props.canNewEdition && (
          <form method="post" action={`/admin/publications/${p.id}/new-edition`} class="inline-form">
            <input type="hidden" name="_csrf" value={props.csrf} />
            <button class="btn secondary" type="submit">
              创建新版本
            </button>
          </form>
        )}
        {props.canWithdraw && p.status === 'published' && reasonForm(`/admin/publications/${p.id}/withdraw`, '撤回')}
        {props.canWithdraw &&
          (p.status === 'published' || p.status === 'withdrawn') &&
          reasonForm(`/admin/publications/${p.id}/unpublish`, '撤销发布')}
        {!props.actions.length && !props.canNewEdition && !props.canWithdraw && (
          <p class="muted">您当前没有可执行的操作。</p>
        )}
      </section>
      <section aria-labelledby="atts">
        <h2 id="atts">附件</h2>
        {props.page.attachments.length === 0 && <p class="muted">无附件</p>}
        <ul>
          {props.page.attachments.map((a) => (
            <li>
              <a href={staffFileHref(e.id)(a)} safe>
                {a.filename}
              </a>{' '}
              <span class="muted" safe>{`（${fmtSize(a.size)}）`}</span>
              {props.canEdit && (
                <form method="post" action={`/admin/editions/${e.id}/attachments/${a.id}/delete`} class="inline-form">
                  <input type="hidden" name="_csrf" value={props.csrf} />
                  <button class="btn secondary" type="submit" aria-label={`删除附件 ${a.filename}`}>
                    删除
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
        {props.canEdit && (
          <UploadForm
            action={`/admin/editions/${e.id}/attachments`}
            csrf={props.csrf}
            id="att-file"
            label="上传附件（PDF、Word、Excel、图片）"
          />
        )}
      </section>
      {!!props.form && (
        <section aria-labelledby="edit">
          <h2 id="edit">编辑草稿</h2>
          <EditionForm {...props.form} />
        </section>
      )}
      <section aria-labelledby="hist">
        <h2 id="hist">处理记录</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">时间</th>
              <th scope="col">操作人</th>
              <th scope="col">处理</th>
            </tr>
          </thead>
          <tbody>
            {props.history.map((h) => (
              <tr>
                <td class="date" safe>
                  {fmtDateTime(h.at)}
                </td>
                <td safe>{h.actor_name || '系统'}</td>
                <td safe>{auditAction(h, '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </AdminLayout>
  );
}
