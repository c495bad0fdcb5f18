import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { addDays, buildCalendar, isWorkday } from '../../core/calendar.ts';
import { type ClockEvent, computeClock, feeByCount, feeByPages, workdaysLeft } from './requests.rules.ts';

const cal = buildCalendar();
const received = (on: string): ClockEvent => ({ kind: 'received', on });

test('20 working days across the 2025 Spring Festival, counting the 调休 Sunday and Saturday', () => {
  // off 1-28..2-4; 1-26 (Sun) and 2-8 (Sat) worked; the receipt day is not counted
  const c = computeClock(cal, [received('2025-01-24')]);
  assert.equal(c.due, '2025-02-27');
  assert.equal(c.certain, true);
  assert.equal(c.amendmentNoticeDue, '2025-02-10', 'the amendment notice within 7 working days');
});

test('20 working days across National Day 2025', () => {
  // off 10-1..10-8; 9-28 (Sun) and 10-11 (Sat) worked
  assert.equal(computeClock(cal, [received('2025-09-26')]).due, '2025-10-30');
});

test('an amendment restarts the clock, a consultation is not counted, an extension adds its days', () => {
  const events: ClockEvent[] = [received('2025-09-26'), { kind: 'amendment_requested', on: '2025-09-29' }];
  const waiting = computeClock(cal, events);
  assert.equal(waiting.due, null);
  assert.equal(waiting.stopped, 'amendment');
  assert.equal(waiting.amendmentNoticeDue, null, 'the notice went out');
  assert.equal(waiting.amendmentDue, '2025-10-27', 'the notice gives 15 working days, across National Day');

  events.push({ kind: 'amendment_received', on: '2025-10-10' });
  assert.equal(computeClock(cal, events).due, '2025-11-06', '20 working days from the amended application');
  assert.equal(computeClock(cal, events).amendmentDue, null);

  events.push({ kind: 'consultation_sent', on: '2025-10-15', ref: 'third-party-1' });
  const consulting = computeClock(cal, events);
  assert.equal(consulting.stopped, 'consultation');
  assert.deepEqual(consulting.consultationsDue, [{ ref: 'third-party-1', due: '2025-11-05' }]);

  events.push({ kind: 'consultation_answered', on: '2025-10-22', ref: 'third-party-1' });
  assert.equal(computeClock(cal, events).due, '2025-11-13', 'five working days of consultation not counted');

  events.push({ kind: 'extended', on: '2025-11-10', workdays: 20 });
  const extended = computeClock(cal, events);
  assert.equal(extended.due, '2025-12-11');
  assert.equal(extended.limit, 40);
  assert.throws(
    () => computeClock(cal, [...events, { kind: 'extended', on: '2025-11-11', workdays: 1 }]),
    /最长不得超过20个工作日/,
  );
});

test('the time from fee notice to payment is not counted; payment is due within 20 working days', () => {
  const events: ClockEvent[] = [received('2025-11-03'), { kind: 'fee_notified', on: '2025-11-05' }];
  const notified = computeClock(cal, events);
  assert.equal(notified.stopped, 'fee');
  assert.equal(notified.feeDue, '2025-12-03');
  events.push({ kind: 'fee_paid', on: '2025-11-12' });
  // 11-6, 7, 10, 11, 12 not counted: five working days later than 2025-12-01
  assert.equal(computeClock(cal, [received('2025-11-03')]).due, '2025-12-01');
  assert.equal(computeClock(cal, events).due, '2025-12-08');
});

test('a deadline in a year without a holiday schedule is flagged, not silently computed', () => {
  const c = computeClock(cal, [received('2026-12-15')]);
  assert.equal(c.certain, false);
  const announced = buildCalendar([{ day: '2027-01-01', kind: 'holiday' }]);
  assert.equal(computeClock(announced, [received('2026-12-15')]).certain, true);
});

