import { type Actor, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import type { Ctx } from '../../core/context.ts';
import { badInput, conflict, notFound } from '../../core/errors.ts';
import { noteChange } from '../../core/search.ts';
import { parseInput } from '../../core/validate.ts';
import { insertIssue, issueNumbered, lockIssue, setEntries, updateIssue } from './catalog.gazette.store.ts';
import { gazetteInput } from './catalog.schema.ts';
import { countOnSite } from './catalog.store.ts';

/** Creates a gazette issue (or changes issue `issueId`) with its table of contents; by the office. */
export async function saveGazetteIssue(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  raw: unknown,
  issueId: number | null = null,
): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(gazetteInput, raw);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const linked = input.entries.map((e) => e.publicationId).filter((x): x is number => x !== null);
    if ((await countOnSite(trx, 'publications', siteId, linked)) !== new Set(linked).size)
      throw badInput('公报篇目关联的信息不存在', { entries: '公报篇目关联的信息编号不存在' });
    const clash = await issueNumbered(trx, siteId, input.year, input.number);
    if (clash && clash.id !== issueId) throw conflict(`${input.year}年第${input.number}期公报已存在`);
    const values = {
      year: input.year,
      number: input.number,
      total_number: input.totalNumber,
      issue_date: input.issueDate!,
      published: input.published,
    };
    let before: unknown;
    let id: number;
    if (issueId === null) id = await insertIssue(trx, { site_id: siteId, ...values });
    else {
      before = await lockIssue(trx, siteId, issueId);
      if (!before) throw notFound('公报不存在');
      await updateIssue(trx, issueId, values);
      id = issueId;
    }
    await setEntries(trx, id, input.entries);
    await noteChange(trx, siteId, `g:${id}`);
    await audit(trx, actor, {
      siteId,
      action: issueId === null ? 'gazette.create' : 'gazette.update',
      entityType: 'gazette_issue',
      entityId: id,
      before,
      after: { year: input.year, number: input.number, entries: input.entries.length, published: input.published },
    });
    return id;
  });
  await ctx.search.refresh(ctx.db);
  return id;
}
