import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ApplicantType } from '../../core/db.types.ts';
import { OUTCOMES } from '../requests/requests.rules.ts';
import { placeCells, tableFourGrid, tableThreeGrid, tableTwoGrid } from './reports.grid.ts';
import {
  type AppealFact,
  type CaseFact,
  carryOverDifferences,
  deadlineOf,
  formatOf,
  missingEntries,
  type PolicyFact,
  shown,
  TABLE3_COLUMNS,
  table3Rows,
  tableFour,
  tableThree,
  tableTwo,
} from './reports.rules.ts';

const kase = (
  id: number,
  applicantType: ApplicantType,
  receivedOn: string | null,
  decidedOn: string | null = null,
  outcome: string | null = decidedOn ? 'granted' : null,
): CaseFact => ({ id, applicantType, receivedOn, decidedOn, outcome });

const value = (f: ReturnType<typeof tableThree>['figures'], key: string) => f[`t3.${key}`].value;

test('Table 三 for a hand-built year: new, carried in, outcomes by decision date, carried out', () => {
  const cases = [
    kase(1, 'person', '2024-12-20', '2025-01-10', 'granted'), // carried in, decided this year
    kase(2, 'company', '2024-12-30'), // carried in, still open: carried out too
    kase(3, 'person', '2025-03-01', '2025-03-20', 'refused_third_party'),
    kase(4, 'person', '2025-12-25', '2026-01-08', 'partial'), // new, decided next year: carried out
    kase(5, 'research', '2025-06-01', '2025-06-05', 'other_no_amendment'),
    kase(6, 'legal_service', '2025-07-01', '2025-07-10', 'unavailable_not_held'),
    kase(7, 'person', '2024-05-01', '2024-05-20', 'granted'), // last year only
    kase(8, 'public_interest', '2026-01-05'), // next year only
    kase(9, 'other', null), // awaiting receipt: not yet an application received
  ];
  const { figures, imbalances } = tableThree(cases, 2025, '2021');
  assert.deepEqual(imbalances, []);
  assert.equal(value(figures, 'new.person'), 2);
  assert.equal(value(figures, 'new.research'), 1);
  assert.equal(value(figures, 'new.legal_service'), 1);
  assert.equal(value(figures, 'new.total'), 4);
  assert.equal(value(figures, 'carried_in.person'), 1);
  assert.equal(value(figures, 'carried_in.company'), 1);
  assert.equal(value(figures, 'carried_in.total'), 2);
  assert.equal(value(figures, 'granted.person'), 1);
  assert.equal(value(figures, 'refused_third_party.person'), 1);
  assert.equal(value(figures, 'other_no_amendment.research'), 1);
  assert.equal(value(figures, 'unavailable_not_held.legal_service'), 1);
  assert.equal(value(figures, 'partial.total'), 0, 'decided next year');
  assert.equal(value(figures, 'total.total'), 4);
  assert.equal(value(figures, 'carried_out.person'), 1);
  assert.equal(value(figures, 'carried_out.company'), 1);
  assert.equal(value(figures, 'carried_out.total'), 2);
  assert.deepEqual(figures['t3.carried_out.total'].refs.sort(), [2, 4], 'each figure knows its cases');

  // the next year picks up what this one carried out
  const next = tableThree(cases, 2026, '2021').figures;
  assert.equal(value(next, 'carried_in.total'), 2);
  assert.equal(value(next, 'partial.person'), 1);
  assert.equal(value(next, 'new.public_interest'), 1);
  assert.deepEqual(carryOverDifferences(next, figures), []);
});

test('the trial format has one row for （六）其他处理; the 2021 format three', () => {
  const cases = [
    kase(1, 'person', '2020-03-02', '2020-03-05', 'other_no_fee'),
    kase(2, 'person', '2020-03-02', '2020-03-06', 'other'),
  ];
  const trial = tableThree(cases, 2020, formatOf(2020));
  assert.equal(formatOf(2020), '2019');
  assert.equal(trial.figures['t3.other_2019.person'].value, 2);
  assert.equal(table3Rows('2019').length, table3Rows('2021').length - 2);
  assert.equal(table3Rows('2021').filter((r) => r.result).length, 1 + 1 + 8 + 3 + 5 + 3 + 1);
  assert.equal(formatOf(2021), '2021');
});

