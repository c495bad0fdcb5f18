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
// the package is CommonJS without named exports for ES modules
const { getSolarDateFromLunar, getSolarTerms }: typeof import('chinese-days') = require('chinese-days');

export interface Calendar {
  /** Day → true (working day) or false (day off), overriding weekdays and weekends. */
  overrides: Map<DateStr, boolean>;
  /** Years whose holiday schedule is known (published data or entered by the office). */
  years: Set<number>;
  /** Years not known whose statutory holidays have been laid over `overrides` (as they are first asked for). */
  provisional: Set<number>;
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
  return { overrides, years, provisional: new Set() };
}

const WEEKEND = (d: DateStr) => {
  const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
};

/**
 * The public holidays that 全国年节及纪念日放假办法 (国务院令第795号, in force 2025-01-01) fixes for every year, with
 * the lunar and solar-term days computed: 元旦 1 day, 春节 4 (除夕 to 初三), 清明 1, 劳动节 2, 端午 1, 中秋 1,
 * 国庆 3. What the State Council adds each year (the days moved around them) is not known until it is announced.
 */
export function statutoryHolidays(year: number): DateStr[] {
  const lunar = (md: string) => getSolarDateFromLunar(`${year}-${md}`).date;
  const newYear = lunar('01-01');
  const qingming =
    getSolarTerms(`${year}-04-01`, `${year}-04-10`).find((t) => t.name === '清明')?.date ?? `${year}-04-05`;
  return [
    `${year}-01-01`,
    addDays(newYear, -1),
    newYear,
    addDays(newYear, 1),
    addDays(newYear, 2),
    qingming,
    `${year}-05-01`,
    `${year}-05-02`,
    lunar('05-05'),
    lunar('08-15'),
    `${year}-10-01`,
    `${year}-10-02`,
    `${year}-10-03`,
  ]
    .filter((d, i, all) => all.indexOf(d) === i)
    .sort();
}

/**
 * A year without a known schedule: its statutory holidays are days off, and each that falls on a weekend gives the
 * next working day off (放假办法 第六条: 适逢星期六、星期日，应当在工作日补假). Deadlines that cross it stay marked
 * uncertain until the office enters the year's schedule.
 */
function provision(cal: Calendar, year: number): void {
  cal.provisional.add(year);
  const days = statutoryHolidays(year);
  const off = new Set(days);
  for (const d of days) if (!cal.overrides.has(d)) cal.overrides.set(d, false);
  for (const d of days) {
    if (!WEEKEND(d)) continue;
    let next = addDays(d, 1);
    while (WEEKEND(next) || off.has(next) || cal.overrides.get(next) === false) next = addDays(next, 1);
    off.add(next);
    if (!cal.overrides.has(next)) cal.overrides.set(next, false);
  }
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
  const year = yearOf(d);
  if (!cal.years.has(year) && !cal.provisional.has(year)) provision(cal, year);
  const o = cal.overrides.get(d);
  if (o !== undefined) return o;
  return !WEEKEND(d);
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
