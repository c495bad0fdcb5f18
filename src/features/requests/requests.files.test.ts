import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DATABASES } from '../../../test/support/db.ts';
import { onePagePdf } from '../../../test/support/fixture.ts';
import { csrfFrom, get, Jar, login, post, upload } from '../../../test/support/http.ts';
import { PERSON } from '../../../test/support/requests.ts';
import { webSuite } from '../../../test/support/web.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import { actOnRequest } from './requests.actions.service.ts';
import { REPLY_MAIL_BYTES, replyMailFiles } from './requests.files.service.ts';
import { registerApplication } from './requests.service.ts';

for (const kind of DATABASES) {
  describe(`files disclosed with a reply on ${kind}`, () => {
    const s = webSuite(kind, { REQUESTS_PER_MINUTE: '100000' });

    test('the handler adds them after the decision; they go with the reply by e-mail and to the status page', async () => {
      const { ctx, f, app } = s;
      const office = await f.actor('office');
      const today = shanghaiDate(ctx.now());
      const c = await registerApplication(ctx, office, f.siteId, {
        ...PERSON,
        agencyId: f.agencies[5].id,
        channel: 'in_person',
        receivedOn: today,
      });
      const other = await registerApplication(ctx, office, f.siteId, {
        ...PERSON,
        agencyId: f.agencies[5].id,
        channel: 'in_person',
        receivedOn: today,
      });
      const staff = await login(app, 'office');
      const url = `/admin/requests/${c.id}/reply-files`;
      const pdf = onePagePdf('Disclosed budget 2025');

      // nothing to disclose before the decision
      const early = await upload(app, staff.jar, url, staff.csrf, { name: '预算.pdf', data: pdf });
      assert.equal(early.statusCode, 409);
      assert.match(early.body, /请先作出办理决定/);

      await actOnRequest(ctx, office, c.id, 'decide', { on: today, outcome: 'granted', reason: '' });
      const page = await get(app, staff.jar, `/admin/requests/${c.id}`);
      assert.match(page.body, /随答复提供的政府信息/);
      assert.match(page.body, /送达答复时随告知书发送给申请人/);

      // checked by content, bounded, and only by the agency's handlers
      const fake = await upload(app, staff.jar, url, staff.csrf, { name: '预算.pdf', data: '#!/bin/sh\nrm -rf /\n' });
      assert.equal(fake.statusCode, 400);
      assert.match(fake.body, /类型不被接受或与扩展名不符/);
      const none = await post(app, staff.jar, url, {}, staff.csrf);
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /请选择要上传的文件/);
      const edu = await login(app, 'edu-editor', 'edu-password-1');
      assert.equal((await upload(app, edu.jar, url, edu.csrf, { name: '预算.pdf', data: pdf })).statusCode, 404);

      assert.equal((await upload(app, staff.jar, url, staff.csrf, { name: '预算表.pdf', data: pdf })).statusCode, 303);
      const wrong = onePagePdf('Wrong file');
      assert.equal((await upload(app, staff.jar, url, staff.csrf, { name: '错传.pdf', data: wrong })).statusCode, 303);
      const files = await ctx.db
        .selectFrom('request_attachments')
        .selectAll()
        .where('request_id', '=', c.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        files.map((a) => [a.kind, a.filename]),
        [
          ['reply', '预算表.pdf'],
          ['reply', '错传.pdf'],
        ],
      );
      // the wrong one is taken back; another agency's staff cannot
      const remove = `${url}/${files[1].id}/delete`;
      assert.equal((await post(app, edu.jar, remove, {}, edu.csrf)).statusCode, 404);
      assert.equal((await post(app, staff.jar, `${url}/abc/delete`, {}, staff.csrf)).statusCode, 404);
      assert.equal(
        (await post(app, staff.jar, `/admin/requests/${other.id}/reply-files/${files[0].id}/delete`, {}, staff.csrf))
          .statusCode,
        409,
        'the other case is not decided',
      );
      assert.equal((await post(app, staff.jar, remove, {}, staff.csrf)).statusCode, 303);
      assert.equal((await post(app, staff.jar, remove, {}, staff.csrf)).statusCode, 404);

      // the applicant sees nothing before the reply is sent
      const resident = new Jar();
      const status = async (queryCode: string) => {
        const form = await get(app, resident, '/s/demo/apply/status');
        return post(
          app,
          resident,
          '/s/demo/apply/status',
          { trackingNo: c.trackingNo, queryCode },
          csrfFrom(form.body),
        );
      };
      const download = async (queryCode: string, file: string) => {
        const form = await get(app, resident, '/s/demo/apply/status');
        return post(
          app,
          resident,
          '/s/demo/apply/status/file',
          { trackingNo: c.trackingNo, queryCode, file },
          csrfFrom(form.body),
        );
      };
      assert.doesNotMatch((await status(c.queryCode)).body, /随答复提供的政府信息/);
      assert.equal((await download(c.queryCode, String(files[0].id))).statusCode, 404);

      const sent = await post(
        app,
        staff.jar,
        `/admin/requests/${c.id}/send_reply`,
        { on: today, method: 'email', letter: '张三：\n\n您申请的信息予以公开，见所附文件。' },
        staff.csrf,
      );
      assert.equal(sent.statusCode, 303, sent.body.slice(0, 300));
      const mail = await ctx.db
        .selectFrom('outbox')
        .selectAll()
        .where('to_address', '=', PERSON.email)
        .where('subject', 'like', `%${c.trackingNo}%`)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.match(mail.body, /您申请的信息予以公开/);
      assert.match(mail.body, /随答复提供的政府信息：\n1\. 预算表\.pdf\n以上文件附在本邮件中/);
      assert.deepEqual(mail.attachments, [
        { hash: files[0].file_hash, filename: '预算表.pdf', mime: 'application/pdf' },
      ]);

      // the reply has gone: its files no longer change
      const late = await upload(app, staff.jar, url, staff.csrf, { name: '补充.pdf', data: wrong });
      assert.equal(late.statusCode, 409);
      assert.match(late.body, /答复已送达/);
      assert.doesNotMatch((await get(app, staff.jar, `/admin/requests/${c.id}`)).body, /id="reply-file"/);

      // the applicant downloads them with the number and code, never through an address alone
      const shown = await status(c.queryCode);
      assert.match(shown.body, /随答复提供的政府信息/);
      assert.match(shown.body, /预算表\.pdf/);
      assert.doesNotMatch(shown.body, /错传/);
      const got = await download(c.queryCode, String(files[0].id));
      assert.equal(got.statusCode, 200);
      assert.match(String(got.headers['content-disposition']), /^attachment; filename\*=UTF-8''/);
      assert.equal(got.headers['cache-control'], 'no-store');
      assert.ok(got.rawPayload.equals(pdf));
      assert.equal((await download('WRONGCODE', String(files[0].id))).statusCode, 404);
      assert.equal((await download(c.queryCode, String(files[1].id))).statusCode, 404, 'removed');
      assert.equal((await download(c.queryCode, 'abc')).statusCode, 404);
      assert.equal((await download(other.queryCode, String(files[0].id))).statusCode, 404, 'another case’s code');
      // the applicant's proof of identity is not a disclosed file
      const proof = await ctx.db
        .insertInto('request_attachments')
        .values({
          request_id: c.id,
          kind: 'proof',
          file_hash: files[0].file_hash,
          filename: 'id.pdf',
          mime: 'application/pdf',
          size: pdf.length,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      assert.equal((await download(c.queryCode, String(proof.id))).statusCode, 404);
      const noCsrf = await post(app, new Jar(), '/s/demo/apply/status/file', {
        trackingNo: c.trackingNo,
        queryCode: c.queryCode,
        file: String(files[0].id),
      });
      assert.equal(noCsrf.statusCode, 403);

      const audited = await ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', String(c.id))
        .where('action', 'like', 'request.%reply_file')
        .execute();
      assert.deepEqual(audited.map((a) => a.action).sort(), [
        'request.add_reply_file',
        'request.add_reply_file',
        'request.remove_reply_file',
      ]);
    });

    test('files too large for one e-mail are left for the status page', async () => {
      const { ctx, f } = s;
      const office = await f.actor('office');
      const c = await registerApplication(ctx, office, f.siteId, {
        ...PERSON,
        agencyId: f.agencies[5].id,
        channel: 'in_person',
        receivedOn: shanghaiDate(ctx.now()),
      });
      const hash = await ctx.files.put(onePagePdf('Large'));
      await ctx.db
        .insertInto('files')
        .values({ hash, size: 1, mime: 'application/pdf' })
        .onConflict((oc) => oc.doNothing())
        .execute();
      for (const name of ['一.pdf', '二.pdf'])
        await ctx.db
          .insertInto('request_attachments')
          .values({
            request_id: c.id,
            kind: 'reply',
            file_hash: hash,
            filename: name,
            mime: 'application/pdf',
            size: REPLY_MAIL_BYTES / 2 + 1,
          })
          .execute();
      const m = await replyMailFiles(ctx.db, c.id);
      assert.deepEqual(m.files, []);
      assert.match(m.text, /1\. 一\.pdf\n2\. 二\.pdf\n以上文件较大，未附在本邮件中/);
    });
  });
}
