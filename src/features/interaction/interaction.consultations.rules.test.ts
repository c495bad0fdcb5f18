import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Calendar } from '../../core/calendar.ts';
import {
  adoptionCounts,
  defaultPeriod,
  openDays,
  periodProblem,
  resultDue,
  resultProblem,
  splitDraft,
  stageOf,
} from './interaction.consultations.rules.ts';

test('a draft is split into its articles, each with its chapter; what comes first is the preamble', () => {
  const { preamble, articles } = splitDraft(
    [
      '青山县城区养犬管理办法（征求意见稿）',
      '',
      '第一章　总则',
      '第一条　为了规范养犬行为，保障公民人身安全，根据有关法律法规，结合本县实际，制定本办法。',
      '第二条 本办法适用于本县城区范围内的养犬管理。',
      '农村地区参照执行。',
      '第二章 犬只登记',
      '第三条　养犬人应当为犬只办理登记。',
      '第10条 本办法自2027年1月1日起施行。',
    ].join('\n'),
  );
  assert.equal(preamble, '青山县城区养犬管理办法（征求意见稿）');
  assert.deepEqual(
    articles.map((a) => [a.chapter, a.heading]),
    [
      ['第一章 总则', '第一条'],
      ['第一章 总则', '第二条'],
      ['第二章 犬只登记', '第三条'],
      ['第二章 犬只登记', '第10条'],
    ],
  );
  assert.equal(articles[1].body, '本办法适用于本县城区范围内的养犬管理。\n农村地区参照执行。');
  assert.deepEqual(splitDraft('关于调整公交线路的方案\n拟将3路公交车延伸至高铁站。').articles, []);
  // 第一条 inside a sentence is not an article
  assert.deepEqual(splitDraft('依照本办法第一条的规定执行。').articles, []);
});

test('a consultation is open at least 30 days, both ends counted, unless a reason is given', () => {
  assert.equal(openDays('2026-12-01', '2026-12-30'), 30);
  assert.equal(periodProblem('2026-12-01', '2026-12-30', ''), null);
  assert.match(periodProblem('2026-12-01', '2026-12-29', '') ?? '', /不少于 30 日/);
  assert.equal(periodProblem('2026-12-01', '2026-12-15', '防汛工作紧急，需在汛期前出台'), null);
  assert.match(periodProblem('2026-12-10', '2026-12-01', '') ?? '', /不能早于/);
  assert.deepEqual(defaultPeriod('2026-12-06'), { opensOn: '2026-12-07', closesOn: '2027-01-05' });
});

test('where a consultation stands, day by day', () => {
  const c = {
    published_at: new Date('2026-11-30T00:00:00Z'),
    opens_on: '2026-12-01',
    closes_on: '2026-12-30',
    result_published_at: null,
    withdrawn_reason: '',
  };
  assert.equal(stageOf({ ...c, published_at: null }, '2026-12-05'), 'draft');
  assert.equal(stageOf(c, '2026-11-30'), 'upcoming');
  assert.equal(stageOf(c, '2026-12-01'), 'open');
  assert.equal(stageOf(c, '2026-12-30'), 'open', 'the last day is a day of comment');
  assert.equal(stageOf(c, '2026-12-31'), 'closed');
  assert.equal(stageOf({ ...c, result_published_at: new Date() }, '2027-01-10'), 'result');
  assert.equal(stageOf({ ...c, withdrawn_reason: '上位法修改' }, '2026-12-05'), 'withdrawn');
});

test('the result is due in working days after closing, past the Spring Festival', () => {
  const cal: Calendar = { overrides: new Map(), years: new Set([2027]), provisional: new Set() };
  // a plain calendar (weekends only): Friday 2027-01-29 + 5 working days is Friday 2027-02-05
  assert.deepEqual(resultDue(cal, '2027-01-29', 5), { date: '2027-02-05', certain: true });
  const festival: Calendar = {
    overrides: new Map([
      ['2027-02-01', false],
      ['2027-02-02', false],
    ]),
    years: new Set([2027]),
    provisional: new Set(),
  };
  assert.equal(resultDue(festival, '2027-01-29', 5).date, '2027-02-09');
});

test('the result counts the comments shown or pending, and waits for every one to be decided', () => {
  const counts = adoptionCounts([
    { state: 'shown', adoption: 'adopted' },
    { state: 'shown', adoption: 'partly' },
    { state: 'shown', adoption: 'not_adopted' },
    { state: 'shown', adoption: null },
    { state: 'hidden', adoption: null },
  ]);
  assert.deepEqual(counts, { received: 4, adopted: 1, partly: 1, notAdopted: 1, undecided: 1 });
  assert.match(resultProblem('open', 0, 0) ?? '', /期限届满后/);
  assert.match(resultProblem('closed', 1, 0) ?? '', /1 条意见未标明/);
  assert.match(resultProblem('closed', 0, 2) ?? '', /2 条意见未审核/);
  assert.equal(resultProblem('closed', 0, 0), null);
});
