import type { Kysely, Updateable } from 'kysely';
import { type Actor, administersSite, holdsRole, type Principal, requireRole } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB, EditionsTable } from '../../core/db.types.ts';
import { AppError, badInput, conflict, forbidden, notFound } from '../../core/errors.ts';
import { checkUpload, docxToHtml, extractText, recordFile, safeFilename } from '../../core/files.ts';
import { htmlToText, sanitizeHtml } from '../../core/html.ts';
import { noteChange } from '../../core/search.ts';
import { settingsOf } from '../../core/sites.ts';
import { parseInput } from '../../core/validate.ts';
import { changedFields } from './catalog.diff.ts';
import { publicImages } from './catalog.images.ts';
import { editionFindings, findingsSummary, maskedText } from './catalog.personal.ts';
import { allColumns } from './catalog.read.store.ts';
import {
  ACTION_ROLE,
  assertEditable,
  assertLiveAction,
  type EditionAction,
  formatIndexNo,
  maskingRole,
  nextState,
  sameReviewer,
} from './catalog.rules.ts';
import { approvalInput, type EditionInput, editionInput, maskInput, reasonInput } from './catalog.schema.ts';
import {
  agencyOf,
  copyEditionChildren,
  countAttachments,
  countOnSite,
  deleteAttachment,
  dueEditions,
  editionText,
  editionValues,
  editionWithLinks,
  findEdition,
  insertAttachment,
  insertEdition,
  insertPublication,
  lockEdition,
  lockPublication,
  nextSerial,
  setEditionLinks,
  setLiveEditionState,
  siteCodeOf,
  updateEdition,
  updatePublication,
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

/** The issuers of an edition: those chosen, or the publishing agency when none is. */
const withIssuers = (input: EditionInput, agencyId: number): EditionInput =>
  input.agencyIds.length ? input : { ...input, agencyIds: [agencyId] };

/** The body as stored: sanitised, its pictures at the site's public address (catalog.images.ts), and its text. */
async function body(trx: Kysely<DB>, input: EditionInput, siteId: number) {
  const html = publicImages(sanitizeHtml(input.bodyHtml), await siteCodeOf(trx, siteId));
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
  const input = withIssuers(parseInput(editionInput, raw), agencyId);
  return ctx.db.transaction().execute(async (trx) => {
    const agency = await agencyOf(trx, agencyId);
    if (!agency) throw notFound('机构不存在');
    await checkReferences(trx, agency.site_id, input);
    const b = await body(trx, input, agency.site_id);
    const publicationId = await insertPublication(trx, {
      site_id: agency.site_id,
      agency_id: agencyId,
      created_by: p.userId,
    });
    const editionId = await insertEdition(trx, {
      publication_id: publicationId,
      number: 1,
      state: 'draft',
      created_by: p.userId,
      ...editionValues(input, b.html, b.text),
    });
    await setEditionLinks(trx, editionId, input);
    await audit(trx, actor, {
      siteId: agency.site_id,
      agencyId,
      action: 'publication.create',
      entityType: 'publication',
      entityId: publicationId,
      after: { title: input.title, genre: input.genre },
    });
    return { publicationId, editionId };
  });
}

/** A draft is changed by an editor of its agency. */
export async function updateDraft(ctx: Ctx, actor: Actor, editionId: number, raw: unknown): Promise<void> {
  const p = need(actor);
  const input = parseInput(editionInput, raw);
  await ctx.db.transaction().execute(async (trx) => {
    const e = await lockEdition(trx, editionId);
    if (!e) throw notFound('该版本不存在');
    requireRole(p, 'editor', e.agency_id, '修改信息');
    assertEditable(e.state);
    const b = await body(trx, input, e.site_id);
    if (e.number > 1 && !input.changeNote)
      throw badInput('新版本必须填写修改说明', { changeNote: '新版本必须填写修改说明' });
    await checkReferences(trx, e.site_id, input);
    const was = await editionWithLinks(trx, editionId);
    const values = editionValues(input, b.html, b.text);
    const links = withIssuers(input, e.agency_id);
    await updateEdition(trx, editionId, { ...values, updated_at: new Date() });
    await setEditionLinks(trx, editionId, links);
    await audit(trx, actor, {
      siteId: e.site_id,
      agencyId: e.agency_id,
      action: 'edition.update',
      entityType: 'publication',
      entityId: e.publication_id,
      before: { title: e.title },
      after: {
        title: input.title,
        edition: e.number,
        changed: changedFields(was.row, values, was.links, links),
      },
    });
  });
}

/** Publishes an edition inside the caller's transaction: 索引号 on first publication, the old live edition superseded. */
async function publishEdition(trx: Kysely<DB>, editionId: number, publicationId: number, at: Date): Promise<string> {
  const pub = await lockPublication(trx, publicationId);
  if (!pub) throw notFound();
  let indexNo = pub.index_no;
  if (!indexNo) {
    const agency = await agencyOf(trx, pub.agency_id);
    if (!agency) throw notFound('机构不存在');
    const year = Number(shanghaiDate(at).slice(0, 4));
    indexNo = formatIndexNo(agency.code, year, await nextSerial(trx, pub.agency_id, year));
  }
  await setLiveEditionState(trx, publicationId, 'superseded');
  await updateEdition(trx, editionId, { state: 'published', published_at: at });
  await updatePublication(trx, publicationId, {
    status: 'published',
    status_reason: '',
    status_changed_at: at,
    index_no: indexNo,
    first_published_at: pub.first_published_at ?? at,
  });
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
  const approving = action === 'approve_review' || action === 'approve_confidentiality';
  const override = approving ? parseInput(approvalInput, raw).personalOverride : '';
  // the sites' settings come from their cache, read before the transaction holds the embedded database's connection
  const sites = await ctx.sites.all();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const e = await lockEdition(trx, editionId);
    if (!e) throw notFound('该版本不存在');
    requireRole(p, ACTION_ROLE[action], e.agency_id, '执行此操作');
    const now = ctx.now();
    const site = sites.find((s) => s.id === e.site_id);
    const rules = { sameReviewerAllowed: site ? settingsOf(site).sameReviewerAllowed : false };
    const facts = { state: e.state, submittedBy: e.submitted_by, reviewedBy: e.reviewed_by };
    const state = nextState(facts, action, p.userId, now, e.scheduled_at, rules);
    // publishing itself (state, 索引号, superseding the old live edition) happens in publishEdition
    const set: Updateable<EditionsTable> = { updated_at: now, ...(state === 'published' ? {} : { state }) };
    if (action === 'submit')
      Object.assign(set, {
        submitted_by: p.userId,
        submitted_at: now,
        reviewed_by: null,
        reviewed_at: null,
        rejection_reason: '',
      });
    if (action === 'withdraw_submission') Object.assign(set, { submitted_by: null, submitted_at: null });
    if (action === 'approve_review') Object.assign(set, { reviewed_by: p.userId, reviewed_at: now });
    if (action === 'approve_confidentiality') Object.assign(set, { approved_by: p.userId, approved_at: now });
    if (reason) Object.assign(set, { rejection_reason: reason });
    if (e.number > 1 && action === 'submit' && !e.change_note) throw badInput('新版本必须填写修改说明后才能提交');
    // the personal-data guard: an approval of text with personal data in it needs the reviewer's reason
    let personal = '';
    if (approving) {
      const t = await editionText(trx, editionId);
      personal = findingsSummary(editionFindings(t, t.attachments));
      if (personal && !override)
        throw conflict(
          `发现疑似个人信息（${personal}）：请遮盖或退回修改；确需公开的，请填写确认公开的理由后再审核通过`,
        );
    }
    await updateEdition(trx, editionId, set);
    let indexNo: string | undefined;
    if (state === 'published') indexNo = await publishEdition(trx, editionId, e.publication_id, now);
    await audit(trx, actor, {
      siteId: e.site_id,
      agencyId: e.agency_id,
      action: `edition.${action}`,
      entityType: 'publication',
      entityId: e.publication_id,
      before: { state: e.state, edition: e.number },
      after: {
        state,
        edition: e.number,
        ...(reason ? { reason } : {}),
        ...(indexNo ? { indexNo } : {}),
        // a site that lets one person give both approvals has each such approval on record
        ...(sameReviewer(facts, action, p.userId) ? { sameReviewer: true } : {}),
        // what was found (kinds and counts, never the numbers) and why it is published all the same
        ...(personal ? { personalData: personal, personalOverride: override } : {}),
      },
    });
    return { state, indexNo };
  });
  await ctx.search.refresh(ctx.db);
  return result;
}

