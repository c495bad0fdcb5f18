import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addWorkdays, buildCalendar, isWorkday, shanghaiDate, statutoryHolidays, workdaysBetween } from './calendar.ts';

const cal = buildCalendar();

test('national holidays and 调休 working days come from the published schedule', () => {
  assert.equal(isWorkday(cal, '2025-10-01'), false, '国庆节');
  assert.equal(isWorkday(cal, '2025-09-28'), true, 'Sunday 调休 before National Day 2025');
  assert.equal(isWorkday(cal, '2025-10-11'), true, 'Saturday 调休 after National Day 2025');
  assert.equal(isWorkday(cal, '2025-11-22'), false, 'ordinary Saturday');
});

test('adding working days skips the Spring Festival and counts the 调休 Sunday', () => {
  // 2025 Spring Festival: 1-28..2-4 off, 1-26 (Sun) and 2-8 (Sat) worked
  const r = addWorkdays(cal, '2025-01-24', 3);
  assert.deepEqual(r, { date: '2025-02-05', certain: true });
  assert.equal(addWorkdays(cal, '2025-01-25', 1).date, '2025-01-26');
});

test('a year without schedule is flagged uncertain; entries by the office make it certain', () => {
  assert.equal(addWorkdays(cal, '2026-12-28', 10).certain, false);
  const withNext = buildCalendar([{ day: '2027-01-01', kind: 'holiday' }]);
  const r = addWorkdays(withNext, '2026-12-28', 10);
  assert.equal(r.certain, true);
  assert.equal(isWorkday(withNext, '2027-01-01'), false);
});

test('the statutory holidays, lunar ones computed, are the published ones of the years under the 2025 rules', () => {
  for (const year of [2025, 2026]) {
    const days = statutoryHolidays(year);
    assert.equal(days.length, 13, `${year}: 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3`);
    for (const d of days) assert.equal(isWorkday(cal, d), false, `${d} is a published holiday`);
  }
  assert.deepEqual(statutoryHolidays(2027).slice(0, 6), [
    '2027-01-01',
    '2027-02-05',
    '2027-02-06',
    '2027-02-07',
    '2027-02-08',
    '2027-04-05',
  ]);
});

test('a year without a schedule still skips its statutory holidays and their 补假, and stays provisional', () => {
  const unknown = buildCalendar();
  // 2027-01-01 is a Friday: never a due date; the next working day is Monday the 4th
  assert.deepEqual(addWorkdays(unknown, '2026-12-31', 1), { date: '2027-01-04', certain: false });
  // 春节 2027: 除夕 Friday 2-5 to 初三 Monday 2-8; 初一 and 初二 fall on the weekend, so Tuesday 2-9 and Wednesday
  // 2-10 are given in lieu (放假办法 第六条)
  for (const d of ['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'])
    assert.equal(isWorkday(unknown, d), false, d);
  assert.equal(isWorkday(unknown, '2027-02-11'), true);
  assert.equal(isWorkday(unknown, '2027-06-09'), false, '端午 2027 (lunar 5-5)');
  assert.equal(isWorkday(unknown, '2027-09-15'), false, '中秋 2027 (lunar 8-15)');
  // once the office enters the year's schedule, it is that schedule, and certain
  const entered = buildCalendar([
    { day: '2027-01-01', kind: 'holiday' },
    { day: '2027-02-09', kind: 'workday' },
  ]);
  assert.equal(isWorkday(entered, '2027-02-09'), true);
  assert.deepEqual(addWorkdays(entered, '2026-12-31', 1), { date: '2027-01-04', certain: true });
});

test('working days between two dates exclude the first day', () => {
  assert.equal(workdaysBetween(cal, '2025-11-17', '2025-11-21'), 4);
  assert.equal(workdaysBetween(cal, '2025-11-21', '2025-11-17'), 0);
});

test('dates are taken in Asia/Shanghai', () => {
  assert.equal(shanghaiDate(new Date('2025-12-31T16:30:00Z')), '2026-01-01');
});
