import { createRequire } from 'node:module';
import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit';
import { sql } from 'kysely';
import type { Db } from './db.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/** The plugin's own in-memory store (it has no typings of its own). */
const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  cache?: number,
) => FastifyRateLimitStore;

/**
 * Rate-limit counters in PostgreSQL, shared by every instance (a guarded route's limit is then the same whichever
 * instance a request reaches): one upsert per request on an unlogged table. Used for the routes that guard against
 * guessing and flooding (login, applications, the status page); the general per-client limit stays in each
 * instance's memory and in nginx's `limit_req`, because a write per page view would cost more than the page
 * (measured: bench/ratelimit.ts).
 */
/** Clients whose general count each instance keeps (the least recent forgotten). */
const CLIENTS_KEPT = 20_000;

export function sharedRateStore(db: Db) {
  /** A guarded route's counters, in the database. */
  class RouteStore implements FastifyRateLimitStore {
    constructor(private readonly route: string) {}
    incr(key: string, callback: Callback, timeWindow: number): void {
      hit(db, `${this.route}|${key}`, timeWindow).then(
        (r) => callback(null, r),
        (e) => callback(e as Error),
      );
    }
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  /** The general limit, in this instance's memory; each guarded route's, shared. */
  return class SharedRateStore implements FastifyRateLimitStore {
    private readonly local: FastifyRateLimitStore;
    constructor(_options: FastifyRateLimitOptions) {
      this.local = new LocalStore(false, false, CLIENTS_KEPT);
    }
    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      this.local.incr(key, callback, timeWindow, max);
    }
    child(routeOptions: {
      path?: string;
      url?: string;
      method?: unknown;
      routeInfo?: { method?: unknown; url?: string };
    }) {
      const info = routeOptions.routeInfo ?? routeOptions;
      return new RouteStore(`${String(info.method)} ${info.url ?? routeOptions.path}`);
    }
  };
}

/** Counts a hit of `key` in its window (a new window when the last is over); the hits so far and the ms left. */
export async function hit(db: Db, key: string, windowMs: number): Promise<{ current: number; ttl: number }> {
  const r = await sql<{ hits: number; ttl: number }>`
    insert into rate_limits as r (key, hits, reset_at)
    values (${key.slice(0, 500)}, 1, now() + make_interval(secs => ${windowMs / 1000}))
    on conflict (key) do update set
      hits = case when r.reset_at <= now() then 1 else r.hits + 1 end,
      reset_at = case when r.reset_at <= now() then excluded.reset_at else r.reset_at end
    returning hits, (extract(epoch from reset_at - now()) * 1000)::int as ttl`.execute(db);
  return { current: r.rows[0].hits, ttl: Math.max(0, r.rows[0].ttl) };
}

/** Deletes the counters whose window is over. */
export async function pruneRateLimits(db: Db): Promise<void> {
  await db.deleteFrom('rate_limits').where('reset_at', '<', sql<Date>`now()`).execute();
}
