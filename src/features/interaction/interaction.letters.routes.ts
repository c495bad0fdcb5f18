import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { shanghaiDate } from '../../core/calendar.ts';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { pageParam } from '../../core/validate.ts';
import { pageCtx } from '../../web/portal.ts';
import { formWithFile, privateForms, sealedReceipt, typedAgain } from '../../web/public.forms.ts';
import { csrfToken, idParam, type RefusedForm, sendHtml } from '../../web/request.ts';
import { siteAgencyNames } from '../admin/admin.service.ts';
import { publishedConsultations } from './interaction.consultations.service.ts';
import { faqSuggestions, publishedFaqs } from './interaction.faq.service.ts';
import type { SuggestedAnswer } from './interaction.faq.views.tsx';
import { publishedInterviews } from './interaction.interviews.service.ts';
import { LETTER_KINDS } from './interaction.letters.rules.ts';
import {
  LETTER_FILE_MAX,
  letterStatistics,
  letterStatus,
  mailboxOf,
  publishedLetter,
  publishedLetters,
  rateLetter,
  siteMailboxes,
  submitLetter,
} from './interaction.letters.service.ts';
import {
  LetterLookupPage,
  LetterReceiptPage,
  LetterStatusPage,
  MailHomePage,
  PublicLetterPage,
  PublicLettersPage,
  StatsPage,
  WritePage,
} from './interaction.letters.views.tsx';
import { publishedSurveys } from './interaction.surveys.service.ts';

/** What the receipt page shows, sealed in a cookie between the letter's POST and the page. */
interface Receipt {
  trackingNo: string;
  queryCode: string;
  mailbox: string;
  mailed: boolean;
}

const titleQuery = z.object({
  title: z
    .string()
    .max(10_000)
    .catch('')
    .default('')
    .transform((t) => t.trim().slice(0, 60)),
});

const listQuery = z.object({
  mailbox: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  kind: z
    .enum(Object.keys(LETTER_KINDS) as [keyof typeof LETTER_KINDS])
    .optional()
    .catch(undefined),
  page: pageParam,
});

/** How many of the newest common questions the mailbox's home page lists. */
const HOME_FAQS = 6;
/** How many of the newest interviews, consultations and surveys it lists. */
const HOME_ITEMS = 3;

/** The public pages of 互动交流 (letters): lists and statistics are public pages; forms and a writer's letter are not. */
export async function interactionPortalRoutes(portal: FastifyInstance, ctx: Ctx) {
  portal.get('/mail', async (req, reply) => {
    const [mailboxes, letters, faqs, interviews, consultations, surveys] = await Promise.all([
      siteMailboxes(ctx, req.site.id),
      publishedLetters(ctx, req.site.id, {}, 1),
      publishedFaqs(ctx, req.site.id, {}, 1),
      publishedInterviews(ctx, req.site.id, 1),
      publishedConsultations(ctx, req.site.id, 1),
      publishedSurveys(ctx, req.site.id, 1),
    ]);
    return sendHtml(
      req,
      reply,
      MailHomePage({
        ctx: await pageCtx(req, '/mail'),
        mailboxes,
        letters: letters.rows,
        faqs: faqs.rows.slice(0, HOME_FAQS),
        interviews: interviews.rows.slice(0, HOME_ITEMS),
        consultations: consultations.rows.slice(0, HOME_ITEMS),
        surveys: surveys.rows.slice(0, HOME_ITEMS),
      }),
    );
  });

  portal.get('/mail/letters', async (req, reply) => {
    const q = listQuery.parse(req.query ?? {});
    const { rows, more } = await publishedLetters(ctx, req.site.id, { mailboxId: q.mailbox, kind: q.kind }, q.page);
    return sendHtml(
      req,
      reply,
      PublicLettersPage({
        ctx: await pageCtx(req, '/mail/letters'),
        letters: rows,
        page: q.page,
        more,
        mailboxes: await siteMailboxes(ctx, req.site.id),
        filter: { mailbox: q.mailbox, kind: q.kind },
      }),
    );
  });

  portal.get('/mail/letters/:id', async (req, reply) => {
    const l = await publishedLetter(ctx, req.site.id, idParam(req, '来信'));
    return sendHtml(req, reply, PublicLetterPage({ ctx: await pageCtx(req, '/mail/letters'), l }));
  });

  portal.get('/mail/stats', async (req, reply) => {
    const thisYear = Number(shanghaiDate(ctx.now()).slice(0, 4));
    const years = Array.from({ length: 5 }, (_, i) => thisYear - i);
    const year = z.coerce
      .number()
      .int()
      .min(thisYear - 4)
      .max(thisYear)
      .catch(thisYear)
      .parse((req.query as { year?: string }).year ?? thisYear);
    const s = await letterStatistics(ctx, req.site.id, year);
    return sendHtml(req, reply, StatsPage({ ctx: await pageCtx(req, '/mail/stats'), s, years }));
  });

  await portal.register(async (app) => letterFormRoutes(app, ctx));
}

const BEFORE_SENDING = '您的问题可能已有答复：请先看看标题下方列出的答复。如仍需写信，请再次提交（未发送任何内容）。';

