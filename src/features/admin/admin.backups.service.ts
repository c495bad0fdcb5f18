/**
 * Backups taken by the running platform (core/backup.ts): the platform admin sees them and takes one now; the
 * scheduled job takes one every BACKUP_HOURS. The embedded database can be backed up only this way while it runs.
 */
import { type Actor, requirePlatformAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { backupInto, listBackups, type StoredBackup } from '../../core/backup.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { badInput, conflict } from '../../core/errors.ts';

/** The backup folder as configured, and the backups in it. */
export async function backupsOf(ctx: Ctx, actor: Actor) {
  requirePlatformAdmin(actor);
  const b = ctx.config.backups;
  return { settings: b, backups: b ? await listBackups(b.dir) : [] };
}

/** Takes a backup now (by the platform admin, or by the schedule), keeps the newest ones, and records it. */
export async function takeBackup(ctx: Ctx, actor: Actor): Promise<StoredBackup> {
  if (!actor.system) requirePlatformAdmin(actor);
  const b = ctx.config.backups;
  if (!b) throw badInput('未设置备份目录（BACKUP_DIR），请在配置中设置后重启');
  let taken: StoredBackup;
  try {
    taken = await backupInto(ctx.db, ctx.config.filesDir, dataKey(ctx.config), b.dir, b.keep, ctx.now());
  } catch (e) {
    if (e instanceof Error && /正在备份|同一秒/.test(e.message)) throw conflict(e.message);
    throw e;
  }
  const rows = Object.values(taken.manifest.tables).reduce((a, n) => a + n, 0);
  await ctx.db.transaction().execute((trx) =>
    audit(trx, actor, {
      siteId: null,
      action: 'backup.create',
      entityType: 'backup',
      entityId: taken.name,
      after: { name: taken.name, rows, files: taken.manifest.files, bytes: taken.bytes },
    }),
  );
  return taken;
}
