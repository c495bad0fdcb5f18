import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { SECURITY_HEADER_LIST } from '../src/app.ts';
import { failuresOf, mixedLoad } from './support/load.ts';
import { draftTarget, pidOf, type SetUp, startSetUp } from './support/production.ts';
import { SseReader } from './support/sse.ts';

/**
 * The production set-up as README gives it (deploy/production.sh): nginx, two compiled instances, a PostgreSQL
 * primary and its streaming replica, on ports of the test's own. Driven from outside, over HTTP, as a browser would.
 */
let site = '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A browser's cookies, kept across requests. */
class Browser {
  cookies = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}) {
    const res = await fetch(site + url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }
  async post(url: string, form: Record<string, string>) {
    return this.fetch(url, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  async login(username: string) {
    const page = await (await this.fetch('/admin/login')).text();
    const csrf = page.match(/name="_csrf" value="([^"]+)"/)![1];
    const res = await this.post('/admin/login', { username, password: 'gongkai-demo-2026', _csrf: csrf });
    assert.equal(res.status, 303, `${username} signs in`);
    return (await (await this.fetch('/admin')).text()).match(/name="_csrf" value="([^"]+)"/)![1];
  }
}

describe('the production set-up: nginx, two instances, primary and replica', { timeout: 600_000 }, () => {
  let s: SetUp;
  let dir = '';
  let primary: pg.Client;
  before(async () => {
    s = await startSetUp();
    site = s.site;
    dir = s.dir;
    primary = new pg.Client({ connectionString: s.primaryUrl });
    await primary.connect();
  });
  after(async () => {
    await primary?.end();
    await s?.stop();
  });

  test('a public page comes from its file after the first visit, with the headers the application sends', async () => {
    const first = await fetch(`${site}/s/demo/`);
    assert.equal(first.status, 200);
    const body = await first.text();
    const second = await fetch(`${site}/s/demo/`);
    assert.equal(second.headers.get('x-page-file'), '1', 'sent by nginx from the written file');
    assert.equal(await second.text(), body);
    for (const [name, value] of SECURITY_HEADER_LIST) assert.equal(second.headers.get(name), value, name);
    assert.equal(second.headers.get('cache-control'), 'public, max-age=60');
    // each variant its own file; a query string, a form and the back office always reach an instance
    const hant = await fetch(`${site}/s/demo/`, { headers: { cookie: 'gk_script=hant' } });
    assert.match(await hant.text(), /靑山縣|青山縣/);
    assert.equal((await fetch(`${site}/s/demo/c/tzgg?page=2`)).headers.get('x-page-file'), null);
    await fetch(`${site}/s/demo/apply`);
    assert.equal((await fetch(`${site}/s/demo/apply`)).headers.get('x-page-file'), null);
    assert.equal((await fetch(`${site}/s/demo/apply`)).headers.get('cache-control'), 'no-store');
    const files = readFileSync(path.join(dir, 'pages/127.0.0.1/s/demo/index.smedium.html'), 'utf8');
    assert.equal(files, body);
  });

  test('a publication approved through either instance is on its pages, served by nginx, within seconds', async () => {
    const { rows } = await primary.query(
      "select e.id, e.publication_id, e.title from editions e where e.state = 'submitted' order by e.id limit 1",
    );
    const { id, publication_id: publicationId, title } = rows[0];
    // the column page is written before the approval, as a resident read it
    await fetch(`${site}/s/demo/c/tzgg`);
    assert.equal((await fetch(`${site}/s/demo/c/tzgg`)).headers.get('x-page-file'), '1');
    assert.doesNotMatch(await (await fetch(`${site}/s/demo/c/tzgg`)).text(), new RegExp(title));

    // the reviewer and the secrecy reviewer sign in through nginx: their requests reach both instances in turn, and
    // the session and form token made by one are taken by the other
    const reviewer = new Browser();
    const csrf = await reviewer.login('reviewer');
    assert.equal((await reviewer.post(`/admin/editions/${id}/approve_review`, { _csrf: csrf })).status, 303);
    const secrecy = new Browser();
    const csrf2 = await secrecy.login('secrecy');
    const approved = Date.now();
    assert.equal((await secrecy.post(`/admin/editions/${id}/approve_confidentiality`, { _csrf: csrf2 })).status, 303);
    let shown = 0;
    for (let i = 0; i < 100 && !shown; i++) {
      const res = await fetch(`${site}/s/demo/c/tzgg`);
      if (res.headers.get('x-page-file') === '1' && (await res.text()).includes(title)) shown = Date.now() - approved;
      else await sleep(100);
    }
    assert.ok(shown > 0, 'the column page file was rewritten');
    assert.ok(shown < 10_000, `shown after ${shown} ms`);
    const page = await fetch(`${site}/s/demo/p/${publicationId}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(title));
  });

  test('an interview’s live stream passes nginx unbuffered: a post reaches a reader within moments', async () => {
    const office = new Browser();
    const csrf = await office.login('office');
    const { rows } = await primary.query(
      'select id from interviews where live_at is null and ended_at is null order by id limit 1',
    );
    const id = rows[0].id;
    assert.equal((await office.post(`/admin/interviews/${id}/start`, { _csrf: csrf })).status, 303);
    const reader = new SseReader(`${site}/s/demo/interviews/${id}/live?after=0`);
    await reader.opened;
    assert.equal(reader.status, 200);
    assert.match(String(reader.headers['content-type']), /text\/event-stream/);
    const sent = Date.now();
    assert.equal(
      (
        await office.post(`/admin/interviews/${id}/post`, {
          _csrf: csrf,
          speaker: 'host',
          content: '经由 nginx 的直播内容',
        })
      ).status,
      303,
    );
    const e = await reader.next((x) => x.event === 'post', 10_000);
    assert.match(JSON.parse(e.data).html, /经由 nginx 的直播内容/);
    assert.ok(Date.now() - sent < 5000, `arrived after ${Date.now() - sent} ms`);
    assert.equal((await office.post(`/admin/interviews/${id}/end`, { _csrf: csrf })).status, 303);
    await reader.next((x) => x.event === 'end', 10_000);
    reader.close();
  });

  test('rate limits of a guarded route count across the instances', async () => {
    const b = new Browser();
    const csrf = (await (await b.fetch('/s/demo/apply/status')).text()).match(/name="_csrf" value="([^"]+)"/)![1];
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++)
      statuses.push((await b.post('/s/demo/apply/status', { trackingNo: 'X', queryCode: 'Y', _csrf: csrf })).status);
    assert.ok(!statuses.slice(0, 20).includes(429), statuses.join(','));
    assert.equal(statuses[21], 429, 'the limit of 20 a minute holds with two instances behind nginx');
  });

  test('a mixed load for a minute through both instances: no 5xx, no failed connection, memory reported', async (t) => {
    const before = [await s.rss(1), await s.rss(2)];
    const statuses = await mixedLoad({
      site,
      rate: 40,
      seconds: 60,
      editor: { token: s.token('editor'), ...draftTarget(s) },
    });
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    t.diagnostic(
      `${total} requests ${JSON.stringify(Object.fromEntries(statuses))}; RSS ${before.join(' / ')} → ${await s.rss(1)} / ${await s.rss(2)} MB`,
    );
    assert.ok(total > 2000, 'the load ran');
    assert.deepEqual(failuresOf(statuses), []);
    for (const kind of ['浏览 200', '搜索 200', '申请 303', '编辑 201', '编辑 200'])
      assert.ok((statuses.get(kind) ?? 0) > 0, `${kind} answered`);
  });

  test('an instance killed: nginx sends its requests to the other, nothing fails', async () => {
    process.kill(await pidOf(dir, 2), 'SIGKILL');
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${site}/s/demo/c/tzgg?page=${(i % 3) + 1}`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
    const b = new Browser();
    await b.login('office');
    assert.equal((await b.fetch('/admin')).status, 200);
  });
});
