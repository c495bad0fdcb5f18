import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCalendar } from '../../core/calendar.ts';
import {
  extensionProblem,
  type LetterClock,
  letterActions,
  letterDue,
  letterFigures,
  mayReopen,
  publicWriter,
  ratingProblem,
  sumCounts,
} from './interaction.letters.rules.ts';

// the same working-day calendar as requests (published holidays and 调休 days)
const cal = buildCalendar();

test('reply deadlines in working days per kind, across the holidays and their 调休 days', () => {
  const cases: [LetterClock, Record<string, number>, string][] = [
    // 咨询 5: 9-28 (Sun) worked, 9-29, 9-30, National Day 10-1..10-8 off, 10-9, 10-10
    [{ startedOn: '2025-09-26', kind: 'consult', extensionDays: 0 }, {}, '2025-10-10'],
    // 投诉 15: 1-26 (Sun) worked, Spring Festival 1-28..2-4 off, 2-8 (Sat) worked
    [{ startedOn: '2025-01-24', kind: 'complain', extensionDays: 0 }, {}, '2025-02-20'],
    // 建议 10 over two plain weeks
    [{ startedOn: '2025-05-09', kind: 'suggest', extensionDays: 0 }, {}, '2025-05-23'],
    [{ startedOn: '2025-05-09', kind: 'help', extensionDays: 0 }, {}, '2025-05-23'],
    [{ startedOn: '2025-05-09', kind: 'other', extensionDays: 0 }, {}, '2025-05-23'],
    // the site's own deadline for 咨询: 3 days
    [{ startedOn: '2025-05-09', kind: 'consult', extensionDays: 0 }, { consult: 3 }, '2025-05-14'],
    // extended by 15: 30 working days from the start
    [{ startedOn: '2025-01-24', kind: 'complain', extensionDays: 15 }, {}, '2025-03-13'],
  ];
  for (const [clock, days, due] of cases) {
    const d = letterDue(cal, clock, days);
    assert.equal(d.date, due, JSON.stringify(clock));
    assert.equal(d.certain, true);
  }
});

test('an extension once, with at most the deadline again', () => {
  const clock: LetterClock = { startedOn: '2025-05-09', kind: 'consult', extensionDays: 0 };
  assert.equal(extensionProblem(clock, 5, {}), null);
  assert.match(extensionProblem(clock, 6, {}) ?? '', /1 至 5 个工作日/);
  assert.match(extensionProblem(clock, 0, {}) ?? '', /1 至 5/);
  assert.match(extensionProblem({ ...clock, extensionDays: 3 }, 2, {}) ?? '', /只能延期一次/);
  assert.equal(extensionProblem(clock, 8, { consult: 8 }), null);
});

test('what each state allows', () => {
  const base = { extensionDays: 0, consent: true, published: false, reviewed: false };
  assert.deepEqual(letterActions({ ...base, state: 'triage' }), ['assign', 'close']);
  assert.deepEqual(letterActions({ ...base, state: 'handling' }), ['transfer', 'extend', 'draft', 'reply', 'close']);
  assert.deepEqual(letterActions({ ...base, state: 'handling', extensionDays: 5 }), [
    'transfer',
    'draft',
    'reply',
    'close',
  ]);
  assert.deepEqual(letterActions({ ...base, state: 'review' }), ['approve', 'return']);
  assert.deepEqual(letterActions({ ...base, state: 'replied' }), ['publish']);
  assert.deepEqual(letterActions({ ...base, state: 'replied', consent: false }), [], 'never without consent');
  assert.deepEqual(letterActions({ ...base, state: 'replied', published: true }), ['unpublish']);
  assert.deepEqual(letterActions({ ...base, state: 'closed' }), []);
});

test('rating once a reply is there; an unsatisfied rating reopens once', () => {
  assert.match(ratingProblem({ state: 'handling', rating: null }) ?? '', /尚未答复/);
  assert.equal(ratingProblem({ state: 'replied', rating: null }), null);
  assert.match(ratingProblem({ state: 'replied', rating: 'basic' }) ?? '', /已评价/);
  assert.equal(mayReopen({ rating: 'unsatisfied', reopened: false }), true);
  assert.equal(mayReopen({ rating: 'unsatisfied', reopened: true }), false);
  assert.equal(mayReopen({ rating: 'satisfied', reopened: false }), false);
});

test('a published letter names its writer by the family name at most', () => {
  assert.equal(publicWriter('张三'), '张*');
  assert.equal(publicWriter('李小明'), '李**');
  assert.equal(publicWriter('欧阳修文'), '欧**');
  assert.equal(publicWriter('  '), '网友');
});

test('the published figures: 办复率, on time, average days, satisfaction', () => {
  const year = sumCounts([
    { received: 10, answered: 9, onTime: 8, answerDays: 45, rated: 4, satisfied: 2, basic: 1 },
    { received: 11, answered: 10, onTime: 10, answerDays: 30, rated: 0, satisfied: 0, basic: 0 },
  ]);
  assert.deepEqual(letterFigures(year), {
    received: 21,
    answered: 19,
    onTime: 18,
    answerDays: 75,
    rated: 4,
    satisfied: 2,
    basic: 1,
    answerRate: 90.5,
    onTimeRate: 94.7,
    averageDays: 3.9,
    satisfaction: 75,
  });
  const none = letterFigures(sumCounts([]));
  assert.equal(none.answerRate, null);
  assert.equal(none.averageDays, null);
  assert.equal(none.satisfaction, null);
});
