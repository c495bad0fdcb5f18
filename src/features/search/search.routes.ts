import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import { apiSite, doc } from '../../web/api.ts';
import { pageCtx, pathOf } from '../../web/portal.ts';
import { sendHtml } from '../../web/request.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { portalColumns } from '../catalog/catalog.portal.service.ts';
import { searchQuery } from './search.schema.ts';
import { searchKinds, searchSite } from './search.service.ts';
import { SearchPageView } from './search.views.tsx';

/** The portal's search page (a plain GET form: it works without JavaScript). */
export async function searchRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get('/search', async (req: FastifyRequest, reply) => {
    const query = searchQuery.parse(req.query ?? {});
    const [result, agencies, columns] = await Promise.all([
      searchSite(ctx, req.site, query),
      siteAgencies(ctx, req.site.id),
      portalColumns(ctx, req.site.id),
    ]);
    const pc = await pageCtx(req, pathOf(req));
    return sendHtml(req, reply, SearchPageView({ ctx: pc, query, result, agencies, columns, kinds: searchKinds(ctx) }));
  });
}

/** GET /api/v1/sites/:site/search — the same search as JSON. */
export async function searchApiRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get(
    '/v1/sites/:site/search',
    {
      schema: {
        summary: '全文搜索（政府信息、政策解读、政府公报）',
        description:
          '多个词同时出现，结果按相关度排序；"引号"查找完整短语；-词 排除；发文字号（如 闽政办〔2019〕12号 及其常见写法）和索引号精确匹配并排在最前。含短语的查询只核对到所需页为止，此时 totalExact 为 false，total 为估计值。',
        tags: ['公开'],
        querystring: doc(searchQuery),
      },
    },
    async (req) => {
      const site = await apiSite(ctx, req);
      const query = searchQuery.parse(req.query ?? {});
      const r = await searchSite(ctx, site, query);
      const plain = (parts: { text: string }[]) => parts.map((p) => p.text).join('');
      return {
        total: r.total,
        totalExact: r.totalExact,
        page: r.page,
        pageSize: r.pageSize,
        building: r.building,
        relaxed: r.relaxed ?? null,
        items: r.hits.map((h) => ({
          kind: h.kind,
          label: h.label,
          id: h.id,
          url: `/s/${site.code}${h.path}`,
          title: plain(h.title),
          date: h.date,
          facts: h.facts,
          badge: h.badge ?? null,
          exact: h.exact,
          snippet: plain(h.snippet),
          /** The title and snippet in parts, `mark: true` where the query's words are. */
          highlight: { title: h.title, snippet: h.snippet },
        })),
        suggestions: r.suggestions,
      };
    },
  );
}
