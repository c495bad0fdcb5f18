import { z } from 'zod';
import type { Actor } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { Import } from '../../core/db.types.ts';
import { badInput, conflict, notFound } from '../../core/errors.ts';
import { recordFile } from '../../core/files.ts';
import { analyzeOutbox, type Offered } from '../../core/search.ts';
import { optionalId, parseInput } from '../../core/validate.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { importPublications, refreshCatalogStatistics } from '../catalog/catalog.bulk.service.ts';
import { GENRES } from '../catalog/catalog.rules.ts';
import { siteColumns } from '../catalog/catalog.service.ts';
import { formatOf, inspect, type ReadRow, readRows } from './imports.parse.ts';
import { requireImporter } from './imports.policy.ts';
import {
  autoMapping,
  IMPORT_FIELDS,
  type ImportDefaults,
  type ImportField,
  type ImportRow,
  type Mapping,
  type RowError,
  validateRow,
} from './imports.rules.ts';
import {
  addProgress,
  claimImport,
  errorsOf,
  failImport,
  finishImport,
  importRow,
  importsOfSite,
  importsToRun,
  insertErrors,
  insertImport,
  keptErrors,
  moveImport,
  reopenImport,
  unfinishedImportOf,
} from './imports.store.ts';

/** Rows written per transaction: a batch is whole or not at all, and progress is saved with it. */
export const IMPORT_BATCH = 500;
/** A running import whose heartbeat is older than this was interrupted and may be resumed. */
const STALE_SECONDS = 60;
/** Errors kept per import (the counts stay exact beyond). */
const MAX_ERRORS = 100_000;

/** Registers an uploaded file for import: its format, columns and rows are read, and a mapping proposed. */
export async function createImport(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  file: { filename: string; path: string },
): Promise<number> {
  requireImporter(actor, siteId);
  const format = formatOf(file.filename);
  if (!format) throw badInput('只能导入 JSONL、CSV（含制表符分隔）或 Excel（.xlsx）文件');
  const { hash, size } = await ctx.files.putPath(file.path);
  let info: Awaited<ReturnType<typeof inspect>>;
  try {
    info = await inspect(format, ctx.files.pathOf(hash), true);
  } catch (e) {
    throw badInput(`无法读取文件：${(e as Error).message.slice(0, 200)}`);
  }
  if (info.total === 0 || !info.headers.length) throw badInput('文件中没有数据行');
  return ctx.db.transaction().execute(async (trx) => {
    await recordFile(trx, { hash, size, mime: format });
    const id = await insertImport(trx, {
      site_id: siteId,
      filename: file.filename.slice(-200),
      file_hash: hash,
      format,
      mapping: JSON.stringify(autoMapping(info.headers)),
      total_rows: info.total,
      created_by: actor.principal?.userId ?? null,
    });
    await audit(trx, actor, {
      siteId,
      action: 'import.create',
      entityType: 'import',
      entityId: id,
      after: { filename: file.filename, format, rows: info.total },
    });
    return id;
  });
}

export async function importOf(ctx: Ctx, actor: Actor, siteId: number, id: number): Promise<Import> {
  requireImporter(actor, siteId);
  const row = await importRow(ctx.db, siteId, id);
  if (!row) throw notFound('导入任务不存在');
  return row;
}

/**
 * The site's unfinished import of this file (pending, interrupted or failed), set to run again from where it
 * stopped; null when there is none (the command line resumes an import it is given again).
 */
export async function resumableImport(ctx: Ctx, siteId: number, fileHash: string): Promise<number | null> {
  const unfinished = await unfinishedImportOf(ctx.db, siteId, fileHash);
  if (!unfinished) return null;
  await reopenImport(ctx.db, unfinished.id);
  return unfinished.id;
}

/** The columns and first rows of an import's file. */
export function previewImport(ctx: Ctx, imp: Import) {
  return inspect(imp.format, ctx.files.pathOf(imp.file_hash));
}