test('sequences the law does not allow are refused with a reason', () => {
  assert.throws(() => computeClock(cal, []), /收到日期/);
  assert.throws(() => computeClock(cal, [received('2025-03-03'), received('2025-03-05')]), /只能登记一次/);
  const resent: ClockEvent[] = [
    received('2025-03-03'),
    { kind: 'consultation_sent', on: '2025-03-04', ref: 'a' },
    { kind: 'consultation_sent', on: '2025-03-05', ref: 'a' },
  ];
  assert.throws(() => computeClock(cal, resent), /不能重复发出/);
  assert.throws(
    () => computeClock(cal, [received('2025-03-03'), { kind: 'amendment_received', on: '2025-03-05' }]),
    /尚未要求补正/,
  );
  const twice: ClockEvent[] = [
    received('2025-03-03'),
    { kind: 'amendment_requested', on: '2025-03-04' },
    { kind: 'amendment_received', on: '2025-03-06' },
    { kind: 'amendment_requested', on: '2025-03-07' },
  ];
  assert.throws(() => computeClock(cal, twice), /补正只能要求一次/);
  assert.throws(() => computeClock(cal, [received('2025-03-03'), { kind: 'fee_paid', on: '2025-03-04' }]), /收费/);
  assert.throws(() => computeClock(cal, [received('2025-03-03'), { kind: 'fee_notified', on: '2025-03-01' }]), /早于/);
});

test('working days left: positive before, zero on the day, negative when overdue', () => {
  assert.equal(workdaysLeft(cal, '2025-10-27', '2025-10-30'), 3);
  assert.equal(workdaysLeft(cal, '2025-10-30', '2025-10-30'), 0);
  assert.equal(workdaysLeft(cal, '2025-11-03', '2025-10-30'), -2);
});

test('fees by count per applicant per month and by pages, by bracket', () => {
  assert.deepEqual([1, 10, 11, 30, 31, 40, 41, 55].map(feeByCount), [0, 0, 100, 100, 200, 200, 300, 400]);
  assert.equal(feeByPages(30), 0);
  assert.equal(feeByPages(31), 10);
  assert.equal(feeByPages(100), 700);
  assert.equal(feeByPages(101), 720);
  assert.equal(feeByPages(201), 700 + 2000 + 40);
  assert.throws(() => feeByPages(-1));
});

const dayArb = fc.integer({ min: 0, max: 2 * 365 }).map((n) => addDays('2024-01-01', n));
const caseArb = fc.record({
  receivedOn: dayArb,
  pauses: fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 30 })), { maxLength: 3 }),
  extension: fc.integer({ min: 0, max: 20 }),
});

function eventsOf(c: { receivedOn: string; pauses: [number, number][]; extension: number }): ClockEvent[] {
  const out: ClockEvent[] = [received(c.receivedOn)];
  c.pauses.forEach(([at, len], i) => {
    const from = addDays(c.receivedOn, at);
    out.push({ kind: 'consultation_sent', on: from, ref: `p${i}` });
    out.push({ kind: 'consultation_answered', on: addDays(from, len), ref: `p${i}` });
  });
  if (c.extension) out.push({ kind: 'extended', on: addDays(c.receivedOn, 10), workdays: c.extension });
  return out;
}

test('properties: the due date is a working day; excluded periods and extensions never shorten it', () => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const full = computeClock(cal, eventsOf(c));
      assert.ok(full.due && isWorkday(cal, full.due), `${full.due} is a working day`);
      assert.ok(full.limit <= 40, 'an extension never exceeds 20 working days');
      const plain = computeClock(cal, [received(c.receivedOn)]);
      assert.ok(full.due! >= plain.due!, 'pauses and extensions never bring the date forward');
      const noExtension = computeClock(cal, eventsOf({ ...c, extension: 0 }));
      assert.ok(full.due! >= noExtension.due!);
    }),
    { numRuns: 300 },
  );
});
