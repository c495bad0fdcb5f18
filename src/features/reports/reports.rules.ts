/**
 * The annual report on open government (RULES.md §3): its tables in the 2021 format (国办公开办函〔2021〕30号) and
 * the 2019 trial format (国办公开办函〔2019〕60号), computed from the records as pure functions. Every figure keeps the
 * ids of the records behind it, so that staff can see where each number comes from.
 */
import type { DateStr } from '../../core/calendar.ts';
import type { AppealKind, AppealResult, ApplicantType } from '../../core/db.types.ts';
import { paragraphsOf } from '../../core/text.ts';
import { OUTCOME_GROUPS } from '../requests/requests.rules.ts';
import { APPEAL_KINDS, APPEAL_RESULTS, APPLICANT_TYPES } from '../requests/requests.schema.ts';

export type ReportFormat = '2021' | '2019';

/** Reports for 2019 and 2020 use the trial format; later years the 2021 format. */
export const formatOf = (year: number): ReportFormat => (year <= 2020 ? '2019' : '2021');
export const FORMAT_SOURCES: Record<ReportFormat, string> = {
  '2021': '国办公开办函〔2021〕30号',
  '2019': '国办公开办函〔2019〕60号',
};

export const SECTION_TITLES = {
  overview: '一、总体情况',
  active: '二、主动公开政府信息情况',
  requests: '三、收到和处理政府信息公开申请情况',
  appeals: '四、政府信息公开行政复议、行政诉讼情况',
  problems: '五、存在的主要问题及改进情况',
  other: '六、其他需要报告的事项',
} as const;

/** A section's text as paragraphs; a section left empty reads 无。 */
export function sectionParagraphs(text: string): string[] {
  const paras = paragraphsOf(text.replace(/\r/g, ''));
  return paras.length ? paras : ['无。'];
}

/** Art. 49: agencies publish by 31 January of the next year; the government's own report is due by 31 March. */
export function deadlineOf(year: number, agencyKind: string): DateStr {
  return agencyKind === 'government' ? `${year + 1}-03-31` : `${year + 1}-01-31`;
}

/** Where a figure comes from: records (with their ids) or an entry by staff (with its source note). */
export interface Figure {
  value: number | null;
  source: 'requests' | 'appeals' | 'publications' | 'manual';
  refs: number[];
  note?: string;
}
export type Figures = Record<string, Figure>;

const counted = (source: Figure['source'], refs: number[]): Figure => ({ value: refs.length, source, refs });

// ---------------------------------------------------------------- Table 三

/** The columns of Table 三: the applicant types, then the total. */
export const TABLE3_COLUMNS = [...(Object.keys(APPLICANT_TYPES) as ApplicantType[]), 'total'] as const;
export type Table3Column = (typeof TABLE3_COLUMNS)[number];
export const TABLE3_COLUMN_LABELS: Record<Table3Column, string> = {
  ...APPLICANT_TYPES,
  other: '其他',
  total: '总计',
};

/** A row of Table 三; `group` is the heading a sub-row sits under (（三）不予公开 …). */
export interface Table3Row {
  key: string;
  label: string;
  group?: string;
  /** Rows under 三、本年度办理结果. */
  result?: boolean;
}

const ROW_NEW = 'new';
const ROW_CARRIED_IN = 'carried_in';
const ROW_TOTAL = 'total';
const ROW_CARRIED_OUT = 'carried_out';
/** In the trial format （六）其他处理 is one row. */
const OTHER_2019 = 'other_2019';

export const RESULTS_LABEL = '三、本年度办理结果';

export function table3Rows(format: ReportFormat): Table3Row[] {
  const results: Table3Row[] = OUTCOME_GROUPS.flatMap((g): Table3Row[] => {
    if (g.outcomes.length === 1) return [{ key: g.outcomes[0].code, label: g.label, result: true }];
    if (g.key === 'other' && format === '2019') return [{ key: OTHER_2019, label: g.label, result: true }];
    return g.outcomes.map((o) => ({ key: o.code, label: o.label, group: g.label, result: true }));
  });
  return [
    { key: ROW_NEW, label: '一、本年新收政府信息公开申请数量' },
    { key: ROW_CARRIED_IN, label: '二、上年结转政府信息公开申请数量' },
    ...results,
    { key: ROW_TOTAL, label: '（七）总计', result: true },
    { key: ROW_CARRIED_OUT, label: '四、结转下年度继续办理' },
  ];
}

const outcomeRow = (outcome: string, format: ReportFormat) =>
  format === '2019' && outcome.startsWith('other') ? OTHER_2019 : outcome;

