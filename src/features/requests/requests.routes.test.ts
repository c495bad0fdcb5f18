import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import mammoth from 'mammoth';
import { DATABASES, freshDb, testConfig, testCtx } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixture.ts';
import { hidden, question } from '../../../test/support/html.ts';
import { csrfFrom, get, Jar, login, post } from '../../../test/support/http.ts';
import { PERSON, solve } from '../../../test/support/requests.ts';
import { buildApp } from '../../app.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { actOnRequest } from './requests.actions.service.ts';
import { remindDeadlines } from './requests.reminders.ts';
import { lookupCase, registerApplication } from './requests.service.ts';

for (const kind of DATABASES) {
  describe(`依申请公开 pages on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db, testConfig({ REQUESTS_PER_MINUTE: '100000', LOGIN_PER_MINUTE: '1000' }));
      f = await demoFixture(ctx);
      app = await buildApp(ctx);
    });
    after(async () => {
      await app.close();
      await close();
    });

    /** Fills the public form as a resident would; returns the response. */
    const apply = async (jar: Jar, fields: Record<string, string>, answer?: string) => {
      const page = await get(app, jar, '/s/demo/apply');
      assert.equal(page.statusCode, 200);
      const csrf = csrfFrom(page.body);
      return post(
        app,
        jar,
        '/s/demo/apply',
        {
          ...fields,
          captchaToken: hidden(page.body, 'captchaToken'),
          captcha:
            answer === 'IME'
              ? solve(question(page.body)).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))
              : (answer ?? solve(question(page.body))),
        },
        csrf,
      );
    };

    test('a resident applies, keeps the receipt, and the staff take the case to a reply they can print and download', async () => {
      const resident = new Jar();
      const civil = String(f.agencies[5].id);
      const refused = await apply(resident, { ...PERSON, agencyId: civil, idNumber: '110105194912310021' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /校验位不正确/);
      assert.match(refused.body, /value="张三"/, 'what was typed comes back');

      // the answer as a Chinese input method types it (full-width digits) is taken
      const posted = await apply(resident, { ...PERSON, agencyId: civil }, 'IME');
      // the receipt comes after a redirect: a reload never sends the application again, and the address holds no code
      assert.equal(posted.statusCode, 303, posted.body.slice(0, 500));
      assert.equal(posted.headers.location, '/s/demo/apply/receipt');
      const res = await get(app, resident, '/s/demo/apply/receipt');
      assert.equal(res.statusCode, 200, res.body.slice(0, 500));
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.doesNotMatch(res.body, /回执将发送到您填写的电子邮箱/, 'no mail is sent without an SMTP server');
      const reload = await get(app, resident, '/s/demo/apply/receipt');
      assert.equal(reload.statusCode, 303, 'the code is shown once');
      assert.equal(reload.headers.location, '/s/demo/apply/status');
      assert.equal(
        await ctx.db
          .selectFrom('requests')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
          .then((r) => Number(r.n)),
        1,
      );
      assert.equal(
        (await get(app, new Jar(), '/s/demo/apply/receipt')).statusCode,
        303,
        'no receipt without its cookie',
      );
      const trackingNo = /申请编号<\/th><td><strong>(\d+)</.exec(res.body)![1];
      const code = /查询码<\/th><td><strong>([A-Z0-9]+)</.exec(res.body)![1];

      // the status page: from the number and the code, in the body, never in the address
      const lookup = await get(app, resident, '/s/demo/apply/status');
      const wrong = await post(
        app,
        resident,
        '/s/demo/apply/status',
        { trackingNo, queryCode: 'ABCDEFGH' },
        csrfFrom(lookup.body),
      );
      assert.equal(wrong.statusCode, 404);
      assert.doesNotMatch(wrong.body, /张三/);
      const seen = await post(
        app,
        resident,
        '/s/demo/apply/status',
        { trackingNo, queryCode: code },
        csrfFrom(lookup.body),
      );
      assert.equal(seen.statusCode, 200);
      assert.match(seen.body, /待确认收到/);
      assert.doesNotMatch(seen.body, /张三|13812345678|11010519491231002X/, 'no personal data on the status page');
      const noCsrf = await post(app, resident, '/s/demo/apply/status', { trackingNo, queryCode: code });
      assert.equal(noCsrf.statusCode, 403);

      const id = (
        await ctx.db.selectFrom('requests').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()
      ).id;
      // another agency's staff: nothing in the list, 404 on the case
      const edu = await login(app, 'edu-editor', 'edu-password-1');
      const eduList = await get(app, edu.jar, '/admin/requests?stage=');
      assert.doesNotMatch(eduList.body, new RegExp(trackingNo));
      assert.equal((await get(app, edu.jar, `/admin/requests/${id}`)).statusCode, 404);
      assert.equal(
        (await post(app, edu.jar, `/admin/requests/${id}/confirm_receipt`, { on: shanghaiDate(new Date()) }, edu.csrf))
          .statusCode,
        404,
      );
      // the public: to the login page
      assert.equal((await get(app, new Jar(), `/admin/requests/${id}`)).statusCode, 303);

      const editor = await login(app, 'editor');
      const list = await get(app, editor.jar, '/admin/requests');
      assert.match(list.body, new RegExp(trackingNo));
      assert.match(list.body, /张\*/, 'lists mask the name');
      assert.doesNotMatch(list.body, /张三|13812345678/);
      const today = shanghaiDate(new Date());
      const step = async (action: string, form: Record<string, string>) => {
        const r = await post(app, editor.jar, `/admin/requests/${id}/${action}`, form, editor.csrf);
        assert.equal(r.statusCode, 303, `${action}: ${r.body.slice(0, 300)}`);
      };
      const future = await post(
        app,
        editor.jar,
        `/admin/requests/${id}/confirm_receipt`,
        { on: '2099-01-01' },
        editor.csrf,
      );
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /不能晚于今天/);
      const skip = await post(
        app,
        editor.jar,
        `/admin/requests/${id}/send_reply`,
        { on: today, method: 'email', letter: 'x'.repeat(20) },
        editor.csrf,
      );
      assert.equal(skip.statusCode, 409, 'no reply before a decision');
      await step('confirm_receipt', { on: today });
      const page = await get(app, editor.jar, `/admin/requests/${id}`);
      assert.match(page.body, /11010519491231002X/, 'the handler sees the ID number');
      assert.match(page.body, /应于 \d{4}-\d{2}-\d{2} 前答复（20 个工作日）/);
      await step('decide', {
        on: today,
        outcome: 'unavailable_not_held',
        reason: '该信息由县财政局制作，可向县财政局申请',
        basis: '',
      });
      await step('send_reply', {
        on: today,
        method: 'email',
        letter: `张三：\n\n经检索，本机关没有制作或者获取您申请的政府信息。\n\n青山县民政局\n\n${today.slice(0, 4)}年1月1日`,
      });
      const print = await get(app, editor.jar, `/admin/requests/${id}/letter`);
      assert.match(print.body, /政府信息公开申请答复告知书/);
      assert.match(print.body, /没有制作或者获取/);
      const docx = await app.inject({
        method: 'GET',
        url: `/admin/requests/${id}/letter.docx`,
        headers: { cookie: editor.jar.header },
      });
      assert.equal(docx.statusCode, 200);
      const text = (await mammoth.extractRawText({ buffer: docx.rawPayload })).value;
      assert.match(text, /政府信息公开申请答复告知书/);
      assert.match(text, /经检索，本机关没有制作或者获取您申请的政府信息。/);
      assert.match(text, new RegExp(trackingNo));

      const after = await post(
        app,
        resident,
        '/s/demo/apply/status',
        { trackingNo, queryCode: code },
        csrfFrom(lookup.body),
      );
      assert.match(after.body, /已答复/);
      assert.match(after.body, /没有制作或者获取/);

      const views = await ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_type', '=', 'request')
        .where('entity_id', '=', String(id))
        .where('action', '=', 'request.view_personal_data')
        .execute();
      assert.ok(views.length >= 3, 'every view of the case is audited');
    });

    test('a form error keeps no proof file and asks for it again; a wrong answer stores nothing', async () => {
      const resident = new Jar();
      const page = await get(app, resident, '/s/demo/apply');
      assert.match(page.body, /inputmode="numeric"/);
      const files = async () =>
        Number(
          (
            await ctx.db
              .selectFrom('files')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await files();
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      );
      const boundary = '----gkapply';
      const field = (name: string, value: string) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const body = Buffer.concat([
        Buffer.from(
          Object.entries({
            ...PERSON,
            agencyId: String(f.agencies[5].id),
            captchaToken: hidden(page.body, 'captchaToken'),
            captcha: '999',
            _csrf: csrfFrom(page.body),
          })
            .map(([k, v]) => field(k, v))
            .join(''),
        ),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="proof"; filename="id.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await app.inject({
        method: 'POST',
        url: `/s/demo/apply?_csrf=${encodeURIComponent(csrfFrom(page.body))}`,
        payload: body,
        headers: { cookie: resident.header, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      assert.equal(res.statusCode, 400, res.body.slice(0, 300));
      assert.match(res.body, /验证码答案不正确|答案不正确/);
      assert.match(res.body, /请重新选择身份证明材料/);
      assert.equal(await files(), before, 'the proof is not stored before the form and the answer are right');
    });

    test('staff register a letter and hand over the code; the office sees it in the overview', async () => {
      const editor = await login(app, 'editor');
      const form = await get(app, editor.jar, '/admin/requests/new');
      assert.match(form.body, /以行政机关签收之日为收到申请之日/);
      const res = await post(
        app,
        editor.jar,
        '/admin/requests/new',
        { ...PERSON, agencyId: String(f.agencies[3].id), channel: 'registered_mail', receivedOn: '2025-01-02' },
        editor.csrf,
      );
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      assert.match(res.body, /查询码/);
      const office = await login(app, 'office');
      const overview = await get(app, office.jar, '/admin/requests/overview');
      assert.match(overview.body, /青山县教育局/);
      assert.match(overview.body, /1 件已超期/, 'received in January 2025 and still open');
      assert.equal(
        (await get(app, editor.jar, '/admin/requests/overview')).statusCode,
        403,
        'the overview is the office’s',
      );
      // the reminder reaches the handler once
      assert.ok((await remindDeadlines(ctx)) >= 1);
      assert.equal(await remindDeadlines(ctx), 0);
      const reminders = await get(app, editor.jar, '/admin/notifications');
      assert.match(reminders.body, /已超过答复期限/);
      const bad = await post(app, office.jar, '/admin/requests/settings', { reminderWorkdays: '5 abc' }, office.csrf);
      assert.equal(bad.statusCode, 400);
      const ok = await post(app, office.jar, '/admin/requests/settings', { reminderWorkdays: '3 1' }, office.csrf);
      assert.equal(ok.statusCode, 303);
    });

    test('the office enters next year’s holidays; open deadlines move and the change is audited', async () => {
      const office = await login(app, 'office');
      const editor = await login(app, 'editor');
      const before = await get(app, office.jar, '/admin/calendar?year=2027');
      assert.match(before.body, /2027 年尚无节假日安排/);
      const res = await post(
        app,
        office.jar,
        '/admin/calendar',
        { day: '2027-01-01', kind: 'holiday', name: '元旦' },
        office.csrf,
      );
      assert.equal(res.statusCode, 303);
      const after = await get(app, office.jar, '/admin/calendar?year=2027');
      assert.doesNotMatch(after.body, /2027 年尚无节假日安排/);
      assert.match(after.body, /元旦/);
      const badDay = await post(
        app,
        office.jar,
        '/admin/calendar',
        { day: '2027-02-30', kind: 'holiday' },
        office.csrf,
      );
      assert.equal(badDay.statusCode, 400);
      assert.equal(
        (await post(app, editor.jar, '/admin/calendar', { day: '2027-01-02', kind: 'holiday' }, editor.csrf))
          .statusCode,
        403,
      );
      const del = await post(app, office.jar, '/admin/calendar/2027-01-01/delete', {}, office.csrf);
      assert.equal(del.statusCode, 303);
      const logged = await ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_type', '=', 'calendar_day')
        .execute();
      assert.deepEqual(logged.map((l) => l.action).sort(), ['calendar.remove', 'calendar.save']);
    });

    test('the amendment, extension and fee notices print and download, for the agency only', async () => {
      const office = await f.actor('office');
      const at = (day: string): Ctx => ({ ...ctx, now: () => new Date(`${day}T02:00:00Z`) });
      const { id, trackingNo, queryCode } = await registerApplication(at('2025-09-26'), office, f.siteId, {
        ...PERSON,
        agencyId: f.agencies[5].id,
        channel: 'registered_mail',
        receivedOn: '2025-09-26',
      });
      const act = (action: string, input: Record<string, unknown>) =>
        actOnRequest(at(input.on as string), office, id, action as never, input);
      await act('request_amendment', { on: '2025-09-29', note: '请写明所需信息的形成时间' });
      await act('receive_amendment', { on: '2025-10-10', note: '' });
      await act('extend', { on: '2025-10-20', workdays: 10, note: '需要向多个乡镇调取材料' });
      await act('notify_fee', { on: '2025-10-21', method: 'pages', pages: 120, note: '' });
      const events = await ctx.db
        .selectFrom('request_events')
        .select(['id', 'kind'])
        .where('request_id', '=', id)
        .execute();
      const eventOf = (kind: string) => events.find((e) => e.kind === kind)!.id;

      const editor = await login(app, 'editor');
      const casePage = await get(app, editor.jar, `/admin/requests/${id}`);
      assert.match(casePage.body, new RegExp(`href="/admin/requests/${id}/notices/${eventOf('extended')}"`));
      const notice = async (kind: string) =>
        (await get(app, editor.jar, `/admin/requests/${id}/notices/${eventOf(kind)}`)).body;
      const amendment = await notice('amendment_requested');
      assert.match(amendment, /政府信息公开申请补正告知书/);
      assert.match(amendment, /需要补正的事项：请写明所需信息的形成时间。/);
      assert.match(amendment, /2025年9月26日收到您提出的政府信息公开申请/);
      const extension = await notice('extended');
      assert.match(extension, /答复期限延长10个工作日，本机关将于2025年11月20日前作出答复/);
      const fee = await notice('fee_notified');
      assert.match(fee, /按页数计收（共120页）信息处理费1100元/);
      assert.match(fee, /（即2025年11月18日前）缴纳/);
      const docx = await get(app, editor.jar, `/admin/requests/${id}/notices/${eventOf('fee_notified')}/notice.docx`);
      assert.equal(docx.statusCode, 200);
      const text = (await mammoth.extractRawText({ buffer: docx.rawPayload })).value;
      assert.match(text, /政府信息公开信息处理费缴费通知书/);
      assert.match(text, /信息处理费1100元/);

      // the fee's payment period is over: the case page says what may be decided now, and the handler is reminded
      assert.match(
        (await get(app, editor.jar, `/admin/requests/${id}`)).body,
        /缴费期限已于 2025-11-18 届满。申请人逾期未缴纳信息处理费的，可作出“逾期未缴费、不再处理”的决定。/,
      );
      const waiting = await registerApplication(at('2025-09-26'), office, f.siteId, {
        ...PERSON,
        agencyId: f.agencies[5].id,
        channel: 'in_person',
        receivedOn: '2025-09-26',
      });
      await actOnRequest(at('2025-09-29'), office, waiting.id, 'request_amendment', {
        on: '2025-09-29',
        note: '请写明所需信息的名称',
      });
      // the applicant sees on the status page what is awaited of them, and by when
      const waitingStatus = await lookupCase(ctx, f.siteId, {
        trackingNo: waiting.trackingNo,
        queryCode: waiting.queryCode,
      });
      assert.deepEqual(waitingStatus.waiting, { kind: 'amendment', what: '请写明所需信息的名称', by: '2025-10-27' });
      const resident = new Jar();
      const form = await get(app, resident, '/s/demo/apply/status');
      const status = await post(app, resident, '/s/demo/apply/status', { trackingNo, queryCode }, csrfFrom(form.body));
      assert.match(status.body, /应缴费用<\/th><td>信息处理费 1100 元/);
      assert.match(status.body, /缴费期限<\/th><td>2025-11-18 前/);

      await remindDeadlines(ctx);
      const reminders = await ctx.db
        .selectFrom('notifications')
        .select(['request_id', 'kind', 'message'])
        .where('kind', 'in', ['fee_over', 'amendment_over'])
        .orderBy('kind')
        .execute();
      assert.deepEqual(
        reminders.map((n) => [n.request_id, n.kind]),
        [
          [waiting.id, 'amendment_over'],
          [id, 'fee_over'],
        ],
      );
      assert.match(reminders[0].message, /补正期限已于 2025-10-27 届满/);
      await remindDeadlines(ctx);
      assert.equal(
        (
          await ctx.db
            .selectFrom('notifications')
            .select('id')
            .where('kind', 'in', ['fee_over', 'amendment_over'])
            .execute()
        ).length,
        2,
        'once only',
      );

      // a step without a notice, another agency's staff, the public
      assert.equal(
        (await get(app, editor.jar, `/admin/requests/${id}/notices/${eventOf('received')}`)).statusCode,
        404,
      );
      assert.equal((await get(app, editor.jar, `/admin/requests/${id}/notices/abc`)).statusCode, 404);
      const edu = await login(app, 'edu-editor', 'edu-password-1');
      assert.equal((await get(app, edu.jar, `/admin/requests/${id}/notices/${eventOf('extended')}`)).statusCode, 404);
      assert.equal((await get(app, new Jar(), `/admin/requests/${id}/notices/${eventOf('extended')}`)).statusCode, 303);
    });

    test('the public form is rate-limited', async () => {
      const jar = new Jar();
      let status = 0;
      for (let i = 0; i < 8 && status !== 429; i++)
        status = (await apply(jar, { ...PERSON, agencyId: String(f.agencies[5].id) }, '0')).statusCode;
      assert.equal(status, 429);
    });
  });
}
