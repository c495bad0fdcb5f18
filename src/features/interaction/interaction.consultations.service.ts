/**
 * 意见征集 (决策预公开): an agency publishes a draft for comment for a stated period; residents comment on it or on
 * one of its articles without an account; comments show once moderated; after the period the agency says what it
 * adopted and why not, by a deadline the 工作台 reminds of, and links the policy finally adopted.
 */

import type { Kysely } from 'kysely';
import { type Actor, administersSite, type Principal } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { addWorkdays, loadCalendar, shanghaiDate } from '../../core/calendar.ts';
import { checkChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import type { ConsultationRow, DB, Site } from '../../core/db.types.ts';
import { AppError, badInput, conflict, notFound } from '../../core/errors.ts';
import { checkUpload, docxToHtml, recordFile, safeFilename } from '../../core/files.ts';
import { maskPersonalData } from '../../core/personal.ts';
import { type Change, noteChange } from '../../core/search.ts';
import { settingsOf } from '../../core/sites.ts';
import { parseInput } from '../../core/validate.ts';
import type { TouchedPages } from '../../web/page.files.ts';
import { siteAgencyNames } from '../admin/admin.service.ts';
import { publicationTitle } from '../catalog/catalog.portal.service.ts';
import {
  type ConsultationAction,
  consultationAgenciesOf,
  consultationAllowed,
  maySeeConsultation,
  requireConsultationAction,
} from './interaction.consultations.policy.ts';
import {
  adoptionCounts,
  DEFAULT_RESULT_DAYS,
  periodProblem,
  resultDue,
  resultProblem,
  splitDraft,
  stageOf,
} from './interaction.consultations.rules.ts';
import {
  adoptionInput,
  commentInput,
  consultationInput,
  moderateInput,
  policyInput,
  resultInput,
  withdrawInput,
} from './interaction.consultations.schema.ts';
import {
  articlesOf,
  attachmentsOf,
  commentRow,
  commentsOf,
  consultationReminders,
  consultationRow,
  deleteAttachment,
  insertAttachment,
  insertComment,
  insertConsultation,
  lockConsultation,
  publicConsultations,
  replaceArticles,
  staffConsultations,
  updateComment,
  updateConsultation,
} from './interaction.consultations.store.ts';
import { publicWriter } from './interaction.letters.rules.ts';
import { consultationSource } from './interaction.search.service.ts';

const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};
const today = (ctx: Ctx) => shanghaiDate(ctx.now());

/** The outbox's key of a consultation's change (`cs:<id>`), which search follows too. */
const CHANGE = consultationSource.kind;

/** The public pages a batch of changes touches: the list, the mailbox's home and the consultation's own page. */
export function consultationPagesTouched(changes: Change[]): TouchedPages {
  const touched: TouchedPages = new Map();
  for (const c of changes) {
    const [kind, id] = c.key.split(':');
    if (kind !== CHANGE || c.siteId == null || !/^\d+$/.test(id ?? '')) continue;
    const paths = touched.get(c.siteId) ?? new Set(['/mail', '/consult']);
    if (paths !== 'all') paths.add(`/consult/${id}`);
    touched.set(c.siteId, paths);
  }
  return touched;
}

/**
 * Writes a new consultation or changes one not yet published: its draft's 第X条 become its articles. A Word file,
 * when given, is the draft (and its first line the title, when none is typed).
 */
