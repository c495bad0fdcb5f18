import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { pageParam, parseInput } from '../../core/validate.ts';
import { apiSite, doc, siteParams } from '../../web/api.ts';
import { actorOf } from '../../web/request.ts';
import { actOnRequest } from './requests.actions.service.ts';
import type { CaseAction } from './requests.rules.ts';
import { actionInputs, CASE_LIST_STAGES, caseActionInput, registrationInput } from './requests.schema.ts';
import { casesFor, need, openCase, registerApplication } from './requests.service.ts';

const bearer = [{ bearerAuth: [] }];
const caseParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const actionParams = caseParams.extend({
  action: z.enum(Object.keys(actionInputs) as [CaseAction, ...CaseAction[]], { error: '未知的操作' }),
});
const listQuery = z.object({
  stage: z.enum(CASE_LIST_STAGES, { error: '办理阶段无效' }).default('open'),
  agencyId: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  trackingNo: z.string().trim().max(40).optional(),
  page: pageParam,
});

/**
 * 依申请公开 for other systems (a province's platform, a 12345 hotline): staff register, read and act on cases with
 * a token, with the same permissions and audit as the pages.
 */
export async function requestApiRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get(
    '/v1/sites/:site/requests',
    {
      schema: {
        summary: '申请列表（本人可见范围）',
        tags: ['依申请公开'],
        security: bearer,
        params: doc(siteParams),
        querystring: doc(listQuery),
      },
    },
    async (req) => {
      const site = await apiSite(ctx, req);
      const q = parseInput(listQuery, req.query ?? {});
      const filter = { ...q, stage: q.stage || undefined };
      const { rows, total, pages } = await casesFor(ctx, need(actorOf(req)), site.id, filter, q.page);
      return { total, page: q.page, pages, items: rows };
    },
  );

  app.post(
    '/v1/sites/:site/requests',
    {
      schema: {
        summary: '登记申请（当面、信函、传真等渠道）',
        tags: ['依申请公开'],
        security: bearer,
        params: doc(siteParams),
        // the shape only: the date a registration is checked against is the day it is made
        body: doc(registrationInput(shanghaiDate(new Date()))),
      },
    },
    async (req, reply) => {
      const site = await apiSite(ctx, req);
      const done = await registerApplication(ctx, actorOf(req), site.id, req.body ?? {});
      return reply.status(201).send(done);
    },
  );

  app.get(
    '/v1/requests/:id',
    { schema: { summary: '一件申请及其办理过程（查看申请人信息，记入日志）', tags: ['依申请公开'], security: bearer } },
    async (req) => {
      const c = await openCase(ctx, actorOf(req), parseInput(caseParams, req.params).id);
      const r = c.request;
      return {
        id: r.id,
        trackingNo: r.tracking_no,
        agency: c.agency,
        channel: r.channel,
        stage: r.stage,
        outcome: r.outcome,
        applicant: {
          type: r.applicant_type,
          name: r.applicant_name,
          idType: r.id_type,
          idNumber: r.id_number,
          phone: r.phone,
          email: r.email,
          address: r.address,
        },
        description: r.description,
        state: c.state,
        deadline: c.clock ? { due: c.clock.due, certain: c.clock.certain, stopped: c.clock.stopped ?? null } : null,
        events: c.events.map((e) => ({ kind: e.kind, on: e.on_date, ref: e.ref, note: e.note, by: e.actor_name })),
        attachments: c.attachments.map((a) => ({ id: a.id, kind: a.kind, filename: a.filename, size: a.size })),
        actions: c.actions,
      };
    },
  );

  app.post(
    '/v1/requests/:id/actions/:action',
    {
      schema: {
        summary: '办理一步：确认收到、补正、征求意见、延期、收费、答复决定、送达、办结……',
        tags: ['依申请公开'],
        security: bearer,
        params: doc(actionParams),
        body: doc(caseActionInput),
      },
    },
    async (req) => {
      const { id, action } = parseInput(actionParams, req.params);
      return actOnRequest(ctx, actorOf(req), id, action, req.body ?? {});
    },
  );
}
