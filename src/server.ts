import { buildApp } from './app.ts';
import { type Config, loadConfig } from './core/config.ts';
import type { Ctx } from './core/context.ts';
import { openDb } from './core/db.ts';
import { FileStore } from './core/files.ts';
import { migrate } from './core/migrate.ts';
import { deliverOutbox, mailTransport } from './core/outbox.ts';
import { SiteDirectory } from './core/sites.ts';
import { publishDue } from './features/catalog/catalog.service.ts';
import { resumeImports } from './features/imports/imports.service.ts';
import { remindDeadlines } from './features/requests/requests.reminders.ts';
import { newSearch } from './sources.ts';

export async function openCtx(config: Config): Promise<Ctx> {
  const db = await openDb(config);
  await migrate(db);
  return {
    db,
    files: new FileStore(config.filesDir),
    search: newSearch(config),
    sites: new SiteDirectory(db),
    config,
    now: () => new Date(),
  };
}

/** Other instances' changes reach this one's index within a second; the index is saved every minute. */
const SEARCH_SYNC_MS = 1000;
const SEARCH_SAVE_MS = 60_000;

/** Starts the web server and the sweep (scheduled publishing, deadline reminders, outgoing mail); returns the address. */
export async function serve(ctx: Ctx): Promise<string> {
  // a saved index is loaded and brought up to date; a missing one is rebuilt in the background
  await ctx.search.open(ctx.db);
  const app = await buildApp(ctx);
  const address = await app.listen({ host: ctx.config.host, port: ctx.config.port });
  let running = false;
  const mail = mailTransport(ctx.config);
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const n = await publishDue(ctx);
      if (n) app.log.info(`定时发布 ${n} 条信息`);
      await remindDeadlines(ctx);
      if (mail) await deliverOutbox(ctx.db, mail, ctx.config.mailFrom, ctx.now());
    } catch (e) {
      app.log.error(e);
    } finally {
      running = false;
    }
  }, ctx.config.schedulerSeconds * 1000);
  const syncTimer = setInterval(() => void ctx.search.sync(ctx.db).catch((e) => app.log.error(e)), SEARCH_SYNC_MS);
  const saveTimer = setInterval(() => void ctx.search.save().catch((e) => app.log.error(e)), SEARCH_SAVE_MS);
  const pruneTimer = setInterval(() => void ctx.search.prune(ctx.db).catch((e) => app.log.error(e)), 3600_000);
  // imports interrupted by a stop or a crash carry on where they were
  void resumeImports(ctx, (e) => app.log.error(e));
  const stop = async () => {
    clearInterval(timer);
    clearInterval(syncTimer);
    clearInterval(saveTimer);
    clearInterval(pruneTimer);
    await ctx.search.save().catch((e) => app.log.error(e));
    await app.close();
    await ctx.db.destroy();
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
