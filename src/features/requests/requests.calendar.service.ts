import { z } from 'zod';
import type { Actor } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { calendarDay, calendarYear, deleteCalendarDay, putCalendarDay } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { optionalDate, parseInput, text } from '../../core/validate.ts';
import { requireCalendarKeeper } from './requests.policy.ts';
import { recomputeOpenCases } from './requests.service.ts';

/**
 * The working-day calendar behind every deadline: national entries (the State Council's schedule) kept by the
 * platform admin for every site, and a site's own local entries kept by its office for its own cases only. A change
 * recomputes the open cases it touches, in the same transaction, and is audited in the log of the site it is for.
 */

export const calendarDayInput = z.object({
  day: optionalDate('日期').refine((d): d is string => d !== null, '请填写日期'),
  kind: z.enum(['holiday', 'workday'], { error: '请选择放假或调休上班' }),
  name: text('名称', 50).default(''),
  /** `national` (the platform admin's) or `site` (this site's own, the default). */
  scope: z.enum(['site', 'national']).catch('site').default('site'),
});

/** The site an entry belongs to: null for a national one. */
const scopeOf = (siteId: number, scope: 'site' | 'national') => (scope === 'national' ? null : siteId);

/**
 * Adds or changes a day (a holiday, or a weekend day worked under 调休) for the site or nationally, and recomputes
 * the deadlines of the open cases it touches. Returns how many deadlines moved.
 */
export async function saveCalendarDay(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<number> {
  const input = parseInput(calendarDayInput, raw);
  const scope = scopeOf(siteId, input.scope);
  requireCalendarKeeper(actor, scope);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await calendarDay(trx, scope, input.day);
    await putCalendarDay(trx, scope, { day: input.day, kind: input.kind, name: input.name });
    const moved = await recomputeOpenCases(trx, scope);
    await audit(trx, actor, {
      siteId: scope,
      action: 'calendar.save',
      entityType: 'calendar_day',
      entityId: input.day,
      before: before ? { kind: before.kind, name: before.name } : undefined,
      after: { kind: input.kind, name: input.name, scope: input.scope, deadlinesMoved: moved },
    });
    return moved;
  });
}

export async function removeCalendarDay(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  day: string,
  scopeName: 'site' | 'national',
): Promise<number> {
  const scope = scopeOf(siteId, scopeName);
  requireCalendarKeeper(actor, scope);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await calendarDay(trx, scope, day);
    if (!before) throw notFound('该日期不在日历中');
    await deleteCalendarDay(trx, scope, day);
    const moved = await recomputeOpenCases(trx, scope);
    await audit(trx, actor, {
      siteId: scope,
      action: 'calendar.remove',
      entityType: 'calendar_day',
      entityId: day,
      before: { kind: before.kind, name: before.name, scope: scopeName },
      after: { deadlinesMoved: moved },
    });
    return moved;
  });
}

/** A year's entries as the site's calendar has them: the national ones and its own, each marked. */
export async function calendarEntries(ctx: Ctx, siteId: number, year: number) {
  return (await calendarYear(ctx.db, siteId, year)).map((e) => ({
    day: e.day,
    kind: e.kind,
    name: e.name,
    scope: (e.site_id === null ? 'national' : 'site') as 'site' | 'national',
  }));
}
