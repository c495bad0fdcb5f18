/**
 * Mailbox benchmark: `npm run bench:interaction [-- --letters 100000] [--agencies 300] [--requests 200]`.
 *
 * Builds the embedded default (PGlite) with the demo site, `--agencies` agencies and `--letters` letters over five
 * years in every kind and state (a third of them published), then asks the application for the public pages that
 * grow with the letters — the list of published letters (first and later pages, by mailbox and kind) and the
 * statistics of each year — one at a time, rendered afresh (the page cache off: what a change costs, not what a
 * kept page costs), and prints p50, p95 and the worst against the target of 50 ms at p95.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/core/config.ts';
import { loadDemo } from '../src/demo/demo.ts';
import { recountLetterMonth } from '../src/features/interaction/interaction.letters.store.ts';
import { openCtx } from '../src/server.ts';

const { values: args } = parseArgs({
  options: {
    letters: { type: 'string', default: '100000' },
    agencies: { type: 'string', default: '300' },
    requests: { type: 'string', default: '200' },
  },
});
const LETTERS = Number(args.letters);
const AGENCIES = Number(args.agencies);
const REQUESTS = Number(args.requests);
const TARGET_MS = 50;

/** A deterministic generator, so every run builds the same site. */
let seed = 20261206;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];

const KINDS = ['consult', 'suggest', 'complain', 'help', 'other'] as const;
const TOPICS = [
  '路灯不亮',
  '噪音扰民',
  '入学报名',
  '低保申请',
  '公交线路',
  '道路破损',
  '垃圾清运',
  '医保报销',
  '物业纠纷',
];
const DAY = 86_400_000;

const work = await mkdtemp(path.join(os.tmpdir(), 'gk-interaction-'));
const ctx = await openCtx(
  loadConfig({
    DATA_DIR: path.join(work, 'data'),
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'i'.repeat(40),
    PGLITE_FSYNC: 'off',
    PAGE_CACHE_SECONDS: '0',
    REQUESTS_PER_MINUTE: '100000000',
  }),
);
await loadDemo(ctx, { cases: false, publications: 20 });
const site = (await ctx.sites.byCode('demo'))!;
const t0 = performance.now();

// agencies up to `--agencies`, a mailbox for every tenth of them
const have = await ctx.db.selectFrom('agencies').select('id').where('site_id', '=', site.id).execute();
const made = await ctx.db
  .insertInto('agencies')
  .values(
    Array.from({ length: Math.max(0, AGENCIES - have.length) }, (_, i) => ({
      site_id: site.id,
      parent_id: have[0].id,
      name: `青山县第${i + 1}委办局`,
      kind: 'department' as const,
      code: `b${i + 1}`,
      sort: 100 + i,
    })),
  )
  .returning('id')
  .execute();
const agencies = [...have, ...made].map((a) => a.id);
const boxes = await ctx.db
  .insertInto('mailboxes')
  .values(
    agencies
      .filter((_, i) => i % 10 === 5)
      .map((agencyId, i) => ({
        site_id: site.id,
        name: `第${i + 1}局局长信箱`,
        slug: `box${i + 1}`,
        agency_id: agencyId,
      })),
  )
  .returning('id')
  .execute();
const mailboxes = [
  ...(await ctx.db.selectFrom('mailboxes').select('id').where('site_id', '=', site.id).execute()).map((m) => m.id),
  ...boxes.map((b) => b.id),
];

