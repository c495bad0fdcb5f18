/**
 * The leader's mailbox: a resident writes, the office assigns, the agency replies (reviewed first where the site
 * wants it), the writer reads the reply and rates it, and the office publishes the letter with personal data removed.
 * Each use case is one transaction with its step and its audit record.
 */
import type { Kysely } from 'kysely';
import { type Actor, administersSite, type Principal, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { addWorkdays, type DateStr, loadCalendar, shanghaiDate } from '../../core/calendar.ts';
import { checkChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB, LetterRow, Mailbox, Site } from '../../core/db.types.ts';
import { AppError, badInput, conflict, notFound } from '../../core/errors.ts';
import { checkUpload, PDF_OR_IMAGE, recordFile, safeFilename } from '../../core/files.ts';
import { maskEmail, maskPhone } from '../../core/identity.ts';
import { enqueueMail } from '../../core/outbox.ts';
import { findPersonalData, maskPersonalData } from '../../core/personal.ts';
import { type Change, noteChange } from '../../core/search.ts';
import { settingsOf } from '../../core/sites.ts';
import { newQueryCode, newTrackingNo, queryCodeHash, queryCodeMatches } from '../../core/tracking.ts';
import { parseInput } from '../../core/validate.ts';
import type { TouchedPages } from '../../web/page.files.ts';
import { siteAgencies, siteAgencyNames } from '../admin/admin.service.ts';
import { mayEditFaq } from './interaction.faq.policy.ts';
import { faqOfLetter } from './interaction.faq.store.ts';
import { canSeeLetter, letterActionsFor, requireLetterAction } from './interaction.letters.policy.ts';
import {
  ACTION_LABELS,
  CLOSE_KINDS,
  extensionProblem,
  LETTER_KINDS,
  type LetterAction,
  letterActions,
  letterDue,
  letterFigures,
  mayReopen,
  publicWriter,
  RATINGS,
  ratingProblem,
  stateAfterReply,
  sumCounts,
} from './interaction.letters.rules.ts';
import { actionInputs, type LetterInput, letterInput, lookupInput, rateInput } from './interaction.letters.schema.ts';
import {
  cannedRepliesOf,
  insertLetter,
  insertLetterAttachment,
  insertLetterEvent,
  type LetterEvent,
  letterAttachment,
  letterAttachments,
  letterByTrackingNo,
  letterEvents,
  letterRow,
  letterYearCounts,
  lockLetter,
  mailboxBySlug,
  mailboxesOf,
  openLetterCounts,
  type PublicLetterFilter,
  publicLetter,
  publicLetters,
  recountLetterMonth,
  type StaffLetterFilter,
  staffLetters,
  updateLetter,
} from './interaction.letters.store.ts';
import { letterSource } from './interaction.search.service.ts';

type Trx = Kysely<DB>;

/** A letter's pictures or scans: PDF or images, small, at most one. */
export const LETTER_FILE_MAX = 5 * 1024 * 1024;
const CODE_PURPOSE = 'letter-code';

const today = (ctx: Ctx) => shanghaiDate(ctx.now());
const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};

export const siteMailboxes = (ctx: Ctx, siteId: number) => mailboxesOf(ctx.db, siteId);

export async function mailboxOf(ctx: Ctx, siteId: number, slug: string) {
  const m = await mailboxBySlug(ctx.db, siteId, slug);
  if (!m) throw notFound('信箱不存在');
  return m;
}

/**
 * Records a step of the letter, and in the change outbox that the mailbox's public pages (list, statistics, the
 * letter's own page) may have changed with it: the page files follow the outbox (`letterPagesTouched`).
 */
async function addEvent(
  trx: Trx,
  actor: Actor,
  letter: Pick<LetterRow, 'id' | 'site_id' | 'submitted_at'>,
  e: LetterEvent,
) {
  const by = { id: actor.principal?.userId ?? null, name: actor.principal?.name ?? '' };
  await insertLetterEvent(trx, letter.id, by, e);
  await recountLetterMonth(trx, letter.site_id, shanghaiDate(letter.submitted_at).slice(0, 7));
  await noteChange(trx, letter.site_id, `${LETTER_CHANGE}:${letter.id}`);
}

