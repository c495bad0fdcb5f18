import { type Actor, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import type { Ctx } from '../../core/context.ts';
import { conflict, notFound } from '../../core/errors.ts';
import { noteSiteChange } from '../../core/search.ts';
import { checkParent, parseInput } from '../../core/validate.ts';
import { columnAncestry, columnOfSite, columnWithSlug, insertColumn, updateColumn } from './catalog.columns.store.ts';
import { columnInput } from './catalog.schema.ts';

const COLUMN_PARENT = { foreign: '上级栏目不属于本站点', cycle: '不能把栏目移到它自己的下级' };

/** The office adds a column to its site's tree (`columnId` null) or changes one. */
export async function saveColumn(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  columnId: number | null,
  raw: unknown,
): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(columnInput, raw);
  return ctx.db.transaction().execute(async (trx) => {
    if (input.parentId !== null)
      checkParent(await columnAncestry(trx, input.parentId), siteId, columnId, COLUMN_PARENT);
    const clash = await columnWithSlug(trx, siteId, input.slug);
    if (clash && clash.id !== columnId) throw conflict(`栏目路径“${input.slug}”已被使用`);
    const values = {
      name: input.name,
      slug: input.slug,
      kind: input.kind,
      parent_id: input.parentId,
      description: input.description,
      sort: input.sort,
      visible: input.visible,
    };
    if (columnId === null) {
      const id = await insertColumn(trx, { site_id: siteId, ...values });
      await noteSiteChange(trx, siteId);
      await audit(trx, actor, { siteId, action: 'column.create', entityType: 'column', entityId: id, after: input });
      return id;
    }
    const before = await columnOfSite(trx, siteId, columnId);
    if (!before) throw notFound('栏目不存在');
    await updateColumn(trx, columnId, values);
    await noteSiteChange(trx, siteId);
    await audit(trx, actor, {
      siteId,
      action: 'column.update',
      entityType: 'column',
      entityId: columnId,
      before,
      after: input,
    });
    return columnId;
  });
}
