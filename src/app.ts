import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import etag from '@fastify/etag';
import formbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from 'helmet';
import { ZodError } from 'zod';
import { sessionSecret } from './core/config.ts';
import type { Ctx } from './core/context.ts';
import { readCaughtUp } from './core/db.ts';
import type { Site } from './core/db.types.ts';
import { AppError, badInput, databaseAway, isDatabaseAway } from './core/errors.ts';
import { sharedRateStore } from './core/ratelimit.ts';
import { backupRoutes } from './features/admin/admin.backups.routes.ts';
import { adminManageRoutes } from './features/admin/admin.manage.routes.ts';
import { catalogApiRoutes } from './features/catalog/catalog.api.ts';
import { pagesTouched, portalNav } from './features/catalog/catalog.portal.service.ts';
import { portalRoutes } from './features/catalog/catalog.routes.ts';
import { catalogStaffRoutes } from './features/catalog/catalog.staff.routes.ts';
import { importRoutes } from './features/imports/imports.routes.ts';
import { consultationAdminRoutes } from './features/interaction/interaction.consultations.admin.routes.ts';
import { consultationPortalRoutes } from './features/interaction/interaction.consultations.routes.ts';
import { consultationPagesTouched } from './features/interaction/interaction.consultations.service.ts';
import { faqAdminRoutes } from './features/interaction/interaction.faq.admin.routes.ts';
import { faqPortalRoutes } from './features/interaction/interaction.faq.routes.ts';
import { faqPagesTouched } from './features/interaction/interaction.faq.service.ts';
import { interviewAdminRoutes } from './features/interaction/interaction.interviews.admin.routes.ts';
import { interviewPortalRoutes } from './features/interaction/interaction.interviews.routes.ts';
import { interviewPagesTouched } from './features/interaction/interaction.interviews.service.ts';
import { letterAdminRoutes } from './features/interaction/interaction.letters.admin.routes.ts';
import { interactionPortalRoutes } from './features/interaction/interaction.letters.routes.ts';
import { letterPagesTouched } from './features/interaction/interaction.letters.service.ts';
import { mailboxAdminRoutes } from './features/interaction/interaction.mailboxes.admin.routes.ts';
import { surveyAdminRoutes } from './features/interaction/interaction.surveys.admin.routes.ts';
import { surveyPortalRoutes } from './features/interaction/interaction.surveys.routes.ts';
import { surveyPagesTouched } from './features/interaction/interaction.surveys.service.ts';
import { reportApiRoutes } from './features/reports/reports.api.ts';
import { reportRoutes } from './features/reports/reports.routes.ts';
import { requestAdminRoutes } from './features/requests/requests.admin.routes.ts';
import { requestApiRoutes } from './features/requests/requests.api.ts';
import { requestPortalRoutes } from './features/requests/requests.routes.ts';
import { searchAdminRoutes } from './features/search/search.admin.tsx';
import { searchApiRoutes, searchRoutes } from './features/search/search.routes.ts';
import { apiShell } from './web/api.ts';
import { editorBundle } from './web/editor.bundle.ts';
import { ErrorPage } from './web/layout.tsx';
import { STATIC_DIR } from './web/nginx.ts';
import { PageCache } from './web/page.cache.ts';
import { PageFiles } from './web/page.files.ts';
import { pageCtx, portalShell } from './web/portal.ts';
import { safeBack, sendHtml } from './web/request.ts';
import { staffShell } from './web/staff.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The routes of the app (method and address pattern), in the order they were registered. */
    routeTable: { method: string; url: string }[];
    /** Public pages written as files for the proxy (PAGES_DIR), kept up to date by `sync`; null without. */
    pageFiles: PageFiles | null;
  }
}

/**
 * Which X-Forwarded-For hops to believe: the listed proxies' addresses, or the first `n` hops (Fastify's own number
 * option trusts none). Never every client: a forged header would pass rate limits and reach the audit log.
 */
function trustedProxies(
  setting: false | number | string[],
): false | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_addr, hop) => hop < setting;
  return setting;
}

/**
 * Input a route parsed with a schema of its own and found wrong (an address's parameter repeated or too long):
 * 400, in the schema's Chinese message where it has one.
 */
