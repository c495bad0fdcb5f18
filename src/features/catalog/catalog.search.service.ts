import { shanghaiDate } from '../../core/calendar.ts';
import type { SearchDoc, SearchSource, ShownItem } from '../../core/search.ts';
import { VALIDITY_LABELS } from './catalog.rules.ts';
import {
  editionExtras,
  issueEntries,
  livePublicationRows,
  publicationTexts,
  publishedIssues,
  shownPublications,
} from './catalog.search.store.ts';

/** Attachments add at most this much text to a publication's searchable body. */
const MAX_ATTACHMENT_TEXT = 300_000;
/** Snippets and phrase checks read this much of the body. */
const SHOWN_TEXT = 20_000;

/** What search reads of a publication's live edition. */
export interface PublicationRow {
  id: number;
  site_id: number;
  agency_id: number;
  index_no: string | null;
  title: string;
  doc_no: string;
  keywords: string[];
  summary: string;
  body_text: string;
  genre: string;
  theme_category: string;
  validity: string;
  published_at: Date | null;
}

/**
 * A publication as search indexes it, from its live edition, the edition's agencies (the publishing one first) and
 * columns, and its attachments' text. Bulk import makes its documents with this too, without reading them back.
 */
export function publicationDoc(
  r: PublicationRow,
  agencies: { id: number; name: string }[],
  columnIds: number[],
  attachments: { filename: string; text_content: string }[],
): SearchDoc {
  let attached = '';
  for (const a of attachments)
    if (attached.length < MAX_ATTACHMENT_TEXT)
      attached += `\n${a.filename}\n${a.text_content.slice(0, MAX_ATTACHMENT_TEXT - attached.length)}`;
  return {
    id: r.id,
    siteId: r.site_id,
    title: r.title,
    meta: [r.doc_no, r.keywords.join(' '), r.summary, ...agencies.map((a) => a.name)].join('\n'),
    body: `${r.body_text}${attached}`,
    filters: [
      ...new Set([r.agency_id, ...agencies.map((a) => a.id)].map((a) => `a:${a}`)),
      ...columnIds.map((c) => `c:${c}`),
      `g:${r.genre}`,
      ...(r.theme_category ? [`t:${r.theme_category}`] : []),
      `v:${r.validity}`,
    ],
    docNo: r.doc_no || undefined,
    indexNo: r.index_no ?? undefined,
    date: shanghaiDate(r.published_at!),
    valid: r.validity === 'valid',
  };
}

/** Publications (policies, interpretations, notices …) as search sees them: their live edition, while published. */
export const publicationSource: SearchSource = {
  kind: 'p',
  label: '政府信息',
  async load(db, which) {
    if ('ids' in which && !which.ids.length) return [];
    const rows = await livePublicationRows(db, which);
    if (!rows.length) return [];
    const { agencies, columns, attachments } = await editionExtras(
      db,
      rows.map((r) => r.edition_id),
    );
    // by edition, so that a page of thousands of documents is put together in one pass
    const agenciesOf = byEdition(agencies);
    const columnsOf = byEdition(columns);
    const attachmentsOf = byEdition(attachments);
    return rows.map((r) =>
      publicationDoc(
        r,
        agenciesOf.get(r.edition_id) ?? [],
        (columnsOf.get(r.edition_id) ?? []).map((c) => c.column_id),
        attachmentsOf.get(r.edition_id) ?? [],
      ),
    );
  },
  async show(db, siteId, ids) {
    if (!ids.length) return [];
    const rows = await shownPublications(db, siteId, ids, SHOWN_TEXT);
    return rows.map(
      (r): ShownItem => ({
        id: r.id,
        title: r.title,
        path: `/p/${r.id}`,
        date: shanghaiDate(r.published_at!),
        facts: [r.agency_name, r.doc_no, r.genre].filter(Boolean),
        badge: r.validity === 'valid' ? undefined : VALIDITY_LABELS[r.validity],
        text: `${r.summary}${r.summary ? ' ' : ''}${r.body}`,
      }),
    );
  },
  async texts(db, ids) {
    if (!ids.length) return [];
    return (await publicationTexts(db, ids)).map((r) => ({ id: r.id, text: `${r.title}${r.body_text}` }));
  },
};

/** Rows grouped by their edition, in their order. */
function byEdition<T extends { edition_id: number }>(rows: T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) {
    const list = out.get(r.edition_id);
    if (list) list.push(r);
    else out.set(r.edition_id, [r]);
  }
  return out;
}

const issueTitle = (i: { year: number; number: number }) => `政府公报 ${i.year}年第${i.number}期`;

/** Gazette issues: found by their contents. */
export const gazetteSource: SearchSource = {
  kind: 'g',
  label: '政府公报',
  async load(db, which) {
    if ('ids' in which && !which.ids.length) return [];
    const issues = await publishedIssues(db, which);
    if (!issues.length) return [];
    const entries = await issueEntries(
      db,
      issues.map((i) => i.id),
    );
    return issues.map((i) => ({
      id: i.id,
      siteId: i.site_id,
      title: issueTitle(i),
      meta: i.total_number ? `总第${i.total_number}期` : '',
      body: entries
        .filter((e) => e.issue_id === i.id)
        .map((e) => `${e.section} ${e.title}`)
        .join('\n'),
      filters: [],
      date: i.issue_date,
      valid: true,
    }));
  },
  async show(db, siteId, ids) {
    const docs = await gazetteSource.load(db, { ids });
    return docs
      .filter((d) => d.siteId === siteId)
      .map((d) => ({
        id: d.id,
        title: d.title,
        path: `/gazette/${d.id}`,
        date: d.date,
        facts: ['政府公报'],
        text: d.body,
      }));
  },
  async texts(db, ids) {
    return (await gazetteSource.load(db, { ids })).map((d) => ({ id: d.id, text: `${d.title}${d.body}` }));
  },
};
