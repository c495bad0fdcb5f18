/**
 * A mixed load held for minutes against the production set-up: `npm run bench:soak [-- --minutes 10] [--rate 100]`,
 * or with `--embedded` against one compiled server on the embedded database (the demo, as `npm run demo` runs it).
 *
 * Through nginx to two instances, at a stated rate of requests a second (test/support/load.ts): residents browsing
 * (the home page, columns and their later pages, publications, agencies' catalogues) and searching; residents applying
 * through the public form; staff creating and editing drafts over the API. Prints every minute each instance's
 * memory and the answers by status, and at the end the failures (5xx, connection errors: must be none) and the
 * memory at start and end.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openPGlite, pgliteDb } from '../src/core/db.ts';
import { failuresOf, mixedLoad } from '../test/support/load.ts';
import { draftTarget, startSetUp } from '../test/support/production.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    embedded: { type: 'boolean', default: false },
  },
});

interface Target {
  site: string;
  editor: { token: string; agency: number; column: number };
  memory: () => Promise<string>;
  stop: () => Promise<void>;
}

const rssOf = async (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);

async function production(): Promise<Target> {
  console.log('启动生产部署（nginx + 2 个实例 + PostgreSQL 主库与只读副本）…');
  const s = await startSetUp();
  return {
    site: s.site,
    editor: { token: s.token('editor'), ...draftTarget(s) },
    memory: async () => `实例 1 / 实例 2：${await s.rss(1)} / ${await s.rss(2)} MB`,
    stop: s.stop,
  };
}

/** The demo on the embedded database, one compiled server (`npm run build` first), as `npm run demo` runs it. */
async function embedded(): Promise<Target> {
  console.log('启动嵌入式演示站点（编译后的单个实例，PGlite）…');
  const ROOT = path.join(import.meta.dirname, '..');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gk-soak-'));
  const port = 26_000 + Math.floor(Math.random() * 2_000);
  // each applicant reports an address of its own, as nginx would (the rate limits are per address); the general
  // limit is for one client's abuse, not for a load from one address
  const env = {
    ...process.env,
    DATA_DIR: dir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
    TRUST_PROXY: '1',
    REQUESTS_PER_MINUTE: '1000000',
  };
  const cli = (...argv: string[]) =>
    execFileSync('node', ['dist/cli.js', ...argv], { cwd: ROOT, env, encoding: 'utf8' });
  cli('demo-load');
  const token = cli('token', 'editor', '混合负载').trim();
  const db = pgliteDb(await openPGlite(path.join(dir, 'pg'), true));
  const editor = (
    await sql<{ agency: number; column: number }>`select
      (select r.agency_id from user_roles r join users u on u.id = r.user_id
        where u.username = 'editor' and r.agency_id is not null order by r.agency_id limit 1) as agency,
      (select id from columns where slug = 'tzgg') as column`.execute(db)
  ).rows[0];
  // closing gives up this process's claim on the files, for the server
  await db.destroy();
  const server: ChildProcess = spawn('node', ['dist/cli.js', 'serve'], { cwd: ROOT, env, stdio: 'inherit' });
  for (let i = 0; i < 240; i++) {
    if (
      await fetch(`http://127.0.0.1:${port}/s/demo/`).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    site: `http://127.0.0.1:${port}`,
    editor: { token, ...editor },
    memory: async () => `${await rssOf(server.pid!)} MB`,
    stop: async () => {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const t = args.embedded ? await embedded() : await production();
try {
  const memory = t.memory;
  const start = await memory();
  console.log(
    `混合负载 ${args.minutes} 分钟，每秒 ${args.rate} 个请求（页面 80%、搜索 15%、申请 3%、工作人员编辑 2%）；内存 ${start}`,
  );
  const statuses = await mixedLoad({
    site: t.site,
    rate: Number(args.rate),
    seconds: Number(args.minutes) * 60,
    editor: t.editor,
    everyMinute: async (seconds) => console.log(`  ${Math.round(seconds / 60)} 分钟：${await memory()}`),
  });
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const failures = failuresOf(statuses);
  console.log(`\n共 ${total} 个请求：${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(
    `5xx 与连接错误：${failures.reduce((a, [, n]) => a + n, 0)} ${JSON.stringify(Object.fromEntries(failures))}`,
  );
  console.log(`内存（RSS）：开始 ${start}，结束 ${await memory()}`);
} finally {
  await t.stop();
}
