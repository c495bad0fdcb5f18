import type { Kysely } from 'kysely';
import {
  type Actor,
  administersSite,
  holdsRole,
  type Principal,
  requireRole,
  requireSiteAdmin,
} from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { columnsOf, unnest } from '../../core/db.ts';
import type { DB } from '../../core/db.types.ts';
import { AppError, badInput, conflict, forbidden, notFound } from '../../core/errors.ts';
import { checkUpload, docxToHtml, extractText } from '../../core/files.ts';
import { bodyOf, htmlToText, sanitizeHtml } from '../../core/html.ts';
import { cleanText } from '../../core/text.ts';
import { parseInput } from '../../core/validate.ts';
import type { ImportRow } from '../imports/imports.rules.ts';
import { noteChange, type Offered, refreshSearch } from '../search/search.service.ts';
import { allColumns } from './catalog.read.store.ts';
import {
  ACTION_ROLE,
  assertEditable,
  assertLiveAction,
  type EditionAction,
  formatIndexNo,
  nextState,
} from './catalog.rules.ts';
import { type EditionInput, editionInput, gazetteInput, reasonInput } from './catalog.schema.ts';
import { publicationDoc } from './catalog.search.ts';
import {
  copyEditionChildren,
  countOnSite,
  editionValues,
  findEdition,
  lockEdition,
  lockPublication,
  nextSerial,
  reserveSerials,
  setEditionLinks,
} from './catalog.store.ts';

const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};

/** Ids named by an edition must belong to the same site. */
async function checkReferences(trx: Kysely<DB>, siteId: number, input: EditionInput) {
  if ((await countOnSite(trx, 'agencies', siteId, input.agencyIds)) !== new Set(input.agencyIds).size)
    throw badInput('发文机关不属于本站点');
  if ((await countOnSite(trx, 'columns', siteId, input.columnIds)) !== new Set(input.columnIds).size)
    throw badInput('栏目不属于本站点');
  if ((await countOnSite(trx, 'publications', siteId, input.interpretsIds)) !== new Set(input.interpretsIds).size)
    throw badInput('被解读的文件不存在');
  if (input.replacedById && (await countOnSite(trx, 'publications', siteId, [input.replacedById])) !== 1)
    throw badInput('替代文件不存在');
}

function body(input: EditionInput) {
  const html = sanitizeHtml(input.bodyHtml);
  return { html, text: htmlToText(html) };
}

