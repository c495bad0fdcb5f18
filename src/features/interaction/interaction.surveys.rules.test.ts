import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formOfQuestions,
  questionsFromForm,
  readAnswers,
  results,
  type StoredQuestion,
  surveyStage,
} from './interaction.surveys.rules.ts';

const FORM = {
  count: '5',
  q1_kind: 'single',
  q1_prompt: '您的年龄段',
  q1_required: '1',
  q1_options: '18岁以下\n18–60岁\r\n60岁以上\n',
  q2_kind: 'multiple',
  q2_prompt: '您常用的出行方式',
  q2_options: '公交\n地铁\n自行车',
  q3_kind: 'rating',
  q3_prompt: '您对公交服务的总体评价',
  q3_required: '1',
  q4_kind: 'matrix',
  q4_prompt: '请评价以下方面',
  q4_required: '1',
  q4_options: '满意\n一般\n不满意',
  q4_rows: '准点\n票价',
  q5_kind: 'text',
  q5_prompt: '',
};

const stored = (): StoredQuestion[] =>
  questionsFromForm(FORM).questions.map((q, i) => ({ ...q, id: 10 + i, position: i + 1 }));

test('questions are read from the staff form, a block without a question left out, and shown again as written', () => {
  const { questions, errors } = questionsFromForm(FORM);
  assert.deepEqual(errors, {});
  assert.equal(questions.length, 4);
  assert.deepEqual(questions[0], {
    kind: 'single',
    prompt: '您的年龄段',
    required: true,
    options: ['18岁以下', '18–60岁', '60岁以上'],
    rows: [],
  });
  assert.equal(questions[1].required, false);
  assert.deepEqual(questions[2].options, [], 'a rating has no options of its own');
  assert.deepEqual(questions[3].rows, ['准点', '票价']);
  assert.deepEqual(questionsFromForm(formOfQuestions(questions)).questions, questions);
});

test('a question form is refused with the field at fault', () => {
  const bad = (over: Record<string, string>) => Object.keys(questionsFromForm({ ...FORM, ...over }).errors);
  assert.deepEqual(bad({ q1_options: '只有一个' }), ['q1_options']);
  assert.deepEqual(bad({ q1_options: '甲\n甲' }), ['q1_options']);
  assert.deepEqual(bad({ q1_kind: 'essay' }), ['q1_kind']);
  assert.deepEqual(bad({ q4_rows: '' }), ['q4_rows']);
  assert.deepEqual(bad({ q2_prompt: '题'.repeat(301) }), ['q2_prompt']);
  assert.deepEqual(Object.keys(questionsFromForm({ count: '2' }).errors), ['q1_prompt'], 'at least one question');
  assert.equal(questionsFromForm({ ...FORM, count: '100000' }).questions.length, 4, 'the count is bounded');
});

test('answers are checked against the questions: required ones, choices in range, one per row, ratings 1–5', () => {
  const qs = stored();
  const ok = readAnswers(qs, { a10: '1', a11: ['0', '2'], a12: '4', a13_0: '0', a13_1: '2' });
  assert.deepEqual(ok.errors, {});
  assert.deepEqual(
    ok.answers.map((a) => [a.questionId, a.rowNo, a.choice]),
    [
      [10, null, 1],
      [11, null, 0],
      [11, null, 2],
      [12, null, 4],
      [13, 0, 0],
      [13, 1, 2],
    ],
  );
  const refused = (fields: Record<string, unknown>) => Object.keys(readAnswers(qs, fields).errors).sort();
  assert.deepEqual(refused({}), ['a10', 'a12', 'a13'], 'required questions unanswered');
  const base = { a10: '1', a12: '4', a13_0: '0', a13_1: '2' };
  assert.deepEqual(refused({ ...base, a10: '3' }), ['a10'], 'no such option');
  assert.deepEqual(refused({ ...base, a10: ['0', '1'] }), ['a10'], 'two answers to a single choice');
  assert.deepEqual(refused({ ...base, a11: ['1', '1'] }), ['a11'], 'the same option twice');
  assert.deepEqual(refused({ ...base, a12: '6' }), ['a12']);
  assert.deepEqual(refused({ ...base, a12: '-1' }), ['a12']);
  assert.deepEqual(refused({ ...base, a13_1: '' }), ['a13'], 'a row left out of a required matrix');
  assert.deepEqual(refused({ ...base, a10: '01e3' }), ['a10']);
  assert.deepEqual(refused(base), [], 'an optional question may be left out');
});

test('results: counts, shares of those who answered, a rating’s average, a matrix by row', () => {
  const qs = stored();
  const tally = [
    { question_id: 10, row_no: null, choice: 0, n: 1 },
    { question_id: 10, row_no: null, choice: 1, n: 3 },
    { question_id: 12, row_no: null, choice: 5, n: 2 },
    { question_id: 12, row_no: null, choice: 2, n: 2 },
    { question_id: 13, row_no: 1, choice: 2, n: 4 },
  ];
  const r = results(
    qs,
    tally,
    new Map([
      [10, 4],
      [12, 4],
      [13, 4],
    ]),
  );
  assert.deepEqual(
    r[0].options.map((o) => [o.n, o.share]),
    [
      [1, 25],
      [3, 75],
      [0, 0],
    ],
  );
  assert.equal(r[1].answered, 0);
  assert.deepEqual(
    r[2].options.map((o) => o.n),
    [0, 2, 0, 0, 2],
  );
  assert.equal(r[2].average, 3.5);
  assert.deepEqual(
    r[3].grid[1].cells.map((c) => c.n),
    [0, 0, 4],
  );
  assert.equal(r[3].grid[1].cells[2].share, 100);
});

test('a survey’s stage by the day', () => {
  const s = { published_at: new Date(), opens_on: '2026-03-01', closes_on: '2026-03-31', withdrawn_reason: '' };
  assert.equal(surveyStage(s, '2026-02-28'), 'upcoming');
  assert.equal(surveyStage(s, '2026-03-31'), 'open');
  assert.equal(surveyStage(s, '2026-04-01'), 'closed');
  assert.equal(surveyStage({ ...s, published_at: null }, '2026-03-02'), 'draft');
  assert.equal(surveyStage({ ...s, withdrawn_reason: '重复' }, '2026-03-02'), 'withdrawn');
});
