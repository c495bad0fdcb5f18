import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, badInput, notFound } from '../../core/errors.ts';
import { seal, unseal } from '../../core/secrets.ts';
import { id } from '../../core/validate.ts';
import { pageCtx } from '../../web/portal.ts';
import { attachment, csrfToken, type RefusedForm, sendHtml } from '../../web/request.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { applicantReplyFile } from './requests.files.service.ts';
import { APPLICATION_FILE_MAX, lookupCase, submitApplication } from './requests.service.ts';
import { ApplyPage, ReceiptPage, StatusLookupPage, StatusPage } from './requests.views.tsx';

/** Fields of the form and how long each may be (the rest of a multipart body is ignored). */
const MAX_FIELD = 4000;

/** What the receipt page shows, sealed in a cookie between the application's POST and the page. */
interface Receipt {
  trackingNo: string;
  queryCode: string;
  agencyId: number;
  mailed: boolean;
  until: number;
}
const RECEIPT_COOKIE = 'gk_receipt';
const RECEIPT_MINUTES = 30;

/** The public side: apply, get a receipt, follow the case. Pages with a query code or personal data are never cached. */
export async function requestPortalRoutes(portal: FastifyInstance, ctx: Ctx) {
  // its own scope: the hook below is for these pages, not for the portal's other pages mounted beside them
  await portal.register(async (app) => applyRoutes(app, ctx));
}

async function applyRoutes(app: FastifyInstance, ctx: Ctx) {
  /** The receipt in its cookie, if it is one this installation sealed. */
  const readReceipt = (sealed: string | undefined): Receipt | null => {
    if (!sealed) return null;
    try {
      return JSON.parse(unseal(dataKey(ctx.config), sealed)) as Receipt;
    } catch {
      return null;
    }
  };

  app.addHook('preHandler', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (req.method === 'POST')
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(req, reply, (err?: Error) => (err ? reject(err) : resolve())),
      );
  });

  const applyPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm, fileDropped = false) =>
    ApplyPage({
      ctx: await pageCtx(req, '/apply'),
      csrf: csrfToken(reply),
      agencies: await siteAgencies(ctx, req.site.id),
      challenge: newChallenge(dataKey(ctx.config), ctx.now()),
      values: refused?.values ?? { agencyId: (req.query as { agency?: string }).agency ?? '' },
      errors: refused?.errors ?? {},
      message: refused?.message,
      maxFileMb: APPLICATION_FILE_MAX / 1048576,
      fileDropped,
    });

  app.get('/apply/receipt', async (req, reply) => {
    const receipt = readReceipt(req.cookies[RECEIPT_COOKIE]);
    reply.clearCookie(RECEIPT_COOKIE, { path: '/' });
    if (!receipt || receipt.until < ctx.now().getTime()) return reply.redirect(`${req.base}/apply/status`, 303);
    const agency = (await siteAgencies(ctx, req.site.id)).find((a) => a.id === receipt.agencyId);
    return sendHtml(
      req,
      reply,
      ReceiptPage({
        ctx: await pageCtx(req, '/apply'),
        trackingNo: receipt.trackingNo,
        queryCode: receipt.queryCode,
        agency: agency?.name ?? '',
        mailed: receipt.mailed,
      }),
    );
  });

  app.get('/apply', async (req, reply) => sendHtml(req, reply, applyPage(req, reply)));

  app.post('/apply', { config: { rateLimit: { max: 5, timeWindow: '1 minute' } } }, async (req, reply) => {
    const fields: Record<string, string> = {};
    let file: { name: string; data: Buffer } | null = null;
    if (req.isMultipart()) {
      for await (const part of req.parts({ limits: { fileSize: APPLICATION_FILE_MAX + 1 } })) {
        if (part.type === 'file') {
          const data = await part.toBuffer();
          if (part.file.truncated || data.length > APPLICATION_FILE_MAX)
            throw badInput(`身份证明材料不能超过 ${APPLICATION_FILE_MAX / 1048576} MB`);
          if (data.length) file = { name: part.filename || 'proof', data };
        } else fields[part.fieldname] = String(part.value).slice(0, MAX_FIELD);
      }
    } else Object.assign(fields, req.body as Record<string, string>);
    try {
      const done = await submitApplication(
        ctx,
        req.site.id,
        fields,
        { token: String(fields.captchaToken ?? ''), answer: String(fields.captcha ?? '') },
        file,
        req.ip,
      );
      // the receipt is shown after a redirect, so that a reload never sends the application again; its numbers
      // travel sealed in a short-lived cookie, never in the address, and are shown once
      const receipt: Receipt = {
        trackingNo: done.trackingNo,
        queryCode: done.queryCode,
        agencyId: Number(fields.agencyId),
        mailed: Boolean(fields.email?.trim()) && Boolean(ctx.config.smtpUrl),
        until: ctx.now().getTime() + RECEIPT_MINUTES * 60_000,
      };
      reply.setCookie(RECEIPT_COOKIE, seal(dataKey(ctx.config), JSON.stringify(receipt)), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.secureCookies,
        maxAge: RECEIPT_MINUTES * 60,
      });
      return reply.redirect(`${req.base}/apply/receipt`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'bad_input') throw e;
      const { captcha: _answer, captchaToken: _token, _csrf, ...values } = fields;
      return sendHtml(
        req,
        reply,
        applyPage(req, reply, { values, errors: e.details ?? {}, message: e.message }, file !== null),
        e.status,
      );
    }
  });

  const lookupPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) =>
    StatusLookupPage({
      ctx: await pageCtx(req, '/apply/status'),
      csrf: csrfToken(reply),
      values: refused?.values ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
    });

  app.get('/apply/status', async (req, reply) => sendHtml(req, reply, lookupPage(req, reply)));

  // the query code travels in the body, never in the address
  app.post('/apply/status', { config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      const s = await lookupCase(ctx, req.site.id, body);
      return sendHtml(
        req,
        reply,
        StatusPage({
          ctx: await pageCtx(req, '/apply/status'),
          s,
          csrf: csrfToken(reply),
          queryCode: String(body.queryCode),
        }),
      );
    } catch (e) {
      if (!(e instanceof AppError) || (e.code !== 'bad_input' && e.code !== 'not_found')) throw e;
      return sendHtml(
        req,
        reply,
        lookupPage(req, reply, {
          values: { trackingNo: body.trackingNo },
          errors: e.details ?? {},
          message: e.message,
        }),
        e.status,
      );
    }
  });

  // a file disclosed with the reply, asked for with the case's number and code (never in the address)
  app.post('/apply/status/file', { config: { rateLimit: { max: 20, timeWindow: '1 minute' } } }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const fileId = id.safeParse(body.file);
    if (!fileId.success) throw notFound('文件不存在');
    const f = await applicantReplyFile(ctx, req.site.id, body, fileId.data);
    return attachment(reply, f.mime, f.filename).send(f.data);
  });
}
