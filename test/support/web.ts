import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Ctx } from '../../src/core/context.ts';
import { type DbKind, freshDb, testConfig, testCtx } from './db.ts';
import { demoFixture, type Fixture } from './fixture.ts';

/**
 * A suite's app over the demo fixture on a fresh database of the kind, made before its tests and dropped after
 * them. Read its fields inside the tests (they are set by then).
 */
export function webSuite(kind: DbKind, env: Record<string, string> = {}, publications?: number) {
  const suite = {} as { ctx: Ctx; f: Fixture; app: FastifyInstance };
  let close: () => Promise<void>;
  before(async () => {
    const d = await freshDb(kind);
    close = d.close;
    suite.ctx = testCtx(d.db, testConfig({ LOGIN_PER_MINUTE: '1000', ...env }));
    suite.f = await demoFixture(suite.ctx, publications);
    suite.app = await buildApp(suite.ctx);
  });
  after(async () => {
    await suite.app.close();
    await close();
  });
  return suite;
}