export async function saveConsultation(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  id: number | null,
  raw: Record<string, unknown>,
  word?: { name: string; data: Buffer } | null,
) {
  const p = need(actor);
  if (word) {
    const mime = await checkUpload(word.name, word.data, ctx.config.maxUploadBytes);
    if (!mime.includes('wordprocessingml')) throw badInput('只能导入 Word（.docx）文件', { word: '请选择 .docx 文件' });
    const { text } = await docxToHtml(word.data);
    raw = {
      ...raw,
      draft: text,
      title:
        raw.title ||
        text
          .split('\n')
          .find((l) => l.trim())
          ?.trim()
          .slice(0, 100),
    };
  }
  const input = parseInput(consultationInput, raw);
  if (!(await siteAgencyNames(ctx, siteId)).some((a) => a.id === input.agencyId))
    throw badInput('所选机构不存在', { agencyId: '请选择本站点的机构' });
  const scope = { site_id: siteId, agency_id: input.agencyId };
  requireConsultationAction(p, scope, 'edit');
  const problem = periodProblem(input.opensOn, input.closesOn, input.shortReason);
  if (problem) throw badInput(problem, { closesOn: problem });
  const { articles } = splitDraft(input.draft);
  if (articles.length > 500) throw badInput('征求意见稿的条文过多（最多 500 条）');
  const values = {
    agency_id: input.agencyId,
    title: input.title,
    draft: input.draft,
    explanation: input.explanation,
    opens_on: input.opensOn,
    closes_on: input.closesOn,
    short_reason: input.shortReason,
    contact_required: input.contactRequired,
  };
  return ctx.db.transaction().execute(async (trx) => {
    let cid = id;
    if (cid === null) cid = await insertConsultation(trx, { ...values, site_id: siteId, created_by: p.userId });
    else {
      const old = await lockConsultation(trx, cid);
      if (!old || old.site_id !== siteId || !maySeeConsultation(p, old)) throw notFound('意见征集不存在');
      requireConsultationAction(p, old, 'edit');
      if (old.published_at) throw conflict('已发布的征求意见稿不能修改；如需修改，请撤回后重新发布');
      await updateConsultation(trx, cid, values);
    }
    await replaceArticles(
      trx,
      cid,
      articles.map((a, i) => ({ position: i + 1, chapter: a.chapter, heading: a.heading, body: a.body })),
    );
    await audit(trx, actor, {
      siteId,
      agencyId: input.agencyId,
      action: id === null ? 'consultation.create' : 'consultation.update',
      entityType: 'consultation',
      entityId: cid,
      after: { title: input.title, opensOn: input.opensOn, closesOn: input.closesOn, articles: articles.length },
    });
    return cid;
  });
}

type Trx = Kysely<DB>;

/**
 * One step on a consultation: the consultation locked and the member's right to the step checked, then the step,
 * its audit record and the note that its public pages (and search) changed, in one transaction.
 */
async function onConsultation<T>(
  ctx: Ctx,
  actor: Actor,
  id: number,
  action: ConsultationAction,
  /** The step; `as` names it in the audit log when it is not the action itself. */
  work: (trx: Trx, c: ConsultationRow) => Promise<{ after: Record<string, unknown>; result: T; as?: string }>,
): Promise<T> {
  const p = need(actor);
  const out = await ctx.db.transaction().execute(async (trx) => {
    const c = await lockConsultation(trx, id);
    if (!c || !maySeeConsultation(p, c)) throw notFound('意见征集不存在');
    requireConsultationAction(p, c, action);
    const { after, result, as } = await work(trx, c);
    await noteChange(trx, c.site_id, `${CHANGE}:${c.id}`);
    await audit(trx, actor, {
      siteId: c.site_id,
      agencyId: c.agency_id,
      action: `consultation.${as ?? action}`,
      entityType: 'consultation',
      entityId: c.id,
      after,
    });
    return result;
  });
  await ctx.search.refresh(ctx.db);
  return out;
}

/**
 * Opens a consultation to the public (its agency's 审核人 or the office): from its first day, or from today when that
 * has passed — the period still at least 30 days unless a reason was given —, with its result due a number of
 * working days after it closes (the site's setting).
 */
export async function publishConsultation(ctx: Ctx, actor: Actor, id: number) {
  const first = await consultationRow(ctx.db, id);
  if (!first) throw notFound('意见征集不存在');
  const site = (await ctx.sites.all()).find((s) => s.id === first.site_id)!;
  return onConsultation(ctx, actor, id, 'publish', async (trx, c) => {
    if (c.published_at || c.withdrawn_reason) throw conflict('该意见征集已发布或已撤回');
    // the later of its first day and today
    const opensOn = [c.opens_on, today(ctx)].sort()[1];
    const problem = periodProblem(opensOn, c.closes_on, c.short_reason);
    if (problem) throw badInput(opensOn === c.opens_on ? problem : `${problem}（开始日期已过，按今天起算）`);
    const cal = await loadCalendar(trx, c.site_id);
    const due = resultDue(cal, c.closes_on, settingsOf(site).consultationResultDays ?? DEFAULT_RESULT_DAYS);
    await updateConsultation(trx, c.id, { opens_on: opensOn, published_at: ctx.now(), result_due_on: due.date });
    return { after: { title: c.title, opensOn, closesOn: c.closes_on, resultDue: due.date }, result: undefined };
  });
}

/** How many files a consultation may carry. */
const MAX_ATTACHMENTS = 10;

