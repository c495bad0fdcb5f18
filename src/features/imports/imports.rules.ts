import { createHash } from 'node:crypto';
import type { Validity } from '../../core/db.types.ts';
import { cleanText } from '../../core/text.ts';
import { GENRES, type Genre, THEMES } from '../catalog/catalog.rules.ts';
import type { RawRow } from './imports.parse.ts';

/** The fields a row can fill, with the column names that map to them without asking. */
export const IMPORT_FIELDS = {
  sourceId: { label: '原编号（用于去重）', aliases: ['id', 'sourceid', '编号', '原编号', 'source_id'] },
  title: { label: '标题', required: true, aliases: ['title', '标题', '名称', '文件名称'] },
  body: { label: '正文', aliases: ['body', 'content', 'text', '正文', '内容'] },
  publishedOn: {
    label: '发布日期',
    required: true,
    aliases: ['publishedon', 'pubdate', 'published', 'date', '发布日期', '发布时间', '日期'],
  },
  writtenOn: { label: '成文日期', aliases: ['writtenon', '成文日期', '生成日期'] },
  docNo: { label: '发文字号', aliases: ['docno', 'fileno', '发文字号', '文号'] },
  indexNo: { label: '索引号', aliases: ['indexno', '索引号'] },
  agency: { label: '发文机关', aliases: ['agency', 'source', '发文机关', '发布机构', '发布机关', '机构'] },
  column: { label: '栏目', aliases: ['channel', 'column', '栏目'] },
  genre: { label: '体裁分类', aliases: ['genre', '体裁', '体裁分类'] },
  themeCategory: { label: '主题分类', aliases: ['themecategory', 'theme', '主题分类'] },
  keywords: { label: '主题词', aliases: ['keywords', '主题词', '关键词'] },
  summary: { label: '内容概述', aliases: ['summary', '内容概述', '摘要'] },
  validity: { label: '有效性', aliases: ['validity', '有效性'] },
} as const satisfies Record<string, { label: string; required?: boolean; aliases: readonly string[] }>;

export type ImportField = keyof typeof IMPORT_FIELDS;
export type Mapping = Partial<Record<ImportField, string>>;

/** Maps the file's columns to fields by their names (标题, title, pubdate …). */
export function autoMapping(headers: string[]): Mapping {
  const mapping: Mapping = {};
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');
  for (const [field, spec] of Object.entries(IMPORT_FIELDS) as [ImportField, (typeof IMPORT_FIELDS)[ImportField]][]) {
    const found = headers.find((h) => (spec.aliases as readonly string[]).some((a) => norm(a) === norm(h)));
    if (found) mapping[field] = found;
  }
  return mapping;
}

export interface ImportDefaults {
  agencyId?: number;
  columnId?: number;
  genre?: Genre;
}

export interface Lookup {
  agencies: { id: number; name: string; code: string }[];
  columns: { id: number; name: string; slug: string }[];
}

/** A row ready to be written as a published document. */
export interface ImportRow {
  sourceKey: string;
  title: string;
  body: string;
  publishedOn: string;
  writtenOn: string | null;
  docNo: string;
  indexNo: string | null;
  agencyId: number;
  /** The agency as the file names it, when it is not one of the site's (kept as searchable text). */
  agencyText: string;
  columnId: number;
  genre: Genre;
  themeCategory: string;
  keywords: string[];
  summary: string;
  validity: Validity;
}

export interface RowError {
  field: string;
  message: string;
}

const VALIDITY: Record<string, Validity> = {
  有效: 'valid',
  现行有效: 'valid',
  失效: 'expired',
  已失效: 'expired',
  废止: 'repealed',
  已废止: 'repealed',
  修订: 'amended',
  已修订: 'amended',
  valid: 'valid',
  expired: 'expired',
  repealed: 'repealed',
  amended: 'amended',
};

/** Blank-like values in exported data. */
const NONE = new Set(['', '无', '-', '—', 'null', 'none', 'n/a']);

/** A date as YYYY-MM-DD from 2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日 (with or without a time), or an Excel day number. */
export function parseDate(s: string): string | null {
  // Excel keeps dates as day numbers since 1899-12-30 (a streamed sheet may hand them over as such)
  const serial = /^\s*(\d{5})(\.\d+)?\s*$/.exec(s);
  if (serial) return new Date(Date.UTC(1899, 11, 30) + Number(serial[1]) * 86_400_000).toISOString().slice(0, 10);
  const m = /^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$/.exec(s);
  if (!m) return null;
  const iso = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso) && Number(m[1]) >= 1949 ? iso : null;
}

