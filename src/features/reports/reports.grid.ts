/**
 * The report's tables in the official layout, as grids of cells with their spans: one model that the page, the
 * published item, Word and Excel all draw, so that they cannot differ.
 */
import {
  type Figures,
  RESULTS_LABEL,
  type ReportFormat,
  shown,
  TABLE3_COLUMN_LABELS,
  TABLE3_COLUMNS,
  TABLE4_KIND_LABELS,
  TABLE4_KINDS,
  TABLE4_RESULT_LABELS,
  TABLE4_RESULTS,
  table2Blocks,
  table3Rows,
} from './reports.rules.ts';

export interface GridCell {
  text: string;
  rowSpan?: number;
  colSpan?: number;
  head?: boolean;
  /** The figure shown, for links to the records behind it. */
  figure?: string;
}
export interface Grid {
  caption: string;
  width: number;
  rows: GridCell[][];
}

const head = (text: string, span: Partial<GridCell> = {}): GridCell => ({ text, head: true, ...span });
const figureCell = (figures: Figures, key: string, span: Partial<GridCell> = {}): GridCell => ({
  text: shown(figures[key]),
  figure: key,
  ...span,
});

export function tableTwoGrid(figures: Figures, format: ReportFormat): Grid {
  const width = 4;
  const rows: GridCell[][] = [];
  for (const b of table2Blocks(format)) {
    rows.push([head(b.heading, { colSpan: width })]);
    const cols = b.columns.length;
    const spanOf = (i: number) => (i === cols - 1 ? width - cols + 1 : 1);
    rows.push(b.columns.map((c, i) => head(c, { colSpan: spanOf(i) })));
    for (const r of b.rows)
      rows.push([
        head(r.label),
        ...r.cells.map((c, i) => figureCell(figures, `t2.${c.key}`, { colSpan: spanOf(i + 1) })),
      ]);
  }
  return { caption: '主动公开政府信息情况', width, rows: rows.map(trimSpans) };
}

export function tableThreeGrid(figures: Figures, format: ReportFormat): Grid {
  const applicants = TABLE3_COLUMNS.filter((c) => c !== 'person' && c !== 'total');
  const rows: GridCell[][] = [
    [
      head('（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）', { rowSpan: 3, colSpan: 3 }),
      head('申请人情况', { colSpan: 7 }),
    ],
    [head('自然人', { rowSpan: 2 }), head('法人或其他组织', { colSpan: 5 }), head('总计', { rowSpan: 2 })],
    applicants.map((c) => head(TABLE3_COLUMN_LABELS[c])),
  ];
  const all = table3Rows(format);
  const results = all.filter((r) => r.result);
  const figs = (key: string) => TABLE3_COLUMNS.map((c) => figureCell(figures, `t3.${key}.${c}`));
  for (const r of all) {
    const cells: GridCell[] = [];
    if (r === results[0]) cells.push(head(RESULTS_LABEL, { rowSpan: results.length }));
    if (!r.result) cells.push(head(r.label, { colSpan: 3 }));
    else if (!r.group) cells.push(head(r.label, { colSpan: 2 }));
    else {
      const siblings = results.filter((x) => x.group === r.group);
      if (siblings[0] === r) cells.push(head(r.group, { rowSpan: siblings.length }));
      cells.push(head(r.label));
    }
    rows.push([...cells, ...figs(r.key)]);
  }
  return { caption: '收到和处理政府信息公开申请情况', width: 10, rows: rows.map(trimSpans) };
}

export function tableFourGrid(figures: Figures): Grid {
  const [reconsideration, ...litigation] = TABLE4_KINDS;
  const rows: GridCell[][] = [
    [head(TABLE4_KIND_LABELS[reconsideration], { colSpan: 5, rowSpan: 2 }), head('行政诉讼', { colSpan: 10 })],
    litigation.map((k) => head(TABLE4_KIND_LABELS[k], { colSpan: 5 })),
    TABLE4_KINDS.flatMap(() => TABLE4_RESULTS.map((r) => head(TABLE4_RESULT_LABELS[r]))),
    TABLE4_KINDS.flatMap((k) => TABLE4_RESULTS.map((r) => figureCell(figures, `t4.${k}.${r}`))),
  ];
  return { caption: '政府信息公开行政复议、行政诉讼情况', width: 15, rows: rows.map(trimSpans) };
}

/** Spans of 1 are left out, so that every renderer sees only real merges. */
function trimSpans(row: GridCell[]): GridCell[] {
  return row.map(({ rowSpan, colSpan, ...c }) => ({
    ...c,
    ...(rowSpan && rowSpan > 1 ? { rowSpan } : {}),
    ...(colSpan && colSpan > 1 ? { colSpan } : {}),
  }));
}

/** Where each cell sits in the full rectangle (row, column from 0), for formats that merge by coordinates. */
export function placeCells(grid: Grid): { row: number; col: number; cell: GridCell }[] {
  const taken = new Set<string>();
  const placed: { row: number; col: number; cell: GridCell }[] = [];
  grid.rows.forEach((cells, row) => {
    let col = 0;
    for (const cell of cells) {
      while (taken.has(`${row}:${col}`)) col++;
      placed.push({ row, col, cell });
      for (let r = 0; r < (cell.rowSpan ?? 1); r++)
        for (let c = 0; c < (cell.colSpan ?? 1); c++) taken.add(`${row + r}:${col + c}`);
      col += cell.colSpan ?? 1;
    }
  });
  return placed;
}