/** Attaches a file to a draft consultation (PDF, Word, Excel or a picture, checked by its content). */
export async function attachToConsultation(
  ctx: Ctx,
  actor: Actor,
  id: number,
  file: { name: string; data: Buffer } | null,
) {
  if (!file) throw badInput('请选择文件', { file: '请选择文件' });
  const mime = await checkUpload(file.name, file.data, ctx.config.maxUploadBytes);
  const hash = await ctx.files.put(file.data);
  return onConsultation(ctx, actor, id, 'edit', async (trx, c) => {
    if (c.published_at) throw conflict('已发布的征求意见稿不能再添加附件');
    if ((await attachmentsOf(trx, c.id)).length >= MAX_ATTACHMENTS)
      throw badInput(`每件意见征集最多 ${MAX_ATTACHMENTS} 个附件`);
    await recordFile(trx, { hash, size: file.data.length, mime });
    const filename = safeFilename(file.name);
    const attachmentId = await insertAttachment(trx, {
      consultation_id: c.id,
      file_hash: hash,
      filename,
      mime,
      size: file.data.length,
    });
    return { after: { filename, attachment: attachmentId }, result: attachmentId, as: 'attach' };
  });
}

/** Takes a file off a draft consultation. */
export function detachFromConsultation(ctx: Ctx, actor: Actor, id: number, attachmentId: number) {
  return onConsultation(ctx, actor, id, 'edit', async (trx, c) => {
    if (c.published_at) throw conflict('已发布的征求意见稿不能删除附件');
    const file = (await attachmentsOf(trx, c.id)).find((a) => a.id === attachmentId);
    if (!file || !(await deleteAttachment(trx, c.id, attachmentId))) throw notFound('附件不存在');
    return { after: { filename: file.filename }, result: undefined, as: 'detach' };
  });
}

/** A file of a consultation: of a published one for anyone, of a draft for the staff who may see it. */
export async function consultationFile(
  ctx: Ctx,
  who: { siteId: number } | { actor: Actor },
  id: number,
  attachmentId: number,
) {
  const c = await consultationRow(ctx.db, id);
  const visible =
    c &&
    ('siteId' in who
      ? c.site_id === who.siteId && c.published_at !== null && !c.withdrawn_reason
      : maySeeConsultation(need(who.actor), c));
  const a = visible ? (await attachmentsOf(ctx.db, id)).find((x) => x.id === attachmentId) : undefined;
  if (!a) throw notFound('附件不存在');
  return { filename: a.filename, mime: a.mime, body: await ctx.files.get(a.file_hash) };
}

/** Takes a consultation back from the public (the office alone, with a reason, kept). */
export function withdrawConsultation(ctx: Ctx, actor: Actor, id: number, raw: unknown) {
  const input = parseInput(withdrawInput, raw);
  return onConsultation(ctx, actor, id, 'withdraw', async (trx, c) => {
    if (c.withdrawn_reason) throw conflict('该意见征集已撤回');
    await updateConsultation(trx, c.id, { withdrawn_reason: input.reason });
    return { after: { title: c.title, reason: input.reason }, result: undefined };
  });
}

/** Shows a comment, or keeps it from the public with a reason (kept, and not counted as received). */
export function moderateComment(ctx: Ctx, actor: Actor, id: number, commentId: number, raw: unknown) {
  const input = parseInput(moderateInput, raw);
  if (input.show === '0' && input.reason.trim().length < 2)
    throw badInput('请说明不予显示的理由', { reason: '请说明不予显示的理由' });
  const p = need(actor);
  return onConsultation(ctx, actor, id, 'moderate', async (trx, c) => {
    const comment = await commentRow(trx, c.id, commentId);
    if (!comment) throw notFound('意见不存在');
    await updateComment(trx, commentId, {
      state: input.show === '1' ? 'shown' : 'hidden',
      hidden_reason: input.show === '1' ? '' : input.reason,
      moderated_by: p.userId,
      moderated_at: ctx.now(),
    });
    return { after: { comment: commentId, shown: input.show === '1', reason: input.reason }, result: undefined };
  });
}

/** Records what became of a comment (adopted, partly, not — with the reason when it was not wholly adopted). */
export function decideComment(ctx: Ctx, actor: Actor, id: number, commentId: number, raw: unknown) {
  const input = parseInput(adoptionInput, raw);
  if (input.adoption !== 'adopted' && input.reason.trim().length < 2)
    throw badInput('未采纳或部分采纳的，请说明理由', { reason: '请说明理由' });
  return onConsultation(ctx, actor, id, 'decide', async (trx, c) => {
    if (c.result_published_at) throw conflict('结果已公布，不能再修改');
    const comment = await commentRow(trx, c.id, commentId);
    if (!comment) throw notFound('意见不存在');
    if (comment.state !== 'shown') throw conflict('请先审核该意见');
    await updateComment(trx, commentId, { adoption: input.adoption, adoption_reason: input.reason });
    return { after: { comment: commentId, adoption: input.adoption }, result: undefined };
  });
}