/** The outbox's key of a letter's change (`l:<id>`), which search follows too (a published letter is found). */
const LETTER_CHANGE = letterSource.kind;

/** The public pages of the mailbox a batch of changes touches: the lists, the statistics and each letter's page. */
export function letterPagesTouched(changes: Change[]): TouchedPages {
  const touched: TouchedPages = new Map();
  for (const c of changes) {
    const [kind, id] = c.key.split(':');
    if (kind !== LETTER_CHANGE || c.siteId == null || !/^\d+$/.test(id ?? '')) continue;
    const paths = touched.get(c.siteId) ?? new Set(['/mail', '/mail/letters', '/mail/stats']);
    if (paths !== 'all') paths.add(`/mail/letters/${id}`);
    touched.set(c.siteId, paths);
  }
  return touched;
}

/** The clock from `start`: the kind's deadline on the site's calendar. */
async function clockFrom(trx: Trx, site: Pick<Site, 'id' | 'settings'>, l: LetterRow, start: DateStr, extra = 0) {
  const cal = await loadCalendar(trx, site.id);
  const due = letterDue(cal, { startedOn: start, kind: l.kind, extensionDays: extra }, settingsOf(site).letterDays);
  return { started_on: start, due_on: due.date, due_certain: due.certain, extension_days: extra };
}

export interface SubmittedLetter {
  id: number;
  trackingNo: string;
  queryCode: string;
}

/** The public form: the letter is stored whole, with its attachment, or not at all. */
export async function submitLetter(
  ctx: Ctx,
  site: Site,
  mailboxSlug: string,
  raw: Record<string, unknown>,
  captcha: { token: string; answer: string },
  file: { name: string; data: Buffer } | null,
  ip: string,
): Promise<SubmittedLetter> {
  const mailbox = await mailboxOf(ctx, site.id, mailboxSlug);
  const input = parseInput(letterInput, raw);
  const mime = file ? await checkUpload(file.name, file.data, LETTER_FILE_MAX) : null;
  if (mime && !PDF_OR_IMAGE.has(mime)) throw badInput('附件只接受 PDF、JPG 或 PNG 文件');
  const addressee = await addresseeOf(ctx, site.id, mailbox, input);
  await checkChallenge(ctx.db, dataKey(ctx.config), captcha.token, captcha.answer, ctx.now());
  const stored =
    file && mime ? { hash: await ctx.files.put(file.data), mime, name: file.name, size: file.data.length } : null;
  return storeLetter(ctx, { principal: null, ip }, site, mailbox, addressee, input, stored);
}

/**
 * A letter that came another way (by post, by telephone, forwarded by 12345), registered by the office as the writer
 * gave it: the same letter, clock and query code as one written on the site.
 */
export async function registerLetter(ctx: Ctx, actor: Actor, site: Site, mailboxSlug: string, raw: unknown) {
  requireSiteAdmin(actor, site.id);
  const mailbox = await mailboxOf(ctx, site.id, mailboxSlug);
  const input = parseInput(letterInput, raw);
  return storeLetter(ctx, actor, site, mailbox, await addresseeOf(ctx, site.id, mailbox, input), input, null);
}

/** An agency's own mailbox goes to that agency; the others to the agency the writer chose, or to the office. */
async function addresseeOf(ctx: Ctx, siteId: number, mailbox: Mailbox, input: LetterInput): Promise<number | null> {
  const addressee = mailbox.agency_id ?? input.agencyId ?? null;
  if (addressee !== null && !(await siteAgencies(ctx, siteId)).some((a) => a.id === addressee))
    throw badInput('所选机构不存在', { agencyId: '请选择本站点的机构' });
  return addressee;
}

