import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isPlatformAdmin, type Principal, requireSiteAdmin } from '../core/access.ts';
import { loadPrincipal, login, logout, sessionUser } from '../core/auth.ts';
import type { Ctx } from '../core/context.ts';
import type { Site } from '../core/db.types.ts';
import { AppError, notFound } from '../core/errors.ts';
import { actorOf, chosenSite, csrfToken, sendHtml, staff } from './request.ts';
import { LoginPage } from './staff.layout.tsx';

const loginInput = z.object({ username: z.string().max(100).default(''), password: z.string().max(200).default('') });

/** A feature's back-office routes, mounted under /admin inside the staff shell. */
export type StaffRoutes = (app: FastifyInstance, ctx: Ctx) => Promise<void>;

/**
 * The back office: every route but the login page needs a session; every POST needs the CSRF token.
 * The features' back-office routes are mounted inside it.
 */
export async function staffShell(app: FastifyInstance, ctx: Ctx, features: StaffRoutes[]) {
  const { session: SESSION_COOKIE, csrf: CSRF_COOKIE } = ctx.config.cookieNames;
  app.addHook('onRequest', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    const userId = token ? await sessionUser(ctx.db, token) : null;
    req.principal = userId ? await loadPrincipal(ctx.db, userId) : null;
    reply.header('cache-control', 'no-store');
    const open = req.routeOptions.url === '/admin/login';
    if (!open && !req.principal) {
      if (req.method === 'GET') return reply.redirect(`/admin/login?next=${encodeURIComponent(req.url)}`, 303);
      throw new AppError('unauthenticated', '登录已过期，请重新登录');
    }
  });

  // after the body is parsed, where the form's token is (multipart forms carry it in the query)
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(req, reply, (err?: Error) => (err ? reject(err) : resolve())),
      );
  });

  app.get('/login', async (req, reply) => sendHtml(req, reply, LoginPage({ csrf: csrfToken(reply) })));

  app.post(
    '/login',
    { config: { rateLimit: { max: ctx.config.loginPerMinute, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const { username, password } = loginInput.parse(req.body ?? {});
      try {
        const { token } = await login(
          ctx.db,
          {
            maxFailures: ctx.config.loginMaxFailures,
            lockMinutes: ctx.config.loginLockMinutes,
            sessionHours: ctx.config.sessionHours,
          },
          username,
          password,
          req.ip,
        );
        reply.setCookie(SESSION_COOKIE, token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.config.secureCookies,
          maxAge: ctx.config.sessionHours * 3600,
        });
        // a new session gets a new CSRF secret: one planted or seen before the login is worth nothing after it
        reply.clearCookie(CSRF_COOKIE, { path: '/' });
        const next = (req.query as { next?: string }).next;
        return reply.redirect(typeof next === 'string' && /^\/admin(\/[^\s]*)?$/.test(next) ? next : '/admin', 303);
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        return sendHtml(req, reply, LoginPage({ csrf: csrfToken(reply), error: e.message, username }), e.status);
      }
    },
  );

  app.post('/logout', async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await logout(ctx.db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
    return reply.redirect('/admin/login', 303);
  });

  for (const routes of features) await routes(app, ctx);
}

/**
 * The site a staff member works on: their agency's site; a platform admin may choose any site
 * (remembered by the back office in a cookie), and otherwise works on the first.
 */
export async function workingSite(ctx: Ctx, p: Principal, chosenId?: number): Promise<Site> {
  const wanted = isPlatformAdmin(p) && chosenId ? chosenId : p.siteId;
  const site = wanted ? await ctx.sites.byId(wanted) : await ctx.sites.first();
  if (!site) throw notFound('站点不存在');
  return site;
}

/**
 * The site of an office page (sites, agencies, staff, columns, import): the working site, which the member must run
 * as its disclosure office or as a platform admin. The use cases behind these pages check again.
 */
export async function officeSite(ctx: Ctx, req: FastifyRequest): Promise<Site> {
  const p = staff(req);
  const site = await workingSite(ctx, p, chosenSite(req));
  requireSiteAdmin(actorOf(req), site.id);
  return site;
}