/** An editor starts a new publication in an agency where they are editor. */
export async function createDraft(
  ctx: Ctx,
  actor: Actor,
  agencyId: number,
  raw: unknown,
): Promise<{ publicationId: number; editionId: number }> {
  const p = need(actor);
  requireRole(p, 'editor', agencyId, '新建信息');
  const input = parseInput(editionInput, raw);
  const b = body(input);
  return ctx.db.transaction().execute(async (trx) => {
    const agency = await trx
      .selectFrom('agencies')
      .select(['site_id'])
      .where('id', '=', agencyId)
      .executeTakeFirstOrThrow();
    await checkReferences(trx, agency.site_id, input);
    const pub = await trx
      .insertInto('publications')
      .values({ site_id: agency.site_id, agency_id: agencyId, created_by: p.userId })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ed = await trx
      .insertInto('editions')
      .values({
        publication_id: pub.id,
        number: 1,
        state: 'draft',
        created_by: p.userId,
        ...editionValues(input, b.html, b.text),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await setEditionLinks(trx, ed.id, input);
    await audit(trx, actor, {
      siteId: agency.site_id,
      agencyId,
      action: 'publication.create',
      entityType: 'publication',
      entityId: pub.id,
      after: { title: input.title, genre: input.genre },
    });
    return { publicationId: pub.id, editionId: ed.id };
  });
}

/** A draft is changed by an editor of its agency. */
export async function updateDraft(ctx: Ctx, actor: Actor, editionId: number, raw: unknown): Promise<void> {
  const p = need(actor);
  const input = parseInput(editionInput, raw);
  const b = body(input);
  await ctx.db.transaction().execute(async (trx) => {
    const e = await lockEdition(trx, editionId);
    if (!e) throw notFound('该版本不存在');
    requireRole(p, 'editor', e.agency_id, '修改信息');
    assertEditable(e.state);
    if (e.number > 1 && !input.changeNote)
      throw badInput('新版本必须填写修改说明', { changeNote: '新版本必须填写修改说明' });
    await checkReferences(trx, e.site_id, input);
    await trx
      .updateTable('editions')
      .set({ ...editionValues(input, b.html, b.text), updated_at: new Date() })
      .where('id', '=', editionId)
      .execute();
    await setEditionLinks(trx, editionId, input);
    await audit(trx, actor, {
      siteId: e.site_id,
      agencyId: e.agency_id,
      action: 'edition.update',
      entityType: 'publication',
      entityId: e.publication_id,
      before: { title: e.title },
      after: { title: input.title, edition: e.number },
    });
  });
}

/** Publishes an edition inside the caller's transaction: 索引号 on first publication, the old live edition superseded. */
async function publishEdition(trx: Kysely<DB>, editionId: number, publicationId: number, at: Date): Promise<string> {
  const pub = await lockPublication(trx, publicationId);
  if (!pub) throw notFound();
  let indexNo = pub.index_no;
  if (!indexNo) {
    const agency = await trx
      .selectFrom('agencies')
      .select(['code'])
      .where('id', '=', pub.agency_id)
      .executeTakeFirstOrThrow();
    const year = Number(shanghaiDate(at).slice(0, 4));
    indexNo = formatIndexNo(agency.code, year, await nextSerial(trx, pub.agency_id, year));
  }
  await trx
    .updateTable('editions')
    .set({ state: 'superseded' })
    .where('publication_id', '=', publicationId)
    .where('state', 'in', ['published', 'withdrawn'])
    .execute();
  await trx.updateTable('editions').set({ state: 'published', published_at: at }).where('id', '=', editionId).execute();
  await trx
    .updateTable('publications')
    .set({
      status: 'published',
      status_reason: '',
      status_changed_at: at,
      index_no: indexNo,
      first_published_at: pub.first_published_at ?? at,
    })
    .where('id', '=', publicationId)
    .execute();
  await noteChange(trx, pub.site_id, `p:${publicationId}`);
  return indexNo;
}

/** Submit, approve or reject an edition; the role is checked in the edition's agency. */
export async function actOnEdition(
  ctx: Ctx,
  actor: Actor,
  editionId: number,
  action: EditionAction,
  raw: unknown = {},
): Promise<{ state: string; indexNo?: string }> {
  const p = need(actor);
  const reason = action.startsWith('reject') ? parseInput(reasonInput, raw).reason : '';
  const result = await ctx.db.transaction().execute(async (trx) => {
    const e = await lockEdition(trx, editionId);
    if (!e) throw notFound('该版本不存在');
    requireRole(p, ACTION_ROLE[action], e.agency_id, '执行此操作');
    const now = ctx.now();
    const state = nextState({ state: e.state, submittedBy: e.submitted_by }, action, p.userId, now, e.scheduled_at);
    // publishing itself (state, 索引号, superseding the old live edition) happens in publishEdition
    const set: Record<string, unknown> = { updated_at: now, ...(state === 'published' ? {} : { state }) };
    if (action === 'submit') Object.assign(set, { submitted_by: p.userId, submitted_at: now, rejection_reason: '' });
    if (action === 'approve_review') Object.assign(set, { reviewed_by: p.userId, reviewed_at: now });
    if (action === 'approve_confidentiality') Object.assign(set, { approved_by: p.userId, approved_at: now });
    if (reason) Object.assign(set, { rejection_reason: reason });
    if (e.number > 1 && action === 'submit' && !e.change_note) throw badInput('新版本必须填写修改说明后才能提交');
    await trx.updateTable('editions').set(set).where('id', '=', editionId).execute();
    let indexNo: string | undefined;
    if (state === 'published') indexNo = await publishEdition(trx, editionId, e.publication_id, now);
    await audit(trx, actor, {
      siteId: e.site_id,
      agencyId: e.agency_id,
      action: `edition.${action}`,
      entityType: 'publication',
      entityId: e.publication_id,
      before: { state: e.state, edition: e.number },
      after: { state, edition: e.number, ...(reason ? { reason } : {}), ...(indexNo ? { indexNo } : {}) },
    });
    return { state, indexNo };
  });
  await refreshSearch(ctx);
  return result;
}

/** Publishes every scheduled edition whose time has come; safe to run on several instances at once. */
export async function publishDue(ctx: Ctx): Promise<number> {
  const now = ctx.now();
  const due = await ctx.db
    .selectFrom('editions')
    .select(['id'])
    .where('state', '=', 'scheduled')
    .where('scheduled_at', '<=', now)
    .limit(100)
    .execute();
  let done = 0;
  for (const { id } of due) {
    done += await ctx.db.transaction().execute(async (trx) => {
      const e = await trx
        .selectFrom('editions')
        .innerJoin('publications', 'publications.id', 'editions.publication_id')
        .select([
          'editions.id',
          'editions.publication_id',
          'editions.state',
          'editions.number',
          'publications.site_id',
          'publications.agency_id',
        ])
        .where('editions.id', '=', id)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (e?.state !== 'scheduled') return 0;
      const indexNo = await publishEdition(trx, e.id, e.publication_id, now);
      await audit(
        trx,
        { principal: null, ip: '' },
        {
          siteId: e.site_id,
          agencyId: e.agency_id,
          action: 'edition.publish_scheduled',
          entityType: 'publication',
          entityId: e.publication_id,
          after: { state: 'published', edition: e.number, indexNo },
        },
      );
      return 1;
    });
  }
  if (done) await refreshSearch(ctx);
  return done;
}

/** A new edition of a published item, copied from the live one; the live one stays up until it is replaced. */
export async function startNewEdition(ctx: Ctx, actor: Actor, publicationId: number): Promise<number> {
  const p = need(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const pub = await lockPublication(trx, publicationId);
    if (!pub) throw notFound();
    requireRole(p, 'editor', pub.agency_id, '创建新版本');
    const open = await findEdition(trx, publicationId, ['draft', 'submitted', 'reviewed', 'scheduled']);
    assertLiveAction(pub.status, 'new_edition', !!open);
    const live = await findEdition(trx, publicationId, ['published']);
    if (!live) throw notFound();
    const { id: _id, created_at: _c, updated_at: _u, ...fields } = live;
    const ed = await trx
      .insertInto('editions')
      .values({
        ...fields,
        number: live.number + 1,
        state: 'draft',
        published_at: null,
        change_note: '',
        scheduled_at: null,
        rejection_reason: '',
        created_by: p.userId,
        submitted_by: null,
        submitted_at: null,
        reviewed_by: null,
        reviewed_at: null,
        approved_by: null,
        approved_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await copyEditionChildren(trx, live.id, ed.id);
    await audit(trx, actor, {
      siteId: pub.site_id,
      agencyId: pub.agency_id,
      action: 'edition.new',
      entityType: 'publication',
      entityId: publicationId,
      after: { edition: live.number + 1 },
    });
    return ed.id;
  });
}

/** Withdraw (page stays, with a banner) or unpublish (410): by the agency's reviewer or the office. */
export async function changeLiveStatus(
  ctx: Ctx,
  actor: Actor,
  publicationId: number,
  action: 'withdraw' | 'unpublish',
  raw: unknown,
): Promise<void> {
  const p = need(actor);
  const { reason } = parseInput(reasonInput, raw);
  await ctx.db.transaction().execute(async (trx) => {
    const pub = await lockPublication(trx, publicationId);
    if (!pub) throw notFound();
    if (!holdsRole(p, 'reviewer', pub.agency_id) && !administersSite(p, pub.site_id)) {
      throw forbidden(
        action === 'withdraw' ? '只有本机构审核人或政务公开办可以撤回信息' : '只有本机构审核人或政务公开办可以撤销发布',
      );
    }
    assertLiveAction(pub.status, action, false);
    const now = ctx.now();
    const status = action === 'withdraw' ? 'withdrawn' : 'unpublished';
    await trx
      .updateTable('publications')
      .set({ status, status_reason: reason, status_changed_at: now })
      .where('id', '=', publicationId)
      .execute();
    await trx
      .updateTable('editions')
      .set({ state: status })
      .where('publication_id', '=', publicationId)
      .where('state', 'in', ['published', 'withdrawn'])
      .execute();
    await noteChange(trx, pub.site_id, `p:${publicationId}`);
    await audit(trx, actor, {
      siteId: pub.site_id,
      agencyId: pub.agency_id,
      action: `publication.${action}`,
      entityType: 'publication',
      entityId: publicationId,
      before: { status: pub.status },
      after: { status, reason },
    });
  });
  await refreshSearch(ctx);
}

/** Adds an attachment to a draft: type checked by content, text extracted for search. */
export async function addAttachment(
  ctx: Ctx,
  actor: Actor,
  editionId: number,
  filename: string,
  data: Buffer,
): Promise<number> {
  const p = need(actor);
  const name = cleanText(filename)
    .replace(/[\\/\n\r\t]/g, '_')
    .slice(-200);
  const mime = await checkUpload(name, data, ctx.config.maxUploadBytes);
  const e = await lockEdition(ctx.db, editionId);
  if (!e) throw notFound('该版本不存在');
  requireRole(p, 'editor', e.agency_id, '上传附件');
  assertEditable(e.state);
  const text = (await extractText(mime, data)).slice(0, 1_000_000);
  const hash = await ctx.files.put(data);
  return ctx.db.transaction().execute(async (trx) => {
    const locked = await lockEdition(trx, editionId);
    assertEditable(locked!.state);
    await trx
      .insertInto('files')
      .values({ hash, size: data.length, mime })
      .onConflict((oc) => oc.column('hash').doNothing())
      .execute();
    const count = await trx
      .selectFrom('attachments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('edition_id', '=', editionId)
      .executeTakeFirstOrThrow();
    if (Number(count.n) >= 30) throw badInput('每条信息最多 30 个附件');
    const a = await trx
      .insertInto('attachments')
      .values({
        edition_id: editionId,
        file_hash: hash,
        filename: name,
        mime,
        size: data.length,
        text_content: text,
        position: Number(count.n),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      siteId: e.site_id,
      agencyId: e.agency_id,
      action: 'attachment.add',
      entityType: 'publication',
      entityId: e.publication_id,
      after: { filename: name, size: data.length },
    });
    return a.id;
  });
}

export async function removeAttachment(ctx: Ctx, actor: Actor, editionId: number, attachmentId: number): Promise<void> {
  const p = need(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const e = await lockEdition(trx, editionId);
    if (!e) throw notFound('该版本不存在');
    requireRole(p, 'editor', e.agency_id, '删除附件');
    assertEditable(e.state);
    const a = await trx
      .deleteFrom('attachments')
      .where('id', '=', attachmentId)
      .where('edition_id', '=', editionId)
      .returning(['filename'])
      .executeTakeFirst();
    if (!a) throw notFound('附件不存在');
    await audit(trx, actor, {
      siteId: e.site_id,
      agencyId: e.agency_id,
      action: 'attachment.remove',
      entityType: 'publication',
      entityId: e.publication_id,
      before: { filename: a.filename },
    });
  });
}

/** A Word file becomes a new draft: its title from the first heading or paragraph, its body as sanitised HTML. */
export async function importDocx(
  ctx: Ctx,
  actor: Actor,
  agencyId: number,
  filename: string,
  data: Buffer,
  fields: Record<string, unknown>,
) {
  const mime = await checkUpload(filename, data, ctx.config.maxUploadBytes);
  if (!mime.includes('wordprocessingml')) throw badInput('只能导入 Word（.docx）文件');
  const { html, text } = await docxToHtml(data);
  const firstLine =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? filename.replace(/\.docx$/i, '');
  const docNo = text.match(/[\p{Script=Han}]{1,10}[〔［[（(]\d{4}[〕］\]）)]\d{1,4}号/u)?.[0] ?? '';
  return createDraft(ctx, actor, agencyId, {
    docNo,
    ...fields,
    title: String(fields.title || firstLine).slice(0, 300),
    bodyHtml: html,
  });
}

/** Creates a gazette issue (or changes issue `issueId`) with its table of contents; by the office. */
export async function saveGazetteIssue(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  raw: unknown,
  issueId: number | null = null,
): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(gazetteInput, raw);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const linked = input.entries.map((e) => e.publicationId).filter((x): x is number => x !== null);
    if ((await countOnSite(trx, 'publications', siteId, linked)) !== new Set(linked).size)
      throw badInput('公报篇目关联的信息不存在', { entries: '公报篇目关联的信息编号不存在' });
    const clash = await trx
      .selectFrom('gazette_issues')
      .select('id')
      .where('site_id', '=', siteId)
      .where('year', '=', input.year)
      .where('number', '=', input.number)
      .executeTakeFirst();
    if (clash && clash.id !== issueId) throw conflict(`${input.year}年第${input.number}期公报已存在`);
    const values = {
      year: input.year,
      number: input.number,
      total_number: input.totalNumber,
      issue_date: input.issueDate!,
      published: input.published,
    };
    let before: unknown;
    let id: number;
    if (issueId === null) {
      ({ id } = await trx
        .insertInto('gazette_issues')
        .values({ site_id: siteId, ...values })
        .returning('id')
        .executeTakeFirstOrThrow());
    } else {
      before = await trx
        .selectFrom('gazette_issues')
        .selectAll()
        .where('id', '=', issueId)
        .where('site_id', '=', siteId)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw notFound('公报不存在');
      await trx.updateTable('gazette_issues').set(values).where('id', '=', issueId).execute();
      await trx.deleteFrom('gazette_entries').where('issue_id', '=', issueId).execute();
      id = issueId;
    }
    if (input.entries.length) {
      await trx
        .insertInto('gazette_entries')
        .values(
          input.entries.map((e, position) => ({
            issue_id: id,
            position,
            section: e.section,
            title: e.title,
            publication_id: e.publicationId,
          })),
        )
        .execute();
    }
    await noteChange(trx, siteId, `g:${id}`);
    await audit(trx, actor, {
      siteId,
      action: issueId === null ? 'gazette.create' : 'gazette.update',
      entityType: 'gazette_issue',
      entityId: id,
      before,
      after: { year: input.year, number: input.number, entries: input.entries.length, published: input.published },
    });
    return id;
  });
  await refreshSearch(ctx);
  return id;
}