async function storeLetter(
  ctx: Ctx,
  actor: Actor,
  site: Site,
  mailbox: Mailbox,
  addressee: number | null,
  input: LetterInput,
  stored: { hash: string; mime: string; name: string; size: number } | null,
): Promise<SubmittedLetter> {
  return ctx.db.transaction().execute(async (trx) => {
    const code = newQueryCode();
    // an agency's own mailbox receives directly and the clock starts; otherwise the office assigns the letter first
    // (to the agency the writer chose, or another), and until then no agency sees it
    const direct = mailbox.agency_id !== null;
    let created: SubmittedLetter | undefined;
    for (let attempt = 0; attempt < 20 && !created; attempt++) {
      const trackingNo = newTrackingNo(today(ctx));
      const id = await insertLetter(trx, {
        site_id: site.id,
        mailbox_id: mailbox.id,
        tracking_no: trackingNo,
        query_code_hash: queryCodeHash(dataKey(ctx.config), CODE_PURPOSE, trackingNo, code),
        kind: input.kind,
        title: input.title,
        content: input.content,
        writer_name: input.name,
        phone: input.phone,
        email: input.email,
        consent: input.consent,
        agency_id: direct ? addressee : null,
        state: direct ? 'handling' : 'triage',
        submitted_at: ctx.now(),
      });
      if (id !== undefined) created = { id, trackingNo, queryCode: code };
    }
    if (!created) throw conflict('信件编号生成失败，请重试');
    const row = (await letterRow(trx, created.id))!;
    if (direct) await updateLetter(trx, created.id, await clockFrom(trx, site, row, today(ctx)));
    await addEvent(trx, actor, row, { kind: 'submitted', on: today(ctx), data: { addressedTo: addressee } });
    if (stored) {
      await recordFile(trx, { hash: stored.hash, size: stored.size, mime: stored.mime });
      await insertLetterAttachment(trx, {
        letter_id: created.id,
        file_hash: stored.hash,
        filename: safeFilename(stored.name),
        mime: stored.mime,
        size: stored.size,
      });
    }
    if (input.email)
      await enqueueMail(trx, {
        siteId: site.id,
        to: input.email,
        subject: `您的来信已收到（信件编号 ${created.trackingNo}）`,
        secrets: { key: dataKey(ctx.config), values: { queryCode: created.queryCode } },
        body: `${input.name}：\n\n您写给“${mailbox.name}”的来信《${input.title}》已收到。\n信件编号：${created.trackingNo}\n查询码：{{queryCode}}\n\n您可以凭信件编号和查询码在网站“互动交流”栏目查询办理进度和答复。请妥善保管查询码。`,
      });
    await audit(trx, actor, {
      siteId: site.id,
      agencyId: direct ? addressee : null,
      action: actor.principal ? 'letter.register' : 'letter.submit',
      entityType: 'letter',
      entityId: created.id,
      after: { trackingNo: created.trackingNo, mailbox: mailbox.name },
    });
    return created;
  });
}

/** The letter of a number and query code (the writer's view), or a 404 that does not say which was wrong. */
async function writersLetter(ctx: Ctx, siteId: number, input: { trackingNo: string; queryCode: string }) {
  const l = await letterByTrackingNo(ctx.db, siteId, input.trackingNo.trim());
  if (!l || !queryCodeMatches(dataKey(ctx.config), CODE_PURPOSE, l.tracking_no, input.queryCode, l.query_code_hash))
    throw notFound('信件编号或查询码不正确');
  return l;
}

/** What the writer sees of their letter: its steps as the public may know them, the reply, the rating. */
export async function letterStatus(ctx: Ctx, siteId: number, raw: unknown) {
  const l = await writersLetter(ctx, siteId, parseInput(lookupInput, raw));
  const agency = l.agency_id ? (await siteAgencies(ctx, siteId)).find((a) => a.id === l.agency_id) : undefined;
  const events = (await letterEvents(ctx.db, l.id)).filter((e) => WRITER_STEPS[e.kind]);
  return {
    trackingNo: l.tracking_no,
    kind: LETTER_KINDS[l.kind],
    title: l.title,
    content: l.content,
    state: l.state,
    agency: agency?.name ?? '',
    submittedOn: shanghaiDate(l.submitted_at),
    dueOn: l.state === 'replied' || l.state === 'closed' ? null : l.due_on,
    reply: l.state === 'replied' ? l.reply : '',
    repliedOn: l.state === 'replied' ? l.replied_on : null,
    closedReason: l.state === 'closed' ? `${l.closed_kind ? CLOSE_KINDS[l.closed_kind] : ''}：${l.closed_reason}` : '',
    rating: l.rating ? RATINGS[l.rating] : null,
    ratingComment: l.rating_comment,
    mayRate: ratingProblem(l) === null,
    mayReopen: !l.rating && !l.reopened,
    steps: events.map((e) => ({ on: e.on_date, text: WRITER_STEPS[e.kind] })),
  };
}
export type LetterStatus = Awaited<ReturnType<typeof letterStatus>>;

