import { type Actor, agenciesWith, type Principal, requireSiteAdmin } from '../../core/access.ts';
import { type AuditFilter, auditRows } from '../../core/audit.ts';
import { loadCalendar, shanghaiDate, shanghaiMidnight, workdaysBefore } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { Site } from '../../core/db.types.ts';
import { notFound } from '../../core/errors.ts';
import { settingsOf } from '../../core/sites.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { caseNumbers } from '../requests/requests.facts.service.ts';
import { bodyChanges, fieldChanges } from './catalog.diff.ts';
import { editionFindings } from './catalog.personal.ts';
import { canSeeItem, draftingAgencies, listScope } from './catalog.policy.ts';
import {
  editionAttachment,
  editionImage,
  gazetteIssue,
  gazetteIssuesForStaff,
  policiesAwaitingInterpretation,
  policyChoices,
  publicationTitles,
  recentPublications,
  staffEdition,
  staffRows,
} from './catalog.read.store.ts';
import { POLICY_GENRES } from './catalog.rules.ts';
import { siteColumns } from './catalog.service.ts';
import { attachmentTexts, latestEdition } from './catalog.store.ts';

/** What the catalogue's back office reads: each function answers one page, within what the member may see. */

/** The 工作台's lists: the member's drafts and review queues, and what is scheduled and recently published. */
export async function deskSections(ctx: Ctx, p: Principal, siteId: number) {
  const sections: { title: string; rows: Awaited<ReturnType<typeof staffRows>>; empty: string }[] = [];
  const queue = async (title: string, empty: string, f: Omit<Parameters<typeof staffRows>[1], 'siteId'>) =>
    sections.push({ title, empty, rows: await staffRows(ctx.db, { siteId, ...f }) });
  const editorIn = draftingAgencies(p);
  if (editorIn.length) {
    // returned by review, in the agencies where the member drafts: someone must act on them first
    await queue('被退回待修改', '没有被退回的信息', { agencyIds: editorIn, states: ['draft'], returned: true });
    await queue('我的草稿', '没有草稿', { states: ['draft'], createdBy: p.userId, returned: false });
    await queue('已提交待审核', '没有待审核的提交', { states: ['submitted'], createdBy: p.userId });
  }
  const reviewerIn = agenciesWith(p, ['reviewer']);
  if (reviewerIn.length) await queue('待我审核', '没有待审核的信息', { agencyIds: reviewerIn, states: ['submitted'] });
  const secrecyIn = agenciesWith(p, ['confidentiality_reviewer']);
  if (secrecyIn.length)
    await queue('待我保密审查', '没有待保密审查的信息', { agencyIds: secrecyIn, states: ['reviewed'] });
  const mine = listScope(p, siteId);
  await queue('定时发布', '没有定时发布的信息', { agencyIds: mine, states: ['scheduled'] });
  await queue('最近发布', '最近没有发布的信息', { agencyIds: mine, states: ['published'], limit: 20 });
  return sections;
}

/** The items the member may see, latest change first. */
export const staffPublications = (ctx: Ctx, p: Principal, siteId: number) =>
  staffRows(ctx.db, { siteId, agencyIds: listScope(p, siteId), limit: 200 });

/**
 * An edition with everything its page shows, if the member may see its item: the page it makes and, when it would
 * replace the live edition, what it changes (fields and body).
 */
export async function editionForStaff(ctx: Ctx, p: Principal, editionId: number | undefined) {
  const data = editionId === undefined ? null : await staffEdition(ctx.db, editionId);
  if (!data || !canSeeItem(p, data.publication)) throw notFound('该信息不存在或您无权查看');
  const changes = data.live && {
    liveNumber: data.live.edition.number,
    fields: fieldChanges(data.live, data.page),
    body: bodyChanges(data.live.edition, data.edition),
  };
  // the edition's own text is here already: only its attachments' text is read
  const personal = editionFindings(data.edition, await attachmentTexts(ctx.db, data.edition.id));
  const site = await ctx.sites.byId(data.publication.site_id);
  const reviewRules = { sameReviewerAllowed: site ? settingsOf(site).sameReviewerAllowed : false };
  return { ...data, changes, personal, reviewRules };
}

