import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import mammoth from 'mammoth';
import { badInput } from './errors.ts';
import { htmlToText } from './html.ts';

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

export interface StoredFile {
  hash: string;
  mime: string;
  size: number;
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
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, data, { flush: true });
    await rename(tmp, file);
    return hash;
  }

  get(hash: string): Promise<Buffer> {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw badInput('文件标识无效');
    return readFile(this.pathOf(hash));
  }
}

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

/** Text of an attachment for search: Word through mammoth, PDF through unpdf; others have none. */
export async function extractText(mime: string, data: Buffer): Promise<string> {
  try {
    if (mime.includes('wordprocessingml')) return (await mammoth.extractRawText({ buffer: data })).value.trim();
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
  const { value } = await mammoth.convertToHtml({ buffer: data });
  return { html: value, text: htmlToText(value) };
}
