import { Html, type PropsWithChildren } from '@kitajs/html';
import type { Challenge } from '../core/captcha.ts';
import { ATTACHMENT_TYPES } from '../core/files.ts';
/** Form fields for the back office: a label, the control, and the error message next to the field it concerns. */

export interface FormValues {
  [k: string]: unknown;
}
export type FieldErrors = Record<string, string>;

export const str = (v: unknown) =>
  v === undefined || v === null ? '' : Array.isArray(v) ? v.join(' ') : v instanceof Date ? v.toISOString() : String(v);
export const ids = (v: unknown): number[] =>
  (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]).map(Number);

export function Err(props: { errors: FieldErrors; name: string }): JSX.Element {
  const m = props.errors[props.name];
  return m ? (
    <span class="field-error" id={`err-${props.name}`} safe>
      {`错误：${m}`}
    </span>
  ) : (
    ''
  );
}

/** The page-level message above a form that was refused. */
export function FormMessage(props: { message?: string }): JSX.Element {
  return props.message ? (
    <p class="banner" role="alert" safe>
      {props.message}
    </p>
  ) : (
    ''
  );
}

export const described = (errors: FieldErrors, name: string) =>
  errors[name] ? { 'aria-invalid': 'true', 'aria-describedby': `err-${name}` } : {};

function Label(props: { name: string; label: string; required?: boolean; hint?: string }): JSX.Element {
  return (
    <label for={`f-${props.name}`}>
      {Html.escapeHtml(props.label)}
      {!!props.required && <span aria-hidden="true"> *</span>}
      {!!props.hint && <span class="hint" safe>{` ${props.hint}`}</span>}
    </label>
  );
}

