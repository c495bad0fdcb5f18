import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { DATABASES, freshDb } from '../../test/support/db.ts';
import type { Db } from './db.ts';
import { FileStore } from './files.ts';
import { deliverOutbox, enqueueMail, type Sender } from './outbox.ts';

const KEY = Buffer.alloc(32, 7);
const files = new FileStore(mkdtempSync(path.join(tmpdir(), 'gk-outbox-')));
const sender: Sender = { from: 'gongkai@example.gov.cn', key: KEY, files };

/**
 * A transport that records each message as sent: nodemailer's own stream transport builds the whole MIME message
 * without a server, and the recorder keeps its text.
 */
function recorder() {
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const sent: string[] = [];
  const texts: string[] = [];
  const recording = {
    sendMail: async (m: SendMailOptions) => {
      const info = await stream.sendMail(m);
      sent.push((info.message as Buffer).toString());
      texts.push(String(m.text));
      return info;
    },
  } as unknown as Transporter;
  return { recording, sent, texts };
}

for (const kind of DATABASES) {
  describe(`outbox on ${kind}`, () => {
    let db: Db;
    let close: () => Promise<void>;
    before(async () => {
      ({ db, close } = await freshDb(kind));
    });
    after(() => close());

    test('queued mail is sent once as a real message; a failing transport retries later', async () => {
      await db
        .transaction()
        .execute((trx) =>
          enqueueMail(trx, { siteId: null, to: 'a@example.com', subject: '申请已提交', body: '查询码：ABCD2345' }),
        );
      const { recording, sent } = recorder();
      // a second on: the row's own time has microseconds, and a Date taken in the same millisecond would be before it
      const now = new Date(Date.now() + 1000);
      assert.equal(await deliverOutbox(db, recording, sender, now), 1);
      assert.equal(await deliverOutbox(db, recording, sender, now), 0, 'never twice');
      assert.match(sent[0], /To: a@example.com/);
      assert.match(sent[0], /Subject: =\?UTF-8\?/);

      await db
        .transaction()
        .execute((trx) => enqueueMail(trx, { siteId: null, to: 'b@example.com', subject: '提醒', body: '到期' }));
      const failing = nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 500 });
      const later = new Date(Date.now() + 1000);
      assert.equal(await deliverOutbox(db, failing, sender, later), 0);
      const row = await db
        .selectFrom('outbox')
        .selectAll()
        .where('to_address', '=', 'b@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(row.attempts, 1);
      assert.ok(row.last_error.length > 0);
      assert.ok(row.next_attempt_at > later, 'retried later, not at once');
      assert.equal(await deliverOutbox(db, recording, sender, later), 0, 'not before its time');
      assert.equal(await deliverOutbox(db, recording, sender, new Date(later.getTime() + 3_600_000)), 1);
    });

    test('a query code goes out in the mail and is not kept readable in the outbox, before or after', async () => {
      await db.transaction().execute((trx) =>
        enqueueMail(trx, {
          siteId: null,
          to: 'c@example.com',
          subject: '申请已提交',
          body: '申请编号：2025\n查询码：{{queryCode}}',
          secrets: { key: KEY, values: { queryCode: 'QC7K9M2P' } },
        }),
      );
      const row = () =>
        db.selectFrom('outbox').selectAll().where('to_address', '=', 'c@example.com').executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(await row()).includes('QC7K9M2P'), 'sealed while it waits');
      const { recording, texts } = recorder();
      await deliverOutbox(db, recording, sender, new Date(Date.now() + 1000));
      assert.ok(
        texts.some((t) => t.includes('查询码：QC7K9M2P')),
        'the applicant receives the code',
      );
      const after = await row();
      assert.ok(after.sent_at);
      assert.equal(after.secrets, '', 'forgotten once sent');
      assert.ok(!JSON.stringify(after).includes('QC7K9M2P'));
    });

    test('a mail carries its files from the store, read at delivery', async () => {
      const pdf = Buffer.from('%PDF-1.4 公开的文件内容 '.repeat(50));
      const hash = await files.put(pdf);
      await db.transaction().execute((trx) =>
        enqueueMail(trx, {
          siteId: null,
          to: 'd@example.com',
          subject: '答复',
          body: '附件：答复材料.pdf',
          attachments: [{ hash, filename: '答复材料.pdf', mime: 'application/pdf' }],
        }),
      );
      const { recording, sent } = recorder();
      await deliverOutbox(db, recording, sender, new Date(Date.now() + 1000));
      const message = sent.find((m) => m.includes('d@example.com'));
      assert.ok(message);
      assert.match(message, /Content-Type: application\/pdf/);
      assert.match(message, /Content-Disposition: attachment/);
      const encoded = message
        .split(/\r?\n\r?\n/)
        .find((part) => part.replace(/\s/g, '').startsWith(pdf.toString('base64').slice(0, 40)));
      assert.ok(encoded, 'the file itself is in the message');
    });
  });
}