/** The steps the writer is shown (who did them and internal notes stay inside). */
const WRITER_STEPS: Record<string, string> = {
  submitted: '来信已提交',
  assign: '已分办至承办单位',
  transfer: '已转至其他单位办理',
  extend: '办理期限已延长',
  replied: '已答复',
  rated: '您已评价',
  reopened: '您对答复不满意，来信已重新办理',
  close: '已办结',
};

/** The writer rates the reply; an unsatisfied rating asks, once, for the letter to be handled again. */
export async function rateLetter(ctx: Ctx, site: Site, raw: unknown, ip: string): Promise<{ reopened: boolean }> {
  const input = parseInput(rateInput, raw);
  const found = await writersLetter(ctx, site.id, input);
  return ctx.db.transaction().execute(async (trx) => {
    const l = (await lockLetter(trx, found.id))!;
    const problem = ratingProblem(l);
    if (problem) throw conflict(problem);
    const reopen = input.reopen && mayReopen({ rating: input.rating, reopened: l.reopened });
    await updateLetter(trx, l.id, {
      rating: input.rating,
      rating_comment: input.comment,
      ...(reopen
        ? {
            state: 'handling' as const,
            reopened: true,
            rating: null,
            ...(await clockFrom(trx, site, l, today(ctx))),
          }
        : {}),
    });
    await addEvent(trx, { principal: null, ip }, l, {
      kind: 'rated',
      on: today(ctx),
      note: input.comment,
      data: { rating: input.rating },
    });
    if (reopen) await addEvent(trx, { principal: null, ip }, l, { kind: 'reopened', on: today(ctx) });
    await audit(
      trx,
      { principal: null, ip },
      {
        siteId: site.id,
        agencyId: l.agency_id,
        action: reopen ? 'letter.reopen' : 'letter.rate',
        entityType: 'letter',
        entityId: l.id,
        after: { trackingNo: l.tracking_no, rating: RATINGS[input.rating] },
      },
    );
    return { reopened: reopen };
  });
}

/** Letters the member may see: the office its whole site, an agency's staff those assigned to their agencies. */
export async function lettersFor(ctx: Ctx, p: Principal, siteId: number, f: StaffLetterFilter, page: number) {
  const mine = administersSite(p, siteId)
    ? undefined
    : [...new Set(p.roles.map((r) => r.agencyId).filter((a): a is number => a !== null))];
  return staffLetters(ctx.db, siteId, { ...f, agencies: mine }, today(ctx), page);
}

/** Open letters by deadline, for the 工作台: the office's whole site, an agency's own. */
export async function letterReminders(ctx: Ctx, p: Principal, siteId: number) {
  const mine = administersSite(p, siteId)
    ? null
    : [...new Set(p.roles.map((r) => r.agencyId).filter((a): a is number => a !== null))];
  // near: due within two working days; stale: written more than three months ago
  const soon = addWorkdays(await loadCalendar(ctx.db, siteId), today(ctx), 2).date;
  const stale = new Date(ctx.now());
  stale.setUTCMonth(stale.getUTCMonth() - 3);
  return openLetterCounts(ctx.db, siteId, mine, today(ctx), soon, stale);
}

/** The 工作台's line on letters, if any are open: urgent when one is overdue or three months old. */
export async function letterAlert(ctx: Ctx, p: Principal, siteId: number) {
  const c = await letterReminders(ctx, p, siteId);
  if (!c.open) return null;
  return {
    text: `来信办理：未办结 ${c.open} 件，其中待分办 ${c.triage} 件、答复待审核 ${c.review} 件、即将到期 ${c.soon} 件、已超期 ${c.overdue} 件${c.stale ? `；${c.stale} 件来信超过三个月未答复（网站检查单项否决）` : ''}`,
    href: c.overdue ? '/admin/letters?state=overdue' : '/admin/letters',
    urgent: c.overdue > 0 || c.stale > 0,
  };
}