function refusedInput(e: ZodError): AppError {
  const said = e.issues.map((i) => i.message).find((m) => /\p{Script=Han}/u.test(m));
  return badInput(said ?? '请求参数有误，请检查后重试');
}

/** Whether a parsed input holds a NUL character anywhere (bounded depth: bodies are small). */
function hasNul(v: unknown, depth = 0): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (!v || typeof v !== 'object' || depth > 6 || Buffer.isBuffer(v)) return false;
  return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x, depth + 1));
}

/** Removes NUL characters from a query string's values, in place. */
function withoutNul(query: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(query))
    if (typeof v === 'string') query[k] = v.replaceAll('\u0000', '');
    else if (Array.isArray(v)) query[k] = v.map((x) => (typeof x === 'string' ? x.replaceAll('\u0000', '') : x));
}

/** What busboy and the multipart plugin say of a form cut short or without its boundary. */
const MULTIPART_BROKEN = /Boundary not found|Unexpected end of (form|multipart)|Malformed part header|Multipart: /i;

/** Messages for errors that Fastify and its plugins raise before our code runs. */
function frameworkMessage(e: FastifyError): { status: number; message: string } {
  const status = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
  if (e.code === 'FST_CSRF_INVALID_TOKEN' || e.code === 'FST_CSRF_MISSING_SECRET')
    return { status: 403, message: '页面已过期或来源无效，请刷新页面后重新提交' };
  if (
    status === 413 ||
    e.code === 'FST_REQ_FILE_TOO_LARGE' ||
    e.code === 'FST_FILES_LIMIT' ||
    e.code === 'FST_PARTS_LIMIT'
  )
    return { status: 413, message: '提交的内容或文件过大' };
  if (status === 415) return { status, message: '不支持的提交格式' };
  if (e.code === 'FST_ERR_BAD_URL') return { status: 400, message: '网页地址有误' };
  if (e.code === 'FST_ERR_MAX_PARAM_LENGTH' || status === 414) return { status: 414, message: '网页地址过长' };
  if (MULTIPART_BROKEN.test(e.message ?? '')) return { status: 400, message: '上传的表单不完整或格式有误，请重新提交' };
  // text PostgreSQL cannot hold (a NUL byte the boundary missed): the input's fault, not the server's
  if (e.code === '22021' || e.code === '22P05') return { status: 400, message: '提交的内容含有无效字符' };
  if (status === 429) return { status, message: '请求过于频繁，请稍后再试' };
  if (status === 404) return { status, message: '页面不存在' };
  if (status >= 400 && status < 500) return { status, message: '请求格式有误，请检查后重新提交' };
  return { status, message: '服务器内部错误，请稍后再试' };
}

/** The security headers of every response (helmet's, with the portal's content policy). */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'https:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'"],
      frameAncestors: ["'self'"],
      formAction: ["'self'"],
      upgradeInsecureRequests: null,
    },
  },
};
/** The same headers for responses made before any hook runs (a malformed address). */
const setSecurityHeaders = helmet(SECURITY_HEADERS);

/** A request refused before routing (an address that is not valid UTF-8, a parameter too long): Chinese, with headers. */
function refuseEarly(e: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const { status, message } = frameworkMessage(e);
  setSecurityHeaders(req.raw, reply.raw, () => {
    if (req.url.startsWith('/api/')) reply.status(status).send({ error: 'request_error', message });
    else
      reply
        .status(status)
        .type('text/html; charset=utf-8')
        .send(ErrorPage({ ctx: null, status, message }) as string);
  });
}

/** The security headers of a page, as name and value (for nginx's configuration and answers written to the socket). */
export const SECURITY_HEADER_LIST: [string, string][] = (() => {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (k: string, v: string | string[]) => headers.set(k, String(v)),
    removeHeader: (k: string) => headers.delete(k),
    getHeader: (k: string) => headers.get(k),
  };
  setSecurityHeaders({} as IncomingMessage, res as unknown as ServerResponse, () => {});
  return [...headers];
})();

/** The security headers as a block of raw HTTP header lines (for answers written straight to the socket). */
const rawSecurityHeaders = SECURITY_HEADER_LIST.map(([k, v]) => `${k}: ${v}\r\n`).join('');

