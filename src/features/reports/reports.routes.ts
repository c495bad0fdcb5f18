/** The back office of 年度报告: the year's reports against their deadlines, one report, its figures and files. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { id } from '../../core/validate.ts';
import {
  actorOf,
  attachment,
  chosenSite,
  csrfToken,
  DOCX_TYPE,
  type RefusedForm,
  sendHtml,
  staff,
  submitForm,
  XLSX_TYPE,
} from '../../web/request.ts';
import { workingSite } from '../../web/staff.ts';
import { ReportBody } from './reports.document.views.tsx';
import { reportDocx, reportXlsx } from './reports.files.ts';
import { maySubmit, mayWrite, seesWholeSite } from './reports.policy.ts';
import {
  agencyReport,
  figureRecords,
  MIN_YEAR,
  type ReportView,
  reopenReport,
  reportStatus,
  saveReport,
  siteReport,
  submitReport,
  yearInput,
  yearsCompared,
} from './reports.service.ts';
import { FigurePage, figureName, ReportPage, ReportsPage } from './reports.views.tsx';

const params = z.object({ agency: id, year: yearInput });
const figureKey = z
  .string()
  .max(80)
  .regex(/^t[234]\.[a-z_0-9.]+$/);

/** The form's flat fields `v.<cell>` and `n.<cell>` as the service's entries. */
function reportForm(body: Record<string, unknown>) {
  const entries: Record<string, { value: unknown; note: unknown }> = {};
  for (const [k, v] of Object.entries(body)) {
    const m = /^([vn])\.([a-z_.]{1,60})$/.exec(k);
    if (!m) continue;
    entries[m[2]] ??= { value: '', note: '' };
    entries[m[2]][m[1] === 'v' ? 'value' : 'note'] = v;
  }
  return { overview: body.overview, problems: body.problems, otherMatters: body.otherMatters, entries };
}

export async function reportRoutes(app: FastifyInstance, ctx: Ctx) {
  const thisYear = () => Number(shanghaiDate(ctx.now()).slice(0, 4));

  app.get('/reports', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    // the year whose report is due now: last year
    const year = yearInput.catch(thisYear() - 1).parse((req.query as { year?: unknown })?.year ?? thisYear() - 1);
    const office = seesWholeSite(p, site.id);
    const rows = await reportStatus(ctx, actorOf(req), site.id, year);
    const years = Array.from({ length: thisYear() - MIN_YEAR + 1 }, (_, i) => thisYear() - i);
    return sendHtml(
      req,
      reply,
      ReportsPage({
        principal: p,
        csrf: csrfToken(reply),
        year,
        years,
        rows,
        office,
        today: shanghaiDate(ctx.now()),
      }),
    );
  });

  /** The report an address names: an agency's, or the site's (`site`). */
  async function viewOf(req: FastifyRequest): Promise<{ view: ReportView; base: string }> {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const raw = req.params as { agency?: string; year?: string };
    if (raw.agency === 'site') {
      const year = yearInput.safeParse(raw.year);
      if (!year.success) throw notFound('年度报告不存在');
      return {
        view: await siteReport(ctx, actorOf(req), site.id, year.data),
        base: `/admin/reports/site/${year.data}`,
      };
    }
    const parsed = params.safeParse(raw);
    if (!parsed.success) throw notFound('年度报告不存在');
    const { agency, year } = parsed.data;
    return {
      view: await agencyReport(ctx, actorOf(req), site.id, agency, year),
      base: `/admin/reports/${agency}/${year}`,
    };
  }

  const reportPage = async (req: FastifyRequest, reply: FastifyReply, refused?: Partial<RefusedForm>) => {
    const p = staff(req);
    const { view, base } = await viewOf(req);
    const agencyId = view.agency?.id ?? null;
    const flash = (req.query as { done?: string }).done ? '已保存' : undefined;
    return ReportPage({
      principal: p,
      csrf: csrfToken(reply),
      view,
      years: await yearsCompared(ctx, view),
      base,
      canWrite: mayWrite(p, view.siteId, agencyId),
      canSubmit: maySubmit(p, agencyId),
      flash,
      message: refused?.message,
      values: refused?.values as Record<string, string> | undefined,
      errors: refused?.errors,
    });
  };

  app.get('/reports/:agency/:year', async (req, reply) => sendHtml(req, reply, reportPage(req, reply)));

  app.post('/reports/:agency/:year', async (req, reply) => {
    const { view, base } = await viewOf(req);
    if (!view.agency) throw notFound('全站汇总报告由各机构的报告汇总而成，不能直接编辑');
    return submitForm(
      req,
      reply,
      async () => {
        await saveReport(
          ctx,
          actorOf(req),
          view.siteId,
          view.agency!.id,
          view.year,
          reportForm((req.body ?? {}) as Record<string, unknown>),
        );
        return `${base}?done=1`;
      },
      (refused) => reportPage(req, reply, refused),
    );
  });

  app.post('/reports/:agency/:year/submit', async (req, reply) => {
    const { view, base } = await viewOf(req);
    if (!view.agency) throw notFound('全站汇总报告不能提交发布');
    return submitForm(
      req,
      reply,
      async () => {
        await submitReport(
          ctx,
          actorOf(req),
          view.siteId,
          view.agency!.id,
          view.year,
          (v) => ReportBody({ view: v }) as string,
        );
        return `${base}?done=1`;
      },
      // the forms show the saved report again, with the reason it could not be submitted
      (refused) => reportPage(req, reply, { message: refused.message }),
    );
  });

  app.post('/reports/:agency/:year/reopen', async (req, reply) => {
    const { view, base } = await viewOf(req);
    if (!view.agency) throw notFound('全站汇总报告不能重新编制');
    return submitForm(
      req,
      reply,
      async () => {
        await reopenReport(ctx, actorOf(req), view.siteId, view.agency!.id, view.year);
        return `${base}?done=1`;
      },
      (refused) => reportPage(req, reply, { message: refused.message }),
    );
  });

  app.get('/reports/:agency/:year/figures/:key', async (req, reply) => {
    const p = staff(req);
    const { view, base } = await viewOf(req);
    const key = figureKey.safeParse((req.params as { key: string }).key);
    if (!key.success) throw notFound('该数据项不存在');
    const records = await figureRecords(ctx, view, key.data);
    return sendHtml(
      req,
      reply,
      FigurePage({
        principal: p,
        csrf: csrfToken(reply),
        view,
        base,
        name: figureName(key.data, view.tables.format),
        records,
      }),
    );
  });

  app.get('/reports/:agency/:year/report.docx', async (req, reply) => {
    const { view } = await viewOf(req);
    return attachment(reply, DOCX_TYPE, `${view.title}.docx`).send(await reportDocx(view));
  });

  app.get('/reports/:agency/:year/report.xlsx', async (req, reply) => {
    const { view } = await viewOf(req);
    return attachment(reply, XLSX_TYPE, `${view.title}.xlsx`).send(await reportXlsx(view));
  });
}
