import type { Kysely } from 'kysely';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { DB, MailFile } from './db.types.ts';
import type { FileStore } from './files.ts';
import { seal, unseal } from './secrets.ts';

export interface Mail {
  siteId: number | null;
  to: string;
  subject: string;
  /** The text; `{{name}}` stands for a value of `secrets`. */
  body: string;
  /**
   * Values that must not stay readable in the outbox once the mail has gone (a query code): kept sealed with the data
   * key until delivery, then forgotten. Needs `key`.
   */
  secrets?: { key: Buffer; values: Record<string, string> };
  /** Files of the file store sent with the mail (read from disk when it is delivered). */
  attachments?: MailFile[];
}

/** Queues an e-mail; call it inside the transaction of the change it reports, so both happen or neither. */
export async function enqueueMail(trx: Kysely<DB>, m: Mail): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      site_id: m.siteId,
      to_address: m.to,
      subject: m.subject,
      body: m.body,
      secrets: m.secrets ? seal(m.secrets.key, JSON.stringify(m.secrets.values)) : '',
      attachments: JSON.stringify(m.attachments ?? []),
    })
    .execute();
}

/** The body as sent: its placeholders filled from the sealed values. */
function filled(body: string, secrets: string, key: Buffer): string {
  if (!secrets) return body;
  const values = JSON.parse(unseal(key, secrets)) as Record<string, string>;
  return body.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The SMTP transport of the configuration; without SMTP_URL mail waits in the outbox (shown in the back office). */
export const mailTransport = (config: Config): Transporter | null =>
  config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;

const BATCH = 50;
const MAX_ATTEMPTS = 10;

/** What delivery needs: the sender's address, the data key that opens sealed values, the store attachments are in. */
export interface Sender {
  from: string;
  key: Buffer;
  files: FileStore;
}

/** Sends what is due; a failure is retried later with a growing delay, up to MAX_ATTEMPTS. Returns how many went. */
export async function deliverOutbox(db: Db, transport: Transporter, sender: Sender, now = new Date()): Promise<number> {
  const { from, key, files } = sender;
  // claimed with a lease, so that several instances never send the same message
  const lease = new Date(now.getTime() + 5 * 60_000);
  const due = await db
    .updateTable('outbox')
    .set({ next_attempt_at: lease })
    .where('id', 'in', (qb) =>
      qb
        .selectFrom('outbox')
        .select('id')
        .where('sent_at', 'is', null)
        .where('attempts', '<', MAX_ATTEMPTS)
        .where('next_attempt_at', '<=', now)
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
  let sent = 0;
  for (const m of due) {
    try {
      await transport.sendMail({
        from,
        to: m.to_address,
        subject: m.subject,
        text: filled(m.body, m.secrets, key),
        // streamed from the store, never held in memory whole
        attachments: m.attachments.map((f) => ({
          filename: f.filename,
          contentType: f.mime,
          path: files.pathOf(f.hash),
        })),
      });
      await db
        .updateTable('outbox')
        .set({ sent_at: now, attempts: m.attempts + 1, secrets: '' })
        .where('id', '=', m.id)
        .execute();
      sent++;
    } catch (e) {
      const delayMinutes = 2 ** m.attempts;
      await db
        .updateTable('outbox')
        .set({
          attempts: m.attempts + 1,
          last_error: String((e as Error).message).slice(0, 500),
          next_attempt_at: new Date(now.getTime() + delayMinutes * 60_000),
        })
        .where('id', '=', m.id)
        .execute();
    }
  }
  return sent;
}
