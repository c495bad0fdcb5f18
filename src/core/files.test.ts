import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import type { AppError } from './errors.ts';
import { checkUpload, extractText, FileStore, zipExpandedSize } from './files.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('2026年预算');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

test('an Excel attachment is accepted by its content and its cells become searchable text', async () => {
  const data = await workbook([
    ['项目', '金额（万元）'],
    ['城乡低保资金', 1234.5],
    ['三公经费', 56],
  ]);
  assert.equal(await checkUpload('预算表.xlsx', data, 1e7), XLSX);
  const text = await extractText(XLSX, data);
  assert.match(text, /2026年预算/);
  assert.match(text, /城乡低保资金\t1234\.5/);
  assert.match(text, /三公经费/);
  await assert.rejects(checkUpload('预算表.pdf', data, 1e7), /类型不被接受或与扩展名不符/);
});

test('an archive that declares a huge expansion is not expanded; a broken one yields no text', async () => {
  const data = await workbook([['a']]);
  assert.ok(zipExpandedSize(data) > 0 && zipExpandedSize(data) < 1e6);
  // declare 4 GB - 2 for the first entry of the central directory
  const bomb = Buffer.from(data);
  const end = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  bomb.writeUInt32LE(0xfffffffe, bomb.readUInt32LE(end + 16) + 24);
  assert.ok(zipExpandedSize(bomb) > 4e9);
  assert.equal(await extractText(XLSX, bomb), '');
  assert.equal(zipExpandedSize(Buffer.from('not a zip')), Number.POSITIVE_INFINITY);
  assert.equal(await extractText(XLSX, data.subarray(0, 200)), '');
});

test('a file the store no longer has is not found, not an error', async () => {
  const store = new FileStore(mkdtempSync(path.join(tmpdir(), 'gk-files-')));
  const hash = await store.put(Buffer.from('内容'));
  assert.equal((await store.get(hash)).toString(), '内容');
  await assert.rejects(store.get('0'.repeat(64)), (e: AppError) => e.code === 'not_found' && e.status === 404);
  await assert.rejects(store.get('../etc/passwd'), (e: AppError) => e.code === 'bad_input');
});
