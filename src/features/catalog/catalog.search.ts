import { shanghaiDate } from '../../core/calendar.ts';
import type { Db } from '../../core/db.ts';
import type { SearchSource, ShownItem, SourceDoc } from '../search/search.service.ts';
import { foldPhrase } from '../search/search.text.ts';
import { VALIDITY_LABELS } from './catalog.rules.ts';

/** Attachments add at most this much text to a publication's searchable body. */
const MAX_ATTACHMENT_TEXT = 300_000;
/** Snippets and phrase checks read this much of the body. */
const SHOWN_TEXT = 20_000;

function livePublications(db: Db) {
  return db
    .selectFrom('publications')
    .innerJoin('editions', (j) =>
      j.onRef('editions.publication_id', '=', 'publications.id').on('editions.state', '=', 'published'),
    )
    .where('publications.status', '=', 'published')
    .where('editions.disclosure_mode', '!=', 'not_public');
}

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
): SourceDoc {
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
    let q = livePublications(db).select([
      'publications.id',
      'publications.site_id',
      'publications.agency_id',
      'publications.index_no',
      'editions.id as edition_id',
      'editions.title',
      'editions.doc_no',
      'editions.keywords',
      'editions.summary',
      'editions.body_text',
      'editions.genre',
      'editions.theme_category',
      'editions.validity',
      'editions.published_at',
    ]);
    if ('ids' in which) {
      if (!which.ids.length) return [];
      q = q.where('publications.id', 'in', which.ids);
    } else q = q.where('publications.id', '>', which.after).orderBy('publications.id').limit(which.limit);
    const rows = await q.execute();
    if (!rows.length) return [];
    const editionIds = rows.map((r) => r.edition_id);
    const [agencies, columns, attachments] = await Promise.all([
      db
        .selectFrom('edition_agencies')
        .innerJoin('agencies', 'agencies.id', 'edition_agencies.agency_id')
        .select(['edition_agencies.edition_id', 'agencies.id', 'agencies.name'])
        .where('edition_agencies.edition_id', 'in', editionIds)
        .execute(),
      db
        .selectFrom('edition_columns')
        .select(['edition_id', 'column_id'])
        .where('edition_id', 'in', editionIds)
        .execute(),
      db
        .selectFrom('attachments')
        .select(['edition_id', 'filename', 'text_content'])
        .where('edition_id', 'in', editionIds)
        .orderBy('position')
        .execute(),
    ]);
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
    const rows = await livePublications(db)
      .innerJoin('agencies', 'agencies.id', 'publications.agency_id')
      .select([
        'publications.id',
        'editions.title',
        'editions.doc_no',
        'editions.genre',
        'editions.validity',
        'editions.summary',
        'editions.published_at',
        'agencies.name as agency_name',
        (eb) => eb.fn('left', ['editions.body_text', eb.val(SHOWN_TEXT)]).as('body'),
      ])
      .where('publications.site_id', '=', siteId)
      .where('publications.id', 'in', ids)
      .execute();
    return rows.map(
      (r): ShownItem => ({
        id: r.id,
        title: r.title,
        path: `/p/${r.id}`,
        date: shanghaiDate(r.published_at!),
        facts: [r.agency_name, r.doc_no, r.genre].filter(Boolean),
        badge: r.validity === 'valid' ? undefined : VALIDITY_LABELS[r.validity],
        text: `${r.summary}${r.summary ? ' ' : ''}${r.body as string}`,
      }),
    );
  },
  async containing(db, ids, phrases) {
    if (!ids.length || !phrases.length) return new Set();
    // checked here, not in SQL: the text is folded exactly as the index folds it (traditional, full-width)
    const rows = await livePublications(db)
      .select(['publications.id', 'editions.title', 'editions.body_text'])
      .where('publications.id', 'in', ids)
      .execute();
    return new Set(rows.filter((r) => hasAll(phrases, `${r.title}${r.body_text}`)).map((r) => r.id));
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

/** Whether each phrase (folded by `foldPhrase`) is in the text. */
const hasAll = (phrases: string[], text: string) => {
  const folded = foldPhrase(text);
  return phrases.every((p) => folded.includes(p));
};

const issueTitle = (i: { year: number; number: number }) => `政府公报 ${i.year}年第${i.number}期`;

/** Gazette issues: found by their contents. */
export const gazetteSource: SearchSource = {
  kind: 'g',
  label: '政府公报',
  async load(db, which) {
    let q = db.selectFrom('gazette_issues').selectAll().where('published', '=', true);
    if ('ids' in which) {
      if (!which.ids.length) return [];
      q = q.where('id', 'in', which.ids);
    } else q = q.where('id', '>', which.after).orderBy('id').limit(which.limit);
    const issues = await q.execute();
    if (!issues.length) return [];
    const entries = await db
      .selectFrom('gazette_entries')
      .select(['issue_id', 'section', 'title'])
      .where(
        'issue_id',
        'in',
        issues.map((i) => i.id),
      )
      .orderBy('position')
      .execute();
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
  async containing(db, ids, phrases) {
    const docs = await gazetteSource.load(db, { ids });
    return new Set(docs.filter((d) => hasAll(phrases, `${d.title}${d.body}`)).map((d) => d.id));
  },
};