/** What Table 三 needs of a case. */
export interface CaseFact {
  id: number;
  applicantType: ApplicantType;
  receivedOn: DateStr | null;
  decidedOn: DateStr | null;
  outcome: string | null;
}

const yearBounds = (year: number) => ({ start: `${year}-01-01`, end: `${year}-12-31` });
const within = (d: DateStr | null, b: { start: string; end: string }) => d !== null && d >= b.start && d <= b.end;

/** The rows of Table 三 one case counts in: at most one way in (一 or 二) and one way out (an outcome or 四). */
function rowsOfCase(c: CaseFact, year: number, format: ReportFormat): { in: string | null; out: string | null } {
  const y = yearBounds(year);
  const openAt = (day: string) => c.decidedOn === null || c.decidedOn > day;
  let into: string | null = null;
  let out: string | null = null;
  if (within(c.receivedOn, y)) into = ROW_NEW;
  else if (c.receivedOn !== null && c.receivedOn < y.start && (c.decidedOn === null || c.decidedOn >= y.start))
    into = ROW_CARRIED_IN;
  if (within(c.decidedOn, y) && c.outcome) out = outcomeRow(c.outcome, format);
  else if (c.receivedOn !== null && c.receivedOn <= y.end && openAt(y.end)) out = ROW_CARRIED_OUT;
  return { in: into, out };
}

/** One column that does not add up (一 + 二 ≠ 三（七） + 四), and the cases that make it so. */
export interface Imbalance {
  column: Table3Column;
  inflow: number;
  outflow: number;
  cases: number[];
}

/** Table 三's figures (keys `t3.<row>.<column>`) and its check per column. */
export function tableThree(
  cases: CaseFact[],
  year: number,
  format: ReportFormat,
): { figures: Figures; imbalances: Imbalance[] } {
  const rows = table3Rows(format);
  const refs = new Map<string, number[]>();
  for (const r of rows) for (const c of TABLE3_COLUMNS) refs.set(`${r.key}.${c}`, []);
  const unbalanced = new Map<Table3Column, number[]>();
  for (const c of cases) {
    const where = rowsOfCase(c, year, format);
    const add = (row: string | null) => {
      if (!row) return;
      refs.get(`${row}.${c.applicantType}`)!.push(c.id);
      refs.get(`${row}.total`)!.push(c.id);
    };
    add(where.in);
    add(where.out);
    if (where.out && where.out !== ROW_CARRIED_OUT) add(ROW_TOTAL);
    if ((where.in === null) !== (where.out === null)) {
      for (const col of [c.applicantType, 'total'] as const)
        unbalanced.set(col, [...(unbalanced.get(col) ?? []), c.id]);
    }
  }
  const figures: Figures = {};
  for (const [k, ids] of refs) figures[`t3.${k}`] = counted('requests', ids);
  const n = (row: string, col: string) => figures[`t3.${row}.${col}`].value ?? 0;
  const imbalances: Imbalance[] = [];
  for (const col of TABLE3_COLUMNS) {
    const inflow = n(ROW_NEW, col) + n(ROW_CARRIED_IN, col);
    const outflow = n(ROW_TOTAL, col) + n(ROW_CARRIED_OUT, col);
    if (inflow !== outflow) imbalances.push({ column: col, inflow, outflow, cases: unbalanced.get(col) ?? [] });
  }
  return { figures, imbalances };
}

/** 二、上年结转 should be what last year's published report carried into this year: the columns that differ. */
export function carryOverDifferences(figures: Figures, lastYear: Figures | null) {
  if (!lastYear) return [];
  return TABLE3_COLUMNS.flatMap((col) => {
    const now = figures[`t3.${ROW_CARRIED_IN}.${col}`];
    const then = lastYear[`t3.${ROW_CARRIED_OUT}.${col}`];
    if (!now || !then || now.value === then.value) return [];
    const before = new Set(then.refs);
    const after = new Set(now.refs);
    return [
      {
        column: col,
        reported: then.value ?? 0,
        now: now.value ?? 0,
        added: now.refs.filter((id) => !before.has(id)),
        missing: then.refs.filter((id) => !after.has(id)),
      },
    ];
  });
}

// ---------------------------------------------------------------- Table 四

export const TABLE4_KINDS = Object.keys(APPEAL_KINDS) as AppealKind[];
export const TABLE4_RESULTS = [...(Object.keys(APPEAL_RESULTS) as AppealResult[]), 'total'] as const;
export const TABLE4_KIND_LABELS: Record<AppealKind, string> = {
  reconsideration: '行政复议',
  litigation_direct: '未经复议直接起诉',
  litigation_after_reconsideration: '复议后起诉',
};
export const TABLE4_RESULT_LABELS: Record<(typeof TABLE4_RESULTS)[number], string> = {
  ...APPEAL_RESULTS,
  total: '总计',
};

