/**
 * The knowledge base (常见问题): staff keep questions and answers per agency and topic, publish them, and turn a good
 * letter reply into an entry in one step; residents read them, find them through search, and are offered the best
 * matching answers while they write a letter.
 */
import type { Actor, Principal } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, badInput, conflict, notFound } from '../../core/errors.ts';
import { type Change, noteChange } from '../../core/search.ts';
import { parseInput } from '../../core/validate.ts';
import type { TouchedPages } from '../../web/page.files.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { similarDocuments } from '../search/search.service.ts';
import {
  faqAgenciesOf,
  mayEditFaq,
  mayPublishFaq,
  maySeeFaq,
  requireFaqEdit,
  requireFaqPublish,
} from './interaction.faq.policy.ts';
import { faqInput } from './interaction.faq.schema.ts';
import {
  FAQ_PAGE,
  faqOfLetter,
  faqRow,
  faqTopics,
  insertFaq,
  lockFaq,
  type PublicFaqFilter,
  publicFaq,
  publicFaqs,
  type StaffFaqFilter,
  staffFaqs,
  updateFaq,
} from './interaction.faq.store.ts';
import { canSeeLetter } from './interaction.letters.policy.ts';
import { publicText } from './interaction.letters.service.ts';
import { letterRow } from './interaction.letters.store.ts';
import { faqSource } from './interaction.search.service.ts';

const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};

/** The outbox's key of an entry's change (`f:<id>`), which search follows too: its page, the list, the mailbox's home. */
const FAQ_CHANGE = faqSource.kind;

/** The public pages of the knowledge base a batch of changes touches. */
export function faqPagesTouched(changes: Change[]): TouchedPages {
  const touched: TouchedPages = new Map();
  for (const c of changes) {
    const [kind, id] = c.key.split(':');
    if (kind !== FAQ_CHANGE || c.siteId == null || !/^\d+$/.test(id ?? '')) continue;
    const paths = touched.get(c.siteId) ?? new Set(['/mail', '/mail/faq']);
    if (paths !== 'all') paths.add(`/mail/faq/${id}`);
    touched.set(c.siteId, paths);
  }
  return touched;
}

/** The staff's list: the office sees the site's entries, an agency's staff their agencies'. */
export async function faqsFor(
  ctx: Ctx,
  p: Principal,
  siteId: number,
  f: Omit<StaffFaqFilter, 'agencyIds'>,
  page: number,
) {
  const { rows, total } = await staffFaqs(ctx.db, siteId, { ...f, agencyIds: faqAgenciesOf(p, siteId) }, page);
  return { rows, total, pages: Math.max(1, Math.ceil(total / FAQ_PAGE)) };
}

/** An entry for its edit page, with what the member may do with it. */
export async function openFaq(ctx: Ctx, actor: Actor, faqId: number) {
  const p = need(actor);
  const f = await faqRow(ctx.db, faqId);
  if (!f || !maySeeFaq(p, f)) throw notFound('问答不存在');
  return { faq: f, mayEdit: mayEditFaq(p, f), mayPublish: mayPublishFaq(p, f) };
}

/** The agency an entry answers for: one of the site's, or none (the office's own). */
async function scopeOf(ctx: Ctx, siteId: number, agencyId: number | undefined) {
  if (agencyId === undefined) return { site_id: siteId, agency_id: null };
  if (!(await siteAgencies(ctx, siteId)).some((a) => a.id === agencyId))
    throw badInput('所选机构不存在', { agencyId: '请选择本站点的机构' });
  return { site_id: siteId, agency_id: agencyId };
}

