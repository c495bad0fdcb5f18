/**
 * The production set-up's benchmark: `npm run bench:production [-- --seconds 10] [--connections 50]`.
 *
 * Starts deploy/production.sh in a fresh folder (nginx, two compiled instances, PostgreSQL primary and replica, the
 * demo site) and, in the same run, a second nginx with the same settings serving plain copies of the same pages
 * from disk. Loads the home page, a column page and a publication page through both with wrk (Debian's package;
 * autocannon when wrk is missing) and prints req/s, latency and the ratio; then a publication page under 200
 * connections (p95); then the time from a publication's last approval (over the API) to its column page and its own
 * page being sent updated by nginx (p50/p95 of 20); and each instance's memory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { draftTarget, startSetUp } from '../test/support/production.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    approvals: { type: 'string', default: '20' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
console.log('启动生产部署（nginx + 2 个实例 + PostgreSQL 主库与只读副本）…');
const s = await startSetUp();
const { site, work } = s;
const refPort = s.port + 50;
const hasWrk = spawnSync('wrk', ['--version']).status !== null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Figures {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

/** wrk's report with p95 (a Lua `done` hook), or autocannon's (p97.5 in place of p95). */
async function load(url: string, connections = CONNECTIONS): Promise<Figures> {
  if (hasWrk) {
    const lua = path.join(work, 'report.lua');
    await writeFile(
      lua,
      'done = function(s, l, r) io.write(string.format("JSON{\\"rps\\":%f,\\"p50\\":%f,\\"p95\\":%f,\\"p99\\":%f,\\"errors\\":%d}\\n", s.requests / (s.duration / 1e6), l:percentile(50) / 1000, l:percentile(95) / 1000, l:percentile(99) / 1000, s.errors.connect + s.errors.read + s.errors.write + s.errors.timeout + s.errors.status)) end',
    );
    const threads = String(Math.min(2, connections));
    const out = execFileSync('wrk', ['-t', threads, '-c', String(connections), '-d', `${SECONDS}s`, '-s', lua, url], {
      encoding: 'utf8',
    });
    return JSON.parse(/JSON(\{.*\})/.exec(out)![1]);
  }
  const r = await autocannon({ url, connections, duration: SECONDS });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p95: r.latency.p97_5,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
}

const fmt = (f: Figures) =>
  `${f.rps.toFixed(0).padStart(9)} ${f.p50.toFixed(2).padStart(7)} ${f.p95.toFixed(2).padStart(7)} ${String(f.errors).padStart(5)}`;

