import type { FastifyInstance, FastifyRequest } from 'fastify';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { Site } from '../../core/db.types.ts';
import { notFound } from '../../core/errors.ts';
import { pageCtx } from '../../web/portal.ts';
import { sendHtml } from '../../web/request.ts';
import { agenciesOf, columnAndDescendants, visibleColumns } from '../catalog/catalog.read.ts';
import { SEARCH_PAGE_SIZE, type SearchQuery, searchQuery } from './search.schema.ts';
import type { SearchPage } from './search.service.ts';
import { SearchPageView } from './search.views.tsx';

/** Runs a search of a site from the form's or the API's parameters. */
export async function runSearch(ctx: Ctx, site: Site, query: SearchQuery): Promise<SearchPage> {
  let columnIds: number[] | undefined;
  if (query.column) {
    const column = (await visibleColumns(ctx.db, site.id)).find((c) => c.slug === query.column);
    columnIds = column ? await columnAndDescendants(ctx.db, site.id, column.id) : [-1];
  }
  return ctx.search.search(
    ctx.db,
    {
      siteId: site.id,
      q: query.q,
      agencyId: query.agency,
      columnIds,
      theme: query.theme,
      genre: query.genre,
      validity: query.validity,
      kind: query.kind,
      yearFrom: query.from,
      yearTo: query.to,
      sort: query.sort,
      page: query.page,
      pageSize: SEARCH_PAGE_SIZE,
    },
    shanghaiDate(ctx.now()),
  );
}

/** The portal's search page (a plain GET form: it works without JavaScript). */
export async function searchRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get('/search', async (req: FastifyRequest, reply) => {
    const query = searchQuery.parse(req.query ?? {});
    const [result, agencies, columns] = await Promise.all([
      runSearch(ctx, req.site, query),
      agenciesOf(ctx.db, req.site.id),
      visibleColumns(ctx.db, req.site.id),
    ]);
    const pc = await pageCtx(req, req.url.slice(req.base.length) || '/search');
    return sendHtml(req, reply, SearchPageView({ ctx: pc, query, result, agencies, columns }));
  });
}

/** GET /api/v1/sites/:site/search — the same search as JSON. */
export async function searchApiRoutes(
  app: FastifyInstance,
  ctx: Ctx,
  doc: (schema: unknown) => Record<string, unknown>,
) {
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
      const code = (req.params as { site?: string }).site ?? '';
      const site = await ctx.db.selectFrom('sites').selectAll().where('code', '=', code).executeTakeFirst();
      if (!site) throw notFound('站点不存在');
      const query = searchQuery.parse(req.query ?? {});
      const r = await runSearch(ctx, site, query);
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
