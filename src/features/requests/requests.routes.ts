import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { id } from '../../core/validate.ts';
import { pageCtx } from '../../web/portal.ts';
import { formWithFile, privateForms, sealedReceipt, typedAgain } from '../../web/public.forms.ts';
import { attachment, csrfToken, type RefusedForm, sendHtml } from '../../web/request.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { applicantReplyFile } from './requests.files.service.ts';
import { APPLICATION_FILE_MAX, lookupCase, submitApplication } from './requests.service.ts';
import { ApplyPage, ReceiptPage, StatusLookupPage, StatusPage } from './requests.views.tsx';

/** What the receipt page shows, sealed in a cookie between the application's POST and the page. */
interface Receipt {
  trackingNo: string;
  queryCode: string;
  agencyId: number;
  mailed: boolean;
}

/** The public side: apply, get a receipt, follow the case. Pages with a query code or personal data are never cached. */
export async function requestPortalRoutes(portal: FastifyInstance, ctx: Ctx) {
  // its own scope: the hook below is for these pages, not for the portal's other pages mounted beside them
  await portal.register(async (app) => applyRoutes(app, ctx));
}

async function applyRoutes(app: FastifyInstance, ctx: Ctx) {
  const receipts = sealedReceipt<Receipt>(ctx.config, 'gk_receipt');
  privateForms(app);

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
    const receipt = receipts.take(req, reply, ctx.now());
    if (!receipt) return reply.redirect(`${req.base}/apply/status`, 303);
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
    const { fields, file } = await formWithFile(req, APPLICATION_FILE_MAX, '身份证明材料');
    try {
      const done = await submitApplication(
        ctx,
        req.site.id,
        fields,
        { token: String(fields.captchaToken ?? ''), answer: String(fields.captcha ?? '') },
        file,
        req.ip,
      );
      // the receipt is shown after a redirect, so that a reload never sends the application again
      receipts.give(
        reply,
        {
          trackingNo: done.trackingNo,
          queryCode: done.queryCode,
          agencyId: Number(fields.agencyId),
          mailed: Boolean(fields.email?.trim()) && Boolean(ctx.config.smtpUrl),
        },
        ctx.now(),
      );
      return reply.redirect(`${req.base}/apply/receipt`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'bad_input') throw e;
      return sendHtml(
        req,
        reply,
        applyPage(
          req,
          reply,
          { values: typedAgain(fields), errors: e.details ?? {}, message: e.message },
          file !== null,
        ),
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