/**
 * A request Node refuses before Fastify sees it (headers too large, a request line that is not HTTP, a timeout):
 * a Chinese page with the security headers, written to the socket, instead of Node's bare status line.
 */
function refuseMalformed(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', '请求头过大，请清除本站的 Cookie 后重试']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', '请求超时，请重试']
        : [400, 'Bad Request', '请求格式有误'];
  const body = ErrorPage({ ctx: null, status, message }) as string;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${rawSecurityHeaders}Connection: close\r\n\r\n${body}`,
  );
}

export async function buildApp(ctx: Ctx): Promise<FastifyInstance> {
  const app = Fastify({
    frameworkErrors: refuseEarly,
    clientErrorHandler: refuseMalformed,
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    trustProxy: trustedProxies(ctx.config.trustProxy),
    bodyLimit: 3 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });

  // every route, as registered: for the route-wide hostile-input test and for anyone listing the endpoints
  const routeTable: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: r.url });
  });
  app.decorate('routeTable', routeTable);
  await app.register(cookie, { secret: sessionSecret(ctx.config) });
  // with PostgreSQL (several instances) the guarded routes count in the database, shared (core/ratelimit.ts); a
  // database that does not answer does not turn away the request (the route itself then answers 503). Each route
  // counts in a hook of its own, after those of the app.
  await app.register(rateLimit, {
    max: ctx.config.requestsPerMinute,
    timeWindow: '1 minute',
    ...(ctx.config.databaseUrl ? { store: sharedRateStore(ctx.db), skipOnError: true } : {}),
  });
  // public pages are kept as rendered for a few seconds (web/page.cache.ts): looked up before anything else is done
  // for a request (a client over its limit is not answered from it: the rate limit's hook then refuses it), stored
  // before the ETag and compression see them
  let pages: PageCache | null = null;
  if (ctx.config.pageCacheSeconds > 0) {
    const clientLimit = app.createRateLimit();
    pages = new PageCache(
      ctx.config.pageCacheSeconds,
      async (req) => {
        const limit = await clientLimit(req);
        return limit.isAllowed || !limit.isExceeded;
      },
      Object.fromEntries(SECURITY_HEADER_LIST),
    );
    app.addHook('onRequest', pages.lookup);
    app.addHook('onSend', pages.store);
  }
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: ctx.config.cookieNames.csrf,
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', path: '/', secure: ctx.config.secureCookies },
    // forms carry the token in a field; multipart forms (parsed only in the handler) in the query
    getToken: (req) =>
      (req.body as { _csrf?: string } | undefined)?._csrf ??
      (req.query as { _csrf?: string })._csrf ??
      (req.headers['x-csrf-token'] as string | undefined),
  });
  await app.register(formbody, { bodyLimit: 3 * 1024 * 1024 });
  await app.register(multipart, {
    limits: { fileSize: ctx.config.maxUploadBytes, files: 1, fields: 60, fieldSize: 3 * 1024 * 1024, parts: 70 },
  });
  await app.register(fastifyHelmet, SECURITY_HEADERS);
  // in production the same pages are written as files for nginx (web/page.files.ts)
  const files = ctx.config.pagesDir
    ? new PageFiles(
        ctx.config.pagesDir,
        ctx.sites,
        [
          (changes) => pagesTouched(ctx, changes),
          letterPagesTouched,
          faqPagesTouched,
          consultationPagesTouched,
          surveyPagesTouched,
          interviewPagesTouched,
        ],
        ctx.config.baseUrl ? new URL(ctx.config.baseUrl).hostname : undefined,
        () => readCaughtUp(ctx.db, ctx.read),
      )
    : null;
  app.decorate('pageFiles', files);
  if (files) {
    app.addHook('onRequest', files.begin);
    app.addHook('onSend', files.store);
  }
  // a weak ETag of each page as rendered (a reload that changed nothing is a 304), then compression: in that order,
  // so the tag is of the page and not of one encoding of it
  await app.register(etag, { weak: true });
  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip', 'deflate'] });
  // the back office's editor, bundled from the installed packages on first use (web/editor.bundle.ts)
  app.get('/static/editor.js', async (req, reply) => {
    const { code, etag } = await editorBundle();
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type('text/javascript; charset=utf-8').send(code);
  });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', maxAge: '1d' });

  // text with a NUL byte can never be stored (PostgreSQL refuses it): a form or an address holding one is refused
  // at the boundary, for every route; a query string (a search, a filter) only loses it
  app.addHook('preValidation', async (req) => {
    if (req.query && typeof req.query === 'object') withoutNul(req.query as Record<string, unknown>);
    if (hasNul(req.params) || hasNul(req.body)) throw badInput('提交的内容含有无效字符（空字符）');
  });
  app.decorateRequest('site', null as unknown as Site);
  app.decorateRequest('base', '');
  app.decorateRequest('principal', null);

  app.setErrorHandler(async (thrown: FastifyError | AppError, req, reply) => {
    // the database away (restarting, failing over, hung) is an everyday event: 503, try again shortly
    const away = isDatabaseAway(thrown);
    const err = away ? databaseAway() : thrown instanceof ZodError ? refusedInput(thrown) : thrown;
    const known = err instanceof AppError;
    const { status, message } = known
      ? { status: err.status, message: err.message }
      : frameworkMessage(err as FastifyError);
    if (away) {
      req.log.warn(`database unavailable: ${(thrown as Error).message}`);
      reply.header('retry-after', '10');
    } else if (status >= 500) req.log.error(err);
    if (req.url.startsWith('/api/'))
      return reply.status(status).send({
        error: known ? err.code : 'request_error',
        message,
        ...(known && err.details ? { details: err.details } : {}),
      });
    // the page frame reads the site's navigation: not while the database is away
    const ctx2 = req.site && !away ? await pageCtx(req, '/').catch(() => null) : null;
    return sendHtml(req, reply, ErrorPage({ ctx: ctx2, status, message }), status);
  });

  app.setNotFoundHandler(async (req, reply) => {
    if (req.url.startsWith('/api/')) return reply.status(404).send({ error: 'not_found', message: '接口不存在' });
    return sendHtml(req, reply, ErrorPage({ ctx: null, status: 404, message: '您访问的页面不存在或已被删除' }), 404);
  });

  // 简/繁, the elder mode and the text size are cookies set by plain links, so they work without JavaScript.
  app.get('/prefs/:name/:value', async (req, reply) => {
    const { name, value } = req.params as { name: string; value: string };
    const opts2 = {
      path: '/',
      maxAge: 365 * 86400,
      sameSite: 'lax' as const,
      httpOnly: true,
      secure: ctx.config.secureCookies,
    };
    if (name === 'script' && (value === 'hant' || value === 'hans')) reply.setCookie('gk_script', value, opts2);
    else if (name === 'elder' && (value === 'on' || value === 'off'))
      reply.setCookie('gk_elder', value === 'on' ? '1' : '0', opts2);
    else if (name === 'size' && (value === 'large' || value === 'medium' || value === 'small'))
      reply.setCookie('gk_size', value, opts2);
    else throw new AppError('not_found', '无此设置');
    return reply.redirect(safeBack((req.query as { back?: unknown }).back), 303);
  });

  await portalShell(app, ctx, (siteId) => portalNav(ctx, siteId), [
    portalRoutes,
    searchRoutes,
    requestPortalRoutes,
    interactionPortalRoutes,
    faqPortalRoutes,
    consultationPortalRoutes,
    surveyPortalRoutes,
    interviewPortalRoutes,
  ]);
  await app.register(
    async (scope) =>
      staffShell(scope, ctx, [
        catalogStaffRoutes,
        adminManageRoutes,
        searchAdminRoutes,
        importRoutes,
        requestAdminRoutes,
        reportRoutes,
        letterAdminRoutes,
        faqAdminRoutes,
        consultationAdminRoutes,
        surveyAdminRoutes,
        interviewAdminRoutes,
        mailboxAdminRoutes,
        backupRoutes,
      ]),
    { prefix: '/admin' },
  );
  await app.register(
    async (scope) => apiShell(scope, ctx, [searchApiRoutes, catalogApiRoutes, requestApiRoutes, reportApiRoutes]),
    { prefix: '/api' },
  );
  return app;
}
