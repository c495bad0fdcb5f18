import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isKnownYear, loadCalendar, shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, badInput, notFound } from '../../core/errors.ts';
import { id, pageParam } from '../../core/validate.ts';
import {
  actorOf,
  attachment,
  chosenSite,
  csrfToken,
  DOCX_TYPE,
  idParam,
  type RefusedForm,
  sendHtml,
  staff,
  submitForm,
} from '../../web/request.ts';
import { workingSite } from '../../web/staff.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { actOnRequest } from './requests.actions.service.ts';
import { CalendarPage, CodePage, RegisterPage } from './requests.admin.views.tsx';
import { calendarEntries, removeCalendarDay, saveCalendarDay } from './requests.calendar.service.ts';
import { CasePage, LetterPage } from './requests.case.views.tsx';
import { CasesPage, NotificationsPage, OverviewPage } from './requests.cases.views.tsx';
import { addReplyFile, removeReplyFile } from './requests.files.service.ts';
import { LETTER_TITLE, replyDocx } from './requests.letters.ts';
import { mayKeepNationalCalendar } from './requests.policy.ts';
import type { CaseFilter } from './requests.read.store.ts';
import type { CaseAction } from './requests.rules.ts';
import { actionInputs, CASE_LIST_STAGES } from './requests.schema.ts';
import {
  caseAttachment,
  caseNotice,
  casesFor,
  markNotificationsRead,
  officeLoads,
  openCase,
  registerApplication,
  resetQueryCode,
  setReminderThresholds,
  unreadReminders,
} from './requests.service.ts';

const filterQuery = z.object({
  stage: z.enum(CASE_LIST_STAGES).catch('open').default('open'),
  agency: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
  no: z.string().trim().max(40).optional().catch(undefined),
  page: pageParam,
});

const yearParam = z.coerce.number().int().min(2004).max(2100);

