import { createHash, randomBytes } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
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
  /** Its weak ETag, made once (the ETag plugin takes a tag already set instead of hashing the page again). */
  etag: string;
  /** Its headers for a 304 (the cache and security headers, its type and tag). */
  head: OutgoingHttpHeaders;
  /**
   * The page as sent, uncompressed and in each encoding, with its headers: each made on its first request
   * (compression would otherwise run on every hit).
   */
  sent: { identity: Sent } & Partial<Record<Encoding, Sent>>;
}

interface Sent {
  body: Buffer;
  head: OutgoingHttpHeaders;
}

type Encoding = 'br' | 'gzip';
const ENCODINGS: Encoding[] = ['br', 'gzip'];
const COMPRESS: Record<Encoding, (body: Buffer) => Buffer> = {
  // the quality @fastify/compress uses for what it compresses itself
  br: (body) => brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } }),
  gzip: (body) => gzipSync(body),
};

/** The parts of the address that are never portal pages. */
const NOT_PORTAL = /^\/(admin|api|static|prefs)(\/|$)/;
const KEPT_TYPES = /^(text\/html|application\/atom\+xml|application\/xml|text\/xml)/;

/**
 * What browsers and proxies are told of a public page: they may keep it a minute, each variant (繁體, elder mode) by
 * its cookie; pages with personal data or forms say no-store themselves.
 */
export const PUBLIC_CACHE_HEADERS = { 'cache-control': 'public, max-age=60', vary: 'Cookie, Accept-Encoding' };

/** Whether an If-None-Match header names this (weak) tag. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.slice(2);
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === bare;
  });
}

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
   * `admits` counts a request that a kept page would answer against the client's limit, as any other request is
   * counted (the rate limit's own hook comes with the route, after this one); `securityHeaders` are the headers every
   * page is sent with, which a kept page is sent with without the hooks that set them.
   * `maxBytes` bounds what is kept: pages past their few seconds are not swept (no timer per page) but stay until
   * pushed out, so the cache is always this full. 16 MB holds some 400 pages, more than a few seconds of traffic asks
   * for; with 64 MB the embedded server ran some 50 MB larger under the same load (bench/soak.ts --embedded).
   */
  constructor(
    seconds: number,
    private readonly admits: (req: FastifyRequest) => Promise<boolean>,
    private readonly securityHeaders: OutgoingHttpHeaders,
    maxBytes = 16 * 1024 * 1024,
  ) {
    this.pages = new LRUCache<string, Page>({
      ttl: seconds * 1000,
      maxSize: maxBytes,
      sizeCalculation: (p) => p.sent.identity.body.length + (p.sent.br?.body.length ?? 0) + 1000,
    });
  }

  /** The key of a request that may be answered from the cache, or null. */
  private keyOf(req: FastifyRequest): string | null {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_PORTAL.test(req.url)) return null;
    return `${req.host}${req.url}|${variantOf(prefsOf(req))}`;
  }

  /**
   * onRequest, first of all but the cookies (a variant is chosen by them) and once the client is counted within its
   * limit: a kept page is written straight to the socket as it was rendered — with its ETag (a 304 when the browser
   * has it), compressed once per encoding, with the security and public cache headers — without the rest of the
   * reply's lifecycle, which on a kept page would only do again what was done when it was rendered.
   */
  readonly lookup = async (req: FastifyRequest, reply: FastifyReply) => {
    const key = isRewrite(req) ? null : this.keyOf(req);
    const page = key === null ? undefined : this.pages.get(key);
    if (!page || !(await this.admits(req))) return;
    reply.hijack();
    if (matches(req.headers['if-none-match'], page.etag)) reply.raw.writeHead(304, page.head).end();
    else {
      const sent = this.sentOf(page, req.headers['accept-encoding']);
      reply.raw.writeHead(200, sent.head).end(req.method === 'HEAD' ? undefined : sent.body);
    }
    return reply;
  };

  /** The page in the encoding the client takes (made on first use). */
  private sentOf(page: Page, accepted: string | undefined): Sent {
    const plain = page.sent.identity;
    const encoding = accepted && plain.body.length >= 1024 ? (negotiate(accepted, ENCODINGS) as Encoding | null) : null;
    if (!encoding) return plain;
    page.sent[encoding] ??= this.sent(page.head, COMPRESS[encoding](plain.body), encoding);
    return page.sent[encoding];
  }

  private sent(head: OutgoingHttpHeaders, body: Buffer, encoding?: Encoding): Sent {
    return {
      body,
      head: { ...head, 'content-length': body.length, ...(encoding ? { 'content-encoding': encoding } : {}) },
    };
  }

  /** onSend, before compression: keeps a public page as rendered. */
  readonly store = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (typeof payload === 'string' && isPublicPage(req, reply, payload)) {
      const key = this.keyOf(req);
      if (key !== null) {
        const etag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
        reply.header('etag', etag);
        const head = {
          ...this.securityHeaders,
          ...PUBLIC_CACHE_HEADERS,
          'content-type': String(reply.getHeader('content-type')),
          etag,
          'x-page-cache': 'hit',
        };
        this.pages.set(key, { etag, head, sent: { identity: this.sent(head, Buffer.from(payload)) } });
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
