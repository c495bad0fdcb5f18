import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode, hidden, question, textOf } from '../../../test/support/html.ts';
import { csrfFrom, get, Jar, login, post } from '../../../test/support/http.ts';
import { solve } from '../../../test/support/requests.ts';
import { webSuite } from '../../../test/support/web.ts';
import { faqPagesTouched } from './interaction.faq.service.ts';
import { actOnLetter, registerLetter } from './interaction.letters.service.ts';

const searchFor = (q: string, kind: string) => `/s/demo/search?${new URLSearchParams({ q, kind })}`;

test('a change to an entry touches its page, the list and the mailbox home, of its own site only', () => {
  const touched = faqPagesTouched([
    { seq: 1, key: 'f:7', siteId: 1 },
    { seq: 2, key: 'l:7', siteId: 1 },
    { seq: 3, key: 'f:8', siteId: 2 },
    { seq: 4, key: 'f:x', siteId: 2 },
  ]);
  assert.deepEqual([...(touched.get(1) as Set<string>)].sort(), ['/mail', '/mail/faq', '/mail/faq/7']);
  assert.deepEqual([...(touched.get(2) as Set<string>)].sort(), ['/mail', '/mail/faq', '/mail/faq/8']);
});

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`the knowledge base (${kind})`, () => {
    const s = webSuite(kind);
    const faqCount = async () =>
      Number(
        (
          await s.ctx.db
            .selectFrom('faqs')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('the office writes an entry, publishes it, residents read and find it; taken back, it is gone', async () => {
      const office = await login(s.app, 'office');
      const before = await faqCount();
      // bad input: a Chinese message, the form kept, nothing written
      const short = await post(s.app, office.jar, '/admin/faq', { question: '问', answer: '短' }, office.csrf);
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /问题至少 4 个字/);
      assert.match(short.body, /答复至少 10 个字/);
      const huge = await post(
        s.app,
        office.jar,
        '/admin/faq',
        { question: '如何办理居住证？', answer: '答'.repeat(5001) },
        office.csrf,
      );
      assert.equal(huge.statusCode, 400);
      assert.match(huge.body, /答复不能超过 5000 个字/);
      const badAgency = await post(
        s.app,
        office.jar,
        '/admin/faq',
        { agencyId: '999999', question: '如何办理居住证？', answer: '携带身份证和居住证明到派出所办理。' },
        office.csrf,
      );
      assert.equal(badAgency.statusCode, 400);
      assert.equal(await faqCount(), before);

      const fields = {
        agencyId: String(s.f.agencies[4].id),
        topic: '户籍',
        question: '外地户籍人员如何办理居住证？',
        answer:
          '在本县居住半年以上，有合法稳定就业、住所或连续就读条件之一的，可携带居民身份证和居住证明到居住地派出所申领居住证。',
      };
      const made = await post(s.app, office.jar, '/admin/faq', fields, office.csrf);
      assert.equal(made.statusCode, 303);
      const faqId = Number(/\/admin\/faq\/(\d+)/.exec(made.headers.location as string)![1]);
      // a draft is not public, and search does not find it
      assert.equal((await get(s.app, new Jar(), `/s/demo/mail/faq/${faqId}`)).statusCode, 404);
      assert.doesNotMatch((await get(s.app, new Jar(), searchFor('居住证', 'f'))).body, /外地户籍人员如何办理居住证/);

      const page = await get(s.app, office.jar, `/admin/faq/${faqId}`);
      assert.match(page.body, /未发布/);
      assert.equal(
        (await post(s.app, office.jar, `/admin/faq/${faqId}/publish`, {}, csrfFrom(page.body))).statusCode,
        303,
      );
      assert.equal(
        (await post(s.app, office.jar, `/admin/faq/${faqId}/publish`, {}, csrfFrom(page.body))).statusCode,
        409,
        'published twice',
      );
      const resident = new Jar();
      const list = await get(s.app, resident, '/s/demo/mail/faq');
      assert.match(list.body, /外地户籍人员如何办理居住证/);
      assert.match(list.body, /户籍（3）/, 'its topic, with the demo two');
      const byTopic = await get(s.app, resident, `/s/demo/mail/faq?topic=${encodeURIComponent('社会保障')}`);
      assert.doesNotMatch(byTopic.body, /居住证/);
      const shown = await get(s.app, resident, `/s/demo/mail/faq/${faqId}`);
      assert.equal(shown.statusCode, 200);
      assert.match(shown.body, /居住地派出所申领居住证/);
      assert.match(shown.body, /青山县公安局/);
      assert.match((await get(s.app, resident, '/s/demo/mail')).body, /外地户籍人员如何办理居住证/);
      const found = await get(s.app, resident, searchFor('居住证', 'f'));
      assert.match(found.body, new RegExp(`/s/demo/mail/faq/${faqId}`));
      assert.match(found.body, /常见问题/);
      assert.match((await get(s.app, resident, searchFor('居住证', ''))).body, /外地户籍人员/, 'in the one search');

      // changed while published: at once in public and in search
      const changed = await post(
        s.app,
        office.jar,
        `/admin/faq/${faqId}`,
        { ...fields, answer: `${fields.answer}也可通过网上服务平台预约办理。` },
        office.csrf,
      );
      assert.equal(changed.statusCode, 303);
      assert.match((await get(s.app, resident, `/s/demo/mail/faq/${faqId}`)).body, /网上服务平台预约办理/);

      assert.equal((await post(s.app, office.jar, `/admin/faq/${faqId}/unpublish`, {}, office.csrf)).statusCode, 303);
      assert.equal((await get(s.app, resident, `/s/demo/mail/faq/${faqId}`)).statusCode, 404);
      assert.doesNotMatch((await get(s.app, resident, searchFor('居住证', 'f'))).body, /外地户籍人员/);
      const actions = await s.ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_type', '=', 'faq')
        .where('entity_id', '=', String(faqId))
        .orderBy('id')
        .execute();
      assert.deepEqual(
        actions.map((a) => a.action),
        ['faq.create', 'faq.publish', 'faq.update', 'faq.unpublish'],
      );
    });

    test('an agency keeps its own entries: its editor writes, its reviewer publishes, others are refused', async () => {
      const eduEditor = await login(s.app, 'edu-editor', 'edu-password-1');
      const eduReviewer = await login(s.app, 'edu-reviewer', 'edu-password-1');
      const edu = String(s.f.agencies[3].id);
      const entry = {
        question: '幼儿园入园报名怎么办理？',
        answer: '公办幼儿园每年6月集中报名，请关注县教育局发布的招生公告。',
      };
      const before = await faqCount();
      const elsewhere = await post(
        s.app,
        eduEditor.jar,
        '/admin/faq',
        { ...entry, agencyId: String(s.f.agencies[5].id) },
        eduEditor.csrf,
      );
      assert.equal(elsewhere.statusCode, 403, 'not for another agency');
      const siteWide = await post(s.app, eduEditor.jar, '/admin/faq', { ...entry, agencyId: '' }, eduEditor.csrf);
      assert.equal(siteWide.statusCode, 403, "nor for the office's own");
      assert.equal(await faqCount(), before);
      const noToken = await post(s.app, eduEditor.jar, '/admin/faq', { ...entry, agencyId: edu }, '');
      assert.equal(noToken.statusCode, 403, 'CSRF');

      const made = await post(s.app, eduEditor.jar, '/admin/faq', { ...entry, agencyId: edu }, eduEditor.csrf);
      assert.equal(made.statusCode, 303);
      const faqId = Number(/\/admin\/faq\/(\d+)/.exec(made.headers.location as string)![1]);
      const own = await get(s.app, eduEditor.jar, '/admin/faq');
      assert.match(own.body, /幼儿园入园报名怎么办理/);
      assert.doesNotMatch(own.body, /身份证丢失了怎么补办/, "another agency's entries are not listed");
      assert.match((await get(s.app, eduEditor.jar, '/admin/faq')).body, /小学一年级新生入学/);
      const police = await s.ctx.db
        .selectFrom('faqs')
        .select('id')
        .where('agency_id', '=', s.f.agencies[4].id)
        .executeTakeFirstOrThrow();
      assert.equal((await get(s.app, eduEditor.jar, `/admin/faq/${police.id}`)).statusCode, 404);
      assert.equal(
        (await post(s.app, eduEditor.jar, `/admin/faq/${police.id}/unpublish`, {}, eduEditor.csrf)).statusCode,
        404,
      );
      assert.equal(
        (await post(s.app, eduEditor.jar, `/admin/faq/${faqId}/publish`, {}, eduEditor.csrf)).statusCode,
        403,
        'an editor does not publish',
      );
      const reviewerPage = await get(s.app, eduReviewer.jar, `/admin/faq/${faqId}`);
      assert.match(reviewerPage.body, /发布/);
      assert.doesNotMatch(reviewerPage.body, /name="question"/, 'the reviewer publishes, the editor writes');
      assert.equal(
        (await post(s.app, eduReviewer.jar, `/admin/faq/${faqId}/publish`, {}, eduReviewer.csrf)).statusCode,
        303,
      );
      // a published entry is changed only by whoever may publish it
      const edited = await post(
        s.app,
        eduEditor.jar,
        `/admin/faq/${faqId}`,
        { ...entry, agencyId: edu, answer: `${entry.answer}（已更新）` },
        eduEditor.csrf,
      );
      assert.equal(edited.statusCode, 403);
      assert.equal((await get(s.app, new Jar(), `/s/demo/mail/faq/${faqId}`)).statusCode, 200);
      for (const path of ['/admin/faq/abc', '/admin/faq/99999999', '/admin/faq/0'])
        assert.equal((await get(s.app, eduEditor.jar, path)).statusCode, 404, path);
      assert.equal((await get(s.app, new Jar(), '/s/demo/mail/faq/abc')).statusCode, 404);
      assert.equal((await get(s.app, new Jar(), '/s/demo/mail/faq?page=-3&topic=%00')).statusCode, 200);
    });

    test('the letter form offers matching answers before sending: as the title is typed, and without JavaScript on submitting', async () => {
      const resident = new Jar();
      const suggest = await get(
        s.app,
        resident,
        `/s/demo/mail/faq/suggest?q=${encodeURIComponent('孩子转学需要办理什么手续')}`,
      );
      assert.equal(suggest.statusCode, 200);
      assert.equal(suggest.headers['cache-control'], 'no-store');
      assert.match(suggest.body, /您的问题可能已有答复/);
      assert.match(textOf(suggest.body), /义务教育阶段学生如何办理转学/);
      assert.doesNotMatch(textOf(suggest.body), /身份证丢失|最低生活保障/, 'not by the words any question has');
      for (const q of ['', '转学', '量子引力弦论研究进展', 'x'.repeat(20_000)])
        assert.equal(
          (await get(s.app, resident, `/s/demo/mail/faq/suggest?q=${encodeURIComponent(q)}`)).body,
          '',
          `nothing offered for “${q.slice(0, 20)}”`,
        );

      const letters = async () =>
        Number(
          (
            await s.ctx.db
              .selectFrom('letters')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await letters();
      // a title given in the address starts the form, with its answers
      const titled = await get(
        s.app,
        resident,
        `/s/demo/mail/jyj/write?title=${encodeURIComponent('孩子转学需要办理什么手续')}`,
      );
      assert.equal(titled.statusCode, 200);
      assert.match(titled.body, /name="title" value="孩子转学需要办理什么手续"/);
      assert.match(textOf(titled.body), /义务教育阶段学生如何办理转学/);
      assert.equal((await get(s.app, resident, `/s/demo/mail/jyj/write?title=${'题'.repeat(5000)}`)).statusCode, 200);
      const form = await get(s.app, resident, '/s/demo/mail/jyj/write');
      assert.match(form.body, /data-suggest="\/s\/demo\/mail\/faq\/suggest"/);
      const letter = {
        kind: 'consult',
        title: '孩子转学需要办理什么手续',
        content: '我家孩子明年要从外县转到本县读小学三年级，想了解需要办理什么手续。',
        name: '钱多多',
        phone: '13700001111',
        email: '',
        captchaToken: hidden(form.body, 'captchaToken')!,
        captcha: solve(question(form.body)),
        faqSeen: hidden(form.body, 'faqSeen') ?? '',
      };
      const offered = await post(s.app, resident, '/s/demo/mail/jyj/write', letter, csrfFrom(form.body));
      assert.equal(offered.statusCode, 200);
      assert.match(offered.body, /您的问题可能已有答复/);
      assert.match(textOf(offered.body), /义务教育阶段学生如何办理转学/);
      assert.match(offered.body, /未发送任何内容/);
      assert.equal(await letters(), before, 'nothing is stored before the resident sends it again');
      assert.equal(hidden(offered.body, 'faqSeen'), '1');
      assert.match(offered.body, /从外县转到本县读小学三年级/, 'what was typed is kept');
      const sent = await post(
        s.app,
        resident,
        '/s/demo/mail/jyj/write',
        {
          ...letter,
          faqSeen: '1',
          captchaToken: hidden(offered.body, 'captchaToken')!,
          captcha: solve(question(offered.body)),
        },
        csrfFrom(offered.body),
      );
      assert.equal(sent.statusCode, 303);
      assert.equal(await letters(), before + 1);

      // a letter no answer matches is sent at once
      const other = await get(s.app, resident, '/s/demo/mail/xzxx/write');
      const direct = await post(
        s.app,
        resident,
        '/s/demo/mail/xzxx/write',
        {
          ...letter,
          kind: 'suggest',
          title: '建议延长图书馆周末开放时间',
          content: '县图书馆周末下午五点闭馆，建议延长到晚上八点。',
          captchaToken: hidden(other.body, 'captchaToken')!,
          captcha: solve(question(other.body)),
          faqSeen: '',
        },
        csrfFrom(other.body),
      );
      assert.equal(direct.statusCode, 303);
    });

    test('a reply becomes a draft entry in one step, without the writer; published letters are found by search', async () => {
      const office = await login(s.app, 'office');
      const site = (await s.ctx.sites.byCode('demo'))!;
      const officeActor = await s.f.actor('office');
      const letter = await registerLetter(s.ctx, officeActor, site, 'xzxx', {
        kind: 'consult',
        title: '咨询电动自行车上牌流程',
        content: '我叫孙立新，想给新买的电动自行车上牌，请问流程是什么？电话13612345678。',
        name: '孙立新',
        phone: '13612345678',
        email: '',
        consent: 'on',
      });
      const early = await post(s.app, office.jar, `/admin/letters/${letter.id}/faq`, {}, office.csrf);
      assert.equal(early.statusCode, 409, 'not before it is answered');
      await actOnLetter(s.ctx, officeActor, letter.id, 'assign', { agencyId: String(s.f.agencies[4].id) });
      await actOnLetter(s.ctx, officeActor, letter.id, 'reply', {
        reply: '孙立新同志：电动自行车上牌请携带购车发票、合格证和身份证到县公安局交警大队车管所办理，当场发放号牌。',
      });
      const page = await get(s.app, office.jar, `/admin/letters/${letter.id}`);
      assert.match(page.body, /转为常见问题/);
      const eduEditor = await login(s.app, 'edu-editor', 'edu-password-1');
      assert.equal(
        (await post(s.app, eduEditor.jar, `/admin/letters/${letter.id}/faq`, {}, eduEditor.csrf)).statusCode,
        404,
        "another agency's staff do not see the letter",
      );
      const made = await post(s.app, office.jar, `/admin/letters/${letter.id}/faq`, {}, office.csrf);
      assert.equal(made.statusCode, 303);
      const faqId = Number(/\/admin\/faq\/(\d+)/.exec(made.headers.location as string)![1]);
      const faq = await s.ctx.db.selectFrom('faqs').selectAll().where('id', '=', faqId).executeTakeFirstOrThrow();
      assert.equal(faq.question, '咨询电动自行车上牌流程');
      assert.equal(faq.agency_id, s.f.agencies[4].id);
      assert.equal(faq.published_at, null, 'a draft, to check before it is published');
      assert.match(faq.answer, /车管所办理/);
      assert.doesNotMatch(faq.answer, /孙立新/);
      const again = await post(s.app, office.jar, `/admin/letters/${letter.id}/faq`, {}, office.csrf);
      assert.equal(again.headers.location, made.headers.location, 'one entry per letter');
      assert.match((await get(s.app, office.jar, `/admin/letters/${letter.id}`)).body, /已转为常见问题/);

      // the letter itself, once the office publishes it, is found by the one search (its public text only)
      const o = await get(s.app, office.jar, `/admin/letters/${letter.id}`);
      const content = decode(/name="content"[^>]*>([^<]*)</.exec(o.body)![1]);
      assert.equal(
        (
          await post(
            s.app,
            office.jar,
            `/admin/letters/${letter.id}/publish`,
            { title: '咨询电动自行车上牌流程', content, reply: decode(/name="reply"[^>]*>([^<]*)</.exec(o.body)![1]) },
            office.csrf,
          )
        ).statusCode,
        303,
      );
      const found = await get(s.app, new Jar(), searchFor('电动自行车 上牌', 'l'));
      assert.match(textOf(found.body), /答复：孙\*\*同志：电动自行车上牌/, 'the reply as published');
      assert.match(found.body, new RegExp(`/s/demo/mail/letters/${letter.id}`));
      assert.match(found.body, /来信选登/);
      assert.doesNotMatch(found.body, /孙立新|13612345678/);
      assert.equal(
        (
          await post(
            s.app,
            office.jar,
            `/admin/letters/${letter.id}/unpublish`,
            { reason: '来信人要求撤回' },
            office.csrf,
          )
        ).statusCode,
        303,
      );
      assert.doesNotMatch((await get(s.app, new Jar(), searchFor('电动自行车 上牌', 'l'))).body, /mail\/letters/);
    });
  });
}
