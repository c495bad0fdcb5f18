import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access.ts';
import type { Ctx } from '../../core/context.ts';
import {
  actorOf,
  chosenSite,
  csrfToken,
  doneMessage,
  idParam,
  type RefusedForm,
  sendHtml,
  staff,
  submitForm,
} from '../../web/request.ts';
import { workingSite } from '../../web/staff.ts';
import { agencyChoices } from '../admin/admin.service.ts';
import { FaqEditPage, FaqsPage } from './interaction.faq.admin.views.tsx';
import { faqAgenciesOf } from './interaction.faq.policy.ts';
import { staffFaqQuery } from './interaction.faq.schema.ts';
import { faqFromLetter, faqsFor, openFaq, publishFaq, saveFaq } from './interaction.faq.service.ts';

const DONE: Record<string, string> = {
  saved: '已保存',
  made: '已由来信答复生成问答草稿，请核对后发布',
  publish: '已发布',
  unpublish: '已撤销发布',
};
const flashOf = (req: FastifyRequest) => doneMessage(req, DONE);

/** The back office of the knowledge base. */
export async function faqAdminRoutes(app: FastifyInstance, ctx: Ctx) {
  /** The agencies the member may answer for, as the form offers them. */
  const choices = async (p: Principal, siteId: number): Promise<[string, string][]> => {
    const mine = faqAgenciesOf(p, siteId);
    return [
      ...(mine ? [] : [['', '政务公开办（本站点）'] as [string, string]]),
      ...(await agencyChoices(ctx, siteId, mine)),
    ];
  };

  app.get('/faq', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const q = staffFaqQuery.parse(req.query ?? {});
    const { rows, total, pages } = await faqsFor(
      ctx,
      p,
      site.id,
      { state: q.state || undefined, text: q.q || undefined },
      q.page,
    );
    const query = (page: number) =>
      `/admin/faq?${new URLSearchParams({ state: q.state, ...(q.q ? { q: q.q } : {}), page: String(page) })}`;
    return sendHtml(
      req,
      reply,
      FaqsPage({
        principal: p,
        csrf: csrfToken(reply),
        rows,
        total,
        page: q.page,
        pages,
        filter: { state: q.state, q: q.q },
        query,
        flash: flashOf(req),
      }),
    );
  });

  const newPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    return FaqEditPage({
      principal: p,
      csrf: csrfToken(reply),
      mayEdit: true,
      mayPublish: false,
      agencies: await choices(p, site.id),
      values: (refused?.values as Record<string, string>) ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };

  const editPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const p = staff(req);
    const o = await openFaq(ctx, actorOf(req), idParam(req, '问答'));
    const site = (await ctx.sites.all()).find((s) => s.id === o.faq.site_id)!;
    return FaqEditPage({
      principal: p,
      csrf: csrfToken(reply),
      faq: o.faq,
      mayEdit: o.mayEdit,
      mayPublish: o.mayPublish,
      agencies: await choices(p, o.faq.site_id),
      publicPath: `/s/${site.code}/mail/faq/${o.faq.id}`,
      values: (refused?.values as Record<string, string>) ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
      flash: flashOf(req),
    });
  };

  app.get('/faq/new', async (req, reply) => sendHtml(req, reply, newPage(req, reply)));

  app.post('/faq', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    return submitForm(
      req,
      reply,
      async () => `/admin/faq/${await saveFaq(ctx, actorOf(req), site.id, null, req.body ?? {})}?done=saved`,
      (refused) => newPage(req, reply, refused),
    );
  });

  app.get('/faq/:id', async (req, reply) => sendHtml(req, reply, editPage(req, reply)));

  app.post('/faq/:id', async (req, reply) => {
    const faqId = idParam(req, '问答');
    const { faq } = await openFaq(ctx, actorOf(req), faqId);
    return submitForm(
      req,
      reply,
      async () => {
        await saveFaq(ctx, actorOf(req), faq.site_id, faqId, req.body ?? {});
        return `/admin/faq/${faqId}?done=saved`;
      },
      (refused) => editPage(req, reply, refused),
    );
  });

  for (const action of ['publish', 'unpublish'] as const)
    app.post(`/faq/:id/${action}`, async (req, reply) => {
      const faqId = idParam(req, '问答');
      return submitForm(
        req,
        reply,
        async () => {
          await publishFaq(ctx, actorOf(req), faqId, action === 'publish');
          return `/admin/faq/${faqId}?done=${action}`;
        },
        (refused) => editPage(req, reply, refused),
      );
    });

  // a good reply becomes a knowledge-base entry in one step (a draft, to check and publish)
  app.post('/letters/:id/faq', async (req, reply) => {
    const faqId = await faqFromLetter(ctx, actorOf(req), idParam(req, '来信'));
    return reply.redirect(`/admin/faq/${faqId}?done=made`, 303);
  });
}
