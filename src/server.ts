import { buildApp } from './app.ts';
import { SYSTEM } from './core/access.ts';
import { type Config, dataKey, loadConfig } from './core/config.ts';
import type { Ctx } from './core/context.ts';
import { openDb, replicaDb } from './core/db.ts';
import { isDatabaseAway } from './core/errors.ts';
import { FileStore } from './core/files.ts';
import { type Job, JobRunner } from './core/jobs.ts';
import { migrate } from './core/migrate.ts';
import { deliverOutbox, mailTransport } from './core/outbox.ts';
import { pruneRateLimits } from './core/ratelimit.ts';
import { SiteDirectory } from './core/sites.ts';
import { takeBackup } from './features/admin/admin.backups.service.ts';
import { scanPublished } from './features/catalog/catalog.personal.service.ts';
import { publishDue } from './features/catalog/catalog.service.ts';
import { resumeImports } from './features/imports/imports.service.ts';
import { remindDeadlines } from './features/requests/requests.reminders.ts';
import { newSearch } from './sources.ts';
import { editorBundle } from './web/editor.bundle.ts';

/** The database's address without its password, for messages. */
const shownUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

export async function openCtx(config: Config): Promise<Ctx> {
  const db = await openDb(config);
  try {
    await migrate(db);
  } catch (e) {
    await db.destroy().catch(() => {});
    if (!isDatabaseAway(e)) throw e;
    throw new Error(
      `无法连接数据库 ${config.databaseUrl ? shownUrl(config.databaseUrl) : config.pgliteDir}：${(e as Error).message}。请确认 PostgreSQL 已启动、DATABASE_URL 正确。`,
    );
  }
  return {
    db,
    read:
      config.databaseUrl && config.replicaUrl
        ? replicaDb(config.databaseUrl, config.replicaUrl, 10, config.dbTimeouts)
        : db,
    files: new FileStore(config.filesDir),
    search: newSearch(config),
    sites: new SiteDirectory(db),
    config,
    now: () => new Date(),
  };
}

/** The timed jobs of an instance (core/jobs.ts): shared ones run once across instances, instance ones on each. */
export function backgroundJobs(ctx: Ctx, log: { info: (s: string) => void; error: (e: unknown) => void }): Job[] {
  const mail = mailTransport(ctx.config);
  const every = ctx.config.schedulerSeconds;
  return [
    {
      name: 'publish-due',
      everySeconds: every,
      run: async () => {
        const n = await publishDue(ctx);
        if (n) log.info(`定时发布 ${n} 条信息`);
      },
    },
    { name: 'remind-deadlines', everySeconds: every, run: () => remindDeadlines(ctx) },
    ...(mail
      ? [
          {
            name: 'deliver-mail',
            everySeconds: every,
            run: () =>
              deliverOutbox(
                ctx.db,
                mail,
                { from: ctx.config.mailFrom, key: dataKey(ctx.config), files: ctx.files },
                ctx.now(),
              ),
          },
        ]
      : []),
    // the office's scans of what is published, for personal data, carried on in batches
    { name: 'personal-scan', everySeconds: every, run: () => scanPublished(ctx) },
    { name: 'prune-search-outbox', everySeconds: 3600, run: () => ctx.search.prune(ctx.db) },
    { name: 'prune-rate-limits', everySeconds: 300, run: () => pruneRateLimits(ctx.db) },
    // backups by the running platform (the embedded database cannot be read by another process while it runs)
    ...(ctx.config.backups
      ? [
          {
            name: 'backup',
            everySeconds: ctx.config.backups.hours * 3600,
            run: async () => log.info(`已自动备份：${(await takeBackup(ctx, SYSTEM)).name}`),
          },
        ]
      : []),
    // imports interrupted by a stop or a crash (their heartbeat went stale) carry on where they were
    { name: 'resume-imports', everySeconds: 60, run: () => resumeImports(ctx, log.error) },
    // other instances' changes reach this one's index within a second; the index is saved every minute
    { name: 'search-sync', everySeconds: 1, scope: 'instance', run: () => ctx.search.sync(ctx.db) },
    { name: 'search-save', everySeconds: 60, scope: 'instance', run: () => ctx.search.save() },
  ];
}

/** How long a stop (SIGTERM) may take: requests under way finish, jobs end, the index is saved. */
const STOP_SECONDS = 15;

/** Starts the web server and the background jobs; returns the address. */
export async function serve(ctx: Ctx): Promise<string> {
  // a saved index is loaded and brought up to date; a missing one is rebuilt in the background
  await ctx.search.open(ctx.db);
  const app = await buildApp(ctx);
  const address = await app.listen({ host: ctx.config.host, port: ctx.config.port });
  const log = { info: (s: string) => app.log.info(s), error: (e: unknown) => app.log.error(e) };
  // the editor's script is bundled now, not on the first editor's page
  editorBundle().catch(log.error);
  const runner = new JobRunner(ctx.db, log.error);
  const files = app.pageFiles;
  if (files) await files.open(app, ctx.db);
  await runner.start([
    ...backgroundJobs(ctx, log),
    // the pages written for the proxy follow every instance's changes within a second (web/page.files.ts)
    ...(files
      ? [{ name: 'page-files', everySeconds: 1, scope: 'instance' as const, run: () => files.sync(ctx.db) }]
      : []),
  ]);
  const stop = async () => {
    // a stop ends within a bound even when the database does not answer
    setTimeout(() => {
      log.error(new Error(`未能在 ${STOP_SECONDS} 秒内正常停止，强制退出`));
      process.exit(1);
    }, STOP_SECONDS * 1000).unref();
    await runner.stop();
    await ctx.search.save().catch(log.error);
    await app.close();
    await ctx.db.destroy().catch(log.error);
    if (ctx.read !== ctx.db) await ctx.read.destroy().catch(log.error);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return address;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ctx = await openCtx(loadConfig());
  const address = await serve(ctx);
  console.log(`Gongkai 已启动：${address}`);
}
