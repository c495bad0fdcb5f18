import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Ctx } from '../core/context.ts';
import { AppError } from '../core/errors.ts';
import type { NavItem, PageCtx } from './layout.tsx';
import { PUBLIC_CACHE_HEADERS } from './page.cache.ts';
import { prefsOf } from './request.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The portal's main navigation of this request's site, read when a page needs it. */
    nav: () => Promise<NavItem[]>;
  }
}

/** A feature's public routes, mounted once per way a site is reached. */
export type PortalRoutes = (app: FastifyInstance, ctx: Ctx) => Promise<void>;

/** The frame every portal page is drawn in: the site, its navigation and the reader's preferences. */
export async function pageCtx(req: FastifyRequest, path: string): Promise<PageCtx> {
  return { site: req.site, base: req.base, prefs: prefsOf(req), path, nav: await req.nav() };
}

/** This page's path without the site base, for the preference switches to return to. */
export const pathOf = (req: FastifyRequest) => req.url.slice(req.base.length) || '/';

/**
 * The public portal: each site answers on its own host names (`sites.hosts`) and, for local use and for sites without
 * a host name of their own, under `/s/<site code>/`. The features' public routes are mounted in both.
 */
export async function portalShell(
  app: FastifyInstance,
  ctx: Ctx,
  navOf: (siteId: number) => Promise<NavItem[]>,
  features: PortalRoutes[],
) {
  app.decorateRequest('nav', null as unknown as () => Promise<NavItem[]>);
  const mount = async (scope: FastifyInstance) => {
    // a public page depends only on what is published: browsers and proxies may keep it (web/page.cache.ts)
    scope.addHook('onSend', async (req, reply, payload) => {
      if (
        (req.method === 'GET' || req.method === 'HEAD') &&
        reply.statusCode === 200 &&
        !reply.hasHeader('cache-control')
      )
        reply.headers(PUBLIC_CACHE_HEADERS);
      return payload;
    });
    for (const routes of features) await routes(scope, ctx);
  };
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req) => {
      const site = await ctx.sites.byHost(req.host);
      if (!site) throw new AppError('not_found', '本域名未绑定站点，请通过 /s/站点代码 访问');
      req.site = site;
      req.base = '';
      req.nav = () => navOf(site.id);
    });
    await mount(scope);
  });
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', async (req) => {
        const site = await ctx.sites.byCode((req.params as { siteCode?: string }).siteCode ?? '');
        if (!site) throw new AppError('not_found', '站点不存在');
        req.site = site;
        req.base = `/s/${site.code}`;
        req.nav = () => navOf(site.id);
      });
      await mount(scope);
    },
    { prefix: '/s/:siteCode' },
  );
}
