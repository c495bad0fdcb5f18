import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { id, pageParam } from '../../core/validate.ts';
import { pageCtx, pathOf } from '../../web/portal.ts';
import { attachment, originOf, sendHtml } from '../../web/request.ts';
import { atomFeed, xmlEscape } from '../../web/xml.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import {
  agencyCatalogPage,
  columnPage,
  feedItems,
  gazetteIssuePage,
  gazettePage,
  homePage,
  portalAgency,
  portalColumns,
  publicationPage,
  publicFile,
  publicPicture,
  sitemapCount,
  sitemapFile,
} from './catalog.portal.service.ts';
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
import { AccessibilityPage, SiteMapPage } from './portal.pages.views.tsx';

const SITEMAP_PAGE = 40_000;
const idParams = z.object({ id });

/** Public portal routes of one site; mounted at '/' (site by host name) and at '/s/:siteCode'. */
/** The `:id` of a portal address, or undefined (the page then says it does not exist). */
const idOf = (req: FastifyRequest) => {
  const r = idParams.safeParse(req.params);
  return r.success ? r.data.id : undefined;
};

/** Public portal routes of one site; mounted at '/' (site by host name) and at '/s/:siteCode'. */
export async function portalRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get('/', async (req, reply) =>
    sendHtml(req, reply, HomePage({ ctx: await pageCtx(req, '/'), ...(await homePage(ctx, req.site.id)) })),
  );

  app.get('/c/:slug', async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const page = pageParam.parse((req.query as { page?: string }).page);
    const data = await columnPage(ctx, req.site.id, slug, page);
    return sendHtml(req, reply, ColumnPage({ ctx: await pageCtx(req, pathOf(req)), ...data }));
  });

  const feed = async (req: FastifyRequest, reply: FastifyReply, slug?: string) => {
    const { column, items } = await feedItems(ctx, req.site.id, slug);
    const origin = originOf(req, ctx.config.baseUrl);
    const link = column ? `${req.base}/c/${column.slug}` : `${req.base}/`;
    reply.type('application/atom+xml; charset=utf-8');
    return atomFeed({
      id: origin + link,
      title: column ? `${req.site.name} ${column.name}` : `${req.site.name} 最新信息`,
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

  app.get('/feed.xml', async (req, reply) => feed(req, reply));
  app.get('/c/:slug/feed.xml', async (req, reply) => feed(req, reply, (req.params as { slug: string }).slug));

  app.get('/p/:id', async (req, reply) => {
    const publicationId = idOf(req);
    if (publicationId === undefined) throw notFound('信息不存在');
    const { data, agencyName } = await publicationPage(ctx, req.site.id, publicationId);
    const url = `${originOf(req, ctx.config.baseUrl)}${req.base}/p/${data.publication.id}`;
    const qrSvg = (await QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })).replace(
      '<svg ',
      '<svg aria-hidden="true" focusable="false" ',
    );
    return sendHtml(req, reply, PublicationPage({ ctx: await pageCtx(req, pathOf(req)), data, qrSvg, agencyName }));
  });

  app.get('/files/:id/:name', async (req, reply) => {
    const attachmentId = idOf(req);
    if (attachmentId === undefined) throw notFound('附件不存在');
    const file = await publicFile(ctx, req.site.id, attachmentId);
    attachment(reply, file.mime, file.filename);
    return file.body;
  });

  // a picture of a body, by its file's hash (catalog.images.ts): the same file whatever its address says
  app.get('/images/:hash', async (req, reply) => {
    const picture = await publicPicture(ctx, req.site.id, (req.params as { hash: string }).hash);
    return reply
      .type(picture.mime)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'public, max-age=86400')
      .send(picture.body);
  });

  app.get('/map', async (req, reply) =>
    sendHtml(
      req,
      reply,
      SiteMapPage({ ctx: await pageCtx(req, pathOf(req)), columns: await portalColumns(ctx, req.site.id) }),
    ),
  );
  app.get('/accessibility', async (req, reply) =>
    sendHtml(req, reply, AccessibilityPage({ ctx: await pageCtx(req, pathOf(req)) })),
  );
  // browsers ask for /favicon.ico whatever the page says
  app.get('/favicon.ico', async (_req, reply) => reply.redirect('/static/favicon.svg', 301));

  app.get('/agencies', async (req, reply) =>
    sendHtml(
      req,
      reply,
      AgenciesPage({ ctx: await pageCtx(req, pathOf(req)), agencies: await siteAgencies(ctx, req.site.id) }),
    ),
  );

  const catalogQuery = z.object({
    theme: z.enum(THEMES).optional().catch(undefined),
    genre: z.enum(GENRES).optional().catch(undefined),
    year: z.coerce.number().int().min(1949).max(2200).optional().catch(undefined),
    page: pageParam,
  });

  app.get('/agencies/:id', async (req, reply) => {
    const agency = await portalAgency(ctx, req.site.id, idOf(req));
    const q = catalogQuery.parse(req.query ?? {});
    const { items, total, exact, pages } = await agencyCatalogPage(ctx, req.site.id, agency.id, q, q.page);
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
        exact,
        pages,
      }),
    );
  });

  app.get('/agencies/:id/guide', async (req, reply) => {
    const agency = await portalAgency(ctx, req.site.id, idOf(req));
    return sendHtml(req, reply, AgencyGuidePage({ ctx: await pageCtx(req, pathOf(req)), agency }));
  });

  app.get('/gazette', async (req, reply) => {
    const year = z.coerce
      .number()
      .int()
      .min(1949)
      .max(2200)
      .optional()
      .catch(undefined)
      .parse((req.query as { year?: string }).year);
    const data = await gazettePage(ctx, req.site.id, year, new Date().getFullYear());
    return sendHtml(req, reply, GazettePage({ ctx: await pageCtx(req, pathOf(req)), ...data }));
  });

  app.get('/gazette/:id', async (req, reply) => {
    const data = await gazetteIssuePage(ctx, req.site.id, idOf(req));
    return sendHtml(req, reply, GazetteIssuePage({ ctx: await pageCtx(req, pathOf(req)), ...data }));
  });

  app.get('/sitemap.xml', async (req, reply) => {
    const origin = originOf(req, ctx.config.baseUrl) + req.base;
    const pages = await sitemapCount(ctx, req.site.id, SITEMAP_PAGE);
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
    const { home, columns, rows } = await sitemapFile(ctx, req.site.id, n.data, SITEMAP_PAGE);
    const urls = [
      ...(home ? [`<url><loc>${xmlEscape(`${origin}/`)}</loc></url>`] : []),
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