export type ImportOutcome = { imported: number } | { duplicate: true } | { error: { field: string; message: string } };

/**
 * Writes already-checked rows as published documents, inside the caller's transaction (bulk import).
 * A row whose source key is already on the site is a duplicate and adds nothing; a row whose 索引号 is taken
 * is refused; the others get their own 索引号, or a new one from the agency's counter.
 */
export async function importPublications(
  trx: Kysely<DB>,
  siteId: number,
  rows: ImportRow[],
  userId: number | null,
): Promise<{ outcomes: ImportOutcome[]; indexed: Offered[] }> {
  const out: ImportOutcome[] = rows.map(() => ({ duplicate: true }) as ImportOutcome);
  if (!rows.length) return { outcomes: out, indexed: [] };
  const existing = new Set(
    (
      await trx
        .selectFrom('publications')
        .select('source_key')
        .where('site_id', '=', siteId)
        .where(
          'source_key',
          'in',
          rows.map((r) => r.sourceKey),
        )
        .execute()
    ).map((r) => r.source_key),
  );
  const given = rows.map((r) => r.indexNo).filter((x): x is string => !!x);
  const takenIndexNos = new Set(
    given.length
      ? (await trx.selectFrom('publications').select('index_no').where('index_no', 'in', given).execute()).map(
          (r) => r.index_no,
        )
      : [],
  );
  const seenKeys = new Set<string>();
  const seenIndexNos = new Set<string>();
  const fresh: number[] = [];
  rows.forEach((r, i) => {
    if (existing.has(r.sourceKey) || seenKeys.has(r.sourceKey)) return;
    seenKeys.add(r.sourceKey);
    if (r.indexNo && (takenIndexNos.has(r.indexNo) || seenIndexNos.has(r.indexNo))) {
      out[i] = { error: { field: 'indexNo', message: `索引号“${r.indexNo}”已被其他信息使用` } };
      return;
    }
    if (r.indexNo) seenIndexNos.add(r.indexNo);
    fresh.push(i);
  });
  if (!fresh.length) return { outcomes: out, indexed: [] };
  const agencies = new Map(
    (
      await trx
        .selectFrom('agencies')
        .select(['id', 'code', 'name'])
        .where('site_id', '=', siteId)
        .where('id', 'in', [...new Set(fresh.map((i) => rows[i].agencyId))])
        .execute()
    ).map((a) => [a.id, a]),
  );
  const at = (date: string) => new Date(`${date}T00:00:00+08:00`);
  // serials for the rows without their own 索引号: one range per agency and year
  const needs = new Map<string, { agencyId: number; year: number; count: number }>();
  for (const i of fresh) {
    const r = rows[i];
    if (r.indexNo) continue;
    const year = Number(r.publishedOn.slice(0, 4));
    const key = `${r.agencyId}:${year}`;
    const n = needs.get(key) ?? { agencyId: r.agencyId, year, count: 0 };
    n.count++;
    needs.set(key, n);
  }
  const next = await reserveSerials(trx, [...needs.values()]);
  const indexNos = fresh.map((i) => {
    const r = rows[i];
    if (r.indexNo) return r.indexNo;
    const year = Number(r.publishedOn.slice(0, 4));
    const key = `${r.agencyId}:${year}`;
    const serial = next.get(key)!;
    next.set(key, serial + 1);
    return formatIndexNo(agencies.get(r.agencyId)!.code, year, serial);
  });
  // each table's rows in one statement over arrays (`unnest`): a long VALUES list costs more to parse than to write;
  // a table's columns are the keys of its column types, in their order
  const publicationTypes = {
    site_id: 'int',
    agency_id: 'int',
    index_no: 'text',
    status: 'text',
    status_changed_at: 'timestamptz',
    first_published_at: 'timestamptz',
    created_by: 'int',
    source_key: 'text',
  } as const;
  const pubs = await trx
    .insertInto('publications')
    .columns(columnsOf(publicationTypes))
    .expression(
      unnest(
        fresh.map((i, k) => ({
          site_id: siteId,
          agency_id: rows[i].agencyId,
          index_no: indexNos[k],
          status: 'published',
          status_changed_at: at(rows[i].publishedOn),
          first_published_at: at(rows[i].publishedOn),
          created_by: userId,
          source_key: rows[i].sourceKey,
        })),
        publicationTypes,
      ),
    )
    .returning(['id', 'source_key'])
    .execute();
  const pubOf = new Map(pubs.map((p) => [p.source_key, p.id]));
  const values = fresh.map((i) => {
    const r = rows[i];
    const body = bodyOf(r.body);
    return {
      publication_id: pubOf.get(r.sourceKey)!,
      number: 1,
      state: 'published' as const,
      title: r.title,
      doc_no: r.docNo,
      written_on: r.writtenOn,
      published_at: at(r.publishedOn),
      theme_category: r.themeCategory,
      genre: r.genre,
      keywords: r.keywords,
      summary: [r.summary, r.agencyText ? `发布机构：${r.agencyText}` : ''].filter(Boolean).join('\n'),
      validity: r.validity,
      body_html: body.html,
      body_text: body.text,
      created_by: userId,
    };
  });
  const editionTypes = {
    publication_id: 'int',
    number: 'int',
    state: 'text',
    title: 'text',
    doc_no: 'text',
    written_on: 'date',
    published_at: 'timestamptz',
    theme_category: 'text',
    genre: 'text',
    keywords: 'text[]',
    summary: 'text',
    validity: 'text',
    body_html: 'text',
    body_text: 'text',
    created_by: 'int',
  } as const;
  const editions = await trx
    .insertInto('editions')
    .columns(columnsOf(editionTypes))
    .expression(unnest(values, editionTypes))
    .returning(['id', 'publication_id'])
    .execute();
  const editionOf = new Map(editions.map((e) => [e.publication_id, e.id]));
  const editionIds = fresh.map((i) => editionOf.get(pubOf.get(rows[i].sourceKey)!)!);
  const agencyTypes = { edition_id: 'int', agency_id: 'int', position: 'int' } as const;
  await trx
    .insertInto('edition_agencies')
    .columns(columnsOf(agencyTypes))
    .expression(
      unnest(
        fresh.map((i, k) => ({ edition_id: editionIds[k], agency_id: rows[i].agencyId, position: 0 })),
        agencyTypes,
      ),
    )
    .execute();
  const columnTypes = { edition_id: 'int', column_id: 'int' } as const;
  await trx
    .insertInto('edition_columns')
    .columns(columnsOf(columnTypes))
    .expression(
      unnest(
        fresh.map((i, k) => ({ edition_id: editionIds[k], column_id: rows[i].columnId })),
        columnTypes,
      ),
    )
    .execute();
  const changes = await noteChange(
    trx,
    siteId,
    values.map((v) => `p:${v.publication_id}`),
  );
  // the documents as search indexes them, so that the index need not read them back
  const indexed = values.map((v, k) => {
    const r = rows[fresh[k]];
    const doc = publicationDoc(
      { ...v, id: v.publication_id, site_id: siteId, agency_id: r.agencyId, index_no: indexNos[k] },
      [agencies.get(r.agencyId)!],
      [r.columnId],
      [],
    );
    return { ...changes[k], doc };
  });
  for (const i of fresh) out[i] = { imported: pubOf.get(rows[i].sourceKey)! };
  return { outcomes: out, indexed };
}

/** Every column of a site, hidden ones too: for the back office's pickers and the column tree. */
export const siteColumns = (ctx: Ctx, siteId: number) => allColumns(ctx.db, siteId);
