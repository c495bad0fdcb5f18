import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { pageCtx } from '../../web/portal.ts';
import { captchaForm, privateForms } from '../../web/public.forms.ts';
import { csrfToken, idParam, type RefusedForm, sendHtml } from '../../web/request.ts';
import { surveyListQuery } from './interaction.surveys.schema.ts';
import { hasAnswered, publicSurvey, publishedSurveys, submitResponse } from './interaction.surveys.service.ts';
import { AnswerPage, SurveyListPage, SurveyPage } from './interaction.surveys.views.tsx';

/** The browser's mark for 网上调查 (signed, random, no personal data): one answer per browser and survey. */
const VOTER_COOKIE = 'gk_voter';
const sentQuery = z.object({ sent: z.literal('1').optional().catch(undefined) });

/** 网上调查's public pages (kept like every public page), and the answer form (never kept). */
export async function surveyPortalRoutes(portal: FastifyInstance, ctx: Ctx) {
  portal.get('/survey', async (req, reply) => {
    const { page } = surveyListQuery.parse(req.query ?? {});
    const { rows, more } = await publishedSurveys(ctx, req.site.id, page);
    return sendHtml(req, reply, SurveyListPage({ ctx: await pageCtx(req, '/survey'), rows, page, more }));
  });

  portal.get('/survey/:id', async (req, reply) => {
    const d = await publicSurvey(ctx, req.site.id, idParam(req, '网上调查'));
    return sendHtml(req, reply, SurveyPage({ ctx: await pageCtx(req, '/survey'), d }));
  });

  await portal.register(async (app) => {
    privateForms(app);

    /** The browser's mark, given it now when it has none (or a forged one). */
    const voterOf = (req: FastifyRequest, reply: FastifyReply): { token: string; fresh: boolean } => {
      const raw = req.cookies[VOTER_COOKIE];
      const signed = raw ? req.unsignCookie(raw) : null;
      if (signed?.valid && signed.value && /^[0-9a-f]{32}$/.test(signed.value))
        return { token: signed.value, fresh: false };
      const token = randomBytes(16).toString('hex');
      reply.setCookie(VOTER_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: ctx.config.secureCookies,
        signed: true,
        maxAge: 2 * 365 * 86400,
      });
      return { token, fresh: true };
    };

    const answerPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm, sent = false) => {
      const d = await publicSurvey(ctx, req.site.id, idParam(req, '网上调查'));
      const voter = voterOf(req, reply);
      const answered = !sent && !voter.fresh && (await hasAnswered(ctx, req.site, d.s.id, voter.token, req.ip));
      if (d.stage !== 'open' && !sent)
        throw new AppError('conflict', d.stage === 'upcoming' ? `调查将于 ${d.s.opens_on} 开始` : '调查已结束');
      return AnswerPage({
        ctx: await pageCtx(req, '/survey'),
        csrf: csrfToken(reply),
        s: d.s,
        questions: d.questions,
        challenge: newChallenge(dataKey(ctx.config), ctx.now()),
        values: refused?.values ?? {},
        errors: refused?.errors ?? {},
        message: refused?.message,
        done: sent ? 'sent' : answered ? 'answered' : undefined,
      });
    };

    app.get('/survey/:id/answer', async (req, reply) =>
      sendHtml(req, reply, answerPage(req, reply, undefined, sentQuery.parse(req.query ?? {}).sent === '1')),
    );

    captchaForm(
      app,
      '/survey/:id/answer',
      10,
      (req, reply, fields, captcha) =>
        submitResponse(ctx, req.site, idParam(req, '网上调查'), fields, captcha, {
          voterToken: voterOf(req, reply).token,
          ip: req.ip,
        }),
      (req, reply, refused) => answerPage(req, reply, refused),
    );
  });
}
