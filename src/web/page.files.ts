import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../core/db.ts';
import { type Change, ChangeCursor, latestChange } from '../core/search.ts';
import type { SiteDirectory } from '../core/sites.ts';
import { isPublicPage, isRewrite, REWRITE_HEADER, REWRITE_TOKEN } from './page.cache.ts';
import { prefsOf, variantCookies, variantOf } from './request.ts';

/**
 * Public pages written out as files for nginx to send (the production set-up, deploy/nginx.conf.template), as
 * Chinese government CMSs publish static pages. A page is written the first time the application renders it for an
 * address without a query string: `<PAGES_DIR>/<host><path>/index.<variant>.html`, the variant chosen by the proxy
 * from the reader's cookies as `variantOf` names it. Every instance follows the change outbox (like the search feed)
 * and rewrites, within a second of a change, exactly the written pages that the change touches (the features say
 * which: `Touched`); a page no longer public is deleted. A change to a site itself (its columns, agencies, name)
 * deletes the site's pages, which are written again as they are asked for.
 *
 * Only host names of a site (`sites.hosts`) or of BASE_URL get files, so a forged Host header cannot fill the disk.
 * A file is replaced by renaming a complete one over it: nginx never sends half a page.
 */

/** Which portal paths of each site a batch of changes touches (`all`: every page of the site). */
export type TouchedPages = Map<number, Set<string> | 'all'>;
/** One feature's answer to which of its pages a batch of changes touches. */
export type Touched = (changes: Change[]) => TouchedPages | Promise<TouchedPages>;

/** The pages any of the features says a batch of changes touches. */
async function allTouched(features: Touched[], changes: Change[]): Promise<TouchedPages> {
  const all: TouchedPages = new Map();
  for (const touched of features)
    for (const [siteId, paths] of await touched(changes)) {
      const had = all.get(siteId);
      all.set(siteId, had === 'all' || paths === 'all' ? 'all' : new Set([...(had ?? []), ...paths]));
    }
  return all;
}

const FILE = /^index\.([a-z]+)\.html$/;
/** What a written page's address may be: the portal's paths, nothing that could climb out of the folder. */
const SAFE_PATH = /^\/[a-zA-Z0-9_/-]*$/;
const SAFE_HOST = /^[a-z0-9.-]{1,253}$/;
const BATCH = 5000;

export class PageFiles {
  private readonly position = new ChangeCursor();
  /** Bumped whenever pages are rewritten: a render that began before is not written over them. */
  private generation = 0;
  private readonly started = new WeakMap<FastifyRequest, number>();
  private app: FastifyInstance | null = null;
  private syncing: Promise<void> | null = null;
  /** Pages written and rewritten since start (for the logs and the tests). */
  written = 0;

  constructor(
    readonly dir: string,
    private readonly sites: SiteDirectory,
    /** Each feature's pages a change may touch. */
    private readonly touched: Touched[],
    private readonly baseHost: string | undefined,
    /** Resolves once the database pages are read from (a replica) has what was committed so far. */
    private readonly caughtUp: () => Promise<void> = async () => {},
  ) {}

  /**
   * Starts from the outbox's end with an empty folder: what was written before (by an earlier run, or before changes
   * it did not see) is written again as it is asked for.
   */
  async open(app: FastifyInstance, db: Db): Promise<void> {
    this.app = app;
    this.position.reset(await latestChange(db));
    await mkdir(this.dir, { recursive: true });
    for (const entry of await readdir(this.dir)) await rm(path.join(this.dir, entry), { recursive: true, force: true });
  }

  /** onRequest: notes which generation of the pages a render starts from. */
  readonly begin = async (req: FastifyRequest) => {
    this.started.set(req, this.generation);
  };

  /** onSend: writes a public page rendered for an address without a query string. */
  readonly store = async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (
      typeof payload === 'string' &&
      this.app &&
      !isRewrite(req) &&
      isPublicPage(req, reply, payload) &&
      String(reply.getHeader('content-type')).startsWith('text/html') &&
      // pages were rewritten while this one was rendered: it may be older than theirs
      this.started.get(req) === this.generation
    ) {
      const file = await this.fileOf(req.hostname, req.url, variantOf(prefsOf(req)));
      if (file) await this.write(file, payload).catch((e) => req.log.warn(`page file not written: ${e.message}`));
    }
    return payload;
  };

  /** Where a page of this host and address is written, or null when it is not one to write. */
  private async fileOf(host: string, url: string, variant: string): Promise<string | null> {
    const name = host.toLowerCase();
    if (url.includes('?') || url.includes('..') || url.includes('//') || !SAFE_PATH.test(url)) return null;
    if (!SAFE_HOST.test(name) || name.startsWith('.') || !(await this.knownHost(name))) return null;
    return path.join(this.dir, name, url, `index.${variant}.html`);
  }

  private async knownHost(host: string): Promise<boolean> {
    if (host === this.baseHost) return true;
    return (await this.sites.all()).some((s) => s.hosts.includes(host));
  }

  private async write(file: string, body: string) {
    await mkdir(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, body);
    await rename(temporary, file).catch(async (e) => {
      await unlink(temporary).catch(() => {});
      throw e;
    });
    this.written++;
  }

  /** Rewrites the written pages that the changes committed since the last sync touch. */
  sync(db: Db): Promise<void> {
    this.syncing ??= this.syncNow(db).finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async syncNow(db: Db): Promise<void> {
    if (!this.app) return;
    for (;;) {
      const { changes, top } = await this.position.read(db, BATCH);
      if (!changes.length) return;
      await this.caughtUp();
      for (const [siteId, paths] of await allTouched(this.touched, changes)) await this.rewriteSite(siteId, paths);
      this.position.seq = top;
    }
  }

  private async rewriteSite(siteId: number, paths: Set<string> | 'all') {
    const site = await this.sites.byId(siteId);
    if (!site) return;
    this.generation++;
    const hosts = await readdir(this.dir).catch(() => [] as string[]);
    for (const host of hosts) {
      // the site is reached under /s/<code>/ on any host, and at the root of its own hosts
      const bases = [`/s/${site.code}`, ...(site.hosts.includes(host) ? [''] : [])];
      for (const base of bases) {
        if (paths === 'all') {
          await this.removeSite(host, base);
          continue;
        }
        for (const p of paths) await this.rewritePage(host, base + (p === '/' && base ? '' : p));
      }
    }
  }

  /** Deletes every page of a site under a host (at its root: all but other sites' /s/ folders). */
  private async removeSite(host: string, base: string) {
    const folder = path.join(this.dir, host, base);
    if (base) return rm(folder, { recursive: true, force: true });
    for (const entry of await readdir(folder).catch(() => [] as string[]))
      if (entry !== 's') await rm(path.join(folder, entry), { recursive: true, force: true });
  }

  /** Renders again each written variant of a page; deletes those that are no longer a public page. */
  private async rewritePage(host: string, url: string) {
    const folder = path.join(this.dir, host, url);
    for (const entry of await readdir(folder).catch(() => [] as string[])) {
      const variant = FILE.exec(entry)?.[1];
      const cookie = variant ? variantCookies(variant) : undefined;
      if (!variant || !cookie) continue;
      const res = await this.app!.inject({
        method: 'GET',
        url: url || '/',
        headers: { host, cookie, [REWRITE_HEADER]: REWRITE_TOKEN },
      });
      const fresh = res.statusCode === 200 && String(res.headers['content-type']).startsWith('text/html');
      if (fresh) await this.write(path.join(folder, entry), res.body);
      else await unlink(path.join(folder, entry)).catch(() => {});
    }
  }
}