// letters over five years, in every state
const now = ctx.now().getTime();
const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
for (let done = 0; done < LETTERS; done += 1000) {
  await ctx.db
    .insertInto('letters')
    .values(
      Array.from({ length: Math.min(1000, LETTERS - done) }, (_, k) => {
        const n = done + k;
        const at = now - rand() * 5 * 365 * DAY;
        const topic = pick(TOPICS);
        const open = now - at < 20 * DAY && rand() < 0.5;
        const closed = !open && rand() < 0.05;
        const replied = !open && !closed;
        const repliedAt = at + int(1, 25) * DAY;
        const published = replied && rand() < 0.33;
        const agency = pick(agencies);
        return {
          site_id: site.id,
          mailbox_id: pick(mailboxes),
          tracking_no: `B${String(n).padStart(13, '0')}`,
          query_code_hash: 'x',
          kind: pick(KINDS),
          title: `关于${topic}的来信（${n}）`,
          content: `我反映的${topic}问题已经持续一段时间，希望有关部门尽快处理。`,
          writer_name: '张三',
          phone: '13800000000',
          consent: published || rand() < 0.5,
          agency_id: agency,
          state: open ? ('handling' as const) : closed ? ('closed' as const) : ('replied' as const),
          submitted_at: new Date(at),
          started_on: iso(at + DAY),
          due_on: iso(at + 15 * DAY),
          reply: replied ? `您反映的${topic}问题已转有关单位处理，感谢您的来信。` : '',
          replied_on: replied ? iso(repliedAt) : null,
          reply_agency_id: replied ? agency : null,
          rating: replied && rand() < 0.6 ? pick(['satisfied', 'satisfied', 'basic', 'unsatisfied'] as const) : null,
          closed_kind: closed ? ('duplicate' as const) : null,
          public_title: published ? `关于${topic}的来信` : '',
          public_content: published ? `反映${topic}问题，希望有关部门尽快处理。` : '',
          public_reply: published ? `您反映的${topic}问题已转有关单位处理，感谢您的来信。` : '',
          published_at: published ? new Date(repliedAt + DAY) : null,
        };
      }),
    )
    .execute();
  if (done % 20_000 === 0) process.stderr.write(`\r  来信 ${done}/${LETTERS}`);
}
await sql`analyze letters`.execute(ctx.db);
// the statistics' kept monthly counts, as each letter's steps keep them
const firstMonth = new Date(now - 5 * 365 * DAY - 31 * DAY);
for (
  let m = new Date(Date.UTC(firstMonth.getUTCFullYear(), firstMonth.getUTCMonth(), 1));
  m.getTime() <= now + 31 * DAY;
  m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))
)
  await ctx.db.transaction().execute((trx) => recountLetterMonth(trx, site.id, m.toISOString().slice(0, 7)));
const published = Number(
  (
    await ctx.db
      .selectFrom('letters')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('published_at', 'is not', null)
      .executeTakeFirstOrThrow()
  ).n,
);
process.stderr.write(
  `\r  来信 ${LETTERS} 件（公开 ${published} 件），${agencies.length} 个机构，${mailboxes.length} 个信箱，用时 ${((performance.now() - t0) / 1000).toFixed(0)} 秒\n`,
);

const app = await buildApp(ctx);
const thisYear = Number(new Date(now + 8 * 3600_000).toISOString().slice(0, 4));
const cases: Record<string, () => string> = {
  '来信选登 首页': () => '/s/demo/mail/letters',
  '来信选登 翻页 (2–50)': () => `/s/demo/mail/letters?page=${int(2, 50)}`,
  '来信选登 按信箱、类型': () =>
    `/s/demo/mail/letters?mailbox=${pick(mailboxes)}&kind=${pick(KINDS)}&page=${int(1, 3)}`,
  互动交流首页: () => '/s/demo/mail',
  '统计 (近五年)': () => `/s/demo/mail/stats?year=${thisYear - int(0, 4)}`,
};

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
console.log(
  `\n互动交流（嵌入式 PGlite；${LETTERS} 件来信，五年，${agencies.length} 个机构；逐个请求 ${REQUESTS} 次，页面缓存关闭）`,
);
console.log(`${'页面'.padEnd(14, '　')}   p50 ms   p95 ms   最慢 ms   目标 p95 ≤ 50 ms`);
for (const [name, url] of Object.entries(cases)) {
  for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url: url() });
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const u = url();
    const t = performance.now();
    const res = await app.inject({ method: 'GET', url: u });
    times.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error(`${u}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
  times.sort((a, b) => a - b);
  const p95 = pct(times, 95);
  console.log(
    `${name.padEnd(14, '　')} ${pct(times, 50).toFixed(1).padStart(8)} ${p95.toFixed(1).padStart(8)} ${times[times.length - 1].toFixed(1).padStart(9)}   ${p95 <= TARGET_MS ? '达到' : '未达到'}`,
  );
}
await app.close();
await ctx.db.destroy();
await rm(work, { recursive: true, force: true });