/**
 * Masks personal data in an edition's title, summary and body (every finding, or one), by whoever holds it now
 * (catalog.rules `maskingRole`); returns how many were masked. The audit names the places, never the numbers.
 */
export async function maskEditionPersonalData(
  ctx: Ctx,
  actor: Actor,
  editionId: number,
  raw: unknown,
): Promise<number> {
  const p = need(actor);
  const which = parseInput(maskInput, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const e = await lockEdition(trx, editionId);
    if (!e) throw notFound('该版本不存在');
    requireRole(p, maskingRole(e.state), e.agency_id, '遮盖个人信息');
    const t = await editionText(trx, editionId);
    const one = which.place === 'all' ? undefined : { place: which.place, ordinal: which.ordinal };
    const targets = editionFindings(t, []).filter((f) => !one || (f.place === one.place && f.ordinal === one.ordinal));
    if (!targets.length) throw conflict('没有可遮盖的个人信息（内容可能已被修改，请刷新页面）');
    await updateEdition(trx, editionId, { ...maskedText(t, one), updated_at: ctx.now() });
    await audit(trx, actor, {
      siteId: e.site_id,
      agencyId: e.agency_id,
      action: 'edition.mask',
      entityType: 'publication',
      entityId: e.publication_id,
      after: { edition: e.number, masked: findingsSummary(targets) },
    });
    return targets.length;
  });
}

