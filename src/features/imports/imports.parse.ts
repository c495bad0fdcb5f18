import { createReadStream } from 'node:fs';
import readline from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import type ExcelJS from 'exceljs';

export type ImportFormat = 'jsonl' | 'csv' | 'xlsx';

/** A row as read from the file: column name → text. */
export type RawRow = Record<string, string>;

/** The format a file's name says (.jsonl / .ndjson, .csv / .tsv / .txt, .xlsx). */
export function formatOf(filename: string): ImportFormat | null {
  const ext = filename.toLowerCase().split('.').pop() ?? '';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'csv' || ext === 'tsv' || ext === 'txt') return 'csv';
  if (ext === 'xlsx') return 'xlsx';
  return null;
}

/** One row and its number in the file (1 = the first row of data), or why the line could not be read. */
export type ReadRow = { n: number; row: RawRow } | { n: number; error: string };

const MAX_CELL = 2_000_000;
/** Files are read a megabyte at a time (the default 64 KB makes reading a large file several times slower). */
const READ_CHUNK = 1 << 20;

function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    // Excel rich text, hyperlinks and formulas carry their text inside
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return text(o.text);
    if (o.result !== undefined) return text(o.result);
    return JSON.stringify(v);
  }
  return String(v).slice(0, MAX_CELL);
}

async function* jsonlRows(path: string): AsyncGenerator<ReadRow> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: READ_CHUNK });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const line of lines) {
      const trimmed = line.replace(/^\uFEFF/, '').trim();
      if (!trimmed) continue;
      n++;
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch {
        yield { n, error: '这一行不是有效的 JSON' };
        continue;
      }
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        yield { n, error: '这一行不是 JSON 对象' };
        continue;
      }
      yield { n, row: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, text(v)])) };
    }
  } finally {
    // a reader that stops early (the preview) closes the file: closing the lines alone leaves it read to the end
    input.destroy();
  }
}

/** ASCII white space, as `trim` removes it. */
const BLANK = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

/** Whether a line's bytes hold more than white space (and a byte-order mark), as `jsonlRows` sees it. */
const hasText = (parts: Buffer[]) =>
  Buffer.concat(parts)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim() !== '';

/**
 * How many rows `jsonlRows` reads from a file (its non-blank lines), counted on the bytes: a line whose first
 * character past white space is ASCII is a row (a JSON object starts with its brace); any other line is decoded.
 * Lines end at LF, CR or CRLF, as readline ends them (the empty piece between CR and LF counts for nothing).
 */
async function jsonlCount(path: string): Promise<number> {
  let rows = 0;
  // the current line: whether it has shown an ASCII character yet, and its bytes until it has
  let printable = false;
  let pending: Buffer[] = [];
  const endLine = () => {
    if (printable || hasText(pending)) rows++;
    printable = false;
    pending = [];
  };
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>) {
    let lf = chunk.indexOf(0x0a);
    let cr = chunk.indexOf(0x0d);
    for (let start = 0; ; ) {
      if (lf >= 0 && lf < start) lf = chunk.indexOf(0x0a, start);
      if (cr >= 0 && cr < start) cr = chunk.indexOf(0x0d, start);
      const end = Math.min(lf < 0 ? chunk.length : lf, cr < 0 ? chunk.length : cr);
      if (!printable) {
        let i = start;
        while (i < end && BLANK.has(chunk[i])) i++;
        if (i < end && chunk[i] < 0x80) printable = true;
        else pending.push(chunk.subarray(start, end));
      }
      if (end === chunk.length) break;
      endLine();
      start = end + 1;
    }
  }
  endLine();
  return rows;
}

async function* csvRows(path: string): AsyncGenerator<ReadRow> {
  // tab-separated when the header line has a tab
  const first = await new Promise<string>((resolve, reject) => {
    const s = createReadStream(path, { encoding: 'utf8', end: 64 * 1024 });
    let buf = '';
    s.on('data', (c) => {
      buf += c;
    });
    s.on('end', () => resolve(buf.split(/\r?\n/)[0] ?? ''));
    s.on('error', reject);
  });
  const input = createReadStream(path, { highWaterMark: READ_CHUNK });
  const parser = input.pipe(
    parseCsv({
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      delimiter: first.includes('\t') ? '\t' : ',',
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      max_record_size: 4 * MAX_CELL,
    }),
  );
  let n = 0;
  try {
    for await (const record of parser) {
      n++;
      yield {
        n,
        row: Object.fromEntries(Object.entries(record as Record<string, unknown>).map(([k, v]) => [k, text(v)])),
      };
    }
  } catch (e) {
    yield { n: n + 1, error: `CSV 格式有误：${(e as Error).message.slice(0, 200)}` };
  } finally {
    input.destroy();
  }
}

async function* xlsxRows(path: string): AsyncGenerator<ReadRow> {
  // loaded when a workbook is read, as in core/files.ts: a server that never imports one does not hold it
  const { default: Excel } = await import('exceljs');
  const reader = new Excel.stream.xlsx.WorkbookReader(path, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
  });
  // exceljs's streaming reader reads `model.sheets` for a worksheet that comes before xl/workbook.xml in the zip
  // (the order of a file's parts is free; exceljs's own writer varies it) and throws on the undefined model
  // (exceljs/exceljs#962, unfixed in 4.4): start from an empty model, which the workbook part replaces when it comes.
  (reader as unknown as { model: { sheets: unknown[] } }).model = { sheets: [] };
  // the first worksheet only: its first row names the columns
  for await (const sheet of reader) {
    let headers: string[] | null = null;
    let n = 0;
    for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
      const values = (row.values as unknown[]).slice(1).map(text);
      if (!headers) {
        headers = values.map((h) => h.trim());
        continue;
      }
      if (values.every((v) => v === '')) continue;
      n++;
      yield { n, row: Object.fromEntries(headers.map((h, i) => [h, values[i] ?? ''])) };
    }
    return;
  }
}

/** The rows of a file in order, read as a stream (a file of a million rows never sits in memory whole). */
export function readRows(format: ImportFormat, path: string): AsyncGenerator<ReadRow> {
  if (format === 'jsonl') return jsonlRows(path);
  if (format === 'csv') return csvRows(path);
  return xlsxRows(path);
}

/**
 * The column names and the first rows, for the mapping page; with `count`, the number of rows too
 * (which reads the whole file).
 */
export async function inspect(
  format: ImportFormat,
  path: string,
  count = false,
): Promise<{ headers: string[]; sample: RawRow[]; total: number }> {
  const headers = new Set<string>();
  const sample: RawRow[] = [];
  let total = 0;
  // JSON lines are counted without being parsed; other formats are read through
  const counted = count && format === 'jsonl';
  for await (const r of readRows(format, path)) {
    total = r.n;
    if ('row' in r) {
      if (sample.length < 5) sample.push(r.row);
      if (total <= 200) for (const k of Object.keys(r.row)) if (k) headers.add(k);
    }
    if ((!count || counted) && total >= 200) break;
  }
  return { headers: [...headers], sample, total: counted ? await jsonlCount(path) : total };
}