/** An edition's attachment and its bytes, before publication too, for whoever may see the item. */
export async function editionFile(ctx: Ctx, p: Principal, editionId: number, attachmentId: number) {
  const a = await editionAttachment(ctx.db, editionId, attachmentId);
  if (!a || !canSeeItem(p, a)) throw notFound('附件不存在或您无权查看');
  return { filename: a.filename, mime: a.mime, body: await ctx.files.get(a.file_hash) };
}

/** A picture of an edition's body, by its file's hash, for staff who may see the item. */
export async function editionPicture(ctx: Ctx, p: Principal, editionId: number, hash: string) {
  const a = /^[0-9a-f]{64}$/.test(hash) ? await editionImage(ctx.db, editionId, hash) : undefined;
  if (!a || !canSeeItem(p, a)) throw notFound('图片不存在或您无权查看');
  return { mime: a.mime, body: await ctx.files.get(a.file_hash) };
}

/** What an edition's form offers: the site's agencies and columns, and the live policies to link. */
export async function editionChoices(ctx: Ctx, siteId: number) {
  const [agencies, columns, policies] = await Promise.all([
    siteAgencies(ctx, siteId),
    siteColumns(ctx, siteId),
    policyChoices(ctx.db, siteId),
  ]);
  return { agencies, columns, policies };
}

/** The agencies the member may import Word files into. */
export async function draftingAgenciesOf(ctx: Ctx, p: Principal, siteId: number) {
  const editorIn = draftingAgencies(p);
  return (await siteAgencies(ctx, siteId)).filter((a) => editorIn.includes(a.id));
}

/** The newest edition of an item (where its page is after a status change). */
export async function newestEditionId(ctx: Ctx, publicationId: number): Promise<number> {
  const e = await latestEdition(ctx.db, publicationId);
  if (!e) throw notFound('信息不存在');
  return e.id;
}

/**
 * Policies published more than the site's interpretation deadline (working days) ago without an interpretation,
 * of the agencies the member works in (the office: every agency).
 */
export async function awaitingInterpretation(ctx: Ctx, p: Principal, site: Site) {
  const days = settingsOf(site).interpretationDays;
  const cutoff = workdaysBefore(await loadCalendar(ctx.db, site.id), shanghaiDate(ctx.now()), days);
  const rows = await policiesAwaitingInterpretation(ctx.db, site.id, POLICY_GENRES, shanghaiMidnight(cutoff));
  const scope = listScope(p, site.id);
  return { days, rows: scope ? rows.filter((r) => scope.includes(r.agency_id)) : rows };
}

/** The site's audit log, for its office, with what each entry acted on named (an item's title, a case's number). */
export async function auditLog(ctx: Ctx, actor: Actor, siteId: number, f: AuditFilter, page: number) {
  requireSiteAdmin(actor, siteId);
  const rows = await auditRows(ctx.db, siteId, f, page);
  const ids = (type: string) => [
    ...new Set(
      rows
        .filter((r) => r.entity_type === type)
        .map((r) => Number(r.entity_id))
        .filter(Number.isInteger),
    ),
  ];
  const [titles, cases] = await Promise.all([
    publicationTitles(ctx.db, ids('publication')),
    caseNumbers(ctx, ids('request')),
  ]);
  return rows.map((r) => ({
    ...r,
    subject:
      r.entity_type === 'publication'
        ? titles.get(Number(r.entity_id))
        : r.entity_type === 'request'
          ? cases[Number(r.entity_id)]
          : undefined,
  }));
}

/** The site's gazette issues, for its office. */
export async function gazetteIssuesOf(ctx: Ctx, actor: Actor, siteId: number) {
  requireSiteAdmin(actor, siteId);
  return gazetteIssuesForStaff(ctx.db, siteId);
}

/** An issue with its table of contents (unpublished ones too), for the office. */
export async function gazetteIssueForStaff(ctx: Ctx, actor: Actor, siteId: number, issueId: number) {
  requireSiteAdmin(actor, siteId);
  const data = await gazetteIssue(ctx.db, siteId, issueId, null);
  if (!data) throw notFound('公报不存在');
  return data;
}

/** The items an issue's entries may link to: the site's recent publications, for the office. */
export async function gazettePicks(ctx: Ctx, actor: Actor, siteId: number) {
  requireSiteAdmin(actor, siteId);
  return recentPublications(ctx.db, siteId);
}
