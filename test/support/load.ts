/**
 * A mixed load at a stated rate through the portal and the API, as residents and staff make it: pages, searches,
 * applications through the public form (the captcha answered, each from an address of its own) and drafts created
 * and edited over the API. Used by the production set-up's test and by `npm run bench:soak`.
 */
import { PERSON, solve } from './requests.ts';

export interface LoadOptions {
  /** nginx's address. */
  site: string;
  /** Requests a second. */
  rate: number;
  seconds: number;
  /** The editor's API token, their agency and the column drafts go to. */
  editor: { token: string; agency: number; column: number };
  /** Called about once a minute with the seconds gone. */
  everyMinute?: (seconds: number) => Promise<void>;
}

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
const decode = (t: string) => t.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
const WORDS = ['通知', '公告', '低保', '安全生产', '教育', '财政预算', '招生', '乡村振兴', '医疗', '住房'];

/** Runs the load; returns the answers counted by kind and status (`error …` for a connection that failed). */
export async function mixedLoad(o: LoadOptions): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  const count = (kind: string, status: number | string) => {
    const key = `${kind} ${status}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
  };
  const home = await (await fetch(`${o.site}/s/demo/`)).text();
  const columns = [...new Set([...home.matchAll(/href="(\/s\/demo\/c\/[a-z0-9-]+)"/g)].map((m) => m[1]))];
  const agencyPage = await (await fetch(`${o.site}/s/demo/agencies`)).text();
  const agencies = [...new Set([...agencyPage.matchAll(/href="\/s\/demo\/agencies\/(\d+)"/g)].map((m) => m[1]))];
  let resident = 0;

  const browse = async () => {
    const url = pick([
      '/s/demo/',
      pick(columns),
      `${pick(columns)}?page=${1 + Math.floor(Math.random() * 5)}`,
      `/s/demo/p/${1 + Math.floor(Math.random() * 330)}`,
      `/s/demo/agencies/${pick(agencies)}`,
      pick(['/s/demo/mail', '/s/demo/mail/letters', '/s/demo/survey/1', '/s/demo/interviews/1', '/s/demo/consult/1']),
    ]);
    // as residents read: one in ten in 繁體, one in twenty in the elder mode, the 互动交流 pages among the rest
    const variant = Math.random();
    const r = await fetch(o.site + url, {
      headers: variant < 0.1 ? { cookie: 'gk_script=hant' } : variant < 0.15 ? { cookie: 'gk_elder=1' } : {},
    });
    await r.arrayBuffer();
    count('浏览', r.status);
  };
  const search = async () => {
    const r = await fetch(`${o.site}/s/demo/search?q=${encodeURIComponent(pick(WORDS))}`);
    await r.arrayBuffer();
    count('搜索', r.status);
  };
  const apply = async () => {
    // each applicant from an address of its own (nginx on this machine is the trusted proxy that reports it)
    const n = resident++;
    const headers = { 'x-forwarded-for': `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` };
    const page = await fetch(`${o.site}/s/demo/apply`, { headers });
    const html = await page.text();
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1] ?? '';
    const r = await fetch(`${o.site}/s/demo/apply`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        ...PERSON,
        agencyId: /<option value="(\d+)"/.exec(html)?.[1] ?? '',
        description: `申请公开本县 ${n} 号文件的执行情况`,
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
      fetch(o.site + url, {
        method,
        headers: { authorization: `Bearer ${o.editor.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const fields = {
      title: `关于做好第${resident}批次工作的通知`,
      docNo: '',
      writtenOn: '2026-12-01',
      genre: '其他文件',
      themeCategory: '综合政务',
      bodyHtml: '<p>各单位：</p><p>现将有关事项通知如下。</p>',
      agencyId: o.editor.agency,
      agencyIds: [o.editor.agency],
      columnIds: [o.editor.column],
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
  const end = started + o.seconds * 1000;
  let nextMinute = started + 60_000;
  const running = new Set<Promise<void>>();
  for (let i = 0; Date.now() < end; i++) {
    const wait = started + (i * 1000) / o.rate - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (running.size > 500) {
      // the server is not keeping up: counted, not queued without end
      count('客户端', 'backlog');
      continue;
    }
    const p: Promise<void> = pick(mix)()
      .catch((e: Error) => count('连接', `error ${e.message}`))
      .finally(() => running.delete(p));
    running.add(p);
    if (Date.now() >= nextMinute) {
      nextMinute += 60_000;
      await o.everyMinute?.((Date.now() - started) / 1000);
    }
  }
  await Promise.all(running);
  return statuses;
}

/** The answers that are failures: 5xx, a connection error, a backlog. */
export const failuresOf = (statuses: Map<string, number>) =>
  [...statuses].filter(([k]) => / 5\d\d$| error|backlog/.test(k));
