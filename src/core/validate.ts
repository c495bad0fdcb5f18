import { z } from 'zod';
import { badInput } from './errors.ts';
import { cleanText } from './text.ts';

// every message zod writes itself (a value of the wrong type, an unknown option) is in Chinese too, so that no form
// or API answer ever shows zod's English; the schemas' own messages, which name the field, come first
z.config(z.locales.zhCN());

/** Parses input with a schema; failure is a 400 with a Chinese message per field. */
export function parseInput<T extends z.ZodType>(schema: T, data: unknown): z.output<T> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const details: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const key = issue.path.join('.') || '_';
    details[key] ??= issue.message;
  }
  throw badInput(`提交的内容有误：${Object.values(details).join('；')}`, details);
}

/** A cleaned, trimmed, bounded text field. */
export const text = (label: string, max: number, min = 0) =>
  z
    .string({ error: `${label}必须是文字` })
    .transform((s) => cleanText(s).trim())
    .pipe(
      z
        .string()
        .min(min, min === 1 ? `请填写${label}` : `${label}至少 ${min} 个字`)
        .max(max, `${label}不能超过 ${max} 个字`),
    );

export const optionalDate = (label: string) =>
  z
    .string()
    .trim()
    .max(10, `${label}格式应为 年-月-日`)
    .refine(
      (s) =>
        s === '' ||
        (/^\d{4}-\d{2}-\d{2}$/.test(s) &&
          !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
          new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)),
      `${label}不是有效日期（年-月-日）`,
    )
    .transform((s) => (s === '' ? null : s));

/** A form field that may come once, several times, or not at all, as a list of ids. */
export const idList = (label: string, max: number) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z
      .array(
        z.coerce
          .number({ error: `${label}无效` })
          .int(`${label}无效`)
          .positive(`${label}无效`)
          .max(2_147_483_647, `${label}无效`),
      )
      .max(max, `${label}最多 ${max} 个`),
  );

export const id = z.coerce.number().int().positive().max(2_147_483_647);
export const pageParam = z.coerce.number().int().min(1).max(10_000).catch(1);

/** A checkbox: a form sends 'on' (after a hidden 'off', so the last value counts), JSON sends a boolean. */
export const checkbox = z.preprocess((v) => {
  const last = Array.isArray(v) ? v.at(-1) : v;
  return last === true || last === 'on' || last === 'true' || last === '1';
}, z.boolean());

/** An optional id from a form: blank is none. */
export const optionalId = z.preprocess(
  (v) => (v === '' || v === undefined || v === null ? null : v),
  z.coerce.number().int().positive().max(2_147_483_647).nullable(),
);

/**
 * A tree's new parent must be on the site and must not be the item itself or below it. `ancestry` is the parent
 * and every node above it, nearest first.
 */
export function checkParent(
  ancestry: { id: number; site_id: number }[],
  siteId: number,
  selfId: number | null,
  message: { foreign: string; cycle: string },
): void {
  if (!ancestry.length || ancestry[0].site_id !== siteId) throw badInput(message.foreign);
  if (selfId !== null && ancestry.some((r) => r.id === selfId)) throw badInput(message.cycle);
}