/** A letter for the back office: everything, with what this member may do and the choices those actions need. */
export async function openLetter(ctx: Ctx, actor: Actor, letterId: number) {
  const p = need(actor);
  const l = await letterRow(ctx.db, letterId);
  if (!l || !canSeeLetter(p, l)) throw notFound('来信不存在');
  const site = (await ctx.sites.all()).find((s) => s.id === l.site_id)!;
  const settings = settingsOf(site);
  const agencies = await siteAgencies(ctx, l.site_id);
  const available = letterActions({
    state: l.state,
    extensionDays: l.extension_days,
    consent: l.consent,
    published: l.published_at !== null,
    reviewed: settings.letterReplyReview,
  });
  const suggested = publicText(l);
  const events = await letterEvents(ctx.db, l.id);
  const addressedTo = (events[0]?.data as { addressedTo?: number | null } | undefined)?.addressedTo ?? null;
  return {
    letter: l,
    mailbox: (await mailboxesOf(ctx.db, l.site_id, false)).find((m) => m.id === l.mailbox_id)!,
    agency: agencies.find((a) => a.id === l.agency_id)?.name ?? '',
    agencies,
    events,
    /** The agency the writer chose, for the office's assignment. */
    addressedTo: agencies.find((a) => a.id === addressedTo)?.id ?? null,
    attachments: await letterAttachments(ctx.db, l.id),
    actions: letterActionsFor(p, l, available),
    canned: l.agency_id ? await cannedRepliesOf(ctx.db, l.agency_id) : [],
    reviewed: settings.letterReplyReview,
    suggested,
    /** The knowledge-base entry made from its reply, or whether the member may make one. */
    faqId: (await faqOfLetter(ctx.db, l.id))?.id ?? null,
    mayMakeFaq: Boolean(l.reply) && mayEditFaq(p, { site_id: l.site_id, agency_id: l.reply_agency_id ?? l.agency_id }),
  };
}
export type OpenedLetter = Awaited<ReturnType<typeof openLetter>>;

/** A letter's file, for the staff who may see the letter. */
export async function letterFile(ctx: Ctx, actor: Actor, letterId: number, attachmentId: number) {
  const p = need(actor);
  const l = await letterRow(ctx.db, letterId);
  if (!l || !canSeeLetter(p, l)) throw notFound('来信不存在');
  const a = await letterAttachment(ctx.db, letterId, attachmentId);
  if (!a) throw notFound('文件不存在');
  return { ...a, data: await ctx.files.get(a.file_hash) };
}

/**
 * What a letter may show in public: the writer's personal data taken out of its text — ID, mobile and card numbers
 * wherever they are typed, and the writer's own name, phone and e-mail.
 */
export function publicText(l: Pick<LetterRow, 'title' | 'content' | 'reply' | 'writer_name' | 'phone' | 'email'>) {
  const strip = (s: string) => {
    let out = maskPersonalData(s);
    for (const [value, mask] of [
      [l.phone, maskPhone(l.phone)],
      [l.email, maskEmail(l.email)],
      [l.writer_name, publicWriter(l.writer_name)],
    ])
      if (value.trim().length >= 2) out = out.replaceAll(value.trim(), mask);
    return out;
  };
  return { title: strip(l.title), content: strip(l.content), reply: strip(l.reply) };
}

/** Why a text cannot be published as it is: personal data still in it. */
function personalProblem(l: LetterRow, text: string): string | null {
  if (findPersonalData(text).length) return '公开内容中仍有身份证号、手机号码或银行卡号，请删除或遮盖后再公开';
  for (const v of [l.phone, l.email])
    if (v.trim().length >= 5 && text.includes(v.trim())) return '公开内容中仍有来信人的联系方式，请删除后再公开';
  if (l.writer_name.trim().length >= 2 && text.includes(l.writer_name.trim()))
    return '公开内容中仍有来信人的姓名，请删除后再公开';
  return null;
}

