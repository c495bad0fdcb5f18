/**
 * What a new edition changes of the live one, as a reviewer reads it: the catalogue fields that differ (named as on
 * the page) and the body paragraph by paragraph, with the changed characters of a rewritten paragraph marked.
 */
import { diffArrays, diffChars } from 'diff';
import { htmlToText, shownHtml } from '../../core/html.ts';
import type { PublicPage } from './catalog.read.store.ts';
import { DISCLOSURE_LABELS, VALIDITY_LABELS } from './catalog.rules.ts';

export interface FieldChange {
  label: string;
  before: string;
  after: string;
}

/** A run of text in a changed paragraph: kept, taken out or put in. */
export interface Piece {
  text: string;
  change?: 'added' | 'removed';
}

export type BodyBlock =
  | { kind: 'same'; text: string }
  /** Unchanged paragraphs left out between changes. */
  | { kind: 'skipped'; count: number }
  | { kind: 'added'; text: string }
  | { kind: 'removed'; text: string }
  | { kind: 'changed'; pieces: Piece[] };

/** The columns of an edition as the form names them, for saying which fields a save changed. */
const COLUMN_LABELS: Record<string, string> = {
  title: '标题',
  doc_no: '发文字号',
  written_on: '成文日期',
  genre: '体裁分类',
  theme_category: '主题分类',
  keywords: '主题词',
  summary: '内容概述',
  body_text: '正文',
  disclosure_mode: '公开方式',
  non_disclosure_reason: '不予公开理由',
  validity: '有效性',
  effective_on: '施行日期',
  validity_changed_on: '失效/废止日期',
  replaced_by_id: '替代文件',
  interpretation_kind: '解读形式',
  video_url: '视频链接',
  change_note: '修改说明',
  scheduled_at: '定时发布时间',
};
const LINK_LABELS = { agencyIds: '发文机关', columnIds: '所属栏目', interpretsIds: '解读的文件' } as const;
type Links = Record<keyof typeof LINK_LABELS, number[]>;

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a instanceof Date ? a.toISOString() : (a ?? null)) ===
  JSON.stringify(b instanceof Date ? b.toISOString() : (b ?? null));

/** The fields a save changed, named as on the form (the body by its text, so markup alone is no change). */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  linksBefore: Links,
  linksAfter: Links,
): string[] {
  const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  return [
    ...Object.entries(COLUMN_LABELS)
      .filter(([column]) => column in after && !same(before[column], after[column]))
      .map(([, label]) => label),
    ...(Object.keys(LINK_LABELS) as (keyof Links)[])
      .filter((k) => !same(sorted(linksBefore[k]), sorted(linksAfter[k])))
      .map((k) => LINK_LABELS[k]),
  ];
}

const INTERPRETATION_LABELS: Record<string, string> = { text: '文字解读', graphic: '图解', video: '视频解读' };

/** The fields of a page as a reviewer compares them, in the order of the form. */
function fieldsOf(p: PublicPage): [string, string][] {
  const e = p.edition;
  const names = (xs: { name?: string; title?: string; filename?: string }[]) =>
    xs.map((x) => x.name ?? x.title ?? x.filename ?? '').join('、');
  return [
    ['标题', e.title],
    ['发文字号', e.doc_no],
    ['成文日期', e.written_on ?? ''],
    ['体裁分类', e.genre],
    ['主题分类', e.theme_category],
    ['主题词', e.keywords.join(' ')],
    ['内容概述', e.summary],
    ['发文机关', names(p.agencies)],
    ['所属栏目', names(p.columns)],
    ['公开方式', DISCLOSURE_LABELS[e.disclosure_mode]],
    ['不予公开理由', e.non_disclosure_reason],
    ['有效性', VALIDITY_LABELS[e.validity]],
    ['施行日期', e.effective_on ?? ''],
    ['失效/废止日期', e.validity_changed_on ?? ''],
    ['替代文件', p.replacedBy?.title ?? ''],
    ['解读的文件', names(p.interprets)],
    ['解读形式', e.interpretation_kind ? INTERPRETATION_LABELS[e.interpretation_kind] : ''],
    ['视频链接', e.video_url],
    ['附件', names(p.attachments)],
  ];
}

/** The catalogue fields whose values differ between the live page and the new one. */
export function fieldChanges(live: PublicPage, next: PublicPage): FieldChange[] {
  const before = new Map(fieldsOf(live));
  return fieldsOf(next)
    .filter(([label, value]) => before.get(label) !== value)
    .map(([label, after]) => ({ label, before: before.get(label) ?? '', after }));
}

const paragraphs = (e: { body_html: string; body_text: string }) =>
  htmlToText(shownHtml(e))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Unchanged paragraphs shown around a change; the rest are counted. */
const CONTEXT = 1;

/**
 * The body's differences: paragraphs kept, taken out and put in; a paragraph taken out and one put in at the same
 * place are shown as one rewritten paragraph with its changed characters marked; unchanged paragraphs away from any
 * change are counted, not shown. Empty when the bodies read the same.
 */
export function bodyChanges(
  live: { body_html: string; body_text: string },
  next: { body_html: string; body_text: string },
): BodyBlock[] {
  const parts = diffArrays(paragraphs(live), paragraphs(next));
  if (parts.every((p) => !p.added && !p.removed)) return [];
  const blocks: BodyBlock[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const following = parts[i + 1];
    if (part.removed && following?.added) {
      // rewritten paragraphs: pair them one to one, the rest are plain removals or additions
      const n = Math.min(part.value.length, following.value.length);
      for (let k = 0; k < n; k++) blocks.push({ kind: 'changed', pieces: pieces(part.value[k], following.value[k]) });
      for (const text of part.value.slice(n)) blocks.push({ kind: 'removed', text });
      for (const text of following.value.slice(n)) blocks.push({ kind: 'added', text });
      i++;
    } else if (part.removed || part.added) {
      for (const text of part.value) blocks.push(part.added ? { kind: 'added', text } : { kind: 'removed', text });
    } else {
      const first = i === 0;
      const last = i === parts.length - 1;
      const keepHead = first ? 0 : CONTEXT;
      const keepTail = last ? 0 : CONTEXT;
      const v = part.value;
      if (v.length <= keepHead + keepTail + 1) for (const text of v) blocks.push({ kind: 'same', text });
      else {
        for (const text of v.slice(0, keepHead)) blocks.push({ kind: 'same', text });
        blocks.push({ kind: 'skipped', count: v.length - keepHead - keepTail });
        for (const text of v.slice(v.length - keepTail)) blocks.push({ kind: 'same', text });
      }
    }
  }
  return blocks;
}

/** Past this many changed characters a paragraph is shown as taken out and put in whole (the diff grows as N·D). */
const MAX_EDIT = 4000;

/** A rewritten paragraph's characters: kept, taken out and put in. */
function pieces(before: string, after: string): Piece[] {
  const changes = diffChars(before, after, { maxEditLength: MAX_EDIT });
  if (!changes)
    return [
      { text: before, change: 'removed' },
      { text: after, change: 'added' },
    ];
  return changes.map((c) => ({
    text: c.value,
    ...(c.added ? { change: 'added' as const } : c.removed ? { change: 'removed' as const } : {}),
  }));
}
