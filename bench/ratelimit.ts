/**
 * Rate-limit counters: `npm run bench:ratelimit`. What one counted request costs in each instance's memory (the
 * plugin's own store) and in PostgreSQL (core/ratelimit.ts, an upsert on an unlogged table), one at a time and 50 at
 * once, on the PostgreSQL of this machine (TEST_DATABASE_URL). It is why the general per-client limit stays in memory
 * (and in nginx) and only the guarded routes count in the database.
 */
import { createRequire } from 'node:module';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import { hit } from '../src/core/ratelimit.ts';
import { freshDb } from '../test/support/db.ts';

const N = 20_000;
const LocalStore = createRequire(import.meta.url)('@fastify/rate-limit/store/LocalStore.js') as new (
  a: boolean,
  b: boolean,
  cache: number,
) => FastifyRateLimitStore;

async function timed(label: string, run: (i: number) => Promise<unknown>, concurrency: number) {
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < N) await run(next++);
    }),
  );
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${label.padEnd(44)} ${(N / s).toFixed(0).padStart(9)} hits/s  ${((s / N) * 1e6).toFixed(1).padStart(7)} µs/hit`,
  );
  return N / s;
}

const local = new LocalStore(false, false, 20_000);
const localHit = (i: number) =>
  new Promise((resolve) => local.incr(`10.0.${i % 250}.${i % 200}`, () => resolve(undefined), 60_000, 600));
const { db, close } = await freshDb('postgres');
try {
  console.log(`${N} counted requests from 1,000 clients`);
  const mem = await timed('in memory (each instance its own)', localHit, 1);
  const one = await timed(
    'PostgreSQL, one at a time',
    (i) => hit(db, `POST /apply|10.0.${i % 250}.${i % 200}`, 60_000),
    1,
  );
  const many = await timed(
    'PostgreSQL, 10 connections busy',
    (i) => hit(db, `POST /apply|10.0.${i % 250}.${i % 200}`, 60_000),
    10,
  );
  console.log(
    `\nPostgreSQL costs ${(mem / one).toFixed(0)}× memory one at a time; at ${many.toFixed(0)} hits/s it is a write per` +
      ' request: right for the guarded routes (a few per minute per client), not for every page view.',
  );
} finally {
  await close();
}
