import type { FastifyInstance, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { id, pageParam } from '../../core/validate.ts';
import { pageCtx, pathOf } from '../../web/portal.ts';
import { attachment, originOf, sendHtml } from '../../web/request.ts';
import { atomFeed, xmlEscape } from '../../web/xml.ts';
import {
  agenciesOf,
  agencyCatalog,
  columnAndDescendants,
  countLive,
  gazetteIssue,
  gazetteIssues,
  gazetteYears,
  latestInColumns,
  listInColumns,
  PAGE_SIZE,
  publicPage,
  sitemapPage,
  visibleColumns,
} from './catalog.read.ts';
import { GENRES, THEMES } from './catalog.rules.ts';
import {
  AgenciesPage,
  AgencyCatalogPage,
  AgencyGuidePage,
  ColumnPage,
  HomePage,
  PublicationPage,
} from './catalog.views.tsx';
import { GazetteIssuePage, GazettePage } from './gazette.views.tsx';

const SITEMAP_PAGE = 40_000;
const idParams = z.object({ id });

/** Public portal routes of one site; mounted at '/' (site by host name) and at '/s/:siteCode'. */
export async function portalRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get('/', async (req, reply) => {
    const columns = await visibleColumns(ctx.db, req.site.id);
    const homeKinds = ['news', 'notice', 'policy', 'interpretation'];
    const blockColumns = homeKinds.map((k) => columns.find((c) => c.kind === k)).filter((c) => c !== undefined);
    const blocks = await Promise.all(
      blockColumns.map(async (column) => ({
        column,
        items: (
          await listInColumns(ctx.db, req.site.id, await columnAndDescendants(ctx.db, req.site.id, column.id), 1, 8)
        ).items,
      })),
    );
    const keyParent = columns.find((c) => c.kind === 'key_area' && c.parent_id === null);
    const topicParent = columns.find((c) => c.kind === 'topic' && c.parent_id === null);
    return sendHtml(
      req,
      reply,
      HomePage({
        ctx: await pageCtx(req, '/'),
        blocks,
        keyAreas: keyParent ? columns.filter((c) => c.parent_id === keyParent.id) : [],
        topics: topicParent ? columns.filter((c) => c.parent_id === topicParent.id) : [],
      }),
    );
  });

  const columnBySlug = async (req: FastifyRequest, slug: string) => {
    const columns = await visibleColumns(ctx.db, req.site.id);
    const column = columns.find((c) => c.slug === slug);
    if (!column) throw notFound('栏目不存在');
    return { column, columns };
  };

  app.get('/c/:slug', async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const page = pageParam.parse((req.query as { page?: string }).page);
    const { column, columns } = await columnBySlug(req, slug);
    const { items, total } = await listInColumns(
      ctx.db,
      req.site.id,
      await columnAndDescendants(ctx.db, req.site.id, column.id),
      page,
    );
    const parents = [];
    for (let up = columns.find((c) => c.id === column.parent_id); up; up = columns.find((c) => c.id === up?.parent_id))
      parents.unshift(up);
    return sendHtml(
      req,
      reply,
      ColumnPage({
        ctx: await pageCtx(req, pathOf(req)),
        column,
        parents,
        children: columns.filter((c) => c.parent_id === column.id),
        items,
        page,
        total,
        pages: Math.ceil(total / PAGE_SIZE),
      }),
    );
  });

  const feed = async (req: FastifyRequest, columnIds: number[] | null, title: string, link: string) => {
    const origin = originOf(req, ctx.config.baseUrl);
    const items = await latestInColumns(ctx.db, req.site.id, columnIds, 50);
    return atomFeed({
      id: origin + link,
      title,
      link: origin + link,
      updated: items[0]?.published_at ?? new Date(0),
      entries: items.map((i) => ({
        id: `${origin}${req.base}/p/${i.id}`,
        title: i.title,
        link: `${origin}${req.base}/p/${i.id}`,
        updated: i.published_at!,
        summary: i.summary || i.body_text.slice(0, 200),
      })),
    });
  };

  app.get('/feed.xml', async (req, reply) => {
    reply.type('application/atom+xml; charset=utf-8');
    return feed(req, null, `${req.site.name} 最新信息`, `${req.base}/`);
  });

  app.get('/c/:slug/feed.xml', async (req, reply) => {
    const { column } = await columnBySlug(req, (req.params as { slug: string }).slug);
    reply.type('application/atom+xml; charset=utf-8');
    return feed(
      req,
      await columnAndDescendants(ctx.db, req.site.id, column.id),
      `${req.site.name} ${column.name}`,
      `${req.base}/c/${column.slug}`,
    );
  });

  app.get('/p/:id', async (req, reply) => {
    const params = idParams.safeParse(req.params);
    if (!params.success) throw notFound('信息不存在');
    const data = await publicPage(ctx.db, req.site.id, params.data.id);
    if (!data) throw notFound('信息不存在或尚未发布');
    if ('gone' in data) throw new AppError('gone', `该信息已撤销发布。原因：${data.gone}`);
    const url = `${originOf(req, ctx.config.baseUrl)}${req.base}/p/${data.publication.id}`;
    const qrSvg = (await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).replace(
      '<svg ',
      '<svg aria-hidden="true" focusable="false" ',
    );
    const agency = await ctx.db
      .selectFrom('agencies')
      .select('name')
      .where('id', '=', data.publication.agency_id)
      .executeTakeFirstOrThrow();
    return sendHtml(
      req,
      reply,
      PublicationPage({ ctx: await pageCtx(req, pathOf(req)), data, qrSvg, agencyName: agency.name }),
    );
  });

  app.get('/files/:id/:name', async (req, reply) => {
    const params = idParams.safeParse(req.params);
    if (!params.success) throw notFound('附件不存在');
    const a = await ctx.db
      .selectFrom('attachments')
      .innerJoin('editions', 'editions.id', 'attachments.edition_id')
      .innerJoin('publications', 'publications.id', 'editions.publication_id')
      .select(['attachments.file_hash', 'attachments.filename', 'attachments.mime'])
      .where('attachments.id', '=', params.data.id)
      .where('publications.site_id', '=', req.site.id)
      .where('editions.state', 'in', ['published', 'withdrawn'])
      .where('editions.disclosure_mode', '=', 'active')
      .executeTakeFirst();
    if (!a) throw notFound('附件不存在');
    attachment(reply, a.mime, a.filename);
    return ctx.files.get(a.file_hash);
  });

  app.get('/agencies', async (req, reply) => {
    return sendHtml(
      req,
      reply,
      AgenciesPage({ ctx: await pageCtx(req, pathOf(req)), agencies: await agenciesOf(ctx.db, req.site.id) }),
    );
  });

  const agencyOf = async (req: FastifyRequest) => {
    const params = idParams.safeParse(req.params);
    const agency = params.success
      ? (await agenciesOf(ctx.db, req.site.id)).find((a) => a.id === params.data.id)
      : undefined;
    if (!agency) throw notFound('机构不存在');
    return agency;
  };

  const catalogQuery = z.object({
    theme: z.enum(THEMES).optional().catch(undefined),
    genre: z.enum(GENRES).optional().catch(undefined),
    year: z.coerce.number().int().min(1949).max(2200).optional().catch(undefined),
    page: pageParam,
  });

  app.get('/agencies/:id', async (req, reply) => {
    const agency = await agencyOf(req);
    const q = catalogQuery.parse(req.query ?? {});
    const { items, total } = await agencyCatalog(ctx.db, req.site.id, agency.id, q, q.page);
    const thisYear = new Date().getFullYear();
    const years = Array.from({ length: 15 }, (_, i) => thisYear - i);
    return sendHtml(
      req,
      reply,
      AgencyCatalogPage({
        ctx: await pageCtx(req, pathOf(req)),
        agency,
        items,
        filter: q,
        years,
        page: q.page,
        total,
        pages: Math.ceil(total / PAGE_SIZE),
      }),
    );
  });

  app.get('/agencies/:id/guide', async (req, reply) => {
    const agency = await agencyOf(req);
    return sendHtml(req, reply, AgencyGuidePage({ ctx: await pageCtx(req, pathOf(req)), agency }));
  });

  app.get('/gazette', async (req, reply) => {
    const years = (await gazetteYears(ctx.db, req.site.id)).map((r) => r.year);
    const year = z.coerce
      .number()
      .int()
      .min(1949)
      .max(2200)
      .catch(years[0] ?? new Date().getFullYear())
      .parse((req.query as { year?: string }).year);
    return sendHtml(
      req,
      reply,
      GazettePage({
        ctx: await pageCtx(req, pathOf(req)),
        years,
        year,
        issues: await gazetteIssues(ctx.db, req.site.id, year),
      }),
    );
  });

  app.get('/gazette/:id', async (req, reply) => {
    const params = idParams.safeParse(req.params);
    const data = params.success ? await gazetteIssue(ctx.db, req.site.id, params.data.id) : null;
    if (!data) throw notFound('公报不存在');
    return sendHtml(req, reply, GazetteIssuePage({ ctx: await pageCtx(req, pathOf(req)), ...data }));
  });

  app.get('/sitemap.xml', async (req, reply) => {
    const origin = originOf(req, ctx.config.baseUrl) + req.base;
    const pages = Math.max(1, Math.ceil((await countLive(ctx.db, req.site.id)) / SITEMAP_PAGE));
    reply.type('application/xml; charset=utf-8');
    const maps = Array.from(
      { length: pages },
      (_, i) => `<sitemap><loc>${xmlEscape(`${origin}/sitemap-${i + 1}.xml`)}</loc></sitemap>`,
    );
    return `<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${maps.join('')}</sitemapindex>`;
  });

  app.get('/sitemap-:n.xml', async (req, reply) => {
    const n = z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000)
      .safeParse((req.params as { n: string }).n);
    if (!n.success) throw notFound();
    const origin = originOf(req, ctx.config.baseUrl) + req.base;
    const rows = await sitemapPage(ctx.db, req.site.id, n.data - 1, SITEMAP_PAGE);
    const columns = n.data === 1 ? await visibleColumns(ctx.db, req.site.id) : [];
    const urls = [
      ...(n.data === 1 ? [`<url><loc>${xmlEscape(`${origin}/`)}</loc></url>`] : []),
      ...columns.map((c) => `<url><loc>${xmlEscape(`${origin}/c/${c.slug}`)}</loc></url>`),
      ...rows.map(
        (r) =>
          `<url><loc>${xmlEscape(`${origin}/p/${r.id}`)}</loc><lastmod>${r.published_at!.toISOString()}</lastmod></url>`,
      ),
    ];
    reply.type('application/xml; charset=utf-8');
    return `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`;
  });
}
