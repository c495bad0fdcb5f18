import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { pageCtx } from '../../web/portal.ts';
import { privateForms } from '../../web/public.forms.ts';
import { idParam, sendHtml } from '../../web/request.ts';
import { faqListQuery } from './interaction.faq.schema.ts';
import { faqSuggestions, publishedFaq, publishedFaqs } from './interaction.faq.service.ts';
import { FaqListPage, FaqPage, FaqSuggestions } from './interaction.faq.views.tsx';

const suggestQuery = z.object({ q: z.string().max(10_000).catch('').default('') });

/** The knowledge base's public pages (kept like every public page), and the answers the letter form asks for. */
export async function faqPortalRoutes(portal: FastifyInstance, ctx: Ctx) {
  portal.get('/mail/faq', async (req, reply) => {
    const q = faqListQuery.parse(req.query ?? {});
    const { rows, more, topics } = await publishedFaqs(
      ctx,
      req.site.id,
      { topic: q.topic || undefined, agencyId: q.agency },
      q.page,
    );
    return sendHtml(
      req,
      reply,
      FaqListPage({ ctx: await pageCtx(req, '/mail/faq'), faqs: rows, topics, topic: q.topic, page: q.page, more }),
    );
  });

  portal.get('/mail/faq/:id', async (req, reply) => {
    const f = await publishedFaq(ctx, req.site.id, idParam(req, '问答'));
    return sendHtml(req, reply, FaqPage({ ctx: await pageCtx(req, '/mail/faq'), f }));
  });

  // what is typed is not a page to keep: answered afresh, never stored
  await portal.register(async (app) => {
    privateForms(app);
    app.get('/mail/faq/suggest', async (req, reply) => {
      const { q } = suggestQuery.parse(req.query ?? {});
      const answers = q.trim().length >= 4 ? await faqSuggestions(ctx, req.site.id, q) : [];
      return sendHtml(req, reply, FaqSuggestions({ base: req.base, answers }));
    });
  });
}
