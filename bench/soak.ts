/**
 * A mixed load held for minutes against the production set-up: `npm run bench:soak [-- --minutes 10] [--rate 100]`.
 *
 * Through nginx to two instances, at a stated rate of requests a second: residents browsing (the home page, columns
 * and their later pages, publications, agencies' catalogues) and searching; residents applying through the public
 * form (the captcha answered, each from an address of its own); staff creating and editing drafts over the API.
 * Prints every minute the answers by status and each instance's memory, and at the end the 5xx count (which must
 * be zero) and the memory at start and end.
 */
import { parseArgs } from 'node:util';
import { PERSON, solve } from '../test/support/requests.ts';
import { draftTarget, startSetUp } from './setup.ts';

const { values: args } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '100' } },
});
const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const s = await startSetUp();
const statuses = new Map<string, number>();
const failures: string[] = [];
const count = (kind: string, status: number | string) => {
  const key = `${kind} ${status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  if ((typeof status === 'number' && status >= 500) || typeof status === 'string')
    if (failures.length < 20) failures.push(key);
};
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
const decode = (t: string) => t.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));

try {
  const editorToken = s.token('editor');
  const target = draftTarget(s);
  const home = await (await fetch(`${s.site}/s/demo/`)).text();
  const columns = [...new Set([...home.matchAll(/href="(\/s\/demo\/c\/[a-z0-9-]+)"/g)].map((m) => m[1]))];
  const agencyPage = await (await fetch(`${s.site}/s/demo/agencies`)).text();
  const agencies = [...new Set([...agencyPage.matchAll(/href="\/s\/demo\/agencies\/(\d+)"/g)].map((m) => m[1]))];
  const WORDS = ['通知', '公告', '低保', '安全生产', '教育', '财政预算', '招生', '乡村振兴', '医疗', '住房'];
  let resident = 0;

  const browse = async () => {
    const url = pick([
      '/s/demo/',
      pick(columns),
      `${pick(columns)}?page=${1 + Math.floor(Math.random() * 5)}`,
      `/s/demo/p/${1 + Math.floor(Math.random() * 330)}`,
      `/s/demo/agencies/${pick(agencies)}`,
    ]);
    const r = await fetch(s.site + url);
    await r.arrayBuffer();
    count('浏览', r.status);
  };
  const search = async () => {
    const r = await fetch(`${s.site}/s/demo/search?q=${encodeURIComponent(pick(WORDS))}`);
    await r.arrayBuffer();
    count('搜索', r.status);
  };
  const apply = async () => {
    // each applicant from an address of its own (nginx on this machine is the trusted proxy that reports it)
    const ip = `10.${(resident >> 16) & 255}.${(resident >> 8) & 255}.${resident++ & 255}`;
    const headers = { 'x-forwarded-for': ip };
    const page = await fetch(`${s.site}/s/demo/apply`, { headers });
    const html = await page.text();
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
    const agency = /<option value="(\d+)"/.exec(html)?.[1] ?? '';
    const r = await fetch(`${s.site}/s/demo/apply`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...PERSON,
        agencyId: agency,
        description: `申请公开本县 ${resident} 号文件的执行情况`,
        _csrf: field('_csrf'),
        captchaToken: field('captchaToken'),
        captcha: solve(decode(/验证问题：([^<]+)</.exec(html)![1])),
      }).toString(),
    });
    await r.arrayBuffer();
    count('申请', r.status);
  };
  const edit = async () => {
    const api = (method: string, url: string, body: unknown) =>
      fetch(s.site + url, {
        method,
        headers: { authorization: `Bearer ${editorToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const fields = {
      title: `关于做好第${resident}批次工作的通知`,
      docNo: '',
      writtenOn: '2026-12-01',
      genre: '其他文件',
      themeCategory: '综合政务',
      bodyHtml: '<p>各单位：</p><p>现将有关事项通知如下。</p>',
      agencyId: target.agency,
      agencyIds: [target.agency],
      columnIds: [target.column],
    };
    const created = await api('POST', '/api/v1/sites/demo/publications', fields);
    count('编辑', created.status);
    if (created.status !== 201) return;
    const { editionId } = (await created.json()) as { editionId: number };
    const updated = await api('PUT', `/api/v1/editions/${editionId}`, { ...fields, title: `${fields.title}（修改）` });
    await updated.arrayBuffer();
    count('编辑', updated.status);
  };

  // of every 100 requests: 80 pages, 15 searches, 3 applications, 2 staff edits
  const mix = [...Array(80).fill(browse), ...Array(15).fill(search), ...Array(3).fill(apply), ...Array(2).fill(edit)];
  const started = Date.now();
  const end = started + MINUTES * 60_000;
  const memory: string[] = [`开始 ${await s.rss(1)} / ${await s.rss(2)} MB`];
  console.log(
    `混合负载 ${MINUTES} 分钟，每秒 ${RATE} 个请求（页面 80%、搜索 15%、申请 3%、工作人员编辑 2%）；${memory[0]}`,
  );
  let inFlight = 0;
  let nextMinute = started + 60_000;
  const running = new Set<Promise<void>>();
  for (let i = 0; Date.now() < end; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight > 500) {
      count('客户端', 'backlog');
      continue;
    }
    inFlight++;
    const p = pick(mix)()
      .catch((e: Error) => count('连接', `error ${e.message}`))
      .finally(() => {
        inFlight--;
        running.delete(p);
      });
    running.add(p);
    if (Date.now() >= nextMinute) {
      nextMinute += 60_000;
      const line = `${Math.round((Date.now() - started) / 60_000)} 分钟：${await s.rss(1)} / ${await s.rss(2)} MB`;
      memory.push(line);
      console.log(`  ${line}；${JSON.stringify(Object.fromEntries(statuses))}`);
    }
  }
  await Promise.all(running);
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const errors = [...statuses].filter(([k]) => / 5\d\d$| error|backlog/.test(k)).reduce((a, [, n]) => a + n, 0);
  console.log(`\n共 ${total} 个请求：${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(`5xx 与连接错误：${errors}${failures.length ? `（${failures.join('，')}）` : ''}`);
  console.log(`实例内存（RSS，实例 1 / 实例 2）：${memory[0]}，结束 ${await s.rss(1)} / ${await s.rss(2)} MB`);
} finally {
  await s.stop();
}
