import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rejects } from '../../../test/support/assert.ts';
import { DATABASES, freshDb, testCtx } from '../../../test/support/db.ts';
import { demoFixture, type Fixture, publishThroughReview } from '../../../test/support/fixture.ts';
import { PERSON, solve } from '../../../test/support/requests.ts';
import { SYSTEM } from '../../core/access.ts';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import { createAgency, createSite } from '../admin/admin.service.ts';
import { actOnRequest } from './requests.actions.service.ts';
import { removeCalendarDay, saveCalendarDay } from './requests.calendar.service.ts';
import { lookupCase, openCase, registerApplication, resetQueryCode, submitApplication } from './requests.service.ts';

for (const kind of DATABASES) {
  describe(`依申请公开 cases on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let close: () => Promise<void>;
    // a Shanghai morning; tests move it forward as the case goes on
    let clock = new Date('2025-09-26T02:00:00Z');
    const setDay = (d: string) => {
      clock = new Date(`${d}T02:00:00Z`);
    };
    const captcha = () => {
      const c = newChallenge(dataKey(ctx.config), ctx.now());
      return { token: c.token, answer: solve(c.question) };
    };
    let civil: number;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db, undefined, () => clock);
      f = await demoFixture(ctx);
      civil = f.agencies[5].id;
    });
    after(() => close());

    const act = async (user: string, id: number, action: Parameters<typeof actOnRequest>[3], input: object) =>
      actOnRequest(ctx, await f.actor(user), id, action, input);
    const dueOf = async (id: number) =>
      await ctx.db.selectFrom('requests').select(['due_on', 'stage']).where('id', '=', id).executeTakeFirstOrThrow();

    test('an application goes from the public form through amendment, consultation and extension to the reply', async () => {
      setDay('2025-09-26');
      const sub = await submitApplication(ctx, f.siteId, { ...PERSON, agencyId: civil }, captcha(), null, '10.0.0.1');
      assert.match(sub.trackingNo, /^20250926\d{6}$/);
      assert.match(sub.queryCode, /^[2-9A-Z]{8}$/);
      const stored = await ctx.db.selectFrom('requests').selectAll().where('id', '=', sub.id).executeTakeFirstOrThrow();
      assert.equal(stored.stage, 'awaiting_receipt');
      assert.ok(!JSON.stringify(stored).includes('11010519491231002X'), 'the ID number is encrypted at rest');
      assert.equal(stored.id_number_hint, '110***********002X');
      const mails = await ctx.db
        .selectFrom('outbox')
        .selectAll()
        .where('to_address', '=', 'zhang@example.com')
        .execute();
      assert.equal(mails.length, 1);
      assert.match(mails[0].body, /查询码：\{\{queryCode\}\}/, 'the receipt mail carries the query code');
      assert.ok(!JSON.stringify(mails[0]).includes(sub.queryCode), 'sealed in the outbox, not in plain text');

      // Art. 31: received the day both sides confirm; 2025 National Day (10-1..10-8 off, 9-28 and 10-11 worked)
      await act('editor', sub.id, 'confirm_receipt', { on: '2025-09-26' });
      assert.deepEqual(await dueOf(sub.id), { due_on: '2025-10-30', stage: 'handling' });

      setDay('2025-09-29');
      await act('editor', sub.id, 'request_amendment', { on: '2025-09-29', note: '请明确所需信息的时间范围' });
      assert.deepEqual(await dueOf(sub.id), { due_on: null, stage: 'amendment' });
      await rejects(
        act('editor', sub.id, 'request_amendment', { on: '2025-09-29', note: '再次补正' }),
        'conflict',
        /等待补正/,
      );
      setDay('2025-10-10');
      await act('editor', sub.id, 'receive_amendment', { on: '2025-10-10', note: '2025年1月至9月' });
      assert.deepEqual(await dueOf(sub.id), { due_on: '2025-11-06', stage: 'handling' }, 'the clock restarts');

      setDay('2025-10-15');
      await act('editor', sub.id, 'send_consultation', {
        on: '2025-10-15',
        party: 'third_party',
        ref: '青山县某某养老服务有限公司',
        note: '涉及商业秘密',
      });
      assert.equal((await dueOf(sub.id)).stage, 'consultation');
      setDay('2025-10-22');
      await act('editor', sub.id, 'answer_consultation', {
        on: '2025-10-22',
        ref: '青山县某某养老服务有限公司',
        answer: 'disagree',
        note: '不同意公开合同单价',
      });
      assert.deepEqual(await dueOf(sub.id), { due_on: '2025-11-13', stage: 'handling' }, '5 working days not counted');

      setDay('2025-10-27');
      await rejects(
        act('editor', sub.id, 'extend', { on: '2025-10-27', workdays: 15, note: '需调取多个乡镇档案' }),
        'forbidden',
      );
      await act('reviewer', sub.id, 'extend', { on: '2025-10-27', workdays: 15, note: '需调取多个乡镇档案' });
      assert.equal((await dueOf(sub.id)).due_on, '2025-12-04');
      await rejects(
        act('reviewer', sub.id, 'extend', { on: '2025-10-27', workdays: 6, note: '再延' }),
        'bad_input',
        /20个工作日/,
      );

      setDay('2025-11-03');
      await rejects(
        act('editor', sub.id, 'decide', { on: '2025-11-03', outcome: 'other_no_amendment' }),
        'bad_input',
        /当前阶段/,
      );
      await act('editor', sub.id, 'decide', {
        on: '2025-11-03',
        outcome: 'partial',
        reason: '合同单价涉及第三方商业秘密，第三方不同意公开',
      });
      const decided = await openCase(ctx, await f.actor('editor'), sub.id);
      assert.equal(decided.request.stage, 'decided');
      assert.equal(decided.request.id_number, '11010519491231002X', 'the handler sees the ID number');
      assert.match(decided.request.reply_text, /部分公开|可以公开的部分/);
      assert.match(decided.request.reply_text, /第三十七条/);
      assert.match(decided.request.reply_text, /2025年9月26日收到/);

      setDay('2025-11-04');
      await act('editor', sub.id, 'send_reply', {
        on: '2025-11-04',
        method: 'email',
        letter: `${decided.request.reply_text}\n\n附件：最低生活保障资金发放情况表`,
      });
      await act('editor', sub.id, 'close', {});
      setDay('2025-12-20');
      await act('editor', sub.id, 'add_appeal', {
        kind: 'reconsideration',
        filedOn: '2025-12-20',
        result: 'pending',
        concludedOn: '',
      });
      await rejects(
        act('editor', sub.id, 'add_appeal', {
          kind: 'litigation_direct',
          filedOn: '2025-12-20',
          result: 'upheld',
          concludedOn: '',
        }),
        'bad_input',
        /审结日期/,
      );

      const seen = await lookupCase(ctx, f.siteId, {
        trackingNo: sub.trackingNo,
        queryCode: sub.queryCode.toLowerCase(),
      });
      assert.equal(seen.stage, 'closed');
      assert.match(seen.reply, /附件：最低生活保障资金发放情况表/);
      const events = await ctx.db
        .selectFrom('request_events')
        .select('kind')
        .where('request_id', '=', sub.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        events.map((e) => e.kind),
        [
          'submitted',
          'received',
          'amendment_requested',
          'amendment_received',
          'consultation_sent',
          'consultation_answered',
          'extended',
          'decided',
          'reply_sent',
          'closed',
          'appeal',
        ],
      );
      const audits = await ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_type', '=', 'request')
        .where('entity_id', '=', String(sub.id))
        .execute();
      assert.ok(
        audits.some((a) => a.action === 'request.view_personal_data'),
        'opening the case is audited',
      );
      assert.ok(audits.some((a) => a.action === 'request.extend'));
      const progress = await ctx.db
        .selectFrom('outbox')
        .select('body')
        .where('to_address', '=', 'zhang@example.com')
        .execute();
      assert.ok(
        progress.some((m) => m.body.includes('请明确所需信息的时间范围')),
        'the amendment notice is mailed',
      );
      assert.ok(
        progress.some((m) => m.body.includes('延长15个工作日')),
        'the extension is mailed',
      );
    });

    test('other agencies, the public and a wrong query code see nothing', async () => {
      setDay('2025-09-26');
      const sub = await submitApplication(ctx, f.siteId, { ...PERSON, agencyId: civil }, captcha(), null, '10.0.0.1');
      await rejects(openCase(ctx, await f.actor('edu-editor'), sub.id), 'not_found');
      await rejects(act('edu-editor', sub.id, 'confirm_receipt', { on: '2025-09-26' }), 'not_found');
      await rejects(openCase(ctx, { principal: null, ip: '1.1.1.1' }, sub.id), 'unauthenticated');
      await rejects(lookupCase(ctx, f.siteId, { trackingNo: sub.trackingNo, queryCode: 'WRONG234' }), 'not_found');
      await rejects(lookupCase(ctx, f.siteId, { trackingNo: '20250926000000', queryCode: sub.queryCode }), 'not_found');
      // the office of the site sees every case
      assert.equal((await openCase(ctx, await f.actor('office'), sub.id)).request.applicant_name, '张三');
      // a new query code replaces the old one
      const fresh = await resetQueryCode(ctx, await f.actor('editor'), sub.id);
      await rejects(lookupCase(ctx, f.siteId, { trackingNo: sub.trackingNo, queryCode: sub.queryCode }), 'not_found');
      assert.equal(
        (await lookupCase(ctx, f.siteId, { trackingNo: sub.trackingNo, queryCode: fresh.queryCode })).stage,
        'awaiting_receipt',
      );
    });

    test('bad applications are refused whole, with a message per field', async () => {
      const count = async () =>
        Number(
          (
            await ctx.db
              .selectFrom('requests')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      await rejects(
        submitApplication(
          ctx,
          f.siteId,
          { ...PERSON, agencyId: civil, idNumber: '110105194912310021' },
          captcha(),
          null,
          'x',
        ),
        'bad_input',
        /校验位/,
      );
      await rejects(
        submitApplication(
          ctx,
          f.siteId,
          {
            ...PERSON,
            agencyId: civil,
            applicantType: 'company',
            name: '某某科技有限公司',
            orgCode: '911100001000131014',
          },
          captcha(),
          null,
          'x',
        ),
        'bad_input',
        /统一社会信用代码校验位|联系人/,
      );
      await rejects(
        submitApplication(ctx, f.siteId, { ...PERSON, agencyId: civil, description: '' }, captcha(), null, 'x'),
        'bad_input',
      );
      await rejects(
        submitApplication(ctx, f.siteId, { ...PERSON, agencyId: civil }, { ...captcha(), answer: '99' }, null, 'x'),
        'bad_input',
        /验证码/,
      );
      const used = captcha();
      await submitApplication(ctx, f.siteId, { ...PERSON, agencyId: civil }, used, null, 'x');
      await rejects(
        submitApplication(ctx, f.siteId, { ...PERSON, agencyId: civil }, used, null, 'x'),
        'bad_input',
        /已使用/,
      );
      await rejects(
        submitApplication(
          ctx,
          f.siteId,
          { ...PERSON, agencyId: civil },
          captcha(),
          { name: 'id.pdf', data: Buffer.from('#!/bin/sh\nrm -rf /\n') },
          'x',
        ),
        'bad_input',
        /类型不被接受/,
      );
      // another site's agency
      await rejects(
        submitApplication(ctx, f.siteId, { ...PERSON, agencyId: 2_000_000 }, captcha(), null, 'x'),
        'bad_input',
      );
      assert.equal(await count(), before + 1, 'only the good application was stored');
    });

    test('staff register a letter; fees by pages stop the clock and an unpaid fee ends the case', async () => {
      setDay('2025-03-03');
      await rejects(
        registerApplication(ctx, await f.actor('edu-editor'), f.siteId, {
          ...PERSON,
          agencyId: civil,
          channel: 'registered_mail',
          receivedOn: '2025-03-03',
        }),
        'forbidden',
      );
      const reg = await registerApplication(ctx, await f.actor('editor'), f.siteId, {
        ...PERSON,
        email: '',
        delivery: 'post',
        agencyId: civil,
        channel: 'registered_mail',
        receivedOn: '2025-03-03',
      });
      assert.deepEqual(await dueOf(reg.id), { due_on: '2025-03-31', stage: 'handling' });
      await rejects(
        act('editor', reg.id, 'notify_fee', { on: '2025-03-03', method: 'pages', pages: 30 }),
        'bad_input',
        /不需收费/,
      );
      setDay('2025-03-05');
      await act('editor', reg.id, 'notify_fee', { on: '2025-03-05', method: 'pages', pages: 50 });
      const row = await ctx.db.selectFrom('requests').selectAll().where('id', '=', reg.id).executeTakeFirstOrThrow();
      assert.equal(row.fee_amount, 200);
      assert.equal(row.stage, 'fee');
      assert.equal(row.due_on, null, 'the clock stops while the fee is unpaid');
      setDay('2025-04-03');
      await act('editor', reg.id, 'decide', { on: '2025-04-03', outcome: 'other_no_fee' });
      const c = await openCase(ctx, await f.actor('editor'), reg.id);
      assert.match(c.request.reply_text, /逾期未缴纳信息处理费/);
      assert.match(c.request.reply_text, /2025年3月5日/);
      await rejects(act('editor', reg.id, 'record_fee_paid', { on: '2025-04-03' }), 'conflict');
    });

    test("a site's own calendar entries move only its own deadlines; national ones are the platform admin's and move every site's", async () => {
      setDay('2025-03-03');
      const admin = await f.actor('admin');
      const office = await f.actor('office');
      const other = await createSite(ctx, SYSTEM, { code: `cal-${kind}`, name: '邻县人民政府', hosts: [] });
      const otherAgency = await createAgency(ctx, SYSTEM, other, {
        name: '邻县民政局',
        kind: 'department',
        code: '11330999MB0000001X',
      });
      const register = (siteId: number, agencyId: number) =>
        registerApplication(ctx, admin, siteId, {
          ...PERSON,
          agencyId,
          channel: 'registered_mail',
          receivedOn: '2025-03-03',
        });
      const here = await register(f.siteId, civil);
      const there = await register(other, otherAgency);
      const due = async (id: number) => (await dueOf(id)).due_on;
      const [hereDue, thereDue] = [await due(here.id), await due(there.id)];
      assert.equal(hereDue, thereDue, 'the same calendar at first');

      // the site's office adds a local holiday inside the window: only its own case moves
      assert.equal(
        await saveCalendarDay(ctx, office, f.siteId, { day: '2025-03-12', kind: 'holiday', name: '本地假日' }),
        1,
      );
      assert.equal(await due(here.id), '2025-04-01');
      assert.equal(await due(there.id), thereDue, "another site's deadline does not move");
      await rejects(
        saveCalendarDay(ctx, office, f.siteId, { day: '2025-03-13', kind: 'holiday', scope: 'national' }),
        'forbidden',
      );
      await rejects(saveCalendarDay(ctx, office, other, { day: '2025-03-13', kind: 'holiday' }), 'forbidden');
      const logged = await ctx.db
        .selectFrom('audit_events')
        .select(['site_id', 'action'])
        .where('entity_type', '=', 'calendar_day')
        .execute();
      assert.deepEqual(logged, [{ site_id: f.siteId, action: 'calendar.save' }], "in the site's own log");

      // the platform admin's national entry moves both
      assert.equal(
        await saveCalendarDay(ctx, admin, f.siteId, { day: '2025-03-14', kind: 'holiday', scope: 'national' }),
        2,
      );
      assert.equal(await due(there.id), '2025-04-01');
      assert.equal(await due(here.id), '2025-04-02');
      // taking the local entry out moves the site's case back by a day, and no other
      assert.equal(await removeCalendarDay(ctx, office, f.siteId, '2025-03-12', 'site'), 1);
      assert.equal(await due(here.id), '2025-04-01');
      await rejects(removeCalendarDay(ctx, office, f.siteId, '2025-03-14', 'national'), 'forbidden');
      await removeCalendarDay(ctx, admin, f.siteId, '2025-03-14', 'national');
      assert.equal(await due(there.id), thereDue);
    });

    test('an item already proactively disclosed is linked in the reply', async () => {
      setDay(new Date().toISOString().slice(0, 10));
      const { publicationId } = await publishThroughReview(ctx, f);
      const reg = await registerApplication(ctx, await f.actor('editor'), f.siteId, {
        ...PERSON,
        agencyId: civil,
        channel: 'in_person',
        receivedOn: new Date().toISOString().slice(0, 10),
      });
      await rejects(
        act('editor', reg.id, 'decide', {
          on: new Date().toISOString().slice(0, 10),
          outcome: 'refused_secret',
          publicationId,
        }),
        'bad_input',
      );
      await act('editor', reg.id, 'decide', {
        on: new Date().toISOString().slice(0, 10),
        outcome: 'granted',
        publicationId,
      });
      const c = await openCase(ctx, await f.actor('editor'), reg.id);
      assert.match(c.request.reply_text, /已经主动公开/);
      assert.match(c.request.reply_text, new RegExp(`/p/${publicationId}`));
      assert.equal(c.request.disclosed_publication_id, publicationId);
    });
  });
}
