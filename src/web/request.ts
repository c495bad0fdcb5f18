import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import '@fastify/csrf-protection';
import type { Actor, Principal } from '../core/access.ts';
import type { Site } from '../core/db.types.ts';
import { AppError, notFound } from '../core/errors.ts';
import { hant } from '../core/text.ts';
import { id } from '../core/validate.ts';

export interface Prefs {
  hant: boolean;
  elder: boolean;
  /** The reader's text size on document pages: 大 / 中 / 小. */
  size: 'large' | 'medium' | 'small';
}

const SIZES = ['large', 'medium', 'small'] as const;

/** The name of a page's variant for these preferences (`s`/`t` script, `e` elder mode, the size): `smedium`, `telarge`. */
export const variantOf = (p: Prefs) => `${p.hant ? 't' : 's'}${p.elder ? 'e' : ''}${p.size}`;

const VARIANT = /^([st])(e?)(large|medium|small)$/;

/** The cookies that ask for a variant, as a Cookie header; undefined for a name that is not one. */
export function variantCookies(variant: string): string | undefined {
  const m = VARIANT.exec(variant);
  if (!m) return undefined;
  return `gk_script=${m[1] === 't' ? 'hant' : 'hans'}; gk_elder=${m[2] ? '1' : '0'}; gk_size=${m[3]}`;
}

declare module 'fastify' {
  interface FastifyRequest {
    site: Site;
    /** '' on a site's own host, '/s/<code>' on the path-prefix fallback. */
    base: string;
    principal: Principal | null;
  }
}

export function prefsOf(req: FastifyRequest): Prefs {
  const size = SIZES.find((s) => s === req.cookies.gk_size) ?? 'medium';
  return { hant: req.cookies.gk_script === 'hant', elder: req.cookies.gk_elder === '1', size };
}

const KEEP = /(<!--keep-->[\s\S]*?<!--\/keep-->)/;

/** Converts a page to traditional characters, except regions marked <!--keep-->…<!--/keep--> (the 简体 switch). */
export const toTraditional = (page: string) =>
  page
    .split(KEEP)
    .map((part) => (part.startsWith('<!--keep-->') ? part : hant(part)))
    .join('');

/** Sends a rendered page, in traditional characters when the reader chose 繁体. */
export async function sendHtml(req: FastifyRequest, reply: FastifyReply, html: string | Promise<string>, status = 200) {
  const page = await html;
  reply.status(status).type('text/html; charset=utf-8');
  return reply.send(prefsOf(req).hant ? toTraditional(page) : page);
}

/** The origin for absolute links (feeds, sitemap, QR codes). */
export function originOf(req: FastifyRequest, configured?: string): string {
  return configured ?? `${req.protocol}://${req.host}`;
}

/** A local path to go back to: anything else (other hosts, schemes, //) becomes '/'. */
export function safeBack(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[^\s]*$/.test(v) && v.length < 2000 ? v : '/';
}

export const actorOf = (req: FastifyRequest): Actor => ({ principal: req.principal, ip: req.ip });

/** The signed-in staff member, or 401. */
export function staff(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthenticated', '请先登录');
  return req.principal;
}

export const csrfToken = (reply: FastifyReply) => reply.generateCsrf();

/** The site a platform admin chose to manage in the back office (a cookie; others work on their own site). */
export const ADMIN_SITE_COOKIE = 'gk_admin_site';
export const chosenSite = (req: FastifyRequest): number | undefined =>
  Number(req.cookies[ADMIN_SITE_COOKIE]) || undefined;

/** What a refused form shows again: what was typed, the message per field and for the page. */
export interface RefusedForm {
  values: Record<string, unknown>;
  errors: Record<string, string>;
  message: string;
}

/**
 * Runs a form's use case and redirects to where it says; refused input (400, 409) shows the form
 * again with what was typed and the messages, with the error's status.
 */
export async function submitForm(
  req: FastifyRequest,
  reply: FastifyReply,
  run: () => Promise<string>,
  again: (refused: RefusedForm) => Promise<string> | string,
) {
  try {
    return reply.redirect(await run(), 303);
  } catch (e) {
    if (!(e instanceof AppError) || (e.code !== 'bad_input' && e.code !== 'conflict')) throw e;
    const values = (req.body ?? {}) as Record<string, unknown>;
    return sendHtml(req, reply, again({ values, errors: e.details ?? {}, message: e.message }), e.status);
  }
}

/**
 * The steps of a back-office record as `POST <path>/:id/:action`, each a use case by name: an unknown step is a 404;
 * refused input shows the record's page again with that step's form and message; done, back to the page with
 * `?done=<step>` (and the step's anchor on it).
 */
export function stepRoutes(
  app: FastifyInstance,
  path: string,
  what: string,
  steps: Record<string, (recordId: number, req: FastifyRequest) => Promise<unknown>>,
  page: (req: FastifyRequest, reply: FastifyReply, refused: RefusedForm & { form: string }) => Promise<string>,
  anchors: Record<string, string> = {},
): void {
  app.post(`${path}/:id/:action`, async (req, reply) => {
    staff(req);
    const recordId = idParam(req, what);
    const action = (req.params as { action: string }).action;
    if (!Object.hasOwn(steps, action)) throw notFound('没有这项操作');
    return submitForm(
      req,
      reply,
      async () => {
        await steps[action](recordId, req);
        return `/admin${path}/${recordId}?done=${action}${anchors[action] ?? ''}`;
      },
      (refused) => page(req, reply, { ...refused, form: action }),
    );
  });
}

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A download: its type, and a file name in any script (RFC 6266's UTF-8 form); never sniffed as something else. */
export const attachment = (reply: FastifyReply, type: string, filename: string) =>
  reply
    .type(type)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('x-content-type-options', 'nosniff');

/** Types a browser shows itself; everything else is downloaded. */
const SHOWN_INLINE = /^(application\/pdf|image\/(png|jpeg|gif|webp))$/;

/**
 * A file to open in the browser when it can show it (PDF, pictures), else a download; it may run nothing and load
 * nothing but itself.
 */
export function openedFile(reply: FastifyReply, type: string, filename: string) {
  if (!SHOWN_INLINE.test(type)) return attachment(reply, type, filename);
  return reply
    .type(type)
    .header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(filename)}`)
    .header('x-content-type-options', 'nosniff')
    .header(
      'content-security-policy',
      "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'",
    );
}

/**
 * The message for `?done=<step>` after a form's redirect: a step the page knows, never a key every object has
 * (`?done=constructor` would otherwise be a function).
 */
export function doneMessage(req: FastifyRequest, messages: Record<string, string>): string | undefined {
  const done = (req.query as { done?: unknown }).done;
  return typeof done === 'string' && Object.hasOwn(messages, done) ? messages[done] : undefined;
}

/** The `:id` of the route, or 404 "<what>不存在". */
export function idParam(req: FastifyRequest, what: string): number {
  const r = id.safeParse((req.params as { id?: unknown }).id);
  if (!r.success) throw notFound(`${what}不存在`);
  return r.data;
}
