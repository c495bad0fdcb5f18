import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access.ts';
import { addDays, shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { id, pageParam } from '../../core/validate.ts';
import { formWithFile } from '../../web/public.forms.ts';
import {
  actorOf,
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
import { InterviewAdminPage, InterviewFormPage, InterviewsPage } from './interaction.interviews.admin.views.tsx';
import { interviewAgenciesOf } from './interaction.interviews.policy.ts';
import { forTimeField, guestsText } from './interaction.interviews.rules.ts';
import {
  endInterview,
  interviewsFor,
  moderateQuestion,
  openInterview,
  postToStream,
  publishInterview,
  putQuestion,
  registerQuestion,
  saveInterview,
  saveSummary,
  setGuestPhoto,
  startInterview,
  withdrawInterview,
} from './interaction.interviews.service.ts';

const DONE: Record<string, string> = {
  saved: '已保存',
  publish: '访谈预告已发布',
  start: '直播已开始',
  post: '已发布',
  end: '访谈已结束',
  summary: '摘要已保存',
  photo: '照片已上传',
  withdraw: '已撤回',
  moderate: '提问已审核',
  put: '问题已提出',
  ask: '提问已登记，请审核',
};

/** The back office of 在线访谈. */
export async function interviewAdminRoutes(app: FastifyInstance, ctx: Ctx) {
  /** The agencies the member works for, as the form offers them (the office: every one of the site). */
  const choices = (p: Principal, siteId: number) => agencyChoices(ctx, siteId, interviewAgenciesOf(p, siteId));

  app.get('/interviews', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const page = pageParam.parse((req.query as { page?: string }).page);
    const { rows, total } = await interviewsFor(ctx, p, site.id, page);
    return sendHtml(
      req,
      reply,
      InterviewsPage({ principal: p, csrf: csrfToken(reply), rows, total, page, flash: doneMessage(req, DONE) }),
    );
  });

  const newPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const day = addDays(shanghaiDate(ctx.now()), 7);
    return InterviewFormPage({
      principal: p,
      csrf: csrfToken(reply),
      agencies: await choices(p, site.id),
      values: refused?.values ?? { startsAt: `${day}T09:30`, endsAt: `${day}T10:30` },
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };

  app.get('/interviews/new', async (req, reply) => sendHtml(req, reply, newPage(req, reply)));

  app.post('/interviews', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    return submitForm(
      req,
      reply,
      async () =>
        `/admin/interviews/${await saveInterview(ctx, actorOf(req), site.id, null, (req.body ?? {}) as Record<string, unknown>)}?done=saved`,
      (refused) => newPage(req, reply, refused),
    );
  });

  const page = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm & { form: string }) => {
    const p = staff(req);
    const o = await openInterview(ctx, actorOf(req), idParam(req, '在线访谈'));
    const site = (await ctx.sites.all()).find((s) => s.id === o.i.site_id)!;
    return InterviewAdminPage({
      principal: p,
      csrf: csrfToken(reply),
      o,
      agencies: await choices(p, o.i.site_id),
      draftValues: {
        agencyId: String(o.i.agency_id),
        title: o.i.title,
        intro: o.i.intro,
        startsAt: forTimeField(o.i.starts_at),
        endsAt: forTimeField(o.i.ends_at),
        guests: guestsText(o.guests),
      },
      publicPath: `/s/${site.code}/interviews/${o.i.id}`,
      refused,
      flash: doneMessage(req, DONE),
    });
  };

  app.get('/interviews/:id', async (req, reply) => sendHtml(req, reply, page(req, reply)));

  app.post('/interviews/:id', async (req, reply) => {
    const iid = idParam(req, '在线访谈');
    const { i } = await openInterview(ctx, actorOf(req), iid);
    return submitForm(
      req,
      reply,
      async () => {
        await saveInterview(ctx, actorOf(req), i.site_id, iid, (req.body ?? {}) as Record<string, unknown>);
        return `/admin/interviews/${iid}?done=saved`;
      },
      (refused) => page(req, reply, { ...refused, form: 'save' }),
    );
  });

  // the forms that may carry a picture (multipart: the form token travels in the address)
  const withFile: Record<string, (iid: number, req: FastifyRequest) => Promise<unknown>> = {
    post: async (iid, req) => {
      const { fields, file } = await formWithFile(req, ctx.config.maxUploadBytes, '图片');
      req.body = fields;
      return postToStream(ctx, actorOf(req), iid, fields, file);
    },
    photo: async (iid, req) => {
      const { fields, file } = await formWithFile(req, ctx.config.maxUploadBytes, '照片');
      req.body = fields;
      return setGuestPhoto(ctx, actorOf(req), iid, fields, file);
    },
  };
  stepRoutes(
    app,
    '/interviews',
    '在线访谈',
    {
      ...withFile,
      publish: (iid, req) => publishInterview(ctx, actorOf(req), iid),
      start: (iid, req) => startInterview(ctx, actorOf(req), iid),
      end: (iid, req) => endInterview(ctx, actorOf(req), iid),
      summary: (iid, req) => saveSummary(ctx, actorOf(req), iid, req.body ?? {}),
      ask: (iid, req) => registerQuestion(ctx, actorOf(req), iid, req.body ?? {}),
      withdraw: (iid, req) => withdrawInterview(ctx, actorOf(req), iid, req.body ?? {}),
    },
    page,
    { post: '#post-h' },
  );

  app.post('/interviews/:id/questions/:question/:action', async (req, reply) => {
    staff(req);
    const iid = idParam(req, '在线访谈');
    const { question, action } = req.params as { question: string; action: string };
    const qid = id.safeParse(question);
    if (!qid.success || (action !== 'moderate' && action !== 'put')) throw notFound('问题不存在');
    return submitForm(
      req,
      reply,
      async () => {
        if (action === 'put') await putQuestion(ctx, actorOf(req), iid, qid.data);
        else await moderateQuestion(ctx, actorOf(req), iid, qid.data, req.body ?? {});
        return `/admin/interviews/${iid}?done=${action}#questions-h`;
      },
      (refused) => page(req, reply, { ...refused, form: `${action}-${qid.data}` }),
    );
  });
}