export interface AppealFact {
  requestId: number;
  kind: AppealKind;
  filedOn: DateStr;
  result: AppealResult;
  concludedOn: DateStr | null;
}

/**
 * Table 四 (keys `t4.<kind>.<result>`): the reconsiderations and lawsuits filed in the year, with the result known
 * at the year's end (one concluded later is 尚未审结). Refs are the cases appealed.
 */
export function tableFour(appeals: AppealFact[], year: number): Figures {
  const y = yearBounds(year);
  const refs = new Map<string, number[]>();
  for (const k of TABLE4_KINDS) for (const r of TABLE4_RESULTS) refs.set(`${k}.${r}`, []);
  for (const a of appeals) {
    if (!within(a.filedOn, y)) continue;
    const result = a.result !== 'pending' && (a.concludedOn === null || a.concludedOn <= y.end) ? a.result : 'pending';
    refs.get(`${a.kind}.${result}`)!.push(a.requestId);
    refs.get(`${a.kind}.total`)!.push(a.requestId);
  }
  const figures: Figures = {};
  for (const [k, ids] of refs) figures[`t4.${k}`] = counted('appeals', ids);
  return figures;
}

// ---------------------------------------------------------------- Table 二

/** A cell of Table 二: computed from the catalogue, or entered by staff with a source note. */
export interface Table2Cell {
  key: string;
  manual: boolean;
  /** Manual cells: decimals allowed (amounts in 万元), negatives allowed (本年增/减). */
  decimals?: number;
  signed?: boolean;
}
export interface Table2Block {
  heading: string;
  columns: string[];
  rows: { label: string; cells: Table2Cell[] }[];
}

const computed = (key: string): Table2Cell => ({ key, manual: false });
const entered = (key: string, opts: { decimals?: number; signed?: boolean } = {}): Table2Cell => ({
  key,
  manual: true,
  ...opts,
});

const TABLE2_2021: Table2Block[] = [
  {
    heading: '第二十条第（一）项',
    columns: ['信息内容', '本年制发件数', '本年废止件数', '现行有效件数'],
    rows: [
      { label: '规章', cells: [computed('rules.made'), computed('rules.repealed'), computed('rules.in_force')] },
      {
        label: '行政规范性文件',
        cells: [computed('normative.made'), computed('normative.repealed'), computed('normative.in_force')],
      },
    ],
  },
  {
    heading: '第二十条第（五）项',
    columns: ['信息内容', '本年处理决定数量'],
    rows: [{ label: '行政许可', cells: [entered('licensing.decisions')] }],
  },
  {
    heading: '第二十条第（六）项',
    columns: ['信息内容', '本年处理决定数量'],
    rows: [
      { label: '行政处罚', cells: [entered('penalty.decisions')] },
      { label: '行政强制', cells: [entered('enforcement.decisions')] },
    ],
  },
  {
    heading: '第二十条第（八）项',
    columns: ['信息内容', '本年收费金额（单位：万元）'],
    rows: [{ label: '行政事业性收费', cells: [entered('fees.amount', { decimals: 4 })] }],
  },
];

const itemsRow = (label: string, key: string, decisions = true) => ({
  label,
  cells: [
    entered(`${key}.items_last_year`),
    entered(`${key}.items_change`, { signed: true }),
    ...(decisions ? [entered(`${key}.decisions`)] : []),
  ],
});

const TABLE2_2019: Table2Block[] = [
  {
    heading: '第二十条第（一）项',
    columns: ['信息内容', '本年新制作数量', '本年新公开数量', '对外公开总数量'],
    rows: [
      { label: '规章', cells: [computed('rules.made'), computed('rules.published'), computed('rules.public_total')] },
      {
        label: '规范性文件',
        cells: [computed('normative.made'), computed('normative.published'), computed('normative.public_total')],
      },
    ],
  },
  {
    heading: '第二十条第（五）项',
    columns: ['信息内容', '上一年项目数量', '本年增/减', '处理决定数量'],
    rows: [itemsRow('行政许可', 'licensing'), itemsRow('其他对外管理服务事项', 'services')],
  },
  {
    heading: '第二十条第（六）项',
    columns: ['信息内容', '上一年项目数量', '本年增/减', '处理决定数量'],
    rows: [itemsRow('行政处罚', 'penalty'), itemsRow('行政强制', 'enforcement')],
  },
  {
    heading: '第二十条第（八）项',
    columns: ['信息内容', '上一年项目数量', '本年增/减'],
    rows: [itemsRow('行政事业性收费', 'fees', false)],
  },
  {
    heading: '第二十条第（九）项',
    columns: ['信息内容', '采购项目数量', '采购总金额'],
    rows: [
      {
        label: '政府集中采购',
        cells: [entered('procurement.count'), entered('procurement.amount', { decimals: 4 })],
      },
    ],
  },
];

