import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { parseInput } from '../../core/validate.ts';
import { apiSite, doc } from '../../web/api.ts';
import { actorOf } from '../../web/request.ts';
import { agencyReport, siteReport } from './reports.service.ts';

const reportParams = z.object({
  site: z.string().max(32),
  year: z.coerce.number({ error: '年份无效' }).int().min(2008, '年份无效').max(2200, '年份无效'),
});
const reportQuery = z.object({ agency: z.coerce.number().int().positive().max(2_147_483_647).optional() });

/** The annual report's figures for other systems: an agency's, or the site's summed, with where each comes from. */
export async function reportApiRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get(
    '/v1/sites/:site/reports/:year',
    {
      schema: {
        summary: '政府信息公开工作年度报告的数据（一个机构，或不指定机构时全站汇总）',
        tags: ['年度报告'],
        security: [{ bearerAuth: [] }],
        params: doc(reportParams),
        querystring: doc(reportQuery),
      },
    },
    async (req) => {
      const site = await apiSite(ctx, req);
      const { year } = parseInput(reportParams, req.params);
      const { agency } = parseInput(reportQuery, req.query ?? {});
      const view = agency
        ? await agencyReport(ctx, actorOf(req), site.id, agency, year)
        : await siteReport(ctx, actorOf(req), site.id, year);
      return {
        year: view.year,
        title: view.title,
        agency: view.agency,
        format: view.tables.format,
        // submitted reports are frozen: their figures no longer follow the records
        frozen: view.frozen,
        published: view.publicationStatus === 'published',
        figures: Object.fromEntries(
          Object.entries(view.tables.figures).map(([key, f]) => [key, { value: f.value, source: f.source }]),
        ),
        imbalances: view.tables.imbalances,
      };
    },
  );
}