/** One staff action on a letter, checked against its state and the member's roles. */
export async function actOnLetter(ctx: Ctx, actor: Actor, letterId: number, action: LetterAction, raw: unknown) {
  const p = need(actor);
  if (!Object.hasOwn(actionInputs, action)) throw notFound('没有这项操作');
  const input = parseInput(actionInputs[action], raw) as Record<string, unknown>;
  // the site and its agencies are read before the transaction (they come through their own connection)
  const first = await letterRow(ctx.db, letterId);
  if (!first || !canSeeLetter(p, first)) throw notFound('来信不存在');
  const site = (await ctx.sites.all()).find((s) => s.id === first.site_id)!;
  const settings = settingsOf(site);
  const agencies = await siteAgencies(ctx, site.id);
  const done = await ctx.db.transaction().execute(async (trx) => {
    const l = await lockLetter(trx, letterId);
    if (!l || !canSeeLetter(p, l)) throw notFound('来信不存在');
    const available = letterActions({
      state: l.state,
      extensionDays: l.extension_days,
      consent: l.consent,
      published: l.published_at !== null,
      reviewed: settings.letterReplyReview,
    });
    if (!available.includes(action)) throw conflict(`来信当前状态下不能${ACTION_LABELS[action]}`);
    requireLetterAction(p, l, action);
    const on = today(ctx);
    const agencyOf = async (id: unknown) => {
      const a = agencies.find((x) => x.id === id);
      if (!a) throw badInput('所选机构不存在', { agencyId: '请选择本站点的机构' });
      return a;
    };
    let note = '';
    let data: Record<string, unknown> = {};
    switch (action) {
      case 'assign': {
        const a = await agencyOf(input.agencyId);
        await updateLetter(trx, l.id, { agency_id: a.id, state: 'handling', ...(await clockFrom(trx, site, l, on)) });
        data = { agency: a.name };
        break;
      }
      case 'transfer': {
        const a = await agencyOf(input.agencyId);
        if (a.id === l.agency_id) throw badInput('来信已由该机构办理', { agencyId: '请选择其他机构' });
        // the agency that receives it has its full deadline, from the day it receives it
        await updateLetter(trx, l.id, { agency_id: a.id, draft: '', ...(await clockFrom(trx, site, l, on)) });
        note = String(input.reason);
        data = { agency: a.name };
        break;
      }
      case 'extend': {
        const days = Number(input.days);
        const problem = extensionProblem(
          { startedOn: l.started_on!, kind: l.kind, extensionDays: l.extension_days },
          days,
          settings.letterDays,
        );
        if (problem) throw badInput(problem, { days: problem });
        await updateLetter(trx, l.id, await clockFrom(trx, site, l, l.started_on!, days));
        note = String(input.reason);
        data = { days };
        break;
      }
      case 'draft':
        await updateLetter(trx, l.id, { draft: String(input.reply) });
        break;
      case 'reply': {
        const next = stateAfterReply(settings.letterReplyReview);
        await updateLetter(trx, l.id, { draft: String(input.reply) });
        if (next === 'replied') await sendReply(trx, l, String(input.reply), l.agency_id, on);
        else await updateLetter(trx, l.id, { state: 'review' });
        break;
      }
      case 'approve':
        await sendReply(trx, l, l.draft, l.agency_id, on);
        break;
      case 'return':
        await updateLetter(trx, l.id, { state: 'handling' });
        note = String(input.reason);
        break;
      case 'close': {
        let merged: number | null = null;
        if (input.closedKind === 'duplicate' && input.mergedInto) {
          const other = await letterByTrackingNo(trx, l.site_id, String(input.mergedInto).trim());
          if (!other || other.id === l.id)
            throw badInput('重复的信件编号不存在', { mergedInto: '请填写本站点另一件来信的编号' });
          merged = other.id;
          data = { mergedInto: other.tracking_no };
        }
        await updateLetter(trx, l.id, {
          state: 'closed',
          closed_kind: input.closedKind as LetterRow['closed_kind'],
          closed_reason: String(input.reason),
          merged_into: merged,
        });
        note = `${CLOSE_KINDS[input.closedKind as keyof typeof CLOSE_KINDS]}：${String(input.reason)}`;
        break;
      }
      case 'publish': {
        const problem =
          personalProblem(l, String(input.title)) ??
          personalProblem(l, String(input.content)) ??
          personalProblem(l, String(input.reply));
        if (problem) throw badInput(problem);
        await updateLetter(trx, l.id, {
          public_title: String(input.title),
          public_content: String(input.content),
          public_reply: String(input.reply),
          published_at: ctx.now(),
        });
        break;
      }
      case 'unpublish':
        await updateLetter(trx, l.id, { published_at: null });
        note = String(input.reason);
        break;
    }
    await addEvent(trx, actor, l, { kind: action, on, note, data });
    await audit(trx, actor, {
      siteId: l.site_id,
      agencyId: l.agency_id,
      action: `letter.${action}`,
      entityType: 'letter',
      entityId: l.id,
      after: { trackingNo: l.tracking_no, ...data, ...(note ? { reason: note } : {}) },
    });
    return { trackingNo: l.tracking_no };
  });
  // a letter published or taken back is found, or no longer, by search at once on this instance
  if (action === 'publish' || action === 'unpublish') await ctx.search.refresh(ctx.db);
  return done;
}

