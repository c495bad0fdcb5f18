/**
 * Live interview benchmark: `npm run bench:live [-- --clients 500] [--posts 20]`.
 *
 * Connects `--clients` readers to an interview's live stream (server-sent events, as the page's script does), then
 * publishes `--posts` posts one every half second through the service, as the host's form does, and measures for each
 * reader how long each post took from the start of its publication to its arrival: p50, p95 and the worst, against
 * the target of 1 s at p95. Twice: the embedded default (PGlite, one instance), and two instances on PostgreSQL with
 * the readers split between them and the posts written through neither (every instance follows the database).
 * Readers connect from many loopback addresses (an address may hold 20 streams).
 */
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { addDays, shanghaiDate } from '../src/core/calendar.ts';
import type { Ctx } from '../src/core/context.ts';
import {
  endInterview,
  postToStream,
  publishInterview,
  saveInterview,
  startInterview,
} from '../src/features/interaction/interaction.interviews.service.ts';
import { freshDb, testConfig, testCtx } from '../test/support/db.ts';
import { demoFixture } from '../test/support/fixture.ts';
import { SseReader } from '../test/support/sse.ts';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '500' },
    posts: { type: 'string', default: '20' },
  },
});
const CLIENTS = Number(args.clients);
const POSTS = Number(args.posts);
const TARGET_MS = 1000;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function run(label: string, kind: 'pglite' | 'postgres', instances: number) {
  const d = await freshDb(kind);
  const env = {
    REQUESTS_PER_MINUTE: '100000000',
    LOGIN_PER_MINUTE: '100000',
    ...(kind === 'postgres' ? { DATABASE_URL: 'postgres://shared' } : {}),
  };
  const ctx: Ctx = testCtx(d.db, testConfig(env));
  const f = await demoFixture(ctx, 4);
  const apps: FastifyInstance[] = [];
  const bases: string[] = [];
  for (let i = 0; i < instances; i++) {
    const app = await buildApp(i === 0 ? ctx : testCtx(d.db, testConfig(env)));
    apps.push(app);
    bases.push(await app.listen({ host: '0.0.0.0', port: 0 }).then((u) => u.replace('0.0.0.0', '127.0.0.1')));
  }
  const office = await f.actor('office');
  const day = addDays(shanghaiDate(ctx.now()), 1);
  const id = await saveInterview(ctx, office, f.siteId, null, {
    agencyId: String(f.agencies[3].id),
    title: '直播压力测试',
    startsAt: `${day}T09:00`,
    endsAt: `${day}T10:00`,
    guests: '王明｜县教育局局长',
  });
  await publishInterview(ctx, office, id);
  await startInterview(ctx, office, id);

  const readers = Array.from(
    { length: CLIENTS },
    (_, i) =>
      new SseReader(
        `${bases[i % instances]}/s/demo/interviews/${id}/live?after=0`,
        {},
        `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
      ),
  );
  await Promise.all(readers.map((r) => r.opened));
  const refused = readers.filter((r) => r.status !== 200).length;
  // every reader is following before the first post
  await new Promise((r) => setTimeout(r, 1000));

  const latencies: number[] = [];
  let lost = 0;
  for (let n = 1; n <= POSTS; n++) {
    const t0 = performance.now();
    const seq = await postToStream(
      ctx,
      office,
      id,
      { speaker: n % 2 ? 'host' : 'g0', content: `第${n}条直播内容，${'回答'.repeat(40)}` },
      null,
    );
    await Promise.allSettled(readers.map((r) => r.next((e) => e.id === String(seq), 5000)));
    for (const r of readers) {
      const at = r.arrived.get(String(seq));
      if (at === undefined) lost++;
      else latencies.push(at - t0);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await endInterview(ctx, office, id);
  await Promise.allSettled(readers.map((r) => r.next((e) => e.event === 'end', 5000)));
  const ended = readers.filter((r) => r.events.some((e) => e.event === 'end')).length;
  for (const r of readers) r.close();
  for (const app of apps) await app.close();
  await d.close();

  const p95 = percentile(latencies, 95);
  console.log(
    `${label.padEnd(34)} ${String(CLIENTS).padStart(5)} readers × ${POSTS} posts: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, worst ${Math.max(...latencies).toFixed(0)} ms; refused ${refused}, lost ${lost}, told the end ${ended}/${CLIENTS} — ${p95 <= TARGET_MS && !lost && !refused ? 'within' : 'OVER'} the target of ${TARGET_MS} ms at p95`,
  );
}

console.log('在线访谈 live stream: from the start of publishing a post to its arrival at each reader');
await run('embedded (PGlite), one instance', 'pglite', 1);
await run('PostgreSQL, two instances', 'postgres', 2);
process.exit(0);