/** The letter form, its receipt and the writer's status page: never kept, POSTs carry the CSRF token. */
async function letterFormRoutes(app: FastifyInstance, ctx: Ctx) {
  const receipts = sealedReceipt<Receipt>(ctx.config, 'gk_letter_receipt');
  privateForms(app);

  const writePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    refused?: RefusedForm,
    fileDropped = false,
    answers: SuggestedAnswer[] = [],
  ) => {
    const mailbox = await mailboxOf(ctx, req.site.id, (req.params as { slug: string }).slug);
    return WritePage({
      ctx: await pageCtx(req, `/mail/${mailbox.slug}/write`),
      csrf: csrfToken(reply),
      mailbox,
      agencies: await siteAgencyNames(ctx, req.site.id),
      challenge: newChallenge(dataKey(ctx.config), ctx.now()),
      values: refused?.values ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
      maxFileMb: LETTER_FILE_MAX / 1048576,
      fileDropped,
      answers,
    });
  };

  // a title may come along (from a list of answers that did not answer it): the form starts with it, and its answers
  app.get('/mail/:slug/write', async (req, reply) => {
    const title = titleQuery.parse(req.query ?? {}).title;
    if (!title) return sendHtml(req, reply, writePage(req, reply));
    const answers = await faqSuggestions(ctx, req.site.id, title);
    return sendHtml(req, reply, writePage(req, reply, { values: { title }, errors: {}, message: '' }, false, answers));
  });

  app.post('/mail/:slug/write', { config: { rateLimit: { max: 5, timeWindow: '1 minute' } } }, async (req, reply) => {
    const slug = (req.params as { slug: string }).slug;
    const { fields, file } = await formWithFile(req, LETTER_FILE_MAX, '附件');
    // before the letter is sent, once: the answers that may already hold its reply (the page's script shows them as
    // the title is typed, and says so in `faqSeen`)
    if (fields.faqSeen !== '1') {
      const answers = await faqSuggestions(ctx, req.site.id, fields.title ?? '');
      if (answers.length)
        return sendHtml(
          req,
          reply,
          writePage(
            req,
            reply,
            { values: { ...typedAgain(fields), faqSeen: '1' }, errors: {}, message: BEFORE_SENDING },
            file !== null,
            answers,
          ),
        );
    }
    try {
      const done = await submitLetter(
        ctx,
        req.site,
        slug,
        fields,
        { token: String(fields.captchaToken ?? ''), answer: String(fields.captcha ?? '') },
        file,
        req.ip,
      );
      const mailbox = await mailboxOf(ctx, req.site.id, slug);
      receipts.give(
        reply,
        {
          trackingNo: done.trackingNo,
          queryCode: done.queryCode,
          mailbox: mailbox.name,
          mailed: Boolean(fields.email?.trim()) && Boolean(ctx.config.smtpUrl),
        },
        ctx.now(),
      );
      return reply.redirect(`${req.base}/mail/receipt`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'bad_input') throw e;
      return sendHtml(
        req,
        reply,
        writePage(
          req,
          reply,
          { values: typedAgain(fields), errors: e.details ?? {}, message: e.message },
          file !== null,
        ),
        e.status,
      );
    }
  });

  app.get('/mail/receipt', async (req, reply) => {
    const receipt = receipts.take(req, reply, ctx.now());
    if (!receipt) return reply.redirect(`${req.base}/mail/status`, 303);
    return sendHtml(req, reply, LetterReceiptPage({ ctx: await pageCtx(req, '/mail'), ...receipt }));
  });

  const lookupPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) =>
    LetterLookupPage({
      ctx: await pageCtx(req, '/mail/status'),
      csrf: csrfToken(reply),
      values: refused?.values ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
    });

  app.get('/mail/status', async (req, reply) => sendHtml(req, reply, lookupPage(req, reply)));

  const statusPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    body: Record<string, unknown>,
    message?: string,
  ) =>
    LetterStatusPage({
      ctx: await pageCtx(req, '/mail/status'),
      s: await letterStatus(ctx, req.site.id, body),
      csrf: csrfToken(reply),
      queryCode: String(body.queryCode),
      message,
    });

  const refusedLookup = async (req: FastifyRequest, reply: FastifyReply, body: Record<string, unknown>, e: unknown) => {
    if (!(e instanceof AppError) || (e.code !== 'bad_input' && e.code !== 'not_found')) throw e;
    return sendHtml(
      req,
      reply,
      lookupPage(req, reply, { values: { trackingNo: body.trackingNo }, errors: e.details ?? {}, message: e.message }),
      e.status,
    );
  };

  // the query code travels in the body, never in the address
  app.post('/mail/status', { config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      return await sendHtml(req, reply, statusPage(req, reply, body));
    } catch (e) {
      return refusedLookup(req, reply, body, e);
    }
  });

  app.post('/mail/status/rate', { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const { reopened } = await rateLetter(ctx, req.site, body, req.ip);
      return await sendHtml(
        req,
        reply,
        statusPage(req, reply, body, reopened ? '感谢您的评价，来信已重新交办理单位办理' : '感谢您的评价'),
      );
    } catch (e) {
      if (e instanceof AppError && (e.code === 'bad_input' || e.code === 'conflict'))
        return sendHtml(req, reply, statusPage(req, reply, body, e.message), e.status).catch((again) =>
          refusedLookup(req, reply, body, again),
        );
      return refusedLookup(req, reply, body, e);
    }
  });
}