/** The reply goes out: on the status page at once, and by e-mail where the writer gave an address. */
async function sendReply(trx: Trx, l: LetterRow, reply: string, agencyId: number | null, on: DateStr) {
  if (reply.trim().length < 5) throw badInput('答复内容过短', { reply: '请填写答复内容' });
  await updateLetter(trx, l.id, { state: 'replied', reply, replied_on: on, reply_agency_id: agencyId });
  await insertLetterEvent(trx, l.id, { id: null, name: '' }, { kind: 'replied', on });
  if (l.email)
    await enqueueMail(trx, {
      siteId: l.site_id,
      to: l.email,
      subject: `您的来信已答复（信件编号 ${l.tracking_no}）`,
      body: `${l.writer_name}：\n\n您的来信《${l.title}》已答复：\n\n${reply}\n\n您可以凭信件编号和查询码在网站“互动交流”栏目查看答复并评价。`,
    });
}

/** The public list of letters the office published. */
export async function publishedLetters(ctx: Ctx, siteId: number, f: PublicLetterFilter, page: number) {
  return publicLetters(ctx.read, siteId, f, page);
}

export async function publishedLetter(ctx: Ctx, siteId: number, letterId: number) {
  const l = await publicLetter(ctx.read, siteId, letterId);
  if (!l) throw notFound('来信不存在或未公开');
  return { ...l, writer: publicWriter(l.writer_name), kindLabel: LETTER_KINDS[l.kind] };
}

/**
 * The statistics the norms ask to publish for a year: per month, per agency and per mailbox, with the year's
 * totals (received, answered, on time, average days, satisfaction).
 */
export async function letterStatistics(ctx: Ctx, siteId: number, year: number) {
  const [kept, agencies, mailboxes] = await Promise.all([
    letterYearCounts(ctx.read, siteId, year),
    siteAgencyNames(ctx, siteId),
    mailboxesOf(ctx.read, siteId, false),
  ]);
  const byRef = (rows: typeof kept.agencies) => new Map(rows.map((r) => [r.ref, letterFigures(r.counts)]));
  const perMonth = new Map(kept.months.map((r) => [r.month, r.counts]));
  const perAgency = byRef(kept.agencies);
  const perMailbox = byRef(kept.mailboxes);
  return {
    year,
    total: letterFigures(sumCounts(kept.months.map((r) => r.counts))),
    closed: kept.months.reduce((n, r) => n + r.closed, 0),
    months: Array.from({ length: 12 }, (_, i) => {
      const month = `${year}-${String(i + 1).padStart(2, '0')}`;
      return { month, figures: letterFigures(perMonth.get(month) ?? sumCounts([])) };
    }),
    agencies: [
      ...agencies.filter((a) => perAgency.has(a.id)).map((a) => ({ name: a.name, figures: perAgency.get(a.id)! })),
      ...(perAgency.has(null) ? [{ name: '待分办', figures: perAgency.get(null)! }] : []),
    ],
    mailboxes: mailboxes
      .filter((m) => perMailbox.has(m.id))
      .map((m) => ({ name: m.name, figures: perMailbox.get(m.id)! })),
  };
}
export type LetterStatistics = Awaited<ReturnType<typeof letterStatistics>>;
