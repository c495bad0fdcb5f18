import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../core/access.ts';
import { addDays, shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { pageParam } from '../../core/validate.ts';
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
  XLSX_TYPE,
} from '../../web/request.ts';
import { workingSite } from '../../web/staff.ts';
import { agencyChoices } from '../admin/admin.service.ts';
import { PaperPage, SurveyAdminPage, SurveyFormPage, SurveysPage } from './interaction.surveys.admin.views.tsx';
import { surveyAgenciesOf } from './interaction.surveys.policy.ts';
import { formOfQuestions, SURVEY_PAGE } from './interaction.surveys.rules.ts';
import {
  openSurvey,
  publishSurvey,
  publishSurveyResults,
  registerResponse,
  saveSurvey,
  surveysFor,
  surveyWorkbook,
  withdrawSurvey,
} from './interaction.surveys.service.ts';

const DONE: Record<string, string> = {
  saved: '已保存',
  publish: '已发布，调查开始',
  results: '调查结果已公布',
  withdraw: '已撤回',
  paper: '已录入一份纸质问卷，可继续录入下一份',
};

/** The back office of 网上调查. */
export async function surveyAdminRoutes(app: FastifyInstance, ctx: Ctx) {
  /** The agencies the member works for, as the form offers them (the office: every one of the site). */
  const choices = (p: Principal, siteId: number) => agencyChoices(ctx, siteId, surveyAgenciesOf(p, siteId));

  app.get('/surveys', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const page = pageParam.parse((req.query as { page?: string }).page);
    const { rows, total } = await surveysFor(ctx, p, site.id, page);
    return sendHtml(
      req,
      reply,
      SurveysPage({
        principal: p,
        csrf: csrfToken(reply),
        rows,
        total,
        page,
        pages: Math.max(1, Math.ceil(total / SURVEY_PAGE)),
        flash: doneMessage(req, DONE),
      }),
    );
  });

  const newPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const opensOn = addDays(shanghaiDate(ctx.now()), 1);
    return SurveyFormPage({
      principal: p,
      csrf: csrfToken(reply),
      agencies: await choices(p, site.id),
      values: refused?.values ?? { opensOn, closesOn: addDays(opensOn, 29), count: '1' },
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };

  app.get('/surveys/new', async (req, reply) => sendHtml(req, reply, newPage(req, reply)));

  app.post('/surveys', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    return submitForm(
      req,
      reply,
      async () =>
        `/admin/surveys/${await saveSurvey(ctx, actorOf(req), site.id, null, (req.body ?? {}) as Record<string, unknown>)}?done=saved`,
      (refused) => newPage(req, reply, refused),
    );
  });

  const page = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm & { form: string }) => {
    const p = staff(req);
    const o = await openSurvey(ctx, actorOf(req), idParam(req, '网上调查'));
    const site = (await ctx.sites.all()).find((s) => s.id === o.s.site_id)!;
    return SurveyAdminPage({
      principal: p,
      csrf: csrfToken(reply),
      o,
      agencies: await choices(p, o.s.site_id),
      draftValues: {
        agencyId: String(o.s.agency_id),
        title: o.s.title,
        intro: o.s.intro,
        opensOn: o.s.opens_on,
        closesOn: o.s.closes_on,
        ...formOfQuestions(o.questions),
      },
      publicPath: `/s/${site.code}/survey/${o.s.id}`,
      refused,
      flash: doneMessage(req, DONE),
    });
  };

  app.get('/surveys/:id', async (req, reply) => sendHtml(req, reply, page(req, reply)));

  app.post('/surveys/:id', async (req, reply) => {
    const sid = idParam(req, '网上调查');
    const { s } = await openSurvey(ctx, actorOf(req), sid);
    return submitForm(
      req,
      reply,
      async () => {
        await saveSurvey(ctx, actorOf(req), s.site_id, sid, (req.body ?? {}) as Record<string, unknown>);
        return `/admin/surveys/${sid}?done=saved`;
      },
      (refused) => page(req, reply, { ...refused, form: 'save' }),
    );
  });

  const paperPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const o = await openSurvey(ctx, actorOf(req), idParam(req, '网上调查'));
    return PaperPage({
      principal: staff(req),
      csrf: csrfToken(reply),
      s: o.s,
      questions: o.questions,
      responses: o.responses,
      values: refused?.values ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
      flash: doneMessage(req, DONE),
    });
  };
  app.get('/surveys/:id/paper', async (req, reply) => sendHtml(req, reply, paperPage(req, reply)));
  app.post('/surveys/:id/paper', async (req, reply) => {
    const sid = idParam(req, '网上调查');
    return submitForm(
      req,
      reply,
      async () => {
        await registerResponse(ctx, actorOf(req), sid, (req.body ?? {}) as Record<string, unknown>);
        return `/admin/surveys/${sid}/paper?done=paper`;
      },
      (refused) => paperPage(req, reply, refused),
    );
  });

  app.get('/surveys/:id/answers.xlsx', async (req, reply) => {
    const { title, data } = await surveyWorkbook(ctx, actorOf(req), idParam(req, '网上调查'));
    return attachment(reply, XLSX_TYPE, `${title}-答卷.xlsx`).send(data);
  });

  stepRoutes(
    app,
    '/surveys',
    '网上调查',
    {
      publish: (sid, req) => publishSurvey(ctx, actorOf(req), sid),
      results: (sid, req) => publishSurveyResults(ctx, actorOf(req), sid),
      withdraw: (sid, req) => withdrawSurvey(ctx, actorOf(req), sid, req.body ?? {}),
    },
    page,
  );
}
