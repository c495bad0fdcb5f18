import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireSiteAdmin } from '../../core/access.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { id, pageParam } from '../../core/validate.ts';
import { sealedReceipt } from '../../web/public.forms.ts';
import {
  actorOf,
  chosenSite,
  csrfToken,
  doneMessage,
  idParam,
  openedFile,
  type RefusedForm,
  sendHtml,
  staff,
  submitForm,
} from '../../web/request.ts';
import { workingSite } from '../../web/staff.ts';
import { siteAgencies, siteAgencyNames } from '../admin/admin.service.ts';
import { LetterPage, LettersPage } from './interaction.letters.admin.views.tsx';
import { LETTER_PAGE, type LetterAction } from './interaction.letters.rules.ts';
import { actionInputs } from './interaction.letters.schema.ts';
import {
  actOnLetter,
  letterFile,
  letterReminders,
  lettersFor,
  openLetter,
  registerLetter,
  siteMailboxes,
} from './interaction.letters.service.ts';
import { RegisterLetterPage } from './interaction.mailboxes.admin.views.tsx';

const STATES = ['open', 'overdue', 'triage', 'handling', 'review', 'replied', 'closed', ''] as const;
const filterQuery = z.object({
  state: z.enum(STATES).catch('open').default('open'),
  agency: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  no: z.string().trim().max(40).optional().catch(undefined),
  page: pageParam,
});

const ACTION_DONE: Record<string, string> = {
  assign: '已分办',
  transfer: '已转办',
  extend: '已延期',
  draft: '答复草稿已保存',
  reply: '答复已提交',
  approve: '答复已发送',
  return: '答复已退回修改',
  close: '已办结',
  publish: '来信已公开',
  unpublish: '已撤销公开',
};

/** The back office of the mailbox. */
export async function letterAdminRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get('/letters', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const q = filterQuery.parse(req.query ?? {});
    const filter = { state: q.state || undefined, agencyId: q.agency, trackingNo: q.no || undefined };
    const [{ rows, total }, counts] = await Promise.all([
      lettersFor(ctx, p, site.id, filter, q.page),
      letterReminders(ctx, p, site.id),
    ]);
    const query = (page: number) =>
      `/admin/letters?${new URLSearchParams({ state: q.state, ...(q.agency ? { agency: String(q.agency) } : {}), ...(q.no ? { no: q.no } : {}), page: String(page) })}`;
    return sendHtml(
      req,
      reply,
      LettersPage({
        principal: p,
        csrf: csrfToken(reply),
        rows,
        total,
        page: q.page,
        pages: Math.max(1, Math.ceil(total / LETTER_PAGE)),
        today: shanghaiDate(ctx.now()),
        filter: { state: q.state, agency: q.agency, no: q.no },
        agencies: await siteAgencies(ctx, site.id),
        query,
        counts,
        siteId: site.id,
      }),
    );
  });

  const letterPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    refused?: RefusedForm & { action: LetterAction },
  ) => {
    const p = staff(req);
    const o = await openLetter(ctx, actorOf(req), idParam(req, '来信'));
    const done = (req.query as { done?: string }).done as LetterAction | 'registered' | undefined;
    return LetterPage({
      registered: done === 'registered' ? (registered.take(req, reply, ctx.now()) ?? undefined) : undefined,
      principal: p,
      csrf: csrfToken(reply),
      o,
      today: shanghaiDate(ctx.now()),
      refused: refused && { ...refused, values: refused.values as Record<string, string> },
      flash: done === 'registered' ? '来信已登记' : doneMessage(req, ACTION_DONE),
    });
  };

  app.get('/letters/:id', async (req, reply) => sendHtml(req, reply, letterPage(req, reply)));

  // a letter that came by post, telephone or 12345, registered by the office: its numbers are shown once
  const registered = sealedReceipt<{ trackingNo: string; queryCode: string }>(ctx.config, 'gk_registered_letter');
  const registerPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    requireSiteAdmin(actorOf(req), site.id);
    return RegisterLetterPage({
      principal: p,
      csrf: csrfToken(reply),
      mailboxes: await siteMailboxes(ctx, site.id),
      agencies: await siteAgencyNames(ctx, site.id),
      values: (refused?.values as Record<string, string>) ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };
  app.get('/letters/new', async (req, reply) => sendHtml(req, reply, registerPage(req, reply)));
  app.post('/letters/new', async (req, reply) => {
    const site = await workingSite(ctx, staff(req), chosenSite(req));
    const body = (req.body ?? {}) as Record<string, unknown>;
    return submitForm(
      req,
      reply,
      async () => {
        const done = await registerLetter(ctx, actorOf(req), site, String(body.mailbox ?? ''), body);
        registered.give(reply, { trackingNo: done.trackingNo, queryCode: done.queryCode }, ctx.now());
        return `/admin/letters/${done.id}?done=registered`;
      },
      (refused) => registerPage(req, reply, refused),
    );
  });

  app.get('/letters/:id/files/:file', async (req, reply) => {
    const fileId = id.safeParse((req.params as { file: string }).file);
    if (!fileId.success) throw notFound('文件不存在');
    const f = await letterFile(ctx, actorOf(req), idParam(req, '来信'), fileId.data);
    return openedFile(reply, f.mime, f.filename).send(f.data);
  });

  app.post('/letters/:id/:action', async (req, reply) => {
    staff(req);
    const letterId = idParam(req, '来信');
    const action = (req.params as { action: string }).action;
    if (!Object.hasOwn(actionInputs, action)) throw notFound('没有这项操作');
    return submitForm(
      req,
      reply,
      async () => {
        await actOnLetter(ctx, actorOf(req), letterId, action as LetterAction, req.body ?? {});
        return `/admin/letters/${letterId}?done=${action}`;
      },
      (refused) => letterPage(req, reply, { ...refused, action: action as LetterAction }),
    );
  });
}