/** Writes a new entry (a draft until it is published), or saves an entry's changes. */
export async function saveFaq(ctx: Ctx, actor: Actor, siteId: number, faqId: number | null, raw: unknown) {
  const p = need(actor);
  const input = parseInput(faqInput, raw);
  const scope = await scopeOf(ctx, siteId, input.agencyId);
  requireFaqEdit(p, scope);
  const values = { agency_id: scope.agency_id, topic: input.topic, question: input.question, answer: input.answer };
  const saved = await ctx.db.transaction().execute(async (trx) => {
    let id = faqId;
    if (id === null) {
      id = await insertFaq(trx, { ...values, site_id: siteId, created_by: p.userId });
    } else {
      const old = await lockFaq(trx, id);
      if (!old || old.site_id !== siteId || !maySeeFaq(p, old)) throw notFound('问答不存在');
      requireFaqEdit(p, old);
      // a published answer changes in public at once: only those who may publish it may change it
      if (old.published_at) requireFaqPublish(p, scope);
      await updateFaq(trx, id, values);
      if (old.published_at) await noteChange(trx, siteId, `${FAQ_CHANGE}:${id}`);
    }
    await audit(trx, actor, {
      siteId,
      agencyId: scope.agency_id,
      action: faqId === null ? 'faq.create' : 'faq.update',
      entityType: 'faq',
      entityId: id,
      after: values,
    });
    return id;
  });
  await ctx.search.refresh(ctx.db);
  return saved;
}

/** Publishes an entry, or takes it out of public view (kept, to publish again). */
export async function publishFaq(ctx: Ctx, actor: Actor, faqId: number, publish: boolean) {
  const p = need(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const f = await lockFaq(trx, faqId);
    if (!f || !maySeeFaq(p, f)) throw notFound('问答不存在');
    requireFaqPublish(p, f);
    if (Boolean(f.published_at) === publish) throw conflict(publish ? '该问答已发布' : '该问答未发布');
    await updateFaq(trx, faqId, { published_at: publish ? ctx.now() : null });
    await noteChange(trx, f.site_id, `${FAQ_CHANGE}:${faqId}`);
    await audit(trx, actor, {
      siteId: f.site_id,
      agencyId: f.agency_id,
      action: publish ? 'faq.publish' : 'faq.unpublish',
      entityType: 'faq',
      entityId: faqId,
      after: { question: f.question },
    });
  });
  await ctx.search.refresh(ctx.db);
}

/**
 * Turns a letter's reply into a draft entry in one step: its public title (or its title with personal data taken
 * out) as the question, the reply as the answer (the writer's name and contact data taken out), for the agency
 * that replied. A letter gives one entry: asked again, the same entry is returned.
 */
export async function faqFromLetter(ctx: Ctx, actor: Actor, letterId: number): Promise<number> {
  const p = need(actor);
  const l = await letterRow(ctx.db, letterId);
  if (!l || !canSeeLetter(p, l)) throw notFound('来信不存在');
  if (!l.reply || !l.replied_on) throw conflict('来信尚未答复，不能转为常见问题');
  const scope = { site_id: l.site_id, agency_id: l.reply_agency_id ?? l.agency_id };
  requireFaqEdit(p, scope);
  const made = publicText({ ...l, title: l.public_title || l.title });
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await faqOfLetter(trx, letterId);
    if (existing) return existing.id;
    const id = await insertFaq(trx, {
      site_id: l.site_id,
      agency_id: scope.agency_id,
      question: made.title.slice(0, 100),
      answer: made.reply.slice(0, 5000),
      letter_id: l.id,
      created_by: p.userId,
    });
    await audit(trx, actor, {
      siteId: l.site_id,
      agencyId: scope.agency_id,
      action: 'faq.from_letter',
      entityType: 'faq',
      entityId: id,
      after: { trackingNo: l.tracking_no },
    });
    return id;
  });
}

/** The public list, with the topics to choose from. */
export async function publishedFaqs(ctx: Ctx, siteId: number, f: PublicFaqFilter, page: number) {
  const [list, topics] = await Promise.all([publicFaqs(ctx.read, siteId, f, page), faqTopics(ctx.read, siteId)]);
  return { ...list, topics };
}

export async function publishedFaq(ctx: Ctx, siteId: number, faqId: number) {
  const f = await publicFaq(ctx.read, siteId, faqId);
  if (!f) throw notFound('问答不存在或未发布');
  return f;
}

/** How many answers the letter form offers. */
const SUGGESTED = 3;

/** The published answers most like what a resident is about to ask (“您的问题可能已有答复”). */
export const faqSuggestions = (ctx: Ctx, siteId: number, text: string) =>
  similarDocuments(ctx, siteId, FAQ_CHANGE, text, SUGGESTED);
