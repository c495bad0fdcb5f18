import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cell, decode, hidden, question } from '../../../test/support/html.ts';
import { csrfFrom, get, Jar, login, post } from '../../../test/support/http.ts';
import { freshLetterCounts, keptLetterCounts } from '../../../test/support/letters.ts';
import { solve } from '../../../test/support/requests.ts';
import { webSuite } from '../../../test/support/web.ts';
import { addWorkdays, loadCalendar } from '../../core/calendar.ts';
import { updateSiteSettings } from '../admin/admin.service.ts';
import { actOnLetter, letterAlert, registerLetter } from './interaction.letters.service.ts';

const LETTER = {
  kind: 'complain',
  title: '投诉小区门口占道经营',
  content: '幸福小区门口每天傍晚有摊贩占道经营，影响通行。我叫赵大海，电话13912345678，身份证11010519491231002X。',
  name: '赵大海',
  phone: '13912345678',
  email: 'zhao@example.com',
  consent: 'on',
};

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`the leader's mailbox (${kind})`, () => {
    const s = webSuite(kind);

    const write = async (jar: Jar, slug: string, fields: Record<string, string>, answer?: string) => {
      const page = await get(s.app, jar, `/s/demo/mail/${slug}/write`);
      assert.equal(page.statusCode, 200);
      return post(
        s.app,
        jar,
        `/s/demo/mail/${slug}/write`,
        {
          // as the page's script says once it has offered the knowledge base's answers (interaction.faq.test.ts)
          faqSeen: '1',
          ...fields,
          captchaToken: hidden(page.body, 'captchaToken'),
          captcha: answer ?? solve(question(page.body)),
        },
        csrfFrom(page.body),
      );
    };

    test('a resident writes, the office assigns, the agency replies, the resident rates, the office publishes', async () => {
      const resident = new Jar();
      const home = await get(s.app, resident, '/s/demo/mail');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /县长信箱/);

      // refusals keep what was typed, in Chinese, and store nothing
      const noContact = await write(resident, 'xzxx', { ...LETTER, phone: '', email: '' });
      assert.equal(noContact.statusCode, 400);
      assert.match(noContact.body, /请至少填写联系电话或电子邮箱/);
      assert.match(noContact.body, /投诉小区门口占道经营/);
      assert.equal((await write(resident, 'xzxx', LETTER, '999')).statusCode, 400);
      assert.equal((await get(s.app, resident, '/s/demo/mail/nosuchbox/write')).statusCode, 404);
      assert.equal(
        Number(
          (
            await s.ctx.db
              .selectFrom('letters')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
        0,
      );

      const sent = await write(resident, 'xzxx', LETTER);
      assert.equal(sent.statusCode, 303);
      const receipt = await get(s.app, resident, '/s/demo/mail/receipt');
      assert.equal(receipt.statusCode, 200);
      assert.equal(receipt.headers['cache-control'], 'no-store');
      const trackingNo = cell(receipt.body, '信件编号');
      const queryCode = cell(receipt.body, '查询码');
      assert.match(trackingNo, /^\d{14}$/);
      assert.equal((await get(s.app, resident, '/s/demo/mail/receipt')).statusCode, 303, 'shown once');

      // the office sees it waiting for triage; an agency's editor does not see it yet
      const office = await login(s.app, 'office');
      const list = await get(s.app, office.jar, '/admin/letters');
      assert.match(list.body, /投诉小区门口占道经营/);
      const letterId = Number(/href="\/admin\/letters\/(\d+)"/.exec(list.body)![1]);
      const page = await get(s.app, office.jar, `/admin/letters/${letterId}`);
      assert.match(page.body, /待分办/);
      assert.match((await get(s.app, office.jar, '/admin')).body, /来信办理：未办结 1 件，其中待分办 1 件/);
      const other = await login(s.app, 'edu-editor', 'edu-password-1');
      assert.equal((await get(s.app, other.jar, `/admin/letters/${letterId}`)).statusCode, 404);

      // assign to the 住建局 (agencies[11]); an editor may not assign
      const agency = s.f.agencies[11].id;
      const editor = await login(s.app, 'editor');
      const refused = await post(
        s.app,
        editor.jar,
        `/admin/letters/${letterId}/assign`,
        { agencyId: String(agency) },
        editor.csrf,
      );
      assert.equal(refused.statusCode, 404, 'an agency does not see a letter the office has not assigned');
      const assigned = await post(
        s.app,
        office.jar,
        `/admin/letters/${letterId}/assign`,
        { agencyId: String(agency) },
        office.csrf,
      );
      assert.equal(assigned.statusCode, 303);
      const row = await s.ctx.db.selectFrom('letters').selectAll().where('id', '=', letterId).executeTakeFirstOrThrow();
      assert.equal(row.state, 'handling');
      assert.ok(row.due_on, 'the clock runs from assignment: 15 working days for a complaint');

      assert.equal(
        (await post(s.app, other.jar, `/admin/letters/${letterId}/reply`, { reply: '另一机构的答复内容' }, other.csrf))
          .statusCode,
        404,
        'nor one assigned to another agency',
      );
      // a reply too short is refused with the form kept; then the agency's editor replies
      const short = await post(s.app, editor.jar, `/admin/letters/${letterId}/reply`, { reply: '好' }, editor.csrf);
      assert.equal(short.statusCode, 400);
      const reply = '赵大海您好：经核查，城管部门已对该路段占道经营行为进行整治，并安排专人每日巡查。感谢您的监督。';
      assert.equal(
        (await post(s.app, editor.jar, `/admin/letters/${letterId}/reply`, { reply }, editor.csrf)).statusCode,
        303,
      );
      const mail = await s.ctx.db
        .selectFrom('outbox')
        .select(['to_address', 'subject'])
        .where('to_address', '=', 'zhao@example.com')
        .execute();
      assert.deepEqual(
        mail.map((m) => m.subject.slice(0, 8)),
        ['您的来信已收到（', '您的来信已答复（'],
      );

      // the resident reads the reply and rates it (a wrong code is a 404 that does not say which was wrong)
      const lookup = await get(s.app, resident, '/s/demo/mail/status');
      const wrong = await post(
        s.app,
        resident,
        '/s/demo/mail/status',
        { trackingNo, queryCode: 'WRONG123' },
        csrfFrom(lookup.body),
      );
      assert.equal(wrong.statusCode, 404);
      assert.match(wrong.body, /信件编号或查询码不正确/);
      const status = await post(
        s.app,
        resident,
        '/s/demo/mail/status',
        { trackingNo, queryCode },
        csrfFrom(lookup.body),
      );
      assert.equal(status.statusCode, 200);
      assert.match(status.body, /城管部门已对该路段/);
      const rated = await post(
        s.app,
        resident,
        '/s/demo/mail/status/rate',
        { trackingNo, queryCode, rating: 'basic', comment: '处理及时' },
        csrfFrom(status.body),
      );
      assert.equal(rated.statusCode, 200);
      assert.match(rated.body, /您的评价：基本满意（处理及时）/);
      const again = await post(
        s.app,
        resident,
        '/s/demo/mail/status/rate',
        { trackingNo, queryCode, rating: 'satisfied' },
        csrfFrom(status.body),
      );
      assert.equal(again.statusCode, 409);

      // the office publishes it: the suggested text has the writer's name, phone and ID number taken out
      const toPublish = await get(s.app, office.jar, `/admin/letters/${letterId}`);
      const suggested = decode(/name="content"[^>]*>([^<]*)</.exec(toPublish.body)![1]);
      assert.doesNotMatch(suggested, /13912345678|11010519491231002X|赵大海/);
      const suggestedReply = decode(/name="reply"[^>]*>([^<]*)</.exec(toPublish.body)![1]);
      assert.match(suggestedReply, /^赵\*\*您好：经核查/, 'the reply, which named the writer, too');
      for (const leak of [
        { content: LETTER.content, reply: suggestedReply },
        { content: suggested, reply },
      ]) {
        const leaking = await post(
          s.app,
          office.jar,
          `/admin/letters/${letterId}/publish`,
          { title: LETTER.title, ...leak },
          office.csrf,
        );
        assert.equal(leaking.statusCode, 400, 'never published with personal data');
      }
      assert.equal(
        (
          await post(
            s.app,
            office.jar,
            `/admin/letters/${letterId}/publish`,
            { title: LETTER.title, content: suggested, reply: suggestedReply },
            office.csrf,
          )
        ).statusCode,
        303,
      );

      const publicList = await get(s.app, new Jar(), '/s/demo/mail/letters');
      assert.match(publicList.body, /投诉小区门口占道经营/);
      const publicPage = await get(s.app, new Jar(), `/s/demo/mail/letters/${letterId}`);
      assert.equal(publicPage.statusCode, 200);
      assert.match(publicPage.body, /赵\*\*/);
      assert.doesNotMatch(publicPage.body, /13912345678|11010519491231002X|赵大海|zhao@example/);
      assert.match(publicPage.body, /城管部门已对该路段/);

      // the statistics count it: received, answered, rated
      const stats = await get(s.app, new Jar(), '/s/demo/mail/stats');
      assert.equal(stats.statusCode, 200);
      assert.match(stats.body, /共收到有效来信 1 件，已办理答复 1 件，办复率 100%/);
      assert.match(stats.body, /<svg/);

      // every step is audited
      const actions = await s.ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_type', '=', 'letter')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        actions.map((a) => a.action),
        ['letter.submit', 'letter.assign', 'letter.reply', 'letter.rate', 'letter.publish'],
      );
    });

    test("an agency's own mailbox receives directly; an unsatisfied writer reopens once; abuse is closed and kept", async () => {
      const resident = new Jar();
      assert.equal(
        (await write(resident, 'jyj', { ...LETTER, kind: 'consult', title: '咨询转学手续办理', consent: '' }))
          .statusCode,
        303,
      );
      const receipt = await get(s.app, resident, '/s/demo/mail/receipt');
      const trackingNo = cell(receipt.body, '信件编号');
      const queryCode = cell(receipt.body, '查询码');
      const row = await s.ctx.db
        .selectFrom('letters')
        .selectAll()
        .where('tracking_no', '=', trackingNo)
        .executeTakeFirstOrThrow();
      assert.equal(row.state, 'handling');
      assert.equal(row.agency_id, s.f.agencies[3].id);

      const editor = await login(s.app, 'editor');
      const page = await get(s.app, editor.jar, `/admin/letters/${row.id}`);
      assert.match(page.body, /本县义务教育招生工作/, 'the canned reply is offered');
      // extension once, at most the deadline again (咨询: 5 days)
      assert.equal(
        (
          await post(
            s.app,
            editor.jar,
            `/admin/letters/${row.id}/extend`,
            { days: '9', reason: '需要核实' },
            editor.csrf,
          )
        ).statusCode,
        400,
      );
      assert.equal(
        (
          await post(
            s.app,
            editor.jar,
            `/admin/letters/${row.id}/extend`,
            { days: '3', reason: '需要核实' },
            editor.csrf,
          )
        ).statusCode,
        303,
      );
      assert.equal(
        (
          await post(
            s.app,
            editor.jar,
            `/admin/letters/${row.id}/extend`,
            { days: '1', reason: '再次延期' },
            editor.csrf,
          )
        ).statusCode,
        409,
      );
      await post(
        s.app,
        editor.jar,
        `/admin/letters/${row.id}/reply`,
        { reply: '请携带户口簿和原学校学籍证明到教育局办理。' },
        editor.csrf,
      );

      const lookup = await get(s.app, resident, '/s/demo/mail/status');
      const status = await post(
        s.app,
        resident,
        '/s/demo/mail/status',
        { trackingNo, queryCode },
        csrfFrom(lookup.body),
      );
      const reopened = await post(
        s.app,
        resident,
        '/s/demo/mail/status/rate',
        { trackingNo, queryCode, rating: 'unsatisfied', comment: '没有说明办理时间', reopen: 'on' },
        csrfFrom(status.body),
      );
      assert.match(reopened.body, /来信已重新交办理单位办理/);
      const after = await s.ctx.db.selectFrom('letters').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      assert.equal(after.state, 'handling');
      assert.equal(after.reopened, true);
      // without consent it can never be published
      const office = await login(s.app, 'office');
      await post(
        s.app,
        editor.jar,
        `/admin/letters/${row.id}/reply`,
        { reply: '办理时间为工作日上午 8:30 至 12:00。' },
        editor.csrf,
      );
      const refused = await post(
        s.app,
        office.jar,
        `/admin/letters/${row.id}/publish`,
        { title: '咨询转学手续办理', content: '咨询转学手续如何办理的问题。', reply: '办理时间为工作日上午。' },
        office.csrf,
      );
      assert.equal(refused.statusCode, 409);

      // an abusive letter is closed with a reason, kept and counted apart
      await write(resident, 'xzxx', { ...LETTER, title: '无意义的重复内容', content: '重复重复重复重复重复重复重复' });
      const abusive = await s.ctx.db
        .selectFrom('letters')
        .select('id')
        .where('title', '=', '无意义的重复内容')
        .executeTakeFirstOrThrow();
      assert.equal(
        (
          await post(
            s.app,
            office.jar,
            `/admin/letters/${abusive.id}/close`,
            { closedKind: 'invalid', reason: '无实质内容' },
            office.csrf,
          )
        ).statusCode,
        303,
      );
      const stats = await get(s.app, new Jar(), '/s/demo/mail/stats');
      assert.match(stats.body, /另有重复、无实质内容等来信 1 件已办结/);
      // the statistics read the kept monthly counts: after every kind of step they are what the letters say
      assert.ok((await keptLetterCounts(s.ctx.db)).length > 0);
      assert.deepEqual(await keptLetterCounts(s.ctx.db), await freshLetterCounts(s.ctx.db));
    });
  });
}

