/**
 * What the office sets up for the mailbox, and each agency for its replies: the site's mailboxes, the reply deadlines
 * per kind of letter (RULES.md §7 gives the defaults), whether replies are reviewed before they are sent, the days a
 * consultation's result may take, and the canned replies each agency drafts from.
 */
import { type Actor, administersSite, agenciesWith, type Principal, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, badInput, forbidden, notFound } from '../../core/errors.ts';
import { settingsOf } from '../../core/sites.ts';
import { parseInput } from '../../core/validate.ts';
import { siteAgencyNames, updateSiteSettings } from '../admin/admin.service.ts';
import { DEFAULT_RESULT_DAYS } from './interaction.consultations.rules.ts';
import { mayKeepCannedReplies } from './interaction.letters.policy.ts';
import { DEFAULT_LETTER_DAYS, LETTER_KINDS } from './interaction.letters.rules.ts';
import { cannedInput, letterSettingsInput, mailboxInput } from './interaction.letters.schema.ts';
import {
  cannedRepliesOf,
  deleteCannedReply,
  insertCannedReply,
  insertMailbox,
  mailboxBySlug,
  mailboxesOf,
  setMailboxActive,
} from './interaction.letters.store.ts';

const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};

/** What the office's page of mailbox settings shows. */
export async function letterSettings(ctx: Ctx, actor: Actor, siteId: number) {
  requireSiteAdmin(actor, siteId);
  const site = (await ctx.sites.all()).find((s) => s.id === siteId)!;
  const settings = settingsOf(site);
  return {
    mailboxes: await mailboxesOf(ctx.db, siteId, false),
    agencies: await siteAgencyNames(ctx, siteId),
    days: Object.fromEntries(
      Object.keys(LETTER_KINDS).map((k) => [
        k,
        settings.letterDays[k] ?? DEFAULT_LETTER_DAYS[k as keyof typeof LETTER_KINDS],
      ]),
    ),
    review: settings.letterReplyReview,
    resultDays: settings.consultationResultDays ?? DEFAULT_RESULT_DAYS,
  };
}

/** Sets the reply deadlines per kind, whether replies are reviewed first, and the days a consultation's result may take. */
export async function saveLetterSettings(ctx: Ctx, actor: Actor, siteId: number, raw: unknown) {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(letterSettingsInput, raw);
  await updateSiteSettings(ctx, actor, siteId, {
    letterDays: Object.fromEntries(Object.keys(LETTER_KINDS).map((k) => [k, input[`days_${k}` as keyof typeof input]])),
    letterReplyReview: input.review,
    consultationResultDays: input.resultDays,
  });
}

/** A new mailbox of the site (the office's): addressed to the office for triage, or to one agency directly. */
export async function createMailbox(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(mailboxInput, raw);
  if (input.agencyId !== undefined && !(await siteAgencyNames(ctx, siteId)).some((a) => a.id === input.agencyId))
    throw badInput('所选机构不存在', { agencyId: '请选择本站点的机构' });
  return ctx.db.transaction().execute(async (trx) => {
    if (await mailboxBySlug(trx, siteId, input.slug)) throw badInput('地址代码已被使用', { slug: '请换一个地址代码' });
    const id = await insertMailbox(trx, {
      site_id: siteId,
      name: input.name,
      slug: input.slug,
      agency_id: input.agencyId ?? null,
      intro: input.intro,
    });
    await audit(trx, actor, {
      siteId,
      action: 'mailbox.create',
      entityType: 'mailbox',
      entityId: id,
      after: { name: input.name },
    });
    return id;
  });
}

/** Closes a mailbox to new letters (its letters stay), or opens it again. */
export async function switchMailbox(ctx: Ctx, actor: Actor, siteId: number, mailboxId: number, active: boolean) {
  requireSiteAdmin(actor, siteId);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await setMailboxActive(trx, siteId, mailboxId, active))) throw notFound('信箱不存在');
    await audit(trx, actor, {
      siteId,
      action: active ? 'mailbox.open' : 'mailbox.close',
      entityType: 'mailbox',
      entityId: mailboxId,
    });
  });
}

/**
 * The agencies whose canned replies the member keeps, and one agency's replies: the one asked for, else the member's
 * own agency, else the first.
 */
export async function cannedRepliesFor(ctx: Ctx, actor: Actor, siteId: number, agencyId: number | undefined) {
  const p = need(actor);
  const agencies = (await siteAgencyNames(ctx, siteId)).filter(
    (a) => administersSite(p, siteId) || agenciesWith(p, ['editor']).includes(a.id),
  );
  const chosen =
    agencies.find((a) => a.id === agencyId) ?? agencies.find((a) => a.id === p.agencyId) ?? agencies[0] ?? null;
  return { agencies, chosen, replies: chosen ? await cannedRepliesOf(ctx.db, chosen.id) : [] };
}

async function cannedScope(ctx: Ctx, actor: Actor, siteId: number, agencyId: number) {
  const p = need(actor);
  if (!(await siteAgencyNames(ctx, siteId)).some((a) => a.id === agencyId)) throw notFound('机构不存在');
  if (!mayKeepCannedReplies(p, siteId, agencyId)) throw forbidden('只有该机构的信息员或政务公开办可以维护常用答复');
}

/** A canned reply of an agency, for its staff to draft from. */
export async function addCannedReply(ctx: Ctx, actor: Actor, siteId: number, agencyId: number, raw: unknown) {
  await cannedScope(ctx, actor, siteId, agencyId);
  const input = parseInput(cannedInput, raw);
  await ctx.db.transaction().execute(async (trx) => {
    await insertCannedReply(trx, { site_id: siteId, agency_id: agencyId, title: input.title, body: input.body });
    await audit(trx, actor, {
      siteId,
      agencyId,
      action: 'canned_reply.create',
      entityType: 'agency',
      entityId: agencyId,
      after: { title: input.title },
    });
  });
}

export async function removeCannedReply(ctx: Ctx, actor: Actor, siteId: number, agencyId: number, cannedId: number) {
  await cannedScope(ctx, actor, siteId, agencyId);
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await deleteCannedReply(trx, agencyId, cannedId))) throw notFound('常用答复不存在');
    await audit(trx, actor, {
      siteId,
      agencyId,
      action: 'canned_reply.delete',
      entityType: 'agency',
      entityId: agencyId,
      after: { id: cannedId },
    });
  });
}
