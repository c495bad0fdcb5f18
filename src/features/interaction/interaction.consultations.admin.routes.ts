import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { id, pageParam } from '../../core/validate.ts';
import { formWithFile } from '../../web/public.forms.ts';
import {
  actorOf,
  attachment,
  chosenSite,
  csrfToken,
  doneMessage,
  idParam,
  type RefusedForm,
  sendHtml,
  staff,
  stepRoutes,
  submitForm,
} from '../../web/request.ts';
import { workingSite } from '../../web/staff.ts';
import { agencyChoices } from '../admin/admin.service.ts';
import { ConsultationFormPage, ConsultationPage, ConsultationsPage } from './interaction.consultations.admin.views.tsx';
import { consultationAgenciesOf } from './interaction.consultations.policy.ts';
import { CONSULTATION_PAGE, defaultPeriod } from './interaction.consultations.rules.ts';
import {
  attachToConsultation,
  consultationFile,
  consultationsFor,
  decideComment,
  detachFromConsultation,
  linkPolicy,
  moderateComment,
  openConsultation,
  publishConsultation,
  publishResult,
  registerComment,
  saveConsultation,
  withdrawConsultation,
} from './interaction.consultations.service.ts';

const DONE: Record<string, string> = {
  saved: '已保存',
  publish: '已发布，征求意见开始',
  withdraw: '已撤回',
  result: '意见采纳情况已公布',
  link: '已关联正式文件',
  moderate: '意见已审核',
  register: '意见已登记，审核后公开',
  decide: '采纳情况已保存',
  attach: '附件已上传',
  detach: '附件已删除',
};
const flashOf = (req: FastifyRequest) => doneMessage(req, DONE);

/** The back office of 意见征集. */
export async function consultationAdminRoutes(app: FastifyInstance, ctx: Ctx) {
  /** The agencies the member works for, as the form offers them (the office: every one of the site). */
  const choices = (p: Principal, siteId: number) => agencyChoices(ctx, siteId, consultationAgenciesOf(p, siteId));

  app.get('/consultations', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const page = pageParam.parse((req.query as { page?: string }).page);
    const { rows, total } = await consultationsFor(ctx, p, site.id, page);
    return sendHtml(
      req,
      reply,
      ConsultationsPage({
        principal: p,
        csrf: csrfToken(reply),
        rows,
        total,
        page,
        pages: Math.max(1, Math.ceil(total / CONSULTATION_PAGE)),
        flash: flashOf(req),
      }),
    );
  });

  const newPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const period = defaultPeriod(shanghaiDate(ctx.now()));
    return ConsultationFormPage({
      principal: p,
      csrf: csrfToken(reply),
      agencies: await choices(p, site.id),
      values: (refused?.values as Record<string, string>) ?? { opensOn: period.opensOn, closesOn: period.closesOn },
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };

  app.get('/consultations/new', async (req, reply) => sendHtml(req, reply, newPage(req, reply)));

  app.post('/consultations', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    // the form is multipart (a Word file may come with it); what it sent is shown again if refused
    const { fields, file } = await formWithFile(req, ctx.config.maxUploadBytes, 'Word 文件');
    req.body = fields;
    return submitForm(
      req,
      reply,
      async () =>
        `/admin/consultations/${await saveConsultation(ctx, actorOf(req), site.id, null, fields, file)}?done=saved`,
      (refused) => newPage(req, reply, refused),
    );
  });

  const page = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm & { form: string }) => {
    const p = staff(req);
    const o = await openConsultation(ctx, actorOf(req), idParam(req, '意见征集'));
    const site = (await ctx.sites.all()).find((s) => s.id === o.c.site_id)!;
    return ConsultationPage({
      principal: p,
      csrf: csrfToken(reply),
      o,
      agencies: await choices(p, o.c.site_id),
      publicPath: `/s/${site.code}/consult/${o.c.id}`,
      refused: refused && { ...refused, values: refused.values as Record<string, string> },
      flash: flashOf(req),
    });
  };

  app.get('/consultations/:id', async (req, reply) => sendHtml(req, reply, page(req, reply)));

  app.post('/consultations/:id', async (req, reply) => {
    const cid = idParam(req, '意见征集');
    const { c } = await openConsultation(ctx, actorOf(req), cid);
    return submitForm(
      req,
      reply,
      async () => {
        await saveConsultation(ctx, actorOf(req), c.site_id, cid, (req.body ?? {}) as Record<string, unknown>);
        return `/admin/consultations/${cid}?done=saved`;
      },
      (refused) => page(req, reply, { ...refused, form: 'save' }),
    );
  });

  stepRoutes(
    app,
    '/consultations',
    '意见征集',
    {
      publish: (cid, req) => publishConsultation(ctx, actorOf(req), cid),
      withdraw: (cid, req) => withdrawConsultation(ctx, actorOf(req), cid, req.body ?? {}),
      result: (cid, req) => publishResult(ctx, actorOf(req), cid, req.body ?? {}),
      link: (cid, req) => linkPolicy(ctx, actorOf(req), cid, req.body ?? {}),
      register: (cid, req) => registerComment(ctx, actorOf(req), cid, req.body ?? {}),
    },
    page,
  );

  // a draft's files: added (multipart: the form token in the address), taken off, opened by its staff
  const fileParam = (req: FastifyRequest) => {
    const r = id.safeParse((req.params as { file: string }).file);
    if (!r.success) throw notFound('附件不存在');
    return r.data;
  };
  app.post('/consultations/:id/files', async (req, reply) => {
    staff(req);
    const cid = idParam(req, '意见征集');
    return submitForm(
      req,
      reply,
      async () => {
        const { file } = await formWithFile(req, ctx.config.maxUploadBytes, '附件');
        await attachToConsultation(ctx, actorOf(req), cid, file);
        return `/admin/consultations/${cid}?done=attach#files`;
      },
      (refused) => page(req, reply, { ...refused, form: 'files' }),
    );
  });
  app.post('/consultations/:id/files/:file/remove', async (req, reply) => {
    staff(req);
    const cid = idParam(req, '意见征集');
    return submitForm(
      req,
      reply,
      async () => {
        await detachFromConsultation(ctx, actorOf(req), cid, fileParam(req));
        return `/admin/consultations/${cid}?done=detach#files`;
      },
      (refused) => page(req, reply, { ...refused, form: 'files' }),
    );
  });
  app.get('/consultations/:id/files/:file', async (req, reply) => {
    const f = await consultationFile(ctx, { actor: actorOf(req) }, idParam(req, '意见征集'), fileParam(req));
    return attachment(reply, f.mime, f.filename).send(f.body);
  });

  app.post('/consultations/:id/comments/:comment/:action', async (req, reply) => {
    staff(req);
    const cid = idParam(req, '意见征集');
    const { comment, action } = req.params as { comment: string; action: string };
    const commentId = id.safeParse(comment);
    if (!commentId.success || (action !== 'moderate' && action !== 'decide')) throw notFound('意见不存在');
    const run = action === 'moderate' ? moderateComment : decideComment;
    return submitForm(
      req,
      reply,
      async () => {
        await run(ctx, actorOf(req), cid, commentId.data, req.body ?? {});
        return `/admin/consultations/${cid}?done=${action}#comments`;
      },
      (refused) => page(req, reply, { ...refused, form: `${action}-${commentId.data}` }),
    );
  });
}