export function TextField(props: {
  name: string;
  label: string;
  values: FormValues;
  errors: FieldErrors;
  type?: string;
  required?: boolean;
  max?: number;
  hint?: string;
  autocomplete?: string;
  /** The keyboard a phone shows (numeric for digits). */
  inputmode?: 'numeric' | 'email' | 'tel';
  list?: string;
  /** `data-*` attributes, for the page's script (e.g. `suggest`: where to ask for answers as the field is typed). */
  data?: Record<string, string>;
}): JSX.Element {
  const data = Object.fromEntries(Object.entries(props.data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <div class="field">
      <Label {...props} />
      <input
        type={props.type ?? 'text'}
        id={`f-${props.name}`}
        name={props.name}
        value={props.type === 'password' ? '' : str(props.values[props.name])}
        required={props.required}
        maxlength={props.max ? String(props.max) : undefined}
        autocomplete={props.autocomplete}
        inputmode={props.inputmode}
        list={props.list}
        {...described(props.errors, props.name)}
        {...data}
        size="60"
      />
      <Err errors={props.errors} name={props.name} />
    </div>
  );
}

export function TextArea(props: {
  name: string;
  label: string;
  values: FormValues;
  errors: FieldErrors;
  rows?: number;
  max?: number;
  hint?: string;
  /** `data-*` attributes (a script that takes the field over reads them). */
  data?: Record<string, string>;
}): JSX.Element {
  const data = Object.fromEntries(Object.entries(props.data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <div class="field">
      <Label {...props} />
      <textarea
        id={`f-${props.name}`}
        name={props.name}
        rows={String(props.rows ?? 4)}
        maxlength={props.max ? String(props.max) : undefined}
        {...data}
        {...described(props.errors, props.name)}
        safe
      >
        {str(props.values[props.name])}
      </textarea>
      <Err errors={props.errors} name={props.name} />
    </div>
  );
}

export function Select(props: {
  name: string;
  label: string;
  options: [string, string][];
  value: unknown;
  errors: FieldErrors;
}): JSX.Element {
  return (
    <div class="field">
      <label for={`f-${props.name}`} safe>
        {props.label}
      </label>
      <select id={`f-${props.name}`} name={props.name} {...described(props.errors, props.name)}>
        {props.options.map(([v, l]) => (
          <option value={v} selected={str(props.value) === v} safe>
            {l}
          </option>
        ))}
      </select>
      <Err errors={props.errors} name={props.name} />
    </div>
  );
}

/** A single yes/no checkbox; an unchecked box sends nothing, so the hidden field says "off". */
export function Checkbox(props: { name: string; label: string; checked: boolean }): JSX.Element {
  return (
    <div class="field">
      <input type="hidden" name={props.name} value="off" />
      <label>
        <input type="checkbox" name={props.name} value="on" checked={props.checked} /> <span safe>{props.label}</span>
      </label>
    </div>
  );
}

export function Checks(props: {
  name: string;
  legend: string;
  options: { id: number; label: string }[];
  values: number[];
  errors: FieldErrors;
}): JSX.Element {
  return (
    <fieldset>
      <legend safe>{props.legend}</legend>
      <Err errors={props.errors} name={props.name} />
      <div class="checks">
        {props.options.map((o) => (
          <label>
            <input type="checkbox" name={props.name} value={String(o.id)} checked={props.values.includes(o.id)} />
            <span safe>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Select options from a record of value → label, with an optional blank first choice. */
export const optionsOf = (o: Record<string, string>, blank?: string): [string, string][] => [
  ...(blank !== undefined ? ([['', blank]] as [string, string][]) : []),
  ...Object.entries(o),
];

/** A hidden CSRF field: every back-office form carries it. */
export const Csrf = (props: { token: string }): JSX.Element => <input type="hidden" name="_csrf" value={props.token} />;

/** The extensions an attachment may have (core/files.ts decides by content; this only guides the file picker). */
const ACCEPTED = [...new Set(Object.values(ATTACHMENT_TYPES).flat())].map((x) => `.${x}`).join(',');

/** One file sent as an attachment (multipart: the form token travels in the address). */
export function UploadForm(props: { action: string; csrf: string; id: string; label: string }): JSX.Element {
  return (
    <form
      method="post"
      action={`${props.action}?_csrf=${encodeURIComponent(props.csrf)}`}
      enctype="multipart/form-data"
    >
      <label for={props.id} safe>
        {props.label}
      </label>
      <input type="file" id={props.id} name="file" required accept={ACCEPTED} />
      <button class="btn secondary" type="submit">
        上传
      </button>
    </form>
  );
}

/** The non-visual captcha of a public form: a sum in Chinese numerals, answered in digits. */
export function CaptchaFields(props: { challenge: Challenge; errors: FieldErrors }): JSX.Element {
  return (
    <fieldset>
      <legend>验证</legend>
      <input type="hidden" name="captchaToken" value={props.challenge.token} />
      <TextField
        name="captcha"
        label={`验证问题：${props.challenge.question}`}
        values={{}}
        errors={props.errors}
        required
        max={10}
        autocomplete="off"
        inputmode="numeric"
      />
    </fieldset>
  );
}

/** The one optional file of a public form (PDF or an image); a form sent back asks for it again. */
export function OptionalFile(props: {
  name: string;
  label: string;
  maxFileMb: number;
  dropped?: boolean;
}): JSX.Element {
  const again = `${props.name}-again`;
  return (
    <div class="field">
      <label for={`f-${props.name}`}>
        <span safe>{`${props.label}（可选）`}</span>
        <span class="hint" safe>{` PDF、JPG 或 PNG，不超过 ${props.maxFileMb} MB`}</span>
      </label>
      <input
        type="file"
        id={`f-${props.name}`}
        name={props.name}
        accept=".pdf,.jpg,.jpeg,.png"
        {...(props.dropped ? { 'aria-describedby': again } : {})}
      />
      {props.dropped && (
        <span class="field-error" id={again} safe>
          {`为保护您的信息，页面不保留已选的文件：请重新选择${props.label}。`}
        </span>
      )}
    </div>
  );
}

/** The tracking number and query code of what a resident sent, as its receipt shows them once. */
export function TrackingNumbers(props: { numberLabel: string; trackingNo: string; queryCode: string }): JSX.Element {
  return (
    <table class="meta">
      <tbody>
        <tr>
          <th scope="row" safe>
            {props.numberLabel}
          </th>
          <td>
            <strong safe>{props.trackingNo}</strong>
          </td>
        </tr>
        <tr>
          <th scope="row">查询码</th>
          <td>
            <strong safe>{props.queryCode}</strong>
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** The form that opens what a resident sent by its number and query code (the code in the body, never the address). */
export function TrackingLookup(props: {
  action: string;
  csrf: string;
  numberLabel: string;
  values: FormValues;
  errors: FieldErrors;
}): JSX.Element {
  return (
    <form method="post" action={props.action}>
      <Csrf token={props.csrf} />
      <TextField
        name="trackingNo"
        label={props.numberLabel}
        values={props.values}
        errors={props.errors}
        required
        max={40}
        autocomplete="off"
      />
      <TextField
        name="queryCode"
        label="查询码"
        values={{}}
        errors={props.errors}
        required
        max={20}
        autocomplete="off"
      />
      <button type="submit" class="btn">
        查询
      </button>
    </form>
  );
}

/** One action of a back-office page as its own form: its fields under the action's name, then its button. */
export function ActionForm(
  props: PropsWithChildren<{ action: string; label: string; csrf: string; secondary?: boolean }>,
): JSX.Element {
  return (
    <form method="post" action={props.action} class="action-form">
      <Csrf token={props.csrf} />
      <fieldset>
        <legend safe>{props.label}</legend>
        {props.children}
        <button type="submit" class={props.secondary ? 'btn secondary' : 'btn'} safe>
          {props.label}
        </button>
      </fieldset>
    </form>
  );
}
