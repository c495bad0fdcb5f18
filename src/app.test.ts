import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { DATABASES, freshDb, testConfig, testCtx } from '../test/support/db.ts';
import { demoFixture, draftFields, type Fixture, onePagePdf } from '../test/support/fixture.ts';
import { hostile } from '../test/support/hostile.ts';
import { csrfFrom, get, Jar, login, post, upload as uploadFile } from '../test/support/http.ts';
import { buildApp } from './app.ts';
import type { Ctx } from './core/context.ts';

for (const kind of DATABASES) {
  describe(`web on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db, testConfig({ LOGIN_PER_MINUTE: '1000', REQUESTS_PER_MINUTE: '100000' }));
      f = await demoFixture(ctx);
      app = await buildApp(ctx);
    });
    after(async () => {
      await app.close();
      await close();
    });

    test('public pages answer on the site host and on the path prefix', async () => {
      const jar = new Jar();
      for (const url of [
        '/',
        '/s/demo/',
        '/c/gzdt',
        '/c/zdly?page=2',
        '/agencies',
        `/agencies/${f.agencies[1].id}`,
        `/agencies/${f.agencies[1].id}/guide`,
        '/gazette',
        '/feed.xml',
        '/c/tzgg/feed.xml',
        '/sitemap.xml',
        '/sitemap-1.xml',
        '/api/v1/sites',
        '/api/docs/json',
      ]) {
        const res = await get(app, jar, url);
        assert.equal(res.statusCode, 200, url);
      }
      const home = await get(app, jar, '/');
      assert.match(home.body, /青山县人民政府/);
      const sitemap = await get(app, jar, '/sitemap-1.xml');
      assert.match(sitemap.body, /<loc>http:\/\/localhost:80\/p\/\d+<\/loc>|<loc>http:\/\/localhost\/p\/\d+<\/loc>/);
    });

    test('the frame of a government site: statutory footer from the site settings, 您现在所在的位置, favicon, site map, accessibility', async () => {
      const office = await login(app, 'office');
      const bad = await post(
        app,
        office.jar,
        '/admin/site',
        { name: '青山县人民政府', siteId: '12', policeLink: 'javascript:alert(1)' },
        office.csrf,
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /网站标识码为 10 位数字或字母/);
      assert.match(bad.body, /公安机关备案链接必须是 http\(s\) 地址/);
      const saved = await post(
        app,
        office.jar,
        '/admin/site',
        {
          name: '青山县人民政府',
          hosts: 'localhost 127.0.0.1',
          interpretationDays: '3',
          organizer: '青山县人民政府办公室',
          siteId: '4311240001',
          icp: '湘ICP备12345678号',
          police: '湘公网安备43112402000123号',
          policeLink: 'https://beian.mps.gov.cn/',
          conacLink: 'https://bszs.conac.cn/',
          contact: '0746-1234567',
        },
        office.csrf,
      );
      assert.equal(saved.statusCode, 303, saved.body.slice(0, 300));
      const pub = await ctx.db
        .selectFrom('publications')
        .select('id')
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow();
      const page = await get(app, new Jar(), `/p/${pub.id}`);
      for (const text of [
        '主办单位：青山县人民政府　承办单位：青山县人民政府办公室',
        '网站标识码：4311240001',
        '湘ICP备12345678号',
        'href="https://beian.mps.gov.cn/"',
        'class="conac" href="https://bszs.conac.cn/"',
        '您现在所在的位置：',
        'rel="icon" href="/static/favicon.svg"',
        '扫一扫在手机打开当前页',
        'data-print hidden',
        '/prefs/size/large?back=',
      ])
        assert.ok(page.body.includes(text), text);
      assert.match(page.body, /<svg[^>]*>[\s\S]*<\/svg>\s*<figcaption>/, 'the QR code is drawn, not escaped');
      const large = await app.inject({ method: 'GET', url: `/p/${pub.id}`, cookies: { gk_size: 'large' } });
      assert.match(large.body, /<html lang="zh-CN" class="size-large">/);
      assert.equal((await app.inject({ method: 'GET', url: '/prefs/size/huge?back=/' })).statusCode, 404);
      const map = await get(app, new Jar(), '/map');
      assert.match(map.body, /href="\/c\/gkzn">政府信息公开指南<\/a>/);
      assert.equal((await get(app, new Jar(), '/accessibility')).statusCode, 200);
      const icon = await app.inject({ method: 'GET', url: '/favicon.ico' });
      assert.equal(icon.statusCode, 301);
      assert.equal((await app.inject({ method: 'GET', url: '/static/favicon.svg' })).statusCode, 200);
    });

    test('public pages are kept a minute, by ETag and compressed; pages with forms or personal data are not kept', async () => {
      const home = await app.inject({ method: 'GET', url: '/' });
      assert.equal(home.headers['cache-control'], 'public, max-age=60');
      assert.match(String(home.headers.vary), /Cookie/);
      const tag = String(home.headers.etag);
      assert.match(tag, /^W\//);
      const again = await app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': tag } });
      assert.equal(again.statusCode, 304);
      assert.equal(again.body, '');
      const zipped = await app.inject({ method: 'GET', url: '/', headers: { 'accept-encoding': 'gzip' } });
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.match(gunzipSync(zipped.rawPayload).toString(), /青山县人民政府/);
      for (const url of ['/apply', '/apply/status', '/admin/login'])
        assert.equal((await app.inject({ method: 'GET', url })).headers['cache-control'], 'no-store', url);
      // a variant is its own page: 繁體 has another tag
      const hant = await app.inject({ method: 'GET', url: '/', cookies: { gk_script: 'hant' } });
      assert.notEqual(hant.headers.etag, tag);
    });

    test('a publication page shows the statutory metadata; unknown ids are 404; unpublished is 410', async () => {
      const jar = new Jar();
      const pub = await ctx.db
        .selectFrom('publications')
        .select(['id', 'index_no'])
        .where('status', '=', 'published')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const page = await get(app, jar, `/p/${pub.id}`);
      assert.equal(page.statusCode, 200);
      for (const label of ['索引号', '主题分类', '发文机关', '成文日期', '发文字号', '发布日期', '有效性'])
        assert.match(page.body, new RegExp(label));
      assert.ok(page.body.includes(pub.index_no!));
      assert.equal((await get(app, jar, '/p/99999999')).statusCode, 404);
      assert.equal((await get(app, jar, '/p/abc')).statusCode, 404);
      const office = await f.actor('office');
      const { changeLiveStatus } = await import('./features/catalog/catalog.service.ts');
      await changeLiveStatus(ctx, office, pub.id, 'unpublish', { reason: '已被新文件替代' });
      const gone = await get(app, jar, `/p/${pub.id}`);
      assert.equal(gone.statusCode, 410);
      assert.match(gone.body, /已被新文件替代/);
      assert.equal((await get(app, jar, `/api/v1/sites/demo/publications/${pub.id}`)).statusCode, 410);
    });

    test('a withdrawn publication keeps its page with a banner and the reason', async () => {
      const w = await ctx.db
        .selectFrom('publications')
        .select(['id', 'status_reason'])
        .where('status', '=', 'withdrawn')
        .executeTakeFirstOrThrow();
      const page = await get(app, new Jar(), `/p/${w.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /class="banner"/);
      assert.match(page.body, /撤回原因：信息内容有误/);
    });

    test('the 繁体 switch converts the page; the elder mode marks it; back links stay on this site', async () => {
      const jar = new Jar();
      const r = await get(app, jar, '/prefs/script/hant?back=/agencies');
      assert.equal(r.statusCode, 303);
      assert.equal(r.headers.location, '/agencies');
      const page = await get(app, jar, '/agencies');
      assert.match(page.body, /機構信息公開目錄/);
      assert.match(page.body, /lang="zh-Hant"/);
      await get(app, jar, '/prefs/elder/on?back=/');
      assert.match((await get(app, jar, '/')).body, /<html[^>]*class="elder"/);
      for (const back of ['https://evil.example/', '//evil.example/', '/\\evil.example'])
        assert.equal(
          (await get(app, jar, `/prefs/script/hans?back=${encodeURIComponent(back)}`)).headers.location,
          '/',
        );
    });

    test('the back office needs a session; login is throttled per account; passwords are hashed', async () => {
      const jar = new Jar();
      const r = await get(app, jar, '/admin');
      assert.equal(r.statusCode, 303);
      assert.match(String(r.headers.location), /^\/admin\/login/);
      const loginPage = await get(app, jar, '/admin/login');
      const csrf = csrfFrom(loginPage.body);
      const wrong = await post(app, jar, '/admin/login', { username: 'editor', password: 'nope' }, csrf);
      assert.equal(wrong.statusCode, 401);
      assert.match(wrong.body, /用户名或密码错误/);
      const hash = await ctx.db
        .selectFrom('users')
        .select('password_hash')
        .where('username', '=', 'editor')
        .executeTakeFirstOrThrow();
      assert.match(hash.password_hash, /^\$argon2id\$/);
      // five failures pause that name from this address, even for the right password
      for (let i = 0; i < 5; i++)
        await post(app, jar, '/admin/login', { username: 'edu-editor', password: 'bad' }, csrf);
      const locked = await post(app, jar, '/admin/login', { username: 'edu-editor', password: 'edu-password-1' }, csrf);
      assert.equal(locked.statusCode, 429);
      assert.match(locked.body, /已暂停从此处登录该账号/);
      // and one address may try only so often, whatever the accounts
      const strict = await buildApp({ ...ctx, config: testConfig() });
      const codes = [];
      for (let i = 0; i < 12; i++)
        codes.push(
          (
            await strict.inject({
              method: 'POST',
              url: '/admin/login',
              payload: 'username=x&password=y',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            })
          ).statusCode,
        );
      await strict.close();
      assert.deepEqual(codes.slice(-2), [429, 429]);
    });

    test('failed logins pause one name from one address, longer each time; elsewhere the member logs in; unknown names look the same', async () => {
      const jar = new Jar();
      const csrf = csrfFrom((await get(app, jar, '/admin/login')).body);
      const attempt = (username: string, password: string, from: string) =>
        app.inject({
          method: 'POST',
          url: '/admin/login',
          remoteAddress: from,
          payload: new URLSearchParams({ _csrf: csrf, username, password }).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header },
        });
      const answers = async (username: string, from: string) => {
        const out: string[] = [];
        for (let i = 0; i < 6; i++) {
          const r = await attempt(username, 'wrong-password', from);
          out.push(`${r.statusCode} ${/已暂停从此处登录该账号|用户名或密码错误/.exec(r.body)?.[0]}`);
        }
        return out;
      };
      // an attacker's address pauses only itself: the member logs in from elsewhere
      const known = await answers('edu-reviewer', '203.0.113.7');
      assert.deepEqual(known.slice(4), ['401 用户名或密码错误', '429 已暂停从此处登录该账号']);
      assert.equal((await attempt('edu-reviewer', 'edu-password-1', '203.0.113.7')).statusCode, 429);
      assert.equal((await attempt('edu-reviewer', 'edu-password-1', '198.51.100.2')).statusCode, 303);
      // an unknown name gets the very same answers
      assert.deepEqual(await answers('no-such-person', '203.0.113.7'), known);
      // each new lock of the same name from the same address lasts twice as long
      const lockOf = () =>
        ctx.db
          .selectFrom('login_failures')
          .selectAll()
          .where('username', '=', 'no-such-person')
          .where('ip', '=', '203.0.113.7')
          .executeTakeFirstOrThrow();
      const first = await lockOf();
      await ctx.db
        .updateTable('login_failures')
        .set({ locked_until: new Date(Date.now() - 1000) })
        .execute();
      for (let i = 0; i < 5; i++) await attempt('no-such-person', 'wrong-password', '203.0.113.7');
      const second = await lockOf();
      assert.equal(second.locks, 2);
      const minutes = (l: { locked_until: Date | null; updated_at: Date }) =>
        Math.round((l.locked_until!.getTime() - l.updated_at.getTime()) / 60_000);
      assert.equal(minutes(second), 2 * minutes(first));
      await ctx.db.deleteFrom('login_failures').execute();
    });

    test('behind TLS the session and CSRF cookies carry the __Host- prefix; a login brings a new CSRF secret', async () => {
      const secure = await buildApp({ ...ctx, config: testConfig({ SECURE_COOKIES: 'on' }) });
      try {
        const jar = new Jar();
        const page = await get(secure, jar, '/admin/login');
        const csrfCookie = String(page.headers['set-cookie']);
        assert.match(csrfCookie, /__Host-gk_csrf=.*Path=\/.*Secure/);
        assert.doesNotMatch(csrfCookie, /Domain=/i);
        const res = await post(
          secure,
          jar,
          '/admin/login',
          { username: 'editor', password: 'gongkai-demo-2026' },
          csrfFrom(page.body),
        );
        assert.equal(res.statusCode, 303);
        assert.match(String(res.headers['set-cookie']), /__Host-gk_session=[^;]+;.*Secure/);
      } finally {
        await secure.close();
      }
      // the token of the login page is worth nothing once signed in
      const jar = new Jar();
      const before = csrfFrom((await get(app, jar, '/admin/login')).body);
      assert.equal(
        (await post(app, jar, '/admin/login', { username: 'editor', password: 'gongkai-demo-2026' }, before))
          .statusCode,
        303,
      );
      assert.equal((await post(app, jar, '/admin/logout', {}, before)).statusCode, 403);
      const fresh = csrfFrom((await get(app, jar, '/admin')).body);
      assert.equal((await post(app, jar, '/admin/logout', {}, fresh)).statusCode, 303);
    });

    test('every form needs its CSRF token', async () => {
      const { jar } = await login(app, 'editor');
      const res = await post(app, jar, '/admin/publications', draftFields(f) as never, 'forged');
      assert.equal(res.statusCode, 403);
      assert.match(res.body, /页面已过期或来源无效/);
      const none = await post(app, jar, '/admin/publications', { title: 'x' });
      assert.equal(none.statusCode, 403);
    });

    test('a draft is created and sent through both reviews in the back office; roles are enforced on the server', async () => {
      const editor = await login(app, 'editor');
      const fields = Object.fromEntries(
        Object.entries(draftFields(f)).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]),
      );
      const created = await post(
        app,
        editor.jar,
        '/admin/publications',
        { ...fields, ownerAgencyId: String(f.agencies[1].id) },
        editor.csrf,
      );
      assert.equal(created.statusCode, 303, created.body.slice(0, 300));
      const editionUrl = String(created.headers.location).replace(/\?.*/, '');
      const editionId = Number(editionUrl.split('/').at(-1));
      // the editor may not approve; the public may not act at all
      assert.equal((await post(app, editor.jar, `${editionUrl}/submit`, {}, editor.csrf)).statusCode, 303);
      const selfApprove = await post(app, editor.jar, `${editionUrl}/approve_review`, {}, editor.csrf);
      assert.equal(selfApprove.statusCode, 403);
      const anon = await app.inject({ method: 'POST', url: `${editionUrl}/approve_review`, payload: '' });
      assert.equal(anon.statusCode, 401);
      // staff of another agency see nothing of it
      const edu = await login(app, 'edu-reviewer', 'edu-password-1');
      assert.equal((await get(app, edu.jar, editionUrl)).statusCode, 404);
      assert.equal((await post(app, edu.jar, `${editionUrl}/approve_review`, {}, edu.csrf)).statusCode, 404);
      const reviewer = await login(app, 'reviewer');
      assert.equal((await post(app, reviewer.jar, `${editionUrl}/approve_review`, {}, reviewer.csrf)).statusCode, 303);
      const secrecy = await login(app, 'secrecy');
      const detail = await get(app, secrecy.jar, editionUrl);
      assert.match(detail.body, /保密审查通过/);
      assert.equal(
        (await post(app, secrecy.jar, `${editionUrl}/approve_confidentiality`, {}, secrecy.csrf)).statusCode,
        303,
      );
      const ed = await ctx.db
        .selectFrom('editions')
        .select(['state', 'publication_id'])
        .where('id', '=', editionId)
        .executeTakeFirstOrThrow();
      assert.equal(ed.state, 'published');
      assert.equal((await get(app, new Jar(), `/p/${ed.publication_id}`)).statusCode, 200);
      // the audit log is for the office only
      assert.equal((await get(app, editor.jar, '/admin/audit')).statusCode, 403);
      const office = await login(app, 'office');
      const audit = await get(app, office.jar, '/admin/audit?action=edition.');
      assert.equal(audit.statusCode, 200);
      assert.match(audit.body, /edition\.approve_confidentiality/);
      // read as sentences: what was done to which item
      assert.match(audit.body, /保密审查通过信息《关于做好2026年冬季安全生产工作的通知》（第 1 版），索引号 /);
      const history = await get(app, office.jar, editionUrl);
      assert.match(history.body, /<td>提交信息审核（第 1 版）<\/td>/);
    });

    test('the publication form answers bad input with Chinese messages next to the fields, and keeps what was typed', async () => {
      const editor = await login(app, 'editor');
      const res = await post(
        app,
        editor.jar,
        '/admin/publications',
        {
          title: '',
          genre: '不存在',
          writtenOn: '2026-02-30',
          ownerAgencyId: String(f.agencies[1].id),
          summary: '保留这段概述',
        },
        editor.csrf,
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /请填写标题/);
      assert.match(res.body, /请选择有效的体裁分类/);
      assert.match(res.body, /成文日期不是有效日期/);
      assert.match(res.body, /保留这段概述/);
    });

    test('uploads are checked by content: a disguised file is refused, a real PDF is kept with its text', async () => {
      const editor = await login(app, 'editor');
      const created = await post(
        app,
        editor.jar,
        '/admin/publications',
        {
          ...Object.fromEntries(
            Object.entries(draftFields(f)).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]),
          ),
          ownerAgencyId: String(f.agencies[1].id),
        },
        editor.csrf,
      );
      const url = String(created.headers.location).replace(/\?.*/, '');
      const upload = (name: string, data: Buffer) =>
        uploadFile(app, editor.jar, `${url}/attachments`, editor.csrf, { name, data });
      const fake = await upload('通知.pdf', Buffer.from('#!/bin/sh\nrm -rf /\n'));
      assert.equal(fake.statusCode, 400);
      assert.match(fake.body, /类型不被接受或与扩展名不符/);
      const exe = await upload('a.docx', Buffer.from('MZ\x90\x00\x03\x00\x00\x00'));
      assert.equal(exe.statusCode, 400);
      const pdf = onePagePdf('Annual budget');
      const ok = await upload('预算.pdf', pdf);
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 300));
      const att = await ctx.db
        .selectFrom('attachments')
        .select(['filename', 'text_content', 'mime'])
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(att.filename, '预算.pdf');
      assert.equal(att.mime, 'application/pdf');
      assert.match(att.text_content, /Annual budget/);
    });

    test('the JSON API reads publicly, writes only with a token, and answers bad input with 4xx', async () => {
      const list = await app.inject({ method: 'GET', url: '/api/v1/sites/demo/publications?column=tzgg' });
      assert.equal(list.statusCode, 200);
      assert.ok(list.json().items.length > 0);
      const denied = await app.inject({
        method: 'POST',
        url: '/api/v1/sites/demo/publications',
        payload: { agencyId: f.agencies[1].id, ...draftFields(f) },
      });
      assert.equal(denied.statusCode, 401);
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/sites/demo/publications',
        headers: { authorization: 'Bearer nope' },
        payload: {},
      });
      assert.equal(bad.statusCode, 401);
      assert.equal(bad.json().message, '访问令牌无效或已吊销');
      const spec = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json();
      assert.ok(spec.paths['/api/v1/sites/{site}/publications'].post.requestBody);
    });

    test("a site's name is shown as text wherever it appears, never as markup", async () => {
      const office = await login(app, 'office');
      const site = await ctx.db.selectFrom('sites').selectAll().where('code', '=', 'demo').executeTakeFirstOrThrow();
      const named = '青山县<img src=x onerror=alert(1)>人民政府';
      await ctx.db.updateTable('sites').set({ name: named }).where('id', '=', site.id).execute();
      ctx.sites.changed();
      try {
        for (const url of ['/', '/search?q=低保', '/agencies', '/apply']) {
          const body = (await get(app, office.jar, encodeURI(url))).body;
          assert.ok(!body.includes('<img src=x'), `${url} renders the name as markup`);
          assert.ok(body.includes('&lt;img src=x'), `${url} shows the name`);
        }
      } finally {
        await ctx.db.updateTable('sites').set({ name: site.name }).where('id', '=', site.id).execute();
        ctx.sites.changed();
      }
    });

    test('addresses, parameters and forms a client breaks get a Chinese 4xx with the security headers', async () => {
      const jar = new Jar();
      const csrf = csrfFrom((await get(app, jar, '/apply')).body);
      const form = { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header };
      const staffJar = new Jar();
      const loginCsrf = csrfFrom((await get(app, staffJar, '/admin/login')).body);
      const loginForm = { 'content-type': 'application/x-www-form-urlencoded', cookie: staffJar.header };
      const cases: { method?: 'GET' | 'POST'; url: string; payload?: string; headers?: Record<string, string> }[] = [
        { url: '/p/%FF' },
        { url: `/c/${'z'.repeat(600)}` },
        { url: `/api/v1/sites/${'x'.repeat(40)}/publications` },
        { url: '/api/v1/sites/demo/publications?column=a&column=b' },
        { url: `/api/v1/sites/demo/publications?column=${'y'.repeat(70)}` },
        { url: '/c/tzgg%00' },
        {
          method: 'POST',
          url: `/apply?_csrf=${encodeURIComponent(csrf)}`,
          payload: 'garbage',
          headers: { 'content-type': 'multipart/form-data', cookie: jar.header },
        },
        {
          method: 'POST',
          url: `/apply?_csrf=${encodeURIComponent(csrf)}`,
          payload: '--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\n张',
          headers: { 'content-type': 'multipart/form-data; boundary=XX', cookie: jar.header },
        },
        { method: 'POST', url: '/apply', payload: `_csrf=${encodeURIComponent(csrf)}&name=%00`, headers: form },
        {
          method: 'POST',
          url: '/admin/login',
          payload: `_csrf=${encodeURIComponent(loginCsrf)}&username=a&username=b&password=x`,
          headers: loginForm,
        },
        {
          method: 'POST',
          url: '/admin/login',
          payload: `_csrf=${encodeURIComponent(loginCsrf)}&username=a%00b&password=x`,
          headers: loginForm,
        },
      ];
      for (const c of cases) {
        const res = await app.inject({ method: c.method ?? 'GET', url: c.url, payload: c.payload, headers: c.headers });
        const what = `${c.method ?? 'GET'} ${c.url.slice(0, 60)}`;
        assert.ok(
          res.statusCode >= 400 && res.statusCode < 500,
          `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
        assert.match(res.body, /\p{Script=Han}/u, `${what}: said in Chinese`);
        assert.doesNotMatch(res.body, /FST_|Bad Request|is not a valid/, `${what}: no framework English`);
        assert.ok(res.headers['content-security-policy'], `${what}: security headers`);
        assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
      }
    });

    test('no request to a public route gets a 500, whatever its input (fast-check)', async () => {
      const routes = [
        '/c/',
        '/p/',
        '/agencies/',
        '/gazette/',
        '/s/',
        '/sitemap-',
        '/prefs/script/',
        '/api/v1/sites/demo/publications/',
      ];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), hostile, hostile, async (route, a, b) => {
          // lone surrogates become U+FFFD in UTF-8; raw invalid bytes (%ff%c0) are sent as well
          const enc = (s: string) => encodeURIComponent(s.toWellFormed());
          const url = `${route}${enc(a)}%ff%c0?page=${enc(b)}&year=${enc(b)}%ff&theme=${enc(a)}&back=${enc(a)}`;
          const res = await app.inject({ method: 'GET', url });
          return res.statusCode < 500;
        }),
        { numRuns: 150 },
      );
    });

    test('no route of any kind gets a 5xx, whatever its address, query and form (fast-check, every route)', async () => {
      const routes = app.routeTable.filter((r) => r.method === 'GET' || r.method === 'POST');
      assert.ok(routes.length > 80, `${routes.length} routes`);
      const office = await login(app, 'office');
      const fields = fc.dictionary(
        fc.constantFrom('title', 'name', 'username', 'q', 'page', 'agencyId', 'year', 'on', 'note', 'day', 'kind', 'x'),
        fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })),
        { maxKeys: 4 },
      );
      const enc = (s: string) => encodeURIComponent(s.toWellFormed());
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes),
          hostile,
          fields,
          fc.boolean(),
          async (route, param, form, signedIn) => {
            const url = route.url.replace(/:[A-Za-z]+/g, () => enc(param)).replace(/\*$/, enc(param));
            const query = `?page=${enc(param)}&year=${enc(param)}&done=${enc(param)}&_csrf=${enc(office.csrf)}`;
            const body = Object.entries(form)
              .flatMap(([k, v]) => [v].flat().map((x) => `${k}=${enc(x)}`))
              .concat(`_csrf=${enc(office.csrf)}`)
              .join('&');
            const res = await app.inject({
              method: route.method as 'GET' | 'POST',
              url: `${url}${query}`,
              ...(route.method === 'POST'
                ? {
                    payload: body,
                    headers: {
                      'content-type': 'application/x-www-form-urlencoded',
                      cookie: signedIn ? office.jar.header : '',
                    },
                  }
                : { headers: { cookie: signedIn ? office.jar.header : '' } }),
            });
            if (res.statusCode >= 500)
              failures.push(`${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 120)}`);
            return res.statusCode < 500;
          },
        ),
        { numRuns: 400 },
      );
      assert.deepEqual(failures, []);
    });

    test('no submission of the publication form gets a 500, whatever its fields (fast-check)', async () => {
      const editor = await login(app, 'editor');
      const keys = [
        'title',
        'docNo',
        'writtenOn',
        'genre',
        'themeCategory',
        'keywords',
        'summary',
        'bodyHtml',
        'agencyIds',
        'columnIds',
        'interpretsIds',
        'validity',
        'validityChangedOn',
        'replacedById',
        'scheduledAt',
        'videoUrl',
        'ownerAgencyId',
        'disclosureMode',
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...keys), fc.oneof(hostile, fc.array(hostile, { maxLength: 3 }))),
          async (form) => {
            const res = await post(
              app,
              editor.jar,
              '/admin/publications',
              form as Record<string, string | string[]>,
              editor.csrf,
            );
            return (
              res.statusCode < 500 &&
              (res.statusCode === 303 || /提交的内容有误|不属于本站点|不存在|权限|不是该机构|无效字符/.test(res.body))
            );
          },
        ),
        { numRuns: 60 },
      );
    });
  });
}
