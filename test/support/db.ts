import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../../src/core/config.ts';
import { loadConfig } from '../../src/core/config.ts';
import type { Ctx } from '../../src/core/context.ts';
import { type Db, openPGlite, pgliteDb, postgresDb } from '../../src/core/db.ts';
import { FileStore } from '../../src/core/files.ts';
import { migrate } from '../../src/core/migrate.ts';
import { SiteDirectory } from '../../src/core/sites.ts';
import { newSearch } from '../../src/sources.ts';

export const DATABASES = ['pglite', 'postgres'] as const;
export type DbKind = (typeof DATABASES)[number];

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let counter = 0;

/** A fresh, migrated database of either kind; `close` drops it. */
export async function freshDb(kind: DbKind): Promise<{ db: Db; close: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = pgliteDb(await openPGlite(undefined, false));
    await migrate(db);
    return { db, close: () => db.destroy() };
  }
  const name = `gk_test_${process.pid}_${Date.now()}_${counter++}`;
  const admin = postgresDb(ADMIN_URL, 1);
  await sql.raw(`create database ${name}`).execute(admin);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = postgresDb(url.toString());
  await migrate(db);
  return {
    db,
    close: async () => {
      await db.destroy();
      await sql.raw(`drop database if exists ${name}`).execute(admin);
      await admin.destroy();
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gongkai-test-'));
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SESSION_SECRET: 'x'.repeat(40),
    // a test reads what it has just written; the page cache has its own test (web/page.cache.test.ts)
    PAGE_CACHE_SECONDS: '0',
    ...overrides,
  });
}

export function testCtx(db: Db, config = testConfig(), now = () => new Date()): Ctx {
  return {
    db,
    read: db,
    files: new FileStore(config.filesDir),
    search: newSearch(config, false),
    sites: new SiteDirectory(db),
    config,
    now,
  };
}
