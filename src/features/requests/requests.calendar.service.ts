import { z } from 'zod';
import type { Actor } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { calendarDay, calendarYear, deleteCalendarDay, putCalendarDay } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { optionalDate, parseInput, text } from '../../core/validate.ts';
import { requireCalendarKeeper } from './requests.policy.ts';
import { recomputeOpenCases } from './requests.service.ts';

export const calendarDayInput = z.object({
  day: optionalDate('日期').refine((d): d is string => d !== null, '请填写日期'),
  kind: z.enum(['holiday', 'workday'], { error: '请选择放假或调休上班' }),
  name: text('名称', 50).default(''),
});

/**
 * Adds or changes a day of the calendar (a holiday, or a weekend day worked under 调休), and recomputes the
 * deadlines of every open case in the same transaction. Returns how many deadlines moved.
 */
export async function saveCalendarDay(ctx: Ctx, actor: Actor, raw: unknown): Promise<number> {
  requireCalendarKeeper(actor);
  const input = parseInput(calendarDayInput, raw);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await calendarDay(trx, input.day);
    await putCalendarDay(trx, { day: input.day, kind: input.kind, name: input.name });
    const moved = await recomputeOpenCases(ctx, trx);
    await audit(trx, actor, {
      siteId: actor.principal?.siteId ?? null,
      action: 'calendar.save',
      entityType: 'calendar_day',
      entityId: input.day,
      before: before ? { kind: before.kind, name: before.name } : undefined,
      after: { kind: input.kind, name: input.name, deadlinesMoved: moved },
    });
    return moved;
  });
}

export async function removeCalendarDay(ctx: Ctx, actor: Actor, day: string): Promise<number> {
  requireCalendarKeeper(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const before = await calendarDay(trx, day);
    if (!before) throw notFound('该日期不在日历中');
    await deleteCalendarDay(trx, day);
    const moved = await recomputeOpenCases(ctx, trx);
    await audit(trx, actor, {
      siteId: actor.principal?.siteId ?? null,
      action: 'calendar.remove',
      entityType: 'calendar_day',
      entityId: day,
      before: { kind: before.kind, name: before.name },
      after: { deadlinesMoved: moved },
    });
    return moved;
  });
}

/** The office's entries, by year. */
export const calendarEntries = (ctx: Ctx, year: number) => calendarYear(ctx.db, year);