test('inconsistent records break the check in their column, and the page can name the cases', () => {
  const cases = [
    kase(1, 'person', '2025-03-01', '2025-03-10'),
    kase(2, 'company', '2025-05-10', '2024-12-30', 'granted'), // decided before it was received
    kase(3, 'person', null, '2025-04-01', 'rejected_repeat'), // decided without a receipt date
  ];
  const { imbalances } = tableThree(cases, 2025, '2021');
  assert.deepEqual(
    imbalances.map((i) => [i.column, i.inflow, i.outflow, i.cases]),
    [
      ['person', 1, 2, [3]],
      ['company', 1, 0, [2]],
    ],
    'the total column happens to balance: the two errors cancel out there',
  );
});

const day = fc
  .integer({ min: 0, max: 4 * 365 })
  .map((n) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const applicant = fc.constantFrom(...TABLE3_COLUMNS.filter((c) => c !== 'total'));
const outcome = fc.constantFrom(...OUTCOMES.keys());

/** A lawful case: received, then perhaps decided on the same day or later. */
const lawfulCase = fc
  .record({ type: applicant, received: day, after: fc.option(fc.integer({ min: 0, max: 200 })), outcome })
  .map(({ type, received, after, outcome }) => {
    const decided =
      after === null
        ? null
        : new Date(Date.parse(`${received}T00:00:00Z`) + after * 86_400_000).toISOString().slice(0, 10);
    return { type, received, decided, outcome };
  });

test('property: for lawful case sets 一 + 二 = 三（七） + 四 in every column, and years chain', () => {
  fc.assert(
    fc.property(fc.array(lawfulCase, { maxLength: 60 }), fc.integer({ min: 2023, max: 2026 }), (list, year) => {
      const cases = list.map((c, i) => kase(i + 1, c.type, c.received, c.decided, c.decided ? c.outcome : null));
      const format = formatOf(year);
      const { figures, imbalances } = tableThree(cases, year, format);
      assert.deepEqual(imbalances, []);
      for (const col of TABLE3_COLUMNS) {
        const n = (row: string) => figures[`t3.${row}.${col}`].value!;
        assert.equal(n('new') + n('carried_in'), n('total') + n('carried_out'));
      }
      // the columns add up to the total column, the results add up to （七）
      for (const r of table3Rows(format)) {
        const sum = TABLE3_COLUMNS.filter((c) => c !== 'total').reduce(
          (s, c) => s + figures[`t3.${r.key}.${c}`].value!,
          0,
        );
        assert.equal(sum, figures[`t3.${r.key}.total`].value);
      }
      const results = table3Rows(format).filter((r) => r.result && r.key !== 'total');
      assert.equal(
        results.reduce((s, r) => s + figures[`t3.${r.key}.total`].value!, 0),
        figures['t3.total.total'].value,
      );
      // what one year carries out, the next carries in
      const next = tableThree(cases, year + 1, formatOf(year + 1)).figures;
      assert.deepEqual(carryOverDifferences(next, figures), []);
    }),
    { numRuns: 300 },
  );
});

test('property: a case decided before it was received, or without receipt, always breaks its column', () => {
  fc.assert(
    fc.property(
      fc.array(lawfulCase, { maxLength: 30 }),
      applicant,
      day,
      fc.integer({ min: 1, max: 300 }),
      fc.boolean(),
      (list, type, decided, gap, noReceipt) => {
        const year = Number(decided.slice(0, 4));
        const received = noReceipt
          ? null
          : new Date(Date.parse(`${decided}T00:00:00Z`) + gap * 86_400_000).toISOString().slice(0, 10);
        const bad = kase(999, type, received, decided, 'granted');
        // only a break when the two dates fall in different years or the receipt is missing
        const breaks = received === null || received.slice(0, 4) !== decided.slice(0, 4);
        const cases = [...list.map((c, i) => kase(i + 1, c.type, c.received, c.decided, c.outcome)), bad];
        const { imbalances } = tableThree(cases, year, formatOf(year));
        if (breaks) {
          assert.deepEqual(
            imbalances.map((i) => i.column),
            [type, 'total'],
          );
          for (const i of imbalances) assert.deepEqual(i.cases, [999]);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test('Table 四 counts appeals filed in the year with the result known at its end', () => {
  const appeals: AppealFact[] = [
    { requestId: 1, kind: 'reconsideration', filedOn: '2025-02-01', result: 'upheld', concludedOn: '2025-04-01' },
    { requestId: 2, kind: 'reconsideration', filedOn: '2025-11-01', result: 'corrected', concludedOn: '2026-02-01' },
    { requestId: 3, kind: 'litigation_direct', filedOn: '2025-03-01', result: 'pending', concludedOn: null },
    {
      requestId: 4,
      kind: 'litigation_after_reconsideration',
      filedOn: '2025-05-01',
      result: 'other',
      concludedOn: null,
    },
    { requestId: 5, kind: 'reconsideration', filedOn: '2024-12-01', result: 'upheld', concludedOn: '2025-01-10' },
  ];
  const f = tableFour(appeals, 2025);
  assert.equal(f['t4.reconsideration.upheld'].value, 1);
  assert.equal(f['t4.reconsideration.pending'].value, 1, 'concluded only next year');
  assert.equal(f['t4.reconsideration.corrected'].value, 0);
  assert.equal(f['t4.reconsideration.total'].value, 2);
  assert.equal(f['t4.litigation_direct.pending'].value, 1);
  assert.equal(f['t4.litigation_after_reconsideration.other'].value, 1);
  assert.deepEqual(f['t4.reconsideration.total'].refs, [1, 2]);
});

test('Table 二 counts normative documents made, repealed and in force from the catalogue, and takes entries', () => {
  const p = (id: number, genre: string, madeOn: string, validity = 'valid', changed: string | null = null) =>
    ({ id, genre, madeOn, firstPublishedOn: madeOn, validity, validityChangedOn: changed }) as PolicyFact;
  const policies = [
    p(1, '行政规范性文件', '2025-03-01'),
    p(2, '行政规范性文件', '2022-03-01', 'repealed', '2025-06-30'),
    p(3, '行政规范性文件', '2021-03-01', 'expired', '2024-03-01'),
    p(4, '行政规范性文件', '2023-03-01', 'repealed', '2026-02-01'), // still in force at the end of 2025
    p(5, '规章', '2025-08-01', 'amended'),
    p(6, '行政规范性文件', '2026-01-10'),
  ];
  const manual = { 'licensing.decisions': { value: 1520, note: '县政务服务中心审批系统年度统计' } };
  const f = tableTwo(policies, manual, 2025, '2021');
  assert.equal(f['t2.normative.made'].value, 1);
  assert.equal(f['t2.normative.repealed'].value, 1);
  assert.deepEqual(f['t2.normative.in_force'].refs, [1, 4]);
  assert.equal(f['t2.rules.made'].value, 1);
  assert.equal(f['t2.rules.in_force'].value, 1);
  assert.equal(f['t2.licensing.decisions'].value, 1520);
  assert.equal(f['t2.penalty.decisions'].value, null);
  assert.equal(shown(f['t2.penalty.decisions']), '—');
  assert.deepEqual(missingEntries('2021', manual), [
    '行政处罚·本年处理决定数量',
    '行政强制·本年处理决定数量',
    '行政事业性收费·本年收费金额（单位：万元）',
  ]);
  const trial = tableTwo(
    [p(7, '行政规范性文件', '2019-05-01'), p(8, '行政规范性文件', '2020-02-01'), ...policies],
    {},
    2020,
    '2019',
  );
  assert.equal(trial['t2.normative.made'].value, 1);
  assert.equal(trial['t2.normative.published'].value, 1);
  assert.equal(trial['t2.normative.public_total'].value, 2);
  assert.equal(missingEntries('2019', {}).length, 3 * 4 + 2 + 2);
});

test('every table grid fills its rectangle exactly once', () => {
  const f = {
    ...tableTwo([], {}, 2025, '2021'),
    ...tableThree([], 2025, '2021').figures,
    ...tableFour([], 2025),
  };
  const trial = { ...tableTwo([], {}, 2020, '2019'), ...tableThree([], 2020, '2019').figures };
  for (const grid of [
    tableTwoGrid(f, '2021'),
    tableTwoGrid(trial, '2019'),
    tableThreeGrid(f, '2021'),
    tableThreeGrid(trial, '2019'),
    tableFourGrid(f),
  ]) {
    const seen = new Set<string>();
    for (const { row, col, cell } of placeCells(grid))
      for (let r = 0; r < (cell.rowSpan ?? 1); r++)
        for (let c = 0; c < (cell.colSpan ?? 1); c++) {
          const at = `${row + r}:${col + c}`;
          assert.ok(!seen.has(at), `${grid.caption}: ${at} covered twice`);
          assert.ok(col + c < grid.width, `${grid.caption}: ${at} outside the table`);
          seen.add(at);
        }
    assert.equal(seen.size, grid.rows.length * grid.width, `${grid.caption} has holes`);
  }
  const three = tableThreeGrid(f, '2021');
  assert.equal(three.rows.length, 3 + table3Rows('2021').length);
  assert.equal(three.rows.flat().filter((c) => c.figure).length, table3Rows('2021').length * TABLE3_COLUMNS.length);
});

test('deadlines: agencies by 31 January, the government by 31 March', () => {
  assert.equal(deadlineOf(2025, 'department'), '2026-01-31');
  assert.equal(deadlineOf(2025, 'government'), '2026-03-31');
});