/** Publishes every scheduled edition whose time has come; safe to run on several instances at once. */
export async function publishDue(ctx: Ctx): Promise<number> {
  const now = ctx.now();
  const due = await dueEditions(ctx.db, now, 100);
  let done = 0;
  for (const { id } of due) {
    done += await ctx.db.transaction().execute(async (trx) => {
      const e = await lockEdition(trx, id, { skipLocked: true });
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
  if (done) await ctx.search.refresh(ctx.db);
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
    const editionId = await insertEdition(trx, {
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
    });
    await copyEditionChildren(trx, live.id, editionId);
    await audit(trx, actor, {
      siteId: pub.site_id,
      agencyId: pub.agency_id,
      action: 'edition.new',
      entityType: 'publication',
      entityId: publicationId,
      after: { edition: live.number + 1 },
    });
    return editionId;
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
    await updatePublication(trx, publicationId, { status, status_reason: reason, status_changed_at: now });
    await setLiveEditionState(trx, publicationId, status);
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
  await ctx.search.refresh(ctx.db);
}

/** An attachment as added: its id, and the file's hash and type (a picture goes into the body by its hash). */
export interface AddedAttachment {
  id: number;
  hash: string;
  mime: string;
}

/** Adds an attachment to a draft: type checked by content, text extracted for search. */
export async function addAttachment(
  ctx: Ctx,
  actor: Actor,
  editionId: number,
  filename: string,
  data: Buffer,
): Promise<AddedAttachment> {
  const p = need(actor);
  const name = safeFilename(filename);
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
    await recordFile(trx, { hash, size: data.length, mime });
    const count = await countAttachments(trx, editionId);
    if (count >= 30) throw badInput('每条信息最多 30 个附件');
    const attachmentId = await insertAttachment(trx, {
      edition_id: editionId,
      file_hash: hash,
      filename: name,
      mime,
      size: data.length,
      text_content: text,
      position: count,
    });
    await audit(trx, actor, {
      siteId: e.site_id,
      agencyId: e.agency_id,
      action: 'attachment.add',
      entityType: 'publication',
      entityId: e.publication_id,
      after: { filename: name, size: data.length },
    });
    return { id: attachmentId, hash, mime };
  });
}

export async function removeAttachment(ctx: Ctx, actor: Actor, editionId: number, attachmentId: number): Promise<void> {
  const p = need(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const e = await lockEdition(trx, editionId);
    if (!e) throw notFound('该版本不存在');
    requireRole(p, 'editor', e.agency_id, '删除附件');
    assertEditable(e.state);
    const a = await deleteAttachment(trx, editionId, attachmentId);
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

/** Every column of a site, hidden ones too: for the back office's pickers and the column tree. */
export const siteColumns = (ctx: Ctx, siteId: number) => allColumns(ctx.db, siteId);
