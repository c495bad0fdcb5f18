import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { publishThroughReview } from '../../test/support/fixture.ts';
import { get, Jar, login } from '../../test/support/http.ts';
import { webSuite } from '../../test/support/web.ts';

describe('public pages kept as rendered for a moment', () => {
  const s = webSuite('pglite', { PAGE_CACHE_SECONDS: '1' });
  const page = (url: string, headers: Record<string, string> = {}) => s.app.inject({ method: 'GET', url, headers });

  test('a page is rendered once per interval, each variant on its own, and a change shows after it', async () => {
    const first = await page('/s/demo/');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['x-page-cache'], undefined);
    const second = await page('/s/demo/');
    assert.equal(second.headers['x-page-cache'], 'hit');
    assert.equal(second.body, first.body);
    assert.equal(second.headers.etag, first.headers.etag);
    assert.equal(second.headers['cache-control'], 'public, max-age=60');
    // sent as it was, with the security headers and HEAD without a body
    assert.equal(second.headers['content-security-policy'], first.headers['content-security-policy']);
    assert.equal(second.headers['x-content-type-options'], 'nosniff');
    assert.equal(Number(second.headers['content-length']), Buffer.byteLength(first.body));
    const head = await s.app.inject({ method: 'HEAD', url: '/s/demo/' });
    assert.equal(head.headers['x-page-cache'], 'hit');
    assert.equal(head.body, '');
    assert.equal((await page('/s/demo/', { 'if-none-match': String(first.headers.etag) })).statusCode, 304);
    assert.equal((await page('/s/demo/', { 'if-none-match': `W/"x", ${first.headers.etag}` })).statusCode, 304);
    assert.equal((await page('/s/demo/', { 'if-none-match': 'W/"x"' })).statusCode, 200);
    // compressed once per encoding, and the same page once decompressed
    for (const [encoding, unzip] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ] as const)
      for (let i = 0; i < 2; i++) {
        const zipped = await page('/s/demo/', { 'accept-encoding': `${encoding}, deflate` });
        assert.equal(zipped.headers['content-encoding'], encoding);
        assert.equal(unzip(zipped.rawPayload).toString(), first.body);
        assert.match(String(zipped.headers.vary), /Accept-Encoding/);
      }

    // 繁體 and the elder mode are pages of their own
    const hant = await page('/s/demo/', { cookie: 'gk_script=hant' });
    assert.notEqual(hant.headers['x-page-cache'], 'hit');
    assert.notEqual(hant.body, first.body);
    assert.equal((await page('/s/demo/', { cookie: 'gk_script=hant' })).body, hant.body);
    assert.notEqual((await page('/s/demo/', { cookie: 'gk_elder=1' })).body, first.body);

    // a new publication is in its column once the interval is over
    await page('/s/demo/c/aqsc');
    const { publicationId } = await publishThroughReview(s.ctx, s.f, { title: '关于缓存测试的通知' });
    assert.doesNotMatch((await page('/s/demo/c/aqsc')).body, /关于缓存测试的通知/, 'still the kept page');
    await new Promise((r) => setTimeout(r, 1100));
    assert.match((await page('/s/demo/c/aqsc')).body, /关于缓存测试的通知/);
    assert.equal((await page(`/s/demo/p/${publicationId}`)).statusCode, 200);
  });

  test('forms, personal data, errors and the back office are never kept', async () => {
    for (const url of ['/s/demo/apply', '/s/demo/apply/status', '/s/demo/p/999999', '/admin/login']) {
      await page(url);
      assert.notEqual((await page(url)).headers['x-page-cache'], 'hit', url);
    }
    const office = await login(s.app, 'office');
    await get(s.app, office.jar, '/admin');
    assert.notEqual((await get(s.app, office.jar, '/admin')).headers['x-page-cache'], 'hit');
    // a page answered with a cookie (the 繁體 switch) is not kept either
    const jar = new Jar();
    const set = await get(s.app, jar, '/prefs/script/hant?back=/s/demo/');
    assert.equal(set.statusCode, 303);
    assert.notEqual((await get(s.app, jar, '/prefs/script/hant?back=/s/demo/')).headers['x-page-cache'], 'hit');
  });
});

describe('a kept page and the rate limit', () => {
  const s = webSuite('pglite', { PAGE_CACHE_SECONDS: '60', REQUESTS_PER_MINUTE: '10' });

  test('answers from the cache count against the client, and a client over its limit is refused', async () => {
    const statuses: number[] = [];
    const hits: (string | undefined)[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await s.app.inject({ method: 'GET', url: '/s/demo/' });
      statuses.push(r.statusCode);
      hits.push(r.headers['x-page-cache'] as string | undefined);
    }
    assert.deepEqual(statuses, [...Array(10).fill(200), 429, 429]);
    assert.deepEqual(hits.slice(1, 10), Array(9).fill('hit'));
    // another client is not affected
    const other = await s.app.inject({ method: 'GET', url: '/s/demo/', remoteAddress: '10.1.2.3' });
    assert.equal(other.headers['x-page-cache'], 'hit');
  });
});