/** Checks and converts one row; a row with any error is reported and not imported. */
export function validateRow(
  raw: RawRow,
  mapping: Mapping,
  lookup: Lookup,
  defaults: ImportDefaults,
  today: string,
): { row: ImportRow } | { errors: RowError[] } {
  const errors: RowError[] = [];
  const get = (f: ImportField) => {
    const col = mapping[f];
    const v = col ? cleanText(raw[col] ?? '').trim() : '';
    return NONE.has(v.toLowerCase()) ? '' : v;
  };
  const bounded = (f: ImportField, max: number) => {
    const v = get(f);
    if (v.length > max) errors.push({ field: f, message: `${IMPORT_FIELDS[f].label}超过 ${max} 字` });
    return v.slice(0, max);
  };

  const title = bounded('title', 300);
  if (!title) errors.push({ field: 'title', message: '缺少标题' });
  const body = bounded('body', 2_000_000);
  const published = get('publishedOn');
  const publishedOn = parseDate(published);
  if (!published) errors.push({ field: 'publishedOn', message: '缺少发布日期' });
  else if (!publishedOn) errors.push({ field: 'publishedOn', message: `发布日期“${published.slice(0, 30)}”无法识别` });
  else if (publishedOn > today) errors.push({ field: 'publishedOn', message: `发布日期 ${publishedOn} 晚于今天` });
  const written = get('writtenOn');
  const writtenOn = written ? parseDate(written) : null;
  if (written && !writtenOn) errors.push({ field: 'writtenOn', message: `成文日期“${written.slice(0, 30)}”无法识别` });

  const agencyText = get('agency');
  const agency = agencyText
    ? lookup.agencies.find((a) => a.name === agencyText || a.code === agencyText.toUpperCase())
    : undefined;
  const agencyId = agency?.id ?? defaults.agencyId;
  if (!agencyId)
    errors.push({
      field: 'agency',
      message: agencyText
        ? `发文机关“${agencyText.slice(0, 50)}”不是本站点的机构，也没有指定默认机构`
        : '缺少发文机关，也没有指定默认机构',
    });

  const columnText = get('column');
  // a channel path such as 管委会文件/规范性文件: the deepest part that names a column wins
  const parts = columnText
    .split(/[/>＞|]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();
  const column = parts
    .map((p) => lookup.columns.find((c) => c.name === p || c.slug === p))
    .find((c) => c !== undefined);
  const columnId = column?.id ?? defaults.columnId;
  if (!columnId)
    errors.push({
      field: 'column',
      message: columnText
        ? `栏目“${columnText.slice(0, 50)}”不存在，也没有指定默认栏目`
        : '缺少栏目，也没有指定默认栏目',
    });

  const genreText = get('genre');
  const genre = (GENRES as readonly string[]).includes(genreText) ? (genreText as Genre) : defaults.genre;
  if (!genre)
    errors.push({ field: 'genre', message: genreText ? `体裁“${genreText.slice(0, 30)}”无效` : '缺少体裁分类' });

  const themeText = get('themeCategory');
  const themeCategory = (THEMES as readonly string[]).includes(themeText) ? themeText : '';

  const validityText = get('validity');
  const validity = validityText ? VALIDITY[validityText.toLowerCase()] : 'valid';
  if (!validity)
    errors.push({ field: 'validity', message: `有效性“${validityText.slice(0, 20)}”无效（有效、失效、废止或已修订）` });

  const docNo = bounded('docNo', 100);
  const indexNo = bounded('indexNo', 60) || null;
  const keywords = [
    ...new Set(
      get('keywords')
        .split(/[\s,，;；、]+/)
        .filter(Boolean),
    ),
  ]
    .slice(0, 20)
    .map((k) => k.slice(0, 30));
  const summary = bounded('summary', 2000);

  if (errors.length) return { errors };
  const sourceId = get('sourceId');
  const sourceKey = sourceId
    ? `id:${sourceId.slice(0, 200)}`
    : `h:${createHash('sha256').update(`${title}\u0000${publishedOn}\u0000${docNo}`).digest('hex').slice(0, 32)}`;
  return {
    row: {
      sourceKey,
      title,
      body,
      publishedOn: publishedOn!,
      writtenOn,
      docNo,
      indexNo,
      agencyId: agencyId!,
      agencyText: agency ? '' : agencyText,
      columnId: columnId!,
      genre: genre!,
      themeCategory,
      keywords,
      summary,
      validity: validity!,
    },
  };
}
