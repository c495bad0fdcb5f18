/**
 * Public pages benchmark: `npm run bench:pages [-- --docs 100000] [--seconds 10] [--connections 50] [--dir D]`.
 *
 * Starts the embedded default as a user would (the compiled `dist/cli.js serve` on the demo in a fresh data directory,
 * optionally with `--docs` generated publications imported first), then loads the home page, a column page and a publication page with
 * autocannon, and the same bytes from a bare Fastify route in another process (`bench/pages.bare.ts`), in the same
 * run. Prints req/s, p50 and p99 latency, the ratio to the bare route, one request's cost at a time, and the
 * server's memory (RSS) after start and after the load. With `--dir`, the prepared installation is kept there and
 * used again by the next run with the same `--dir` (importing 1,000,000 publications takes about half an hour).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../src/core/config.ts';
import { loadDemo } from '../src/demo/demo.ts';
import { openCtx } from '../src/server.ts';
import { demoTarget, GENERATED_MAPPING, importFile, writeGenerated } from './corpus.ts';

const { values: args } = parseArgs({
  options: {
    docs: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    dir: { type: 'string' },
  },
});
const DOCS = Number(args.docs);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const ROOT = path.join(import.meta.dirname, '..');
const work = args.dir ? path.resolve(args.dir) : await mkdtemp(path.join(os.tmpdir(), 'gk-pages-'));
/** Written once the installation is prepared: a kept directory with it is used as it is. */
const PREPARED = path.join(work, 'prepared');
// the rate limit is for one client's abuse, not for a load from one address
const env = {
  DATA_DIR: path.join(work, 'data'),
  LOG_LEVEL: 'warn',
  SESSION_SECRET: 'p'.repeat(40),
  HOST: '127.0.0.1',
  REQUESTS_PER_MINUTE: '100000000',
};

/** Starts a child process (node with `argv`) and resolves with the first address it prints. */
function start(argv: string[], extraEnv: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/[\w.]+:\d+/.exec(out);
      if (m) resolve({ child, url: m[0].replace('localhost', '127.0.0.1') });
    });
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited with ${code}: ${out.slice(-500)}`)));
  });
}

/** Waits until the process uses under 5 % of a core for two seconds running (at most two minutes). */
async function idle(pid: number): Promise<void> {
  const ticks = async () => {
    const f = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  let quiet = 0;
  for (let i = 0; i < 120 && quiet < 2; i++) {
    const before = await ticks();
    await new Promise((r) => setTimeout(r, 1000));
    // 100 ticks a second on Linux
    quiet = (await ticks()) - before < 5 ? quiet + 1 : 0;
  }
}

/** The process's resident memory in MB, from /proc. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** Imports `n` generated publications into the demo site before the server starts (the search bench's corpus). */
async function prepare(n: number): Promise<void> {
  const ctx = await openCtx(loadConfig(env));
  await loadDemo(ctx, { cases: false });
  if (n > 0) {
    const file = path.join(work, 'corpus.jsonl');
    await writeGenerated(file, n, 1);
    const target = await demoTarget(ctx);
    await importFile(
      ctx,
      target.siteId,
      file,
      { mapping: GENERATED_MAPPING, agencyId: target.agencies[1].id, columnId: target.columnId, genre: '其他文件' },
      (p) => {
        if (p.done_rows % 10_000 < 500) process.stderr.write(`\r  导入 ${p.done_rows}/${p.total_rows}`);
      },
    );
    process.stderr.write('\n');
    await ctx.search.settled();
    await ctx.search.save();
  }
  await ctx.db.destroy();
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, seconds = SECONDS): Promise<Figures> {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'accept-encoding': 'identity' },
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}

/** One request at a time: the page's own cost, in ms (median of 50). */
async function single(url: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    await (await fetch(url)).arrayBuffer();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[25];
}

let docs = DOCS;
if (existsSync(PREPARED)) {
  docs = Number(await readFile(PREPARED, 'utf8'));
  console.error(`使用已准备好的 ${work}（${docs} 条生成的信息）`);
} else {
  await mkdir(work, { recursive: true });
  await prepare(DOCS);
  await writeFile(PREPARED, String(DOCS));
}
// the compiled server, as `npm start` and `npm run demo` run it (`npm run bench:pages` builds it first)
const app = await start(['dist/cli.js', 'serve'], { ...env, PORT: '0' });
// the server loads its search index in the background after it starts (a million documents take a while): the load
// begins once it is idle — under 5 % of a core for two seconds running — so that it measures pages, not the start
await idle(app.child.pid!);
const rssStart = await rssMb(app.child.pid!);
const base = `${app.url}/s/demo`;
/** A page's text; the bench stops at a page that is not there. */
async function text(url: string): Promise<string> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.text();
}
// the column every generated publication goes to (其他文件), and its newest publication
const column = 'c/qtwj';
const publication = /href="\/s\/demo\/(p\/\d+)"/.exec(await text(`${base}/${column}`))![1];
const paths = { 首页: '/', 栏目页: `/${column}`, 信息页: `/${publication}` };

const pages: Record<string, { type: string; body: string }> = {};
for (const p of Object.values(paths))
  pages[`/s/demo${p}`] = { type: 'text/html; charset=utf-8', body: await text(`${base}${p}`) };
await writeFile(path.join(work, 'pages.json'), JSON.stringify(pages));
const bare = await start(['--import', 'tsx', 'bench/pages.bare.ts', path.join(work, 'pages.json')], {});

console.log(
  `\n公开页面（嵌入式默认配置，PGlite；演示站点 + ${docs} 条生成的信息；${CONNECTIONS} 并发，每项 ${SECONDS} 秒）`,
);
console.log('页面      单次(ms)   应用 req/s   p50   p99   错误 │ 裸 Fastify req/s   p50   p99 │ 比值');
for (const [name, p] of Object.entries(paths)) {
  const one = await single(`${base}${p}`);
  // both servers warmed up (the JIT, the kept page) before they are measured
  await load(`${base}${p}`, 2);
  await load(`${bare.url}/s/demo${p}`, 2);
  const a = await load(`${base}${p}`);
  const b = await load(`${bare.url}/s/demo${p}`);
  console.log(
    `${name.padEnd(6, '　')} ${one.toFixed(1).padStart(8)} ${a.rps.toFixed(0).padStart(12)} ${String(a.p50).padStart(5)} ${String(a.p99).padStart(5)} ${String(a.errors).padStart(6)} │ ${b.rps.toFixed(0).padStart(16)} ${String(b.p50).padStart(5)} ${String(b.p99).padStart(5)} │ ${((a.rps / b.rps) * 100).toFixed(1).padStart(5)} %`,
  );
}
const rssEnd = await rssMb(app.child.pid!);
console.log(`\n应用进程内存（RSS）：启动后 ${rssStart} MB，负载后 ${rssEnd} MB`);
app.child.kill('SIGTERM');
bare.child.kill('SIGTERM');
await new Promise((r) => app.child.once('exit', r));
if (args.dir) await rm(path.join(work, 'corpus.jsonl'), { force: true });
else await rm(work, { recursive: true, force: true });
