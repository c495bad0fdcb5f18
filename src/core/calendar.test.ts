import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addWorkdays, buildCalendar, isWorkday, shanghaiDate, workdaysBetween } from './calendar.ts';

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

test('working days between two dates exclude the first day', () => {
  assert.equal(workdaysBetween(cal, '2025-11-17', '2025-11-21'), 4);
  assert.equal(workdaysBetween(cal, '2025-11-21', '2025-11-17'), 0);
});

test('dates are taken in Asia/Shanghai', () => {
  assert.equal(shanghaiDate(new Date('2025-12-31T16:30:00Z')), '2026-01-01');
});