export const table2Blocks = (format: ReportFormat) => (format === '2019' ? TABLE2_2019 : TABLE2_2021);
export const manualCells = (format: ReportFormat) =>
  table2Blocks(format).flatMap((b) => b.rows.flatMap((r) => r.cells.filter((c) => c.manual)));
/** A manual cell's name for messages: row and column. */
export function cellName(format: ReportFormat, key: string): string {
  for (const b of table2Blocks(format))
    for (const r of b.rows) {
      const i = r.cells.findIndex((c) => c.key === key);
      if (i >= 0) return `${r.label}·${b.columns[i + 1]}`;
    }
  return key;
}

/** What Table 二 needs of a live catalogue item of genre 规章 or 行政规范性文件. */
export interface PolicyFact {
  id: number;
  genre: string;
  /** 成文日期, or the first publication date where none is given. */
  madeOn: DateStr;
  firstPublishedOn: DateStr;
  validity: string;
  validityChangedOn: DateStr | null;
}

export const POLICY_KINDS = { rules: '规章', normative: '行政规范性文件' } as const;

/** A manual entry: the number and where it comes from. */
export interface ManualEntry {
  value: number | null;
  note: string;
}

/** Table 二 (keys `t2.<cell>`): the catalogue's counts and the staff's entries. */
export function tableTwo(
  policies: PolicyFact[],
  manual: Record<string, ManualEntry>,
  year: number,
  format: ReportFormat,
): Figures {
  const y = yearBounds(year);
  const ended = (p: PolicyFact, by: string) =>
    (p.validity === 'repealed' || p.validity === 'expired') &&
    p.validityChangedOn !== null &&
    p.validityChangedOn <= by;
  const tests: Record<string, (p: PolicyFact) => boolean> = {
    made: (p) => within(p.madeOn, y),
    repealed: (p) => ended(p, y.end) && p.validityChangedOn! >= y.start,
    in_force: (p) => p.madeOn <= y.end && !ended(p, y.end),
    published: (p) => within(p.firstPublishedOn, y),
    public_total: (p) => p.firstPublishedOn <= y.end,
  };
  const figures: Figures = {};
  for (const block of table2Blocks(format))
    for (const row of block.rows)
      for (const cell of row.cells) {
        if (cell.manual) {
          const m = manual[cell.key];
          figures[`t2.${cell.key}`] = { value: m?.value ?? null, source: 'manual', refs: [], note: m?.note ?? '' };
          continue;
        }
        const [kind, measure] = cell.key.split('.') as [keyof typeof POLICY_KINDS, string];
        const ids = policies.filter((p) => p.genre === POLICY_KINDS[kind] && tests[measure](p)).map((p) => p.id);
        figures[`t2.${cell.key}`] = counted('publications', ids);
      }
  return figures;
}

/** The manual cells still without a number or a source note: a report cannot be published with them. */
export function missingEntries(format: ReportFormat, manual: Record<string, ManualEntry>): string[] {
  return manualCells(format)
    .filter((c) => manual[c.key]?.value == null || !manual[c.key]?.note)
    .map((c) => cellName(format, c.key));
}

// ---------------------------------------------------------------- the whole report

export interface ReportFacts {
  cases: CaseFact[];
  appeals: AppealFact[];
  policies: PolicyFact[];
}

export interface ReportTables {
  year: number;
  format: ReportFormat;
  figures: Figures;
  imbalances: Imbalance[];
}

export function buildTables(facts: ReportFacts, manual: Record<string, ManualEntry>, year: number): ReportTables {
  const format = formatOf(year);
  const three = tableThree(facts.cases, year, format);
  return {
    year,
    format,
    figures: {
      ...tableTwo(facts.policies, manual, year, format),
      ...three.figures,
      ...tableFour(facts.appeals, year),
    },
    imbalances: three.imbalances,
  };
}

/** The figure's display: amounts with their decimals, counts as integers, blanks as a dash. */
export function shown(f: Figure | undefined): string {
  if (!f || f.value === null) return '—';
  return Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(4).replace(/0+$/, '');
}
