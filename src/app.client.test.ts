import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { freshDb, testCtx } from '../test/support/db.ts';
import { buildApp } from './app.ts';

let app: FastifyInstance;
let port: number;
let close: () => Promise<void>;
before(async () => {
  const d = await freshDb('pglite');
  close = d.close;
  app = await buildApp(testCtx(d.db));
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
after(async () => {
  await app.close();
  await close();
});

/** Sends raw bytes and reads the whole answer. */
const raw = (bytes: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString('utf8');
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });

test('what Node refuses before the app (headers too large, not HTTP) is answered in Chinese with the security headers', async () => {
  const big = await raw(`GET / HTTP/1.1\r\nHost: localhost\r\nCookie: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.match(big, /^HTTP\/1\.1 431 /);
  assert.match(big, /content-security-policy: /i);
  assert.match(big, /x-content-type-options: nosniff/i);
  assert.match(big, /请求头过大/);
  const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
  assert.match(garbage, /^HTTP\/1\.1 400 /);
  assert.match(garbage, /请求格式有误/);
});