describe('letters: review before sending, transfer, the site’s own deadlines, refusals (pglite)', () => {
  const s = webSuite('pglite');

  test('with review on, a reply waits for the agency’s 审核人; a transfer restarts the clock at the new agency', async () => {
    const site = (await s.ctx.sites.byCode('demo'))!;
    const office = await s.f.actor('office');
    await updateSiteSettings(s.ctx, office, site.id, { letterReplyReview: true, letterDays: { suggest: 3 } });
    const fresh = (await s.ctx.sites.byCode('demo'))!;
    const letter = await registerLetter(s.ctx, office, fresh, 'xzxx', {
      kind: 'suggest',
      title: '建议增加夜间公交班次',
      content: '城区到工业园区的公交晚上七点后就没有班次了，建议增加夜间班次。',
      name: '吴强',
      phone: '13600000000',
    });
    const edu = s.f.agencies[3].id;
    await actOnLetter(s.ctx, office, letter.id, 'assign', { agencyId: String(s.f.agencies[2].id) });
    const row = async () =>
      s.ctx.db.selectFrom('letters').selectAll().where('id', '=', letter.id).executeTakeFirstOrThrow();
    const assigned = await row();
    // the site's own deadline for 建议: 3 working days from assignment
    const cal = await loadCalendar(s.ctx.db, site.id);
    assert.equal(assigned.due_on, addWorkdays(cal, assigned.started_on!, 3).date);

    // the 教育局's editor may not act on another agency's letter; after a transfer they may
    const eduEditor = await s.f.actor('edu-editor');
    await assert.rejects(
      actOnLetter(s.ctx, eduEditor, letter.id, 'reply', { reply: '答复内容示例文字' }),
      /来信不存在/,
    );
    await assert.rejects(
      actOnLetter(s.ctx, office, letter.id, 'transfer', { agencyId: String(s.f.agencies[2].id), reason: '转办' }),
      /来信已由该机构办理/,
    );
    await actOnLetter(s.ctx, office, letter.id, 'transfer', { agencyId: String(edu), reason: '属教育局职责' });
    assert.equal((await row()).agency_id, edu);

    await actOnLetter(s.ctx, eduEditor, letter.id, 'reply', { reply: '已与公交公司协调，下月起增开夜间班次。' });
    assert.equal((await row()).state, 'review', 'held for review, not sent');
    assert.equal(
      (await s.ctx.db.selectFrom('outbox').select('id').where('subject', 'like', '您的来信已答复%').execute()).length,
      0,
    );
    await assert.rejects(actOnLetter(s.ctx, eduEditor, letter.id, 'approve', {}), /审核人或政务公开办审核/);
    const eduReviewer = await s.f.actor('edu-reviewer');
    await actOnLetter(s.ctx, eduReviewer, letter.id, 'return', { reason: '请写明开通日期' });
    assert.equal((await row()).state, 'handling');
    await actOnLetter(s.ctx, eduEditor, letter.id, 'reply', { reply: '已与公交公司协调，自6月1日起增开夜间班次。' });
    await actOnLetter(s.ctx, eduReviewer, letter.id, 'approve', {});
    const sent = await row();
    assert.equal(sent.state, 'replied');
    assert.match(sent.reply, /6月1日/);
    assert.equal(sent.reply_agency_id, edu);
  });

  test('a letter unanswered for three months is urgent on the 工作台 (the inspection fails a site for it)', async () => {
    const site = (await s.ctx.sites.byCode('demo'))!;
    const office = await s.f.actor('office');
    const old = { ...s.ctx, now: () => new Date(s.ctx.now().getTime() - 100 * 86_400_000) };
    await registerLetter(old, office, site, 'xzxx', {
      kind: 'help',
      title: '求助：老旧小区加装电梯',
      content: '我们小区是九十年代的老楼，住着很多老人，希望政府支持加装电梯。',
      name: '郑华',
      phone: '13500000000',
    });
    const alert = await letterAlert(s.ctx, office.principal!, site.id);
    assert.equal(alert?.urgent, true);
    assert.match(alert?.text ?? '', /1 件来信超过三个月未答复/);
    const page = await get(s.app, (await login(s.app, 'office')).jar, '/admin');
    assert.match(page.body, /超过三个月未答复/);
  });

  test('hostile input to the staff actions is a 4xx, never a 500', async () => {
    const office = await login(s.app, 'office');
    const letter = await s.ctx.db.selectFrom('letters').select('id').executeTakeFirstOrThrow();
    for (const [url, form, status] of [
      [`/admin/letters/${letter.id}/constructor`, {}, 404],
      [`/admin/letters/${letter.id}/__proto__`, {}, 404],
      ['/admin/letters/abc/assign', { agencyId: '1' }, 404],
      ['/admin/letters/99999999/assign', { agencyId: '1' }, 404],
      [`/admin/letters/${letter.id}/extend`, { days: 'x'.repeat(10), reason: '理由' }, 400],
      [`/admin/letters/${letter.id}/close`, { closedKind: 'nonsense', reason: '理由' }, 400],
      [`/admin/letters/${letter.id}/publish`, { title: '标题'.repeat(100), content: 'x' }, 400],
    ] as const) {
      const res = await post(s.app, office.jar, url, form, office.csrf);
      assert.equal(res.statusCode, status, `${url} ${JSON.stringify(form)}`);
    }
    for (const url of ['/s/demo/mail/letters/abc', '/s/demo/mail/letters/99999999', '/s/demo/mail/stats?year=abc']) {
      const res = await s.app.inject({ method: 'GET', url });
      assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
    }
  });
});
