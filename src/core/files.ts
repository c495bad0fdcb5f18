import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, open, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Kysely } from 'kysely';
import type { DB } from './db.types.ts';
import { AppError, badInput, notFound } from './errors.ts';
import { htmlToText } from './html.ts';
import { cleanText } from './text.ts';

/** The kinds of attachment accepted, by the type their content shows (not their name). */
export const ATTACHMENT_TYPES: Record<string, string[]> = {
  'application/pdf': ['pdf'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/msword': ['doc'],
  'application/vnd.ms-excel': ['xls'],
  'application/x-cfb': ['doc', 'xls'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
};

/** What a resident may attach to a form (proof of identity, a letter's pictures): PDF and images only. */
export const PDF_OR_IMAGE = new Set(['application/pdf', 'image/png', 'image/jpeg']);

export interface StoredFile {
  hash: string;
  mime: string;
  size: number;
}

/** mammoth (Word documents), loaded on the first document: most servers seldom read one. */
const mammoth = async () => (await import('mammoth')).default;

/** A full disk (or quota): the file is not kept, and the user is told so. */
const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/**
 * Writes a file whole or not at all: into `tmp`, then renamed to `file`. A write that fails (a full disk) leaves no
 * part behind and says so in Chinese (507).
 */
async function written(tmp: string, file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await write(tmp);
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    if (NO_SPACE.has((e as NodeJS.ErrnoException).code ?? ''))
      throw new AppError('no_space', '服务器存储空间已满，文件未能保存，请联系系统管理员');
    throw e;
  }
}

/** Content-addressed store on disk: a file lives at files/ab/cd/<sha256>. */
export class FileStore {
  constructor(readonly dir: string) {}

  pathOf(hash: string): string {
    return path.join(this.dir, hash.slice(0, 2), hash.slice(2, 4), hash);
  }

  async put(data: Buffer): Promise<string> {
    const hash = createHash('sha256').update(data).digest('hex');
    const file = this.pathOf(hash);
    await written(`${file}.${process.pid}.${Date.now()}.tmp`, file, (tmp) => writeFile(tmp, data, { flush: true }));
    return hash;
  }

  /** Stores a file from disk (a large upload or import) without reading it into memory whole. */
  async putPath(source: string): Promise<{ hash: string; size: number }> {
    const digest = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(source)) {
      digest.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const hash = digest.digest('hex');
    const file = this.pathOf(hash);
    await written(`${file}.${process.pid}.${Date.now()}.tmp`, file, async (tmp) => {
      await copyFile(source, tmp);
      const handle = await open(tmp, 'r+');
      await handle.sync();
      await handle.close();
    });
    return { hash, size };
  }

  /** A stored file; one that a row names but the disk no longer has (a store restored in part) is a 404, not a 500. */
  async get(hash: string): Promise<Buffer> {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw badInput('文件标识无效');
    try {
      return await readFile(this.pathOf(hash));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('文件已不在文件库中，请联系网站管理员');
      throw e;
    }
  }
}

/** An uploaded file's name as kept and offered again: one line, no path, at most 200 characters (the end kept). */
export const safeFilename = (name: string): string =>
  cleanText(name)
    .replace(/[\\/\n\r\t]/g, '_')
    .slice(-200);

/**
 * Checks that an upload is what its name says, by its content: a renamed executable or a script
 * called .pdf is refused. Returns the detected MIME type.
 */
export async function checkUpload(filename: string, data: Buffer, maxBytes: number): Promise<string> {
  if (data.length === 0) throw badInput(`文件“${filename}”是空文件`);
  if (data.length > maxBytes) throw badInput(`文件“${filename}”超过 ${Math.floor(maxBytes / 1048576)} MB 的上限`);
  const ext = path.extname(filename).slice(1).toLowerCase();
  const detected = await fileTypeFromBuffer(data);
  const allowed = detected && ATTACHMENT_TYPES[detected.mime];
  if (!detected || !allowed?.includes(ext)) {
    throw badInput(`文件“${filename}”的类型不被接受或与扩展名不符（仅限 PDF、Word、Excel 和图片）`);
  }
  return detected.mime;
}

/** Office files are ZIP archives: refuse to expand one that declares more than this (a "zip bomb"). */
const MAX_EXPANDED_BYTES = 200 * 1024 * 1024;

/**
 * The total uncompressed size a ZIP archive declares in its central directory, or Infinity when the
 * archive is not a plain ZIP (ZIP64, truncated, or malformed).
 */
export function zipExpandedSize(data: Buffer): number {
  const end = data.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > data.length) return Number.POSITIVE_INFINITY;
  const entries = data.readUInt16LE(end + 10);
  let at = data.readUInt32LE(end + 16);
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== 0x02014b50) return Number.POSITIVE_INFINITY;
    const size = data.readUInt32LE(at + 24);
    if (size === 0xffffffff) return Number.POSITIVE_INFINITY;
    total += size;
    at += 46 + data.readUInt16LE(at + 28) + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
  }
  return total;
}

/** Text of every sheet of an Excel workbook: one line per row, cells separated by tabs. */
async function spreadsheetText(data: Buffer): Promise<string> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(data as unknown as ArrayBuffer);
  const lines: string[] = [];
  for (const sheet of book.worksheets) {
    lines.push(sheet.name);
    sheet.eachRow((row) => {
      const cells: string[] = [];
      row.eachCell((cell) => {
        cells.push(cell.text);
      });
      lines.push(cells.join('\t'));
    });
  }
  return lines.join('\n');
}

const isZipOffice = (mime: string) => mime.includes('openxmlformats');

/** Text of an attachment for search: Word through mammoth, Excel through exceljs, PDF through unpdf. */
export async function extractText(mime: string, data: Buffer): Promise<string> {
  if (isZipOffice(mime) && zipExpandedSize(data) > MAX_EXPANDED_BYTES) return '';
  try {
    if (mime.includes('wordprocessingml'))
      return (await (await mammoth()).extractRawText({ buffer: data })).value.trim();
    if (mime.includes('spreadsheetml')) return (await spreadsheetText(data)).trim();
    if (mime === 'application/pdf') {
      const { extractText: pdfText, getDocumentProxy } = await import('unpdf');
      const pdf = await getDocumentProxy(new Uint8Array(data));
      const { text } = await pdfText(pdf, { mergePages: true });
      return text.trim();
    }
  } catch {
    // an unreadable document is still a valid attachment; it just has no searchable text
  }
  return '';
}

/** A Word document as sanitised HTML, for importing into a draft. */
export async function docxToHtml(data: Buffer): Promise<{ html: string; text: string }> {
  if (zipExpandedSize(data) > MAX_EXPANDED_BYTES) throw badInput('Word 文件解压后过大，无法导入');
  const { value } = await (await mammoth()).convertToHtml({ buffer: data });
  return { html: value, text: htmlToText(value) };
}

/** The type of a stored file (as recorded when it was stored), or null when there is no such file. */
export async function storedType(q: Kysely<DB>, hash: string): Promise<string | null> {
  return (await q.selectFrom('files').select('mime').where('hash', '=', hash).executeTakeFirst())?.mime ?? null;
}

/** Records a stored file in the database (once per content), in the transaction that refers to it. */
export async function recordFile(q: Kysely<DB>, f: { hash: string; size: number; mime: string }): Promise<void> {
  await q
    .insertInto('files')
    .values(f)
    .onConflict((oc) => oc.column('hash').doNothing())
    .execute();
}
