import { createRequire } from 'node:module';
import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from './db.ts';
import type { DB } from './db.types.ts';

/** Legal dates are calendar dates in Asia/Shanghai, written YYYY-MM-DD. */
export type DateStr = string;

const require = createRequire(import.meta.url);
const data: {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
} = require('chinese-days/dist/chinese-days.json');

export interface Calendar {
  /** Day → true (working day) or false (day off), overriding weekdays and weekends. */
  overrides: Map<DateStr, boolean>;
  /** Years whose holiday schedule is known (published data or entered by the office). */
  years: Set<number>;
}

const yearOf = (d: DateStr) => Number(d.slice(0, 4));

/** The national calendar of the `chinese-days` package, with the office's own entries laid over it. */
export function buildCalendar(entries: { day: DateStr; kind: 'holiday' | 'workday' }[] = []): Calendar {
  const overrides = new Map<DateStr, boolean>();
  const years = new Set<number>();
  for (const d of Object.keys(data.holidays)) {
    overrides.set(d, false);
    years.add(yearOf(d));
  }
  for (const d of Object.keys(data.workdays)) overrides.set(d, true);
  for (const e of entries) {
    overrides.set(e.day, e.kind === 'workday');
    if (e.kind === 'holiday') years.add(yearOf(e.day));
  }
  return { overrides, years };
}

/**
 * The working-day calendar of a site: the built-in schedule, the national entries, and the site's own entries over
 * them (null: the national calendar alone).
 */
export async function loadCalendar(db: Db, siteId: number | null): Promise<Calendar> {
  let q = db.selectFrom('calendar_days').select(['day', 'kind', 'site_id']);
  q =
    siteId === null
      ? q.where('site_id', 'is', null)
      : q.where((eb) => eb.or([eb('site_id', 'is', null), eb('site_id', '=', siteId)]));
  // a site's own entry for a day is laid over the national one
  const rows = await q.orderBy(sql`site_id is not null`).orderBy('day').execute();
  return buildCalendar(rows);
}

export function addDays(d: DateStr, n: number): DateStr {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

export function isWorkday(cal: Calendar, d: DateStr): boolean {
  const o = cal.overrides.get(d);
  if (o !== undefined) return o;
  const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6;
}

export const isKnownYear = (cal: Calendar, d: DateStr) => cal.years.has(yearOf(d));

/**
 * The n-th working day after `start` (start itself not counted). `certain` is false when the walk
 * crossed a year whose holidays are not known: the result is then only a weekend-based guess.
 */
export function addWorkdays(cal: Calendar, start: DateStr, n: number): { date: DateStr; certain: boolean } {
  let d = start;
  let certain = true;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (!isKnownYear(cal, d)) certain = false;
    if (isWorkday(cal, d)) left--;
  }
  return { date: d, certain };
}

/** The day `n` working days before `end` (so that workdaysBetween(result, end) = n). */
export function workdaysBefore(cal: Calendar, end: DateStr, n: number): DateStr {
  let d = end;
  let left = n;
  while (left > 0) {
    if (isWorkday(cal, d)) left--;
    d = addDays(d, -1);
  }
  return d;
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workdaysBetween(cal: Calendar, from: DateStr, to: DateStr): number {
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkday(cal, d)) count++;
  return count;
}

const shanghai = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in Asia/Shanghai of an instant. */
export const shanghaiDate = (t: Date): DateStr => shanghai.format(t);

/** China has kept one offset all year since 1991: Asia/Shanghai is UTC+8. */
const SHANGHAI_OFFSET = '+08:00';
const SHANGHAI_MS = 8 * 3600_000;

/**
 * The instant of a wall-clock time in Asia/Shanghai: a date (`2025-10-01`, its midnight) or a date and time
 * (`2025-10-01T09:30`, seconds optional).
 */
export function shanghaiTime(local: string): Date {
  const full = local.length === 10 ? `${local}T00:00:00` : local.length === 16 ? `${local}:00` : local;
  return new Date(`${full}${SHANGHAI_OFFSET}`);
}

/** The start of a Shanghai calendar date. */
export const shanghaiMidnight = (d: DateStr): Date => shanghaiTime(d);

/** An instant as Shanghai wall-clock time `YYYY-MM-DDTHH:mm` (the value of an `<input type="datetime-local">`). */
export const shanghaiDateTime = (t: Date): string => new Date(t.getTime() + SHANGHAI_MS).toISOString().slice(0, 16);

const ofScope = (siteId: number | null) => (eb: ExpressionBuilder<DB, 'calendar_days'>) =>
  siteId === null ? eb('site_id', 'is', null) : eb('site_id', '=', siteId);

/** The entry for a day, national (site null) or a site's own, if there is one. */
export function calendarDay(db: Db, siteId: number | null, day: DateStr) {
  return db.selectFrom('calendar_days').selectAll().where(ofScope(siteId)).where('day', '=', day).executeTakeFirst();
}

/** Adds or changes a day: a holiday, or a weekend day worked under 调休; national (site null) or a site's own. */
export async function putCalendarDay(
  db: Db,
  siteId: number | null,
  e: { day: DateStr; kind: 'holiday' | 'workday'; name: string },
) {
  const before = await calendarDay(db, siteId, e.day);
  if (before)
    await db
      .updateTable('calendar_days')
      .set({ kind: e.kind, name: e.name, updated_at: new Date() })
      .where('id', '=', before.id)
      .execute();
  else
    await db
      .insertInto('calendar_days')
      .values({ ...e, site_id: siteId })
      .execute();
}

export async function deleteCalendarDay(db: Db, siteId: number | null, day: DateStr): Promise<void> {
  await db.deleteFrom('calendar_days').where(ofScope(siteId)).where('day', '=', day).execute();
}

/** The national entries of a year and, with a site, that site's own, in order. */
export function calendarYear(db: Db, siteId: number | null, year: number) {
  let q = db
    .selectFrom('calendar_days')
    .selectAll()
    .where('day', '>=', `${year}-01-01`)
    .where('day', '<=', `${year}-12-31`);
  q =
    siteId === null
      ? q.where('site_id', 'is', null)
      : q.where((eb) => eb.or([eb('site_id', 'is', null), eb('site_id', '=', siteId)]));
  return q.orderBy('day').orderBy(sql`site_id is not null`).execute();
}