/** Publishes the result once the period is over and every comment is moderated and decided. */
export function publishResult(ctx: Ctx, actor: Actor, id: number, raw: unknown) {
  const input = parseInput(resultInput, raw);
  return onConsultation(ctx, actor, id, 'result', async (trx, c) => {
    const comments = await commentsOf(trx, c.id, false);
    const counts = adoptionCounts(comments);
    const pending = comments.filter((x) => x.state === 'pending').length;
    const problem = resultProblem(stageOf(c, today(ctx)), counts.undecided - pending, pending);
    if (problem) throw conflict(problem);
    await updateConsultation(trx, c.id, { result: input.result, result_published_at: ctx.now() });
    return { after: { title: c.title, ...counts }, result: undefined };
  });
}

/** Links the policy finally adopted, once it is public in the site's catalogue. */
export async function linkPolicy(ctx: Ctx, actor: Actor, id: number, raw: unknown) {
  const input = parseInput(policyInput, raw);
  const first = await consultationRow(ctx.db, id);
  if (!first) throw notFound('意见征集不存在');
  const title = await publicationTitle(ctx, first.site_id, input.policyId);
  if (!title) throw badInput('该信息不存在或尚未公开', { policyId: '请填写本站点已公开信息的编号' });
  return onConsultation(ctx, actor, id, 'link', async (trx, c) => {
    await updateConsultation(trx, c.id, { policy_id: input.policyId });
    return { after: { policyId: input.policyId, policy: title }, result: undefined };
  });
}

/** A resident's comment, on the whole draft or one article, while the consultation is open; shown once moderated. */
export async function submitComment(
  ctx: Ctx,
  site: Site,
  id: number,
  raw: Record<string, unknown>,
  captcha: { token: string; answer: string },
  ip: string,
) {
  const c = await consultationRow(ctx.db, id);
  if (!c || c.site_id !== site.id || !c.published_at || c.withdrawn_reason) throw notFound('意见征集不存在');
  const input = parseInput(commentInput, raw);
  if (stageOf(c, today(ctx)) !== 'open')
    throw conflict(c.opens_on > today(ctx) ? `征求意见将于 ${c.opens_on} 开始` : '征求意见已截止');
  if (c.contact_required && (!input.name || !input.contact))
    throw badInput('本次征求意见需要填写姓名和联系方式', {
      ...(input.name ? {} : { name: '请填写姓名' }),
      ...(input.contact ? {} : { contact: '请填写联系方式' }),
    });
  const articles = await articlesOf(ctx.db, c.id);
  if (input.articleId !== undefined && !articles.some((a) => a.id === input.articleId))
    throw badInput('所选条款不存在', { articleId: '请选择本征求意见稿的条款' });
  await checkChallenge(ctx.db, dataKey(ctx.config), captcha.token, captcha.answer, ctx.now());
  return ctx.db.transaction().execute(async (trx) => {
    const commentId = await insertComment(trx, {
      consultation_id: c.id,
      article_id: input.articleId ?? null,
      content: input.content,
      name: input.name,
      contact: input.contact,
      submitted_at: ctx.now(),
    });
    await audit(
      trx,
      { principal: null, ip },
      {
        siteId: site.id,
        agencyId: c.agency_id,
        action: 'consultation.comment',
        entityType: 'consultation',
        entityId: c.id,
        after: { comment: commentId },
      },
    );
    return commentId;
  });
}

/**
 * A comment that came another way (by post, at a hearing, by e-mail to the agency), registered by its staff: counted
 * and decided like the others, shown once moderated.
 */
export async function registerComment(ctx: Ctx, actor: Actor, id: number, raw: unknown) {
  const input = parseInput(commentInput, raw);
  return onConsultation(ctx, actor, id, 'moderate', async (trx, c) => {
    if (!c.published_at || c.withdrawn_reason) throw conflict('意见征集未发布');
    if (input.articleId !== undefined && !(await articlesOf(trx, c.id)).some((a) => a.id === input.articleId))
      throw badInput('所选条款不存在', { articleId: '请选择本征求意见稿的条款' });
    const commentId = await insertComment(trx, {
      consultation_id: c.id,
      article_id: input.articleId ?? null,
      content: input.content,
      name: input.name,
      contact: input.contact,
      submitted_at: ctx.now(),
    });
    return { after: { comment: commentId }, result: commentId, as: 'register_comment' };
  });
}

