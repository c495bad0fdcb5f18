import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { id } from '../../core/validate.ts';
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
import { CannedRepliesPage, LetterSettingsPage } from './interaction.mailboxes.admin.views.tsx';
import {
  addCannedReply,
  cannedRepliesFor,
  createMailbox,
  letterSettings,
  removeCannedReply,
  saveLetterSettings,
  switchMailbox,
} from './interaction.mailboxes.service.ts';

const DONE: Record<string, string> = {
  settings: '设置已保存',
  mailbox: '信箱已新建',
  open: '信箱已重新开放',
  close: '信箱已关闭，不再接收新的来信',
  added: '常用答复已保存',
  deleted: '常用答复已删除',
};
const agencyQuery = id.optional().catch(undefined);
const flashOf = (req: FastifyRequest) => doneMessage(req, DONE);

/** The office's settings of the mailbox, and the agencies' canned replies. */
export async function mailboxAdminRoutes(app: FastifyInstance, ctx: Ctx) {
  const site = (req: FastifyRequest) => workingSite(ctx, staff(req), chosenSite(req));

  const settingsPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    refused?: RefusedForm & { form: 'settings' | 'mailbox' },
  ) =>
    LetterSettingsPage({
      principal: staff(req),
      csrf: csrfToken(reply),
      s: await letterSettings(ctx, actorOf(req), (await site(req)).id),
      refused: refused && { ...refused, values: refused.values as Record<string, string> },
      flash: flashOf(req),
    });

  app.get('/letters/settings', async (req, reply) => sendHtml(req, reply, settingsPage(req, reply)));

  app.post('/letters/settings', async (req, reply) => {
    const siteId = (await site(req)).id;
    return submitForm(
      req,
      reply,
      async () => {
        await saveLetterSettings(ctx, actorOf(req), siteId, req.body ?? {});
        return '/admin/letters/settings?done=settings';
      },
      (refused) => settingsPage(req, reply, { ...refused, form: 'settings' }),
    );
  });

  app.post('/letters/mailboxes', async (req, reply) => {
    const siteId = (await site(req)).id;
    return submitForm(
      req,
      reply,
      async () => {
        await createMailbox(ctx, actorOf(req), siteId, req.body ?? {});
        return '/admin/letters/settings?done=mailbox';
      },
      (refused) => settingsPage(req, reply, { ...refused, form: 'mailbox' }),
    );
  });

  for (const action of ['open', 'close'] as const)
    app.post(`/letters/mailboxes/:id/${action}`, async (req, reply) => {
      const siteId = (await site(req)).id;
      await switchMailbox(ctx, actorOf(req), siteId, idParam(req, '信箱'), action === 'open');
      return reply.redirect(`/admin/letters/settings?done=${action}`, 303);
    });

  const cannedPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm & { agencyId: number }) =>
    CannedRepliesPage({
      principal: staff(req),
      csrf: csrfToken(reply),
      ...(await cannedRepliesFor(
        ctx,
        actorOf(req),
        (
          await site(req)
        ).id,
        refused?.agencyId ?? agencyQuery.parse((req.query as { agency?: string }).agency),
      )),
      refused: refused && { ...refused, values: refused.values as Record<string, string> },
      flash: flashOf(req),
    });

  app.get('/letters/canned', async (req, reply) => sendHtml(req, reply, cannedPage(req, reply)));

  const agencyParam = (req: FastifyRequest) => {
    const r = id.safeParse((req.params as { agency: string }).agency);
    if (!r.success) throw notFound('机构不存在');
    return r.data;
  };

  app.post('/letters/canned/:agency', async (req, reply) => {
    const siteId = (await site(req)).id;
    const agencyId = agencyParam(req);
    return submitForm(
      req,
      reply,
      async () => {
        await addCannedReply(ctx, actorOf(req), siteId, agencyId, req.body ?? {});
        return `/admin/letters/canned?agency=${agencyId}&done=added`;
      },
      (refused) => cannedPage(req, reply, { ...refused, agencyId }),
    );
  });

  app.post('/letters/canned/:agency/:id/delete', async (req, reply) => {
    const siteId = (await site(req)).id;
    const agencyId = agencyParam(req);
    await removeCannedReply(ctx, actorOf(req), siteId, agencyId, idParam(req, '常用答复'));
    return reply.redirect(`/admin/letters/canned?agency=${agencyId}&done=deleted`, 303);
  });
}
