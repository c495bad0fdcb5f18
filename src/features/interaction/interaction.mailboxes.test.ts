import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cell, textOf } from '../../../test/support/html.ts';
import { get, Jar, login, post } from '../../../test/support/http.ts';
import { webSuite } from '../../../test/support/web.ts';

const SETTINGS = {
  days_consult: '3',
  days_suggest: '10',
  days_complain: '15',
  days_help: '10',
  days_other: '10',
  resultDays: '20',
};

describe('the office sets up the mailbox; agencies keep their canned replies; letters by post are registered (pglite)', () => {
  const s = webSuite('pglite');

  test('deadlines and review: only the office sets them, bounded, and a new letter is due by them', async () => {
    const office = await login(s.app, 'office');
    const editor = await login(s.app, 'editor');
    assert.equal((await get(s.app, editor.jar, '/admin/letters/settings')).statusCode, 403);
    assert.equal((await post(s.app, editor.jar, '/admin/letters/settings', SETTINGS, editor.csrf)).statusCode, 403);
    const page = await get(s.app, office.jar, '/admin/letters/settings');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /name="days_consult" value="5"/, 'RULES.md §7 defaults');
    for (const bad of [{ days_consult: '0' }, { days_help: '61' }, { resultDays: 'x' }, { days_other: '' }]) {
      const res = await post(s.app, office.jar, '/admin/letters/settings', { ...SETTINGS, ...bad }, office.csrf);
      assert.equal(res.statusCode, 400, JSON.stringify(bad));
      assert.match(res.body, /工作日|数字|整数/);
    }
    assert.equal(
      (await post(s.app, office.jar, '/admin/letters/settings', { ...SETTINGS, review: 'on' }, office.csrf)).statusCode,
      303,
    );
    const saved = await get(s.app, office.jar, '/admin/letters/settings');
    assert.match(saved.body, /name="days_consult" value="3"/);
    assert.match(saved.body, /name="resultDays" value="20"/);
    const site = (await s.ctx.sites.byCode('demo'))!;
    assert.equal((site.settings as { letterReplyReview: boolean }).letterReplyReview, true);

    // a letter registered now to the 教育局's own mailbox is due in 3 working days
    const registered = await post(
      s.app,
      office.jar,
      '/admin/letters/new',
      {
        mailbox: 'jyj',
        kind: 'consult',
        title: '电话咨询高中招生政策',
        content: '来电询问今年高中阶段学校招生的政策和时间安排。',
        name: '冯晓',
        phone: '13611112222',
      },
      office.csrf,
    );
    assert.equal(registered.statusCode, 303);
    const letterId = Number(/letters\/(\d+)/.exec(registered.headers.location as string)![1]);
    const shown = await get(s.app, office.jar, registered.headers.location as string);
    assert.match(textOf(shown.body), /请告知来信人/);
    assert.match(cell(shown.body, '查询码'), /^[A-Z0-9]{8}$/);
    assert.doesNotMatch(
      textOf((await get(s.app, office.jar, `/admin/letters/${letterId}?done=registered`)).body),
      /请告知来信人/,
      'shown once',
    );
    const row = await s.ctx.db.selectFrom('letters').selectAll().where('id', '=', letterId).executeTakeFirstOrThrow();
    const { addWorkdays, loadCalendar } = await import('../../core/calendar.ts');
    assert.equal(row.due_on, addWorkdays(await loadCalendar(s.ctx.db, site.id), row.started_on!, 3).date);
    // the editor does not register letters; a mailbox that is not there is a 404
    assert.equal((await get(s.app, editor.jar, '/admin/letters/new')).statusCode, 403);
    assert.equal(
      (await post(s.app, editor.jar, '/admin/letters/new', { mailbox: 'jyj', title: 'x' }, editor.csrf)).statusCode,
      403,
    );
    const refused = await post(
      s.app,
      office.jar,
      '/admin/letters/new',
      { mailbox: 'jyj', kind: 'consult', title: '短' },
      office.csrf,
    );
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /标题至少 4 个字/);
  });

  test('mailboxes: the office opens one for an agency, closes it to new letters and opens it again', async () => {
    const office = await login(s.app, 'office');
    const bad = await post(
      s.app,
      office.jar,
      '/admin/letters/mailboxes',
      { name: '卫健局长信箱', slug: 'Wei Jian' },
      office.csrf,
    );
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /地址代码只能包含小写字母/);
    assert.equal(
      (await post(s.app, office.jar, '/admin/letters/mailboxes', { name: '重复信箱', slug: 'xzxx' }, office.csrf))
        .statusCode,
      400,
    );
    const made = await post(
      s.app,
      office.jar,
      '/admin/letters/mailboxes',
      { name: '卫健局长信箱', slug: 'wjj', agencyId: String(s.f.agencies[14].id), intro: '受理医疗卫生方面的来信。' },
      office.csrf,
    );
    assert.equal(made.statusCode, 303);
    assert.match(textOf((await get(s.app, new Jar(), '/s/demo/mail')).body), /卫健局长信箱/);
    assert.equal((await get(s.app, new Jar(), '/s/demo/mail/wjj/write')).statusCode, 200);
    const box = await s.ctx.db.selectFrom('mailboxes').select('id').where('slug', '=', 'wjj').executeTakeFirstOrThrow();
    const editor = await login(s.app, 'editor');
    assert.equal(
      (await post(s.app, editor.jar, `/admin/letters/mailboxes/${box.id}/close`, {}, editor.csrf)).statusCode,
      403,
    );
    assert.equal(
      (await post(s.app, office.jar, `/admin/letters/mailboxes/${box.id}/close`, {}, office.csrf)).statusCode,
      303,
    );
    assert.equal((await get(s.app, new Jar(), '/s/demo/mail/wjj/write')).statusCode, 404, 'closed to new letters');
    assert.doesNotMatch(textOf((await get(s.app, new Jar(), '/s/demo/mail')).body), /卫健局长信箱/);
    assert.equal(
      (await post(s.app, office.jar, `/admin/letters/mailboxes/${box.id}/open`, {}, office.csrf)).statusCode,
      303,
    );
    assert.equal((await get(s.app, new Jar(), '/s/demo/mail/wjj/write')).statusCode, 200);
    assert.equal(
      (await post(s.app, office.jar, '/admin/letters/mailboxes/99999999/close', {}, office.csrf)).statusCode,
      404,
    );
  });

  test('the message after a step is only one the page knows: ?done=constructor is no 500', async () => {
    const office = await login(s.app, 'office');
    const letter = await s.ctx.db.selectFrom('letters').select('id').executeTakeFirstOrThrow();
    for (const page of [
      '/admin/faq',
      '/admin/consultations',
      '/admin/letters/settings',
      '/admin/letters/canned',
      `/admin/letters/${letter.id}`,
    ])
      for (const done of ['constructor', 'toString', '__proto__', 'registered'])
        assert.equal((await get(s.app, office.jar, `${page}?done=${done}`)).statusCode, 200, `${page}?done=${done}`);
  });

  test('canned replies: an agency’s editor keeps its own, not another’s', async () => {
    const edu = await login(s.app, 'edu-editor', 'edu-password-1');
    const page = await get(s.app, edu.jar, '/admin/letters/canned');
    assert.equal(page.statusCode, 200);
    assert.match(textOf(page.body), /青山县教育局（1）/);
    assert.doesNotMatch(textOf(page.body), /青山县公安局/);
    // another agency asked for in the address: still the member's own
    assert.match(
      textOf((await get(s.app, edu.jar, `/admin/letters/canned?agency=${s.f.agencies[4].id}`)).body),
      /青山县教育局（1）/,
    );
    const office = await login(s.app, 'office');
    assert.match(
      textOf((await get(s.app, office.jar, `/admin/letters/canned?agency=${s.f.agencies[4].id}`)).body),
      /青山县公安局（0）/,
    );
    const eduId = s.f.agencies[3].id;
    const reply = { title: '转学手续', body: '转学请携带户口簿和学籍信息表到拟转入学校申请。' };
    assert.equal(
      (await post(s.app, edu.jar, `/admin/letters/canned/${s.f.agencies[4].id}`, reply, edu.csrf)).statusCode,
      403,
    );
    assert.equal(
      (await post(s.app, edu.jar, `/admin/letters/canned/${eduId}`, { title: '短', body: '' }, edu.csrf)).statusCode,
      400,
    );
    assert.equal((await post(s.app, edu.jar, `/admin/letters/canned/${eduId}`, reply, edu.csrf)).statusCode, 303);
    const canned = await s.ctx.db
      .selectFrom('canned_replies')
      .select('id')
      .where('title', '=', '转学手续')
      .executeTakeFirstOrThrow();
    assert.match(
      textOf((await get(s.app, edu.jar, `/admin/letters/canned?agency=${eduId}`)).body),
      /青山县教育局（2）/,
    );
    assert.equal(
      (await post(s.app, edu.jar, `/admin/letters/canned/${s.f.agencies[4].id}/${canned.id}/delete`, {}, edu.csrf))
        .statusCode,
      403,
    );
    assert.equal(
      (await post(s.app, edu.jar, `/admin/letters/canned/${eduId}/${canned.id}/delete`, {}, edu.csrf)).statusCode,
      303,
    );
    assert.equal(
      (await post(s.app, edu.jar, `/admin/letters/canned/${eduId}/${canned.id}/delete`, {}, edu.csrf)).statusCode,
      404,
    );
    assert.equal((await post(s.app, edu.jar, '/admin/letters/canned/abc', reply, edu.csrf)).statusCode, 404);
  });
});