const startInput = z.object({
  mapping: z.record(z.string(), z.string().max(200)).default({}),
  agencyId: optionalId.transform((v) => v ?? undefined),
  columnId: optionalId.transform((v) => v ?? undefined),
  genre: z.union([z.enum(GENRES), z.literal('')]).default(''),
});

/** The office confirms the mapping and the defaults; the import then runs in the background. */
export async function startImport(ctx: Ctx, actor: Actor, siteId: number, id: number, raw: unknown): Promise<void> {
  requireImporter(actor, siteId);
  const input = parseInput(startInput, raw);
  const imp = await importOf(ctx, actor, siteId, id);
  if (imp.status !== 'mapping') throw conflict('该导入任务已经开始，不能再修改对应关系');
  const { headers } = await previewImport(ctx, imp);
  const mapping: Mapping = {};
  const errors: Record<string, string> = {};
  for (const [field, column] of Object.entries(input.mapping)) {
    if (!(field in IMPORT_FIELDS) || column === '') continue;
    if (!headers.includes(column)) errors[`mapping.${field}`] = `文件中没有“${column}”这一列`;
    else mapping[field as ImportField] = column;
  }
  for (const [field, spec] of Object.entries(IMPORT_FIELDS))
    if ('required' in spec && spec.required && !mapping[field as ImportField])
      errors[`mapping.${field}`] = `请指定“${spec.label}”对应的列`;
  if (!mapping.agency && !input.agencyId) errors.agencyId = '文件中没有发文机关时，请选择默认机构';
  if (!mapping.column && !input.columnId) errors.columnId = '文件中没有栏目时，请选择默认栏目';
  if (!mapping.genre && !input.genre) errors.genre = '文件中没有体裁分类时，请选择默认体裁';
  const [agencies, columns] = await Promise.all([siteAgencies(ctx, siteId), siteColumns(ctx, siteId)]);
  if (input.agencyId && !agencies.some((a) => a.id === input.agencyId)) errors.agencyId = '默认机构不属于本站点';
  if (input.columnId && !columns.some((c) => c.id === input.columnId)) errors.columnId = '默认栏目不属于本站点';
  if (Object.keys(errors).length) throw badInput(`请检查对应关系：${Object.values(errors).join('；')}`, errors);
  const defaults: ImportDefaults = {
    agencyId: input.agencyId,
    columnId: input.columnId,
    genre: input.genre || undefined,
  };
  await ctx.db.transaction().execute(async (trx) => {
    const moved = await moveImport(
      trx,
      id,
      { status: 'mapping' },
      { mapping: JSON.stringify(mapping), defaults: JSON.stringify(defaults), status: 'pending' },
    );
    if (!moved) throw conflict('该导入任务已经开始');
    await audit(trx, actor, {
      siteId,
      action: 'import.start',
      entityType: 'import',
      entityId: id,
      after: { mapping, defaults },
    });
  });
}

/**
 * Runs an import from where it stopped: rows in file order, in batches written whole with their progress,
 * so that after a crash it resumes without importing a row twice. Returns false when another runner has it.
 */