/** What the public sees of a comment: its text with personal data masked, the writer as 张** at most. */
const publicComment = (c: {
  id: number;
  content: string;
  name: string;
  article: string | null;
  submitted_at: Date;
}) => ({
  id: c.id,
  content: maskPersonalData(c.content),
  writer: c.name ? publicWriter(c.name) : '网友',
  article: c.article,
  submittedOn: shanghaiDate(c.submitted_at),
});

/** A consultation's public page: the draft by article, the comments shown, and the result with what became of each. */
export async function publicConsultation(ctx: Ctx, siteId: number, id: number) {
  const c = await consultationRow(ctx.read, id);
  if (!c || c.site_id !== siteId || !c.published_at || c.withdrawn_reason) throw notFound('意见征集不存在或未发布');
  const [articles, comments, agencies, policy, attachments] = await Promise.all([
    articlesOf(ctx.read, c.id),
    commentsOf(ctx.read, c.id, true),
    siteAgencyNames(ctx, siteId),
    c.policy_id ? publicationTitle(ctx, siteId, c.policy_id) : null,
    attachmentsOf(ctx.read, c.id),
  ]);
  const stage = stageOf(c, today(ctx));
  return {
    c,
    stage,
    agency: agencies.find((a) => a.id === c.agency_id)?.name ?? '',
    preamble: splitDraft(c.draft).preamble,
    articles,
    comments: comments.map((x) => ({
      ...publicComment(x),
      adoption: stage === 'result' ? x.adoption : null,
      adoptionReason: stage === 'result' ? x.adoption_reason : '',
    })),
    counts: adoptionCounts(comments),
    policy: c.policy_id && policy ? { id: c.policy_id, title: policy } : null,
    attachments,
  };
}
export type PublicConsultation = Awaited<ReturnType<typeof publicConsultation>>;

export async function publishedConsultations(ctx: Ctx, siteId: number, page: number) {
  const { rows, more } = await publicConsultations(ctx.read, siteId, page);
  const on = today(ctx);
  return {
    rows: rows.map((r) => ({ ...r, comments: Number(r.comments), stage: stageOf(r, on) })),
    more,
  };
}

/** The staff's list, by the member's agencies (the office: all). */
export async function consultationsFor(ctx: Ctx, p: Principal, siteId: number, page: number) {
  const { rows, total } = await staffConsultations(ctx.db, siteId, consultationAgenciesOf(p, siteId), page);
  const on = today(ctx);
  return { rows: rows.map((r) => ({ ...r, pending: Number(r.pending), stage: stageOf(r, on) })), total };
}

/** A consultation for the back office: everything, every comment, and what the member may do. */
export async function openConsultation(ctx: Ctx, actor: Actor, id: number) {
  const p = need(actor);
  const c = await consultationRow(ctx.db, id);
  if (!c || !maySeeConsultation(p, c)) throw notFound('意见征集不存在');
  const [articles, comments, policy, attachments] = await Promise.all([
    articlesOf(ctx.db, c.id),
    commentsOf(ctx.db, c.id, false),
    c.policy_id ? publicationTitle(ctx, c.site_id, c.policy_id) : null,
    attachmentsOf(ctx.db, c.id),
  ]);
  return {
    c,
    stage: stageOf(c, today(ctx)),
    articles,
    comments,
    counts: adoptionCounts(comments),
    pending: comments.filter((x) => x.state === 'pending').length,
    policy,
    attachments,
    may: consultationAllowed(p, c),
  };
}
export type OpenedConsultation = Awaited<ReturnType<typeof openConsultation>>;

/** The member's consultations in numbers: open now, comments to moderate, results awaited (due soon, late). */
export async function consultationCounts(ctx: Ctx, p: Principal, siteId: number) {
  const on = today(ctx);
  const cal = await loadCalendar(ctx.db, siteId);
  const soon = addWorkdays(cal, on, 5).date;
  return consultationReminders(
    ctx.db,
    siteId,
    administersSite(p, siteId) ? undefined : consultationAgenciesOf(p, siteId),
    on,
    soon,
  );
}

/** What the 工作台 says: comments to moderate, results due soon or late. */
export async function consultationAlert(ctx: Ctx, p: Principal, siteId: number) {
  const r = await consultationCounts(ctx, p, siteId);
  if (!r.pending && !r.awaiting) return null;
  return {
    text: `意见征集：待审核意见 ${r.pending} 条；已截止待公布结果 ${r.awaiting} 件，其中五个工作日内到期 ${r.soon} 件、已超期 ${r.late} 件`,
    href: '/admin/consultations',
    urgent: r.late > 0,
  };
}
