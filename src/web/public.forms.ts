/**
 * What every public form a resident sends without an account shares (an application, a letter): pages that are never
 * kept and POSTs that carry the CSRF token, the form read with at most one bounded file, and the receipt — the
 * tracking number and query code — shown once after a redirect, so that a reload never sends the form again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Config, dataKey } from '../core/config.ts';
import { AppError, badInput } from '../core/errors.ts';
import { seal, unseal } from '../core/secrets.ts';
import { type RefusedForm, sendHtml } from './request.ts';

/** How long a field of a public form may be (the rest is cut: the schemas then say what is too long). */
const MAX_FIELD = 4000;
const RECEIPT_MINUTES = 30;

/** A scope of pages with personal data or forms: never kept by a cache, and every POST checked for its CSRF token. */
export function privateForms(app: FastifyInstance): void {
  app.addHook('preHandler', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (req.method === 'POST')
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(req, reply, (err?: Error) => (err ? reject(err) : resolve())),
      );
  });
}

export interface SentForm {
  fields: Record<string, string>;
  file: { name: string; data: Buffer } | null;
}

/** A public form's fields and at most one file (multipart, or a plain form without one), each bounded. */
export async function formWithFile(req: FastifyRequest, maxFileBytes: number, what: string): Promise<SentForm> {
  const fields: Record<string, string> = {};
  let file: SentForm['file'] = null;
  if (!req.isMultipart()) return { fields: { ...(req.body as Record<string, string>) }, file };
  for await (const part of req.parts({ limits: { fileSize: maxFileBytes + 1 } })) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      if (part.file.truncated || data.length > maxFileBytes)
        throw badInput(`${what}不能超过 ${maxFileBytes / 1048576} MB`);
      if (data.length) file = { name: part.filename || 'file', data };
    } else fields[part.fieldname] = String(part.value).slice(0, MAX_FIELD);
  }
  return { fields, file };
}

/** What a refused public form shows again: what was typed, without the captcha and the token. */
export function typedAgain<T>(fields: Record<string, T>): Record<string, T> {
  const { captcha: _answer, captchaToken: _token, _csrf, ...values } = fields;
  return values;
}

/**
 * The receipt of a sent form, sealed in a short-lived cookie between the POST and its page: the numbers never travel
 * in the address and are shown once (the page clears the cookie).
 */
export function sealedReceipt<T extends object>(config: Config, cookie: string) {
  return {
    give(reply: FastifyReply, value: T, now: Date): void {
      const sealed = seal(
        dataKey(config),
        JSON.stringify({ ...value, until: now.getTime() + RECEIPT_MINUTES * 60_000 }),
      );
      reply.setCookie(cookie, sealed, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.secureCookies,
        maxAge: RECEIPT_MINUTES * 60,
      });
    },
    /** The receipt, once: null when there is none, it is not this installation's, or it has expired. */
    take(req: FastifyRequest, reply: FastifyReply, now: Date): T | null {
      const sealed = req.cookies[cookie];
      reply.clearCookie(cookie, { path: '/' });
      if (!sealed) return null;
      try {
        const r = JSON.parse(unseal(dataKey(config), sealed)) as T & { until: number };
        return r.until < now.getTime() ? null : r;
      } catch {
        return null;
      }
    },
  };
}

/** A public form's captcha as it was answered. */
export interface CaptchaAnswer {
  token: string;
  answer: string;
}

/**
 * A public form that carries the captcha, posted to `path` (`perMinute` a minute from one address): the use case is
 * given what was sent and the captcha's answer; done, the form's own page says so (`?sent=1`); refused input, the
 * form again with what was typed and the messages.
 */
export function captchaForm(
  app: FastifyInstance,
  path: string,
  perMinute: number,
  run: (
    req: FastifyRequest,
    reply: FastifyReply,
    fields: Record<string, unknown>,
    captcha: CaptchaAnswer,
  ) => Promise<unknown>,
  form: (req: FastifyRequest, reply: FastifyReply, refused: RefusedForm) => Promise<string>,
): void {
  app.post(path, { config: { rateLimit: { max: perMinute, timeWindow: '1 minute' } } }, async (req, reply) => {
    const fields = (req.body ?? {}) as Record<string, unknown>;
    try {
      await run(req, reply, fields, { token: String(fields.captchaToken ?? ''), answer: String(fields.captcha ?? '') });
      return reply.redirect(`${req.url.split('?')[0]}?sent=1`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'bad_input') throw e;
      return sendHtml(
        req,
        reply,
        form(req, reply, { values: typedAgain(fields), errors: e.details ?? {}, message: e.message }),
        e.status,
      );
    }
  });
}