export async function runImport(ctx: Ctx, id: number, onProgress?: (imp: Import) => void): Promise<boolean> {
  const imp = await claimImport(ctx.db, id, STALE_SECONDS);
  if (!imp) return false;
  const siteId = imp.site_id;
  const [agencies, columns] = await Promise.all([siteAgencies(ctx, siteId), siteColumns(ctx, siteId)]);
  const mapping = imp.mapping as Mapping;
  const defaults = imp.defaults as ImportDefaults;
  const today = shanghaiDate(ctx.now());
  let batch: ReadRow[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    const errors: { n: number; e: RowError }[] = [];
    const valid: { n: number; row: ImportRow }[] = [];
    for (const r of rows) {
      if ('error' in r) {
        errors.push({ n: r.n, e: { field: '_', message: r.error } });
        continue;
      }
      const v = validateRow(r.row, mapping, { agencies, columns }, defaults, today);
      if ('errors' in v) for (const e of v.errors) errors.push({ n: r.n, e });
      else valid.push({ n: r.n, row: v.row });
    }
    const last = rows[rows.length - 1].n;
    let indexed: Offered[] = [];
    const progress = await ctx.db.transaction().execute(async (trx) => {
      const written = await importPublications(
        trx,
        siteId,
        valid.map((v) => v.row),
        imp.created_by,
      );
      indexed = written.indexed;
      let imported = 0;
      let duplicates = 0;
      written.outcomes.forEach((o, k) => {
        if ('imported' in o) imported++;
        else if ('duplicate' in o) duplicates++;
        else errors.push({ n: valid[k].n, e: o.error });
      });
      const badRows = new Set(errors.map((e) => e.n)).size;
      const room = errors.length ? Math.max(0, MAX_ERRORS - (await keptErrors(trx, id))) : 0;
      await insertErrors(
        trx,
        id,
        errors.slice(0, room).map(({ n, e }) => ({ n, field: e.field, message: e.message.slice(0, 500) })),
      );
      return addProgress(trx, id, { doneRows: last, imported, duplicates, badRows });
    });
    // the index takes the rows as written (not read back) on the other thread while the next batch is written
    ctx.search.offer(indexed);
    void ctx.search.refresh(ctx.db);
    onProgress?.(progress);
  };
  try {
    for await (const r of readRows(imp.format, ctx.files.pathOf(imp.file_hash))) {
      if (r.n <= imp.done_rows) continue;
      batch.push(r);
      if (batch.length >= IMPORT_BATCH) await flush();
    }
    await flush();
    // a bulk load leaves the planner's statistics behind (PGlite has no autovacuum to refresh them)
    await refreshCatalogStatistics(ctx);
    await analyzeOutbox(ctx.db);
    await ctx.search.settled();
    await ctx.search.refresh(ctx.db);
    await ctx.db.transaction().execute(async (trx) => {
      const done = await finishImport(trx, id);
      await audit(
        trx,
        { principal: null, ip: '' },
        {
          siteId,
          action: 'import.done',
          entityType: 'import',
          entityId: id,
          after: { imported: done.imported_rows, duplicates: done.duplicate_rows, errors: done.error_rows },
        },
      );
    });
  } catch (e) {
    // the rows before the failing batch stay imported; the import can be resumed after the cause is fixed
    await failImport(ctx.db, id, `导入中断：${(e as Error).message.slice(0, 300)}`);
    throw e;
  }
  return true;
}

/** Runs every import that is waiting or was interrupted (at start-up and after an import is started). */
export async function resumeImports(ctx: Ctx, log: (e: unknown) => void = console.error): Promise<void> {
  const waiting = await importsToRun(ctx.db);
  for (const { id } of waiting) await runImport(ctx, id).catch(log);
}

/** An interrupted (failed) import is set to run again from where it stopped. */
export async function retryImport(ctx: Ctx, actor: Actor, siteId: number, id: number): Promise<void> {
  requireImporter(actor, siteId);
  await ctx.db.transaction().execute(async (trx) => {
    const moved = await moveImport(trx, id, { status: 'failed', siteId }, { status: 'pending', message: '' });
    if (!moved) throw conflict('只有中断的导入任务可以继续');
    await audit(trx, actor, { siteId, action: 'import.retry', entityType: 'import', entityId: id });
  });
}

/** An import's errors in row order (an import of the site, for its office). */
export async function importErrors(ctx: Ctx, actor: Actor, siteId: number, id: number, limit: number) {
  const imp = await importOf(ctx, actor, siteId, id);
  return errorsOf(ctx.db, imp.id, limit);
}

export async function siteImports(ctx: Ctx, actor: Actor, siteId: number) {
  requireImporter(actor, siteId);
  return importsOfSite(ctx.db, siteId);
}
