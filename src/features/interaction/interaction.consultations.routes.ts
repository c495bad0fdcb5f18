import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { id } from '../../core/validate.ts';
import { pageCtx } from '../../web/portal.ts';
import { captchaForm, privateForms } from '../../web/public.forms.ts';
import { attachment, csrfToken, idParam, type RefusedForm, sendHtml } from '../../web/request.ts';
import { consultationListQuery } from './interaction.consultations.schema.ts';
import {
  consultationFile,
  publicConsultation,
  publishedConsultations,
  submitComment,
} from './interaction.consultations.service.ts';
import { CommentPage, ConsultListPage, ConsultPage } from './interaction.consultations.views.tsx';

const commentQuery = z.object({
  article: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  sent: z.literal('1').optional().catch(undefined),
});

/** 意见征集's public pages (kept like every public page), and the comment form (never kept). */
export async function consultationPortalRoutes(portal: FastifyInstance, ctx: Ctx) {
  portal.get('/consult', async (req, reply) => {
    const { page } = consultationListQuery.parse(req.query ?? {});
    const { rows, more } = await publishedConsultations(ctx, req.site.id, page);
    return sendHtml(req, reply, ConsultListPage({ ctx: await pageCtx(req, '/consult'), rows, page, more }));
  });

  portal.get('/consult/:id', async (req, reply) => {
    const d = await publicConsultation(ctx, req.site.id, idParam(req, '意见征集'));
    return sendHtml(req, reply, ConsultPage({ ctx: await pageCtx(req, '/consult'), d }));
  });

  portal.get('/consult/:id/files/:file/:name', async (req, reply) => {
    const file = id.safeParse((req.params as { file: string }).file);
    if (!file.success) throw notFound('附件不存在');
    const f = await consultationFile(ctx, { siteId: req.site.id }, idParam(req, '意见征集'), file.data);
    return attachment(reply, f.mime, f.filename).send(f.body);
  });

  await portal.register(async (app) => {
    privateForms(app);
    const commentPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm, sent = false) => {
      const d = await publicConsultation(ctx, req.site.id, idParam(req, '意见征集'));
      const q = commentQuery.parse(req.query ?? {});
      if (d.stage !== 'open' && !sent)
        throw new AppError('conflict', d.stage === 'upcoming' ? `征求意见将于 ${d.c.opens_on} 开始` : '征求意见已截止');
      return CommentPage({
        ctx: await pageCtx(req, '/consult'),
        csrf: csrfToken(reply),
        c: d.c,
        articles: d.articles,
        challenge: newChallenge(dataKey(ctx.config), ctx.now()),
        values: refused?.values ?? (q.article ? { articleId: String(q.article) } : {}),
        errors: refused?.errors ?? {},
        message: refused?.message,
        sent,
      });
    };

    app.get('/consult/:id/comment', async (req, reply) =>
      sendHtml(req, reply, commentPage(req, reply, undefined, commentQuery.parse(req.query ?? {}).sent === '1')),
    );

    captchaForm(
      app,
      '/consult/:id/comment',
      5,
      (req, _reply, fields, captcha) => submitComment(ctx, req.site, idParam(req, '意见征集'), fields, captcha, req.ip),
      (req, reply, refused) => commentPage(req, reply, refused),
    );
  });
}
