import { createHash, randomBytes } from 'node:crypto';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { prefsOf, variantOf } from './request.ts';

/**
 * Public pages as rendered, kept for a few seconds per instance (a "micro-cache", as a proxy keeps one): under load
 * a page is rendered once per interval instead of once per request, and a change is seen everywhere within that
 * interval with nothing to invalidate across instances. Only what the portal answers 200 without a cookie, a cache
 * header of its own (forms and personal data say no-store) or a form token is kept; each variant (简/繁, elder mode,
 * text size) on its own. Bounded in bytes.
 */
interface Page {
  type: string;
  body: string;
  /** Its weak ETag, made once (the ETag plugin takes a tag already set instead of hashing the page again). */
  etag: string;
  /** The page compressed, each encoding made on its first request (compression would otherwise run on every hit). */
  zipped: Partial<Record<Encoding, Buffer>>;
}

type Encoding = 'br' | 'gzip';
const ENCODINGS: Encoding[] = ['br', 'gzip'];
const COMPRESS: Record<Encoding, (body: string) => Buffer> = {
  // the quality @fastify/compress uses for what it compresses itself
  br: (body) => brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } }),
  gzip: (body) => gzipSync(body),
};

/** The parts of the address that are never portal pages. */
const NOT_PORTAL = /^\/(admin|api|static|prefs)(\/|$)/;
const KEPT_TYPES = /^(text\/html|application\/atom\+xml|application\/xml|text\/xml)/;

/**
 * Marks the application's own requests that render a page again (web/page.files.ts): the cache and the file writer
 * leave them alone. The token is this process's, so nobody outside can send it.
 */
export const REWRITE_HEADER = 'x-gongkai-rewrite';
export const REWRITE_TOKEN = randomBytes(16).toString('hex');
export const isRewrite = (req: FastifyRequest) => req.headers[REWRITE_HEADER] === REWRITE_TOKEN;

export class PageCache {
  private readonly pages: LRUCache<string, Page>;

  /**
   * `maxBytes` bounds what is kept: pages past their few seconds are not swept (no timer per page) but stay until
   * pushed out, so the cache is always this full. 16 MB holds some 400 pages, more than a few seconds of traffic asks
   * for; with 64 MB the embedded server ran some 50 MB larger under the same load (bench/soak.ts --embedded).
   */
  constructor(seconds: number, maxBytes = 16 * 1024 * 1024) {
    this.pages = new LRUCache<string, Page>({
      ttl: seconds * 1000,
      maxSize: maxBytes,
      sizeCalculation: (p) => p.body.length * 2 + 200,
    });
  }

  /** The key of a request that may be answered from the cache, or null. */
  private keyOf(req: FastifyRequest): string | null {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_PORTAL.test(req.url)) return null;
    return `${req.host}${req.url}|${variantOf(prefsOf(req))}`;
  }

  /** onRequest: a kept page is sent as it was rendered (the ETag, compression and headers still apply). */
  readonly lookup = async (req: FastifyRequest, reply: FastifyReply) => {
    const key = isRewrite(req) ? null : this.keyOf(req);
    const page = key === null ? undefined : this.pages.get(key);
    if (!page) return;
    reply.header('content-type', page.type).header('etag', page.etag).header('x-page-cache', 'hit');
    const accepted = req.headers['accept-encoding'];
    const encoding = accepted ? (negotiate(accepted, ENCODINGS) as Encoding | null) : null;
    if (!encoding || page.body.length < 1024) return reply.send(page.body);
    page.zipped[encoding] ??= COMPRESS[encoding](page.body);
    return reply.header('content-encoding', encoding).send(page.zipped[encoding]);
  };

  /** onSend, before compression: keeps a public page as rendered. */
  readonly store = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (typeof payload === 'string' && isPublicPage(req, reply, payload)) {
      const key = this.keyOf(req);
      if (key !== null) {
        const etag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
        reply.header('etag', etag);
        this.pages.set(key, { type: String(reply.getHeader('content-type')), body: payload, etag, zipped: {} });
      }
    }
    return payload;
  };
}

/**
 * Whether a response is a public page that anyone asking for the same address and variant gets alike (so it may be
 * kept or written out): a portal page answered 200 to a GET, fresh (not itself from the cache), without a cookie, a
 * cache header of its own (forms and personal data say no-store) or a form token.
 */
export function isPublicPage(req: FastifyRequest, reply: FastifyReply, payload: string): boolean {
  return (
    req.method === 'GET' &&
    !!req.site &&
    reply.statusCode === 200 &&
    !reply.hasHeader('x-page-cache') &&
    !reply.hasHeader('cache-control') &&
    !reply.hasHeader('set-cookie') &&
    KEPT_TYPES.test(String(reply.getHeader('content-type') ?? '')) &&
    !payload.includes('name="_csrf"')
  );
}
