import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freshDb, testConfig, testCtx } from '../test/support/db.ts';
import { buildApp } from './app.ts';
import { loadConfig } from './core/config.ts';

/** Three failed logins, each from the forwarded address given; how the third is answered (429: the same client). */
async function thirdLogin(trust: string, forwarded: string[]): Promise<number> {
  const d = await freshDb('pglite');
  const app = await buildApp(testCtx(d.db, testConfig({ TRUST_PROXY: trust, LOGIN_PER_MINUTE: '2' })));
  try {
    const codes: number[] = [];
    for (const xff of forwarded)
      codes.push(
        (
          await app.inject({
            method: 'POST',
            url: '/admin/login',
            payload: 'username=x&password=y',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': xff },
          })
        ).statusCode,
      );
    return codes[2];
  } finally {
    await app.close();
    await d.close();
  }
}

test('X-Forwarded-For is believed only from the configured proxies: a client cannot forge its way past rate limits', async () => {
  const rotating = ['1.1.1.1', '2.2.2.2', '3.3.3.3'];
  assert.equal(await thirdLogin('off', rotating), 429, 'off: the header is ignored');
  assert.equal(await thirdLogin('10.9.9.9', rotating), 429, 'a proxy that is not the peer: ignored');
  assert.notEqual(await thirdLogin('on', rotating), 429, 'a proxy on this machine: each forwarded client counts apart');
  // behind the proxy, a client that writes its own X-Forwarded-For only adds entries before the proxy's
  const forged = ['6.6.6.1, 1.1.1.1', '6.6.6.2, 1.1.1.1', '6.6.6.3, 1.1.1.1'];
  assert.equal(await thirdLogin('127.0.0.1', forged), 429, 'the address the proxy saw is the one counted');
  assert.notEqual(await thirdLogin('1', rotating), 429, 'one hop believed');
  assert.equal(await thirdLogin('1', forged), 429, 'one hop: only the last entry');
});

test('TRUST_PROXY takes off, on, a number of hops or proxy addresses, and refuses anything else', () => {
  const parse = (v: string) => loadConfig({ ...process.env, DATA_DIR: '/tmp/gk-proxy', TRUST_PROXY: v }).trustProxy;
  assert.equal(parse('off'), false);
  assert.deepEqual(parse('on'), ['127.0.0.1/8', '::1']);
  assert.equal(parse('2'), 2);
  assert.deepEqual(parse('10.0.0.5, 10.0.1.0/24,::1'), ['10.0.0.5', '10.0.1.0/24', '::1']);
  assert.throws(() => parse('everyone'), /TRUST_PROXY/);
  assert.throws(() => parse('10.0.0.5,nginx'), /TRUST_PROXY/);
  assert.equal(loadConfig({ DATA_DIR: '/tmp/gk-proxy', TRUST_PROXY: '10.0.0.5' }).secureCookies, true);
});
