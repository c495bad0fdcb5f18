/**
 * The files an agency discloses with its reply (RULES.md §2): added and removed by the handler between the decision
 * and the reply's delivery, sent with the reply by e-mail, and downloaded by the applicant from the status page.
 */

import type { Kysely } from 'kysely';
import type { Actor } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB, MailFile, RequestRow } from '../../core/db.types.ts';
import { badInput, conflict, notFound } from '../../core/errors.ts';
import { checkUpload, recordFile, safeFilename } from '../../core/files.ts';
import { canSee, requireHandler } from './requests.policy.ts';
import { applicantCase, need } from './requests.service.ts';
import { attachmentOf, attachmentsOf, caseRow, deleteReplyFile, insertAttachment, lockCase } from './requests.store.ts';

/** How many files one reply may carry. */
export const REPLY_FILES_MAX = 20;
/** Up to this many bytes in all, the files travel in the reply's e-mail; beyond it the mail points to the status page. */
export const REPLY_MAIL_BYTES = 20 * 1048576;

/** Files can change once the decision is made and until the reply has gone. */
function requireReplyOpen(r: Pick<RequestRow, 'outcome' | 'reply_sent_on'>): void {
  if (!r.outcome) throw conflict('请先作出办理决定，再添加随答复提供的文件');
  if (r.reply_sent_on) throw conflict('答复已送达，随答复提供的文件不能再更改');
}

/** The case for a change of its reply files, checked before the upload is stored and again under the lock. */
async function caseForReplyFiles(q: Kysely<DB>, actor: Actor, requestId: number, lock: boolean) {
  const p = need(actor);
  const r = lock ? await lockCase(q, requestId) : await caseRow(q, requestId);
  if (!r || !canSee(p, r)) throw notFound('申请不存在');
  requireHandler(p, r);
  requireReplyOpen(r);
  return r;
}

/** Adds a file to be disclosed with the reply: its type checked by content, at most REPLY_FILES_MAX. */
export async function addReplyFile(
  ctx: Ctx,
  actor: Actor,
  requestId: number,
  filename: string,
  data: Buffer,
): Promise<number> {
  const name = safeFilename(filename);
  await caseForReplyFiles(ctx.db, actor, requestId, false);
  const mime = await checkUpload(name, data, ctx.config.maxUploadBytes);
  const hash = await ctx.files.put(data);
  return ctx.db.transaction().execute(async (trx) => {
    const r = await caseForReplyFiles(trx, actor, requestId, true);
    if ((await attachmentsOf(trx, r.id, 'reply')).length >= REPLY_FILES_MAX)
      throw badInput(`每份答复最多提供 ${REPLY_FILES_MAX} 个文件`);
    await recordFile(trx, { hash, size: data.length, mime });
    const id = await insertAttachment(trx, {
      request_id: r.id,
      kind: 'reply',
      file_hash: hash,
      filename: name,
      mime,
      size: data.length,
    });
    await audit(trx, actor, {
      siteId: r.site_id,
      agencyId: r.agency_id,
      action: 'request.add_reply_file',
      entityType: 'request',
      entityId: r.id,
      after: { filename: name, size: data.length },
    });
    return id;
  });
}

export async function removeReplyFile(ctx: Ctx, actor: Actor, requestId: number, attachmentId: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const r = await caseForReplyFiles(trx, actor, requestId, true);
    const file = await attachmentOf(trx, r.id, attachmentId, 'reply');
    if (!file) throw notFound('文件不存在');
    await deleteReplyFile(trx, r.id, attachmentId);
    await audit(trx, actor, {
      siteId: r.site_id,
      agencyId: r.agency_id,
      action: 'request.remove_reply_file',
      entityType: 'request',
      entityId: r.id,
      before: { filename: file.filename, size: file.size },
    });
  });
}

/** What the reply's e-mail says of its files, and the files it carries (none when together they are too large). */
export async function replyMailFiles(q: Kysely<DB>, requestId: number): Promise<{ text: string; files: MailFile[] }> {
  const files = await attachmentsOf(q, requestId, 'reply');
  if (!files.length) return { text: '', files: [] };
  const total = files.reduce((n, f) => n + Number(f.size), 0);
  const attached = total <= REPLY_MAIL_BYTES;
  const list = files.map((f, i) => `${i + 1}. ${f.filename}`).join('\n');
  const where = attached
    ? '以上文件附在本邮件中，也可凭申请编号和查询码在网站“依申请公开”栏目的办理进度查询页面下载。'
    : '以上文件较大，未附在本邮件中，请凭申请编号和查询码在网站“依申请公开”栏目的办理进度查询页面下载。';
  return {
    text: `\n\n随答复提供的政府信息：\n${list}\n${where}`,
    files: attached ? files.map((f) => ({ hash: f.file_hash, filename: f.filename, mime: f.mime })) : [],
  };
}

/** A file disclosed with a reply that has been sent, for the applicant who opens the case with its code. */
export async function applicantReplyFile(ctx: Ctx, siteId: number, raw: unknown, attachmentId: number) {
  const r = await applicantCase(ctx, siteId, raw);
  const file = r.reply_sent_on ? await attachmentOf(ctx.db, r.id, attachmentId, 'reply') : undefined;
  if (!file) throw notFound('文件不存在');
  return { filename: file.filename, mime: file.mime, data: await ctx.files.get(file.file_hash) };
}
