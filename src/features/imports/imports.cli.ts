import { parseArgs } from 'node:util';
import { SYSTEM } from '../../core/access.ts';
import type { Ctx } from '../../core/context.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { siteColumns } from '../catalog/catalog.service.ts';
import { formatOf, inspect } from './imports.parse.ts';
import { autoMapping } from './imports.rules.ts';
import { createImport, importOf, resumableImport, runImport, startImport } from './imports.service.ts';

/**
 * `cli.ts import <file>`: imports a file into a site with its columns mapped by name. Run again after an
 * interruption, it carries on with the same file's unfinished import instead of starting over.
 */
export async function importFile(ctx: Ctx, args: string[], log: (s: string) => void = (s) => process.stdout.write(s)) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      site: { type: 'string', default: 'demo' },
      agency: { type: 'string' },
      column: { type: 'string' },
      genre: { type: 'string', default: '其他文件' },
    },
  });
  const file = positionals[0];
  if (!file) throw new Error('请指定要导入的文件');
  const format = formatOf(file);
  if (!format) throw new Error('只能导入 JSONL、CSV（含制表符分隔）或 Excel（.xlsx）文件');
  const site = await ctx.sites.byCode(values.site!);
  if (!site) throw new Error(`站点 ${values.site} 不存在`);
  const { hash } = await ctx.files.putPath(file);
  const unfinished = await resumableImport(ctx, site.id, hash);
  let id: number;
  if (unfinished !== null) {
    id = unfinished;
    log(`继续导入任务 #${id}\n`);
  } else {
    // the defaults are checked before an import is made, so that a mistyped name leaves nothing behind
    const agency = values.agency
      ? (await siteAgencies(ctx, site.id)).find((a) => a.name === values.agency || a.code === values.agency)
      : undefined;
    if (values.agency && !agency) throw new Error(`机构 ${values.agency} 不存在`);
    const column = values.column ? (await siteColumns(ctx, site.id)).find((c) => c.slug === values.column) : undefined;
    if (values.column && !column) throw new Error(`栏目 ${values.column} 不存在`);
    id = await createImport(ctx, SYSTEM, site.id, { filename: file, path: file });
    const { headers } = await inspect(format, file);
    await startImport(ctx, SYSTEM, site.id, id, {
      mapping: autoMapping(headers),
      agencyId: agency?.id,
      columnId: column?.id,
      genre: values.genre,
    });
  }
  const started = Date.now();
  await runImport(ctx, id, (p) => {
    const secs = (Date.now() - started) / 1000;
    log(
      `\r已处理 ${p.done_rows}/${p.total_rows} 行，导入 ${p.imported_rows}，重复 ${p.duplicate_rows}，错误 ${p.error_rows}（${Math.round(p.done_rows / Math.max(secs, 0.001))} 行/秒）`,
    );
  });
  const done = await importOf(ctx, SYSTEM, site.id, id);
  log(`\n导入完成：导入 ${done.imported_rows} 条，重复 ${done.duplicate_rows} 行，错误 ${done.error_rows} 行\n`);
  return done;
}
