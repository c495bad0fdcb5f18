/** The annual report as Word (the official table layout) and as Excel (one sheet per table), from the same grids. */
import {
  AlignmentType,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';

import { type Grid, placeCells, tableFourGrid, tableThreeGrid, tableTwoGrid } from './reports.grid.ts';
import { SECTION_TITLES, sectionParagraphs } from './reports.rules.ts';
import type { ReportView } from './reports.service.ts';

const gridsOf = (view: ReportView) => {
  const { figures, format } = view.tables;
  return { two: tableTwoGrid(figures, format), three: tableThreeGrid(figures, format), four: tableFourGrid(figures) };
};

const BODY_FONT = { ascii: 'FangSong', eastAsia: '仿宋_GB2312', hAnsi: 'FangSong' };
const HEAD_FONT = { ascii: 'SimHei', eastAsia: '黑体', hAnsi: 'SimHei' };

function docxTable(grid: Grid): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: grid.rows.map(
      (row) =>
        new TableRow({
          children: row.map(
            (c) =>
              new TableCell({
                columnSpan: c.colSpan,
                rowSpan: c.rowSpan,
                verticalAlign: VerticalAlign.CENTER,
                children: [
                  new Paragraph({
                    alignment: AlignmentType.CENTER,
                    children: [new TextRun({ text: c.text, size: 18, bold: c.head, font: BODY_FONT })],
                  }),
                ],
              }),
          ),
        }),
    ),
  });
}

/** The report in Word: the title, the six sections and the three tables with their merged headings. */
export async function reportDocx(view: ReportView): Promise<Buffer> {
  const grids = gridsOf(view);
  const heading = (t: string) =>
    new Paragraph({
      spacing: { before: 240, after: 120 },
      children: [new TextRun({ text: t, size: 32, font: HEAD_FONT })],
    });
  const paras = (text: string) =>
    sectionParagraphs(text).map(
      (p) =>
        new Paragraph({
          indent: { firstLine: 640 },
          spacing: { line: 560 },
          children: [new TextRun({ text: p, size: 32, font: BODY_FONT })],
        }),
    );
  const doc = new Document({
    creator: 'Gongkai',
    title: view.title,
    sections: [
      {
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 400 },
            children: [new TextRun({ text: view.title, bold: true, size: 44, font: { eastAsia: '方正小标宋简体' } })],
          }),
          heading(SECTION_TITLES.overview),
          ...paras(view.row.overview),
          heading(SECTION_TITLES.active),
          docxTable(grids.two),
          heading(SECTION_TITLES.requests),
          docxTable(grids.three),
          heading(SECTION_TITLES.appeals),
          docxTable(grids.four),
          heading(SECTION_TITLES.problems),
          ...paras(view.row.problems),
          heading(SECTION_TITLES.other),
          ...paras(view.row.other_matters),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** The tables in Excel, one sheet each, merged as in the official layout; figures are numbers. */
export async function reportXlsx(view: ReportView): Promise<Buffer> {
  const grids = gridsOf(view);
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'Gongkai';
  book.title = view.title;
  const sheets: [string, Grid][] = [
    ['表二 主动公开', grids.two],
    ['表三 依申请公开', grids.three],
    ['表四 复议诉讼', grids.four],
  ];
  for (const [name, grid] of sheets) {
    const ws = book.addWorksheet(name);
    ws.getCell(1, 1).value = `${view.title}：${grid.caption}`;
    ws.getCell(1, 1).font = { bold: true };
    const top = 2;
    for (const { row, col, cell } of placeCells(grid)) {
      const r = top + row;
      const c = 1 + col;
      const target = ws.getCell(r, c);
      const n = Number(cell.text);
      target.value = cell.figure && cell.text !== '—' && Number.isFinite(n) ? n : cell.text;
      target.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
      target.border = {
        top: { style: 'thin' },
        left: { style: 'thin' },
        bottom: { style: 'thin' },
        right: { style: 'thin' },
      };
      if (cell.head) target.font = { bold: true };
      if ((cell.rowSpan ?? 1) > 1 || (cell.colSpan ?? 1) > 1)
        ws.mergeCells(r, c, r + (cell.rowSpan ?? 1) - 1, c + (cell.colSpan ?? 1) - 1);
    }
    for (let c = 1; c <= grid.width; c++) ws.getColumn(c).width = 12;
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