/** The back office of 依申请公开. */
export async function requestAdminRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get('/requests', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const q = filterQuery.parse(req.query ?? {});
    const filter: CaseFilter = { stage: q.stage || undefined, agencyId: q.agency, trackingNo: q.no || undefined };
    const { rows, total, pages } = await casesFor(ctx, p, site.id, filter, q.page);
    const query = (page: number) =>
      `/admin/requests?${new URLSearchParams({ stage: q.stage, ...(q.agency ? { agency: String(q.agency) } : {}), ...(q.no ? { no: q.no } : {}), page: String(page) })}`;
    return sendHtml(
      req,
      reply,
      CasesPage({
        principal: p,
        csrf: csrfToken(reply),
        rows,
        total,
        page: q.page,
        pages,
        filter: { ...filter, stage: q.stage as CaseFilter['stage'] },
        agencies: await siteAgencies(ctx, site.id),
        query,
      }),
    );
  });

  app.get('/requests/overview', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const { rows, thresholds } = await officeLoads(ctx, actorOf(req), site);
    const flash = (req.query as { saved?: string }).saved ? '已保存' : undefined;
    return sendHtml(req, reply, OverviewPage({ principal: p, csrf: csrfToken(reply), rows, thresholds, flash }));
  });

  app.post('/requests/settings', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    await setReminderThresholds(
      ctx,
      actorOf(req),
      site.id,
      (req.body as { reminderWorkdays?: unknown })?.reminderWorkdays,
    );
    return reply.redirect('/admin/requests/overview?saved=1', 303);
  });

  const registerPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    return RegisterPage({
      principal: p,
      csrf: csrfToken(reply),
      agencies: await siteAgencies(ctx, site.id),
      values: refused?.values ?? {
        channel: 'in_person',
        receivedOn: shanghaiDate(ctx.now()),
        applicantType: 'person',
        idType: 'resident_id',
        agencyId: p.agencyId ?? '',
        formWanted: 'paper',
        delivery: 'post',
      },
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };

  app.get('/requests/new', async (req, reply) => sendHtml(req, reply, registerPage(req, reply)));

  // the query code is shown on this response, once; it never goes into an address
  app.post('/requests/new', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    try {
      const done = await registerApplication(ctx, actorOf(req), site.id, req.body ?? {});
      return sendHtml(req, reply, CodePage({ principal: p, csrf: csrfToken(reply), ...done }));
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'bad_input') throw e;
      const values = (req.body ?? {}) as Record<string, unknown>;
      return sendHtml(
        req,
        reply,
        registerPage(req, reply, { values, errors: e.details ?? {}, message: e.message }),
        400,
      );
    }
  });

  const casePage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm & { action: string }) => {
    const p = staff(req);
    const c = await openCase(ctx, actorOf(req), idParam(req, '申请'));
    const flash = (req.query as { done?: string }).done ? '已保存' : undefined;
    return CasePage({ principal: p, csrf: csrfToken(reply), c, flash, refused });
  };

  app.get('/requests/:id', async (req, reply) => sendHtml(req, reply, casePage(req, reply)));

  app.post('/requests/:id/reset-code', async (req, reply) => {
    const p = staff(req);
    const done = await resetQueryCode(ctx, actorOf(req), idParam(req, '申请'));
    return sendHtml(req, reply, CodePage({ principal: p, csrf: csrfToken(reply), ...done }));
  });

  app.post('/requests/:id/reply-files', async (req, reply) => {
    staff(req);
    const caseId = idParam(req, '申请');
    return submitForm(
      req,
      reply,
      async () => {
        const file = req.isMultipart() ? await req.file() : undefined;
        if (!file) throw badInput('请选择要上传的文件');
        await addReplyFile(ctx, actorOf(req), caseId, file.filename || 'file', await file.toBuffer());
        return `/admin/requests/${caseId}?done=1#reply-files-h`;
      },
      (refused) => casePage(req, reply, { ...refused, action: 'reply_files' }),
    );
  });

  app.post('/requests/:id/reply-files/:file/delete', async (req, reply) => {
    staff(req);
    const caseId = idParam(req, '申请');
    const fileId = id.safeParse((req.params as { file: string }).file);
    if (!fileId.success) throw notFound('文件不存在');
    await removeReplyFile(ctx, actorOf(req), caseId, fileId.data);
    return reply.redirect(`/admin/requests/${caseId}?done=1#reply-files-h`, 303);
  });

  app.post('/requests/:id/:action', async (req, reply) => {
    staff(req);
    const id = idParam(req, '申请');
    const action = (req.params as { action: string }).action;
    if (!Object.hasOwn(actionInputs, action)) throw notFound('没有这项操作');
    return submitForm(
      req,
      reply,
      async () => {
        await actOnRequest(ctx, actorOf(req), id, action as CaseAction, req.body ?? {});
        return `/admin/requests/${id}?done=1`;
      },
      (refused) => casePage(req, reply, { ...refused, action }),
    );
  });

  app.get('/requests/:id/letter', async (req, reply) => {
    const c = await openCase(ctx, actorOf(req), idParam(req, '申请'));
    if (!c.request.reply_text) throw notFound('尚未作出决定，没有告知书');
    return sendHtml(
      req,
      reply,
      LetterPage({ title: LETTER_TITLE, trackingNo: c.request.tracking_no, text: c.request.reply_text }),
    );
  });

  app.get('/requests/:id/letter.docx', async (req, reply) => {
    const c = await openCase(ctx, actorOf(req), idParam(req, '申请'));
    if (!c.request.reply_text) throw notFound('尚未作出决定，没有告知书');
    const data = await replyDocx(LETTER_TITLE, c.request.tracking_no, c.request.reply_text);
    return attachment(reply, DOCX_TYPE, `reply-${c.request.tracking_no}.docx`).send(data);
  });

  const noticeOf = (req: FastifyRequest) => {
    const eventId = id.safeParse((req.params as { event: string }).event);
    if (!eventId.success) throw notFound('该办理环节没有通知书');
    return caseNotice(ctx, actorOf(req), idParam(req, '申请'), eventId.data);
  };

  app.get('/requests/:id/notices/:event', async (req, reply) => sendHtml(req, reply, LetterPage(await noticeOf(req))));

  app.get('/requests/:id/notices/:event/notice.docx', async (req, reply) => {
    const n = await noticeOf(req);
    return attachment(reply, DOCX_TYPE, `notice-${n.trackingNo}.docx`).send(
      await replyDocx(n.title, n.trackingNo, n.text),
    );
  });

  app.get('/requests/:id/files/:file', async (req, reply) => {
    const fileId = id.safeParse((req.params as { file: string }).file);
    if (!fileId.success) throw notFound('附件不存在');
    const f = await caseAttachment(ctx, actorOf(req), idParam(req, '申请'), fileId.data);
    return attachment(reply, f.mime, f.filename).send(f.data);
  });

  app.get('/notifications', async (req, reply) => {
    const p = staff(req);
    return sendHtml(
      req,
      reply,
      NotificationsPage({ principal: p, csrf: csrfToken(reply), rows: await unreadReminders(ctx, p.userId) }),
    );
  });

  app.post('/notifications/read', async (req, reply) => {
    await markNotificationsRead(ctx, staff(req).userId);
    return reply.redirect('/admin/notifications', 303);
  });

  const calendarPage = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const year = yearParam
      .catch(Number(shanghaiDate(ctx.now()).slice(0, 4)) + 1)
      .parse((req.query as { year?: string }).year);
    const cal = await loadCalendar(ctx.db, site.id);
    return CalendarPage({
      principal: p,
      csrf: csrfToken(reply),
      year,
      entries: await calendarEntries(ctx, site.id, year),
      national: mayKeepNationalCalendar(p),
      known: isKnownYear(cal, `${year}-01-01`),
      flash:
        (req.query as { moved?: string }).moved !== undefined
          ? `已保存，${(req.query as { moved?: string }).moved} 件未办结申请的期限已重新计算`
          : undefined,
      values: refused?.values ?? { kind: 'holiday' },
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };

  app.get('/calendar', async (req, reply) => sendHtml(req, reply, calendarPage(req, reply)));

  app.post('/calendar', async (req, reply) =>
    submitForm(
      req,
      reply,
      async () => {
        const site = await workingSite(ctx, staff(req), chosenSite(req));
        const moved = await saveCalendarDay(ctx, actorOf(req), site.id, req.body ?? {});
        const day = String((req.body as { day?: string }).day);
        return `/admin/calendar?year=${day.slice(0, 4)}&moved=${moved}`;
      },
      (refused) => calendarPage(req, reply, refused),
    ),
  );

  app.post('/calendar/:day/delete', async (req, reply) => {
    const day = (req.params as { day: string }).day;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw notFound('该日期不在日历中');
    const site = await workingSite(ctx, staff(req), chosenSite(req));
    const scope = (req.body as { scope?: string } | undefined)?.scope === 'national' ? 'national' : 'site';
    const moved = await removeCalendarDay(ctx, actorOf(req), site.id, day, scope);
    return reply.redirect(`/admin/calendar?year=${day.slice(0, 4)}&moved=${moved}`, 303);
  });
}