try {
  const column = '/s/demo/c/tzgg';
  const columnHtml = await (await fetch(site + column)).text();
  const publication = `/s/demo/${/href="\/s\/demo\/(p\/\d+)"/.exec(columnHtml)![1]}`;
  const paths = { 首页: '/s/demo/', 栏目页: column, 信息页: publication };

  // the reference: a plain nginx, the same settings, the same bytes as files
  const ref = path.join(work, 'reference');
  for (const p of Object.values(paths)) {
    await (await fetch(site + p)).arrayBuffer();
    await sleep(50);
    const written = path.join(s.dir, 'pages/127.0.0.1', p, 'index.smedium.html');
    await mkdir(path.join(ref, p), { recursive: true });
    await copyFile(written, path.join(ref, p, 'index.html'));
  }
  await mkdir(path.join(ref, 'logs'), { recursive: true });
  await writeFile(
    path.join(ref, 'nginx.conf'),
    `worker_processes auto; pid ${ref}/nginx.pid; error_log ${ref}/logs/error.log;
events { worker_connections 4096; }
http { include /etc/nginx/mime.types; access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path ${ref}/logs; proxy_temp_path ${ref}/logs; fastcgi_temp_path ${ref}/logs;
  uwsgi_temp_path ${ref}/logs; scgi_temp_path ${ref}/logs;
  server { listen 127.0.0.1:${refPort}; root ${ref}; location / { try_files $uri/index.html =404; } } }`,
  );
  execFileSync('nginx', ['-c', path.join(ref, 'nginx.conf')]);
  try {
    console.log(
      `\n公开页面经 nginx（${hasWrk ? 'wrk' : 'autocannon'}，${CONNECTIONS} 并发，每项 ${SECONDS} 秒；参照：同一 nginx 设置直接发送同一页面的文件）`,
    );
    console.log('页面       生产部署 req/s  p50(ms) p95(ms) 错误 │ 参照 req/s  p50(ms) p95(ms) 错误 │ 比值');
    for (const [name, p] of Object.entries(paths)) {
      const a = await load(site + p);
      const b = await load(`http://127.0.0.1:${refPort}${p}`);
      console.log(
        `${name.padEnd(6, '　')} ${fmt(a)}      │ ${fmt(b)} │ ${((a.rps / b.rps) * 100).toFixed(1).padStart(5)} %`,
      );
    }
    const many = await load(site + publication, 200);
    console.log(
      `\n信息页 200 并发：${many.rps.toFixed(0)} req/s，p50 ${many.p50.toFixed(2)} ms，p95 ${many.p95.toFixed(2)} ms，p99 ${many.p99.toFixed(2)} ms，错误 ${many.errors}`,
    );
  } finally {
    execFileSync('nginx', ['-c', path.join(ref, 'nginx.conf'), '-s', 'quit'], { stdio: 'ignore' });
  }

  // from the last approval to the updated pages, as nginx sends them
  const tokens = { editor: s.token('editor'), reviewer: s.token('reviewer'), secrecy: s.token('secrecy') };
  const api = async (who: keyof typeof tokens, url: string, body: unknown) => {
    const res = await fetch(site + url, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, number>>;
  };
  const target = draftTarget(s);
  const times: { column: number; page: number }[] = [];
  for (let i = 0; i < Number(args.approvals); i++) {
    const title = `关于性能测试第${i + 1}号的通知`;
    const d = await api('editor', '/api/v1/sites/demo/publications', {
      title,
      docNo: `青政办〔2026〕${900 + i}号`,
      writtenOn: '2026-12-01',
      genre: '其他文件',
      themeCategory: '综合政务',
      bodyHtml: `<p>${title}。</p>`,
      agencyId: target.agency,
      agencyIds: [target.agency],
      columnIds: [target.column],
    });
    await api('editor', `/api/v1/editions/${d.editionId}/actions/submit`, {});
    await api('reviewer', `/api/v1/editions/${d.editionId}/actions/approve_review`, {});
    const approved = performance.now();
    await api('secrecy', `/api/v1/editions/${d.editionId}/actions/approve_confidentiality`, {});
    const seen = { column: 0, page: 0 };
    // the publication's page is asked for by its first reader and the column page was written before
    while (!seen.column || !seen.page) {
      const now = performance.now() - approved;
      if (now > 30_000) throw new Error('not shown within 30 s');
      if (!seen.column) {
        const r = await fetch(site + column);
        if (r.headers.get('x-page-file') === '1' && (await r.text()).includes(title)) seen.column = now;
      }
      if (!seen.page) {
        const r = await fetch(`${site}/s/demo/p/${d.publicationId}`);
        if (r.status === 200 && (await r.text()).includes(title)) seen.page = now;
      }
      await sleep(20);
    }
    times.push(seen);
  }
  const pct = (xs: number[], p: number) =>
    xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
  const columnTimes = times.map((t) => t.column);
  const pageTimes = times.map((t) => t.page);
  console.log(
    `\n从终审通过到 nginx 发送更新后的页面（${times.length} 次）：栏目页 p50 ${pct(columnTimes, 50).toFixed(0)} ms、p95 ${pct(columnTimes, 95).toFixed(0)} ms；信息页 p50 ${pct(pageTimes, 50).toFixed(0)} ms、p95 ${pct(pageTimes, 95).toFixed(0)} ms`,
  );
  for (const i of [1, 2]) console.log(`实例 ${i} 内存（RSS）：${await s.rss(i)} MB`);
} finally {
  await s.stop();
}
