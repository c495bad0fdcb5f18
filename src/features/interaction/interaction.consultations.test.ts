import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Document, Packer, Paragraph } from 'docx';
import { hidden, question, textOf } from '../../../test/support/html.ts';
import { csrfFrom, get, Jar, login, multipart, post } from '../../../test/support/http.ts';
import { solve } from '../../../test/support/requests.ts';
import { webSuite } from '../../../test/support/web.ts';
import { addDays, shanghaiDate } from '../../core/calendar.ts';
import { consultationPagesTouched } from './interaction.consultations.service.ts';

const DRAFT = `青山县城区户外广告设置管理办法（征求意见稿）
第一章 总则
第一条 为了规范户外广告设置，制定本办法。
第二条 本办法适用于本县城区户外广告的设置和管理。
第二章 设置规范
第三条 户外广告设置应当安全牢固，与周边环境相协调。`;

test('a consultation’s change touches the list, the mailbox home and its own page', () => {
  const touched = consultationPagesTouched([
    { seq: 1, key: 'cs:4', siteId: 1 },
    { seq: 2, key: 'f:4', siteId: 1 },
  ]);
  assert.deepEqual([...(touched.get(1) as Set<string>)].sort(), ['/consult', '/consult/4', '/mail']);
});

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`意见征集 (${kind})`, () => {
    const s = webSuite(kind);
    const today = () => shanghaiDate(s.ctx.now());

    test('an agency drafts and publishes a consultation; residents comment on an article; moderated comments show; after closing the result is published with what became of each', async () => {
      const editor = await login(s.app, 'edu-editor', 'edu-password-1');
      const reviewer = await login(s.app, 'edu-reviewer', 'edu-password-1');
      const office = await login(s.app, 'office');
      const edu = String(s.f.agencies[3].id);
      const fields = {
        agencyId: edu,
        title: '关于《青山县城区户外广告设置管理办法（征求意见稿）》公开征求意见的公告',
        draft: DRAFT,
        explanation: '为规范城区户外广告设置，起草了本办法。',
        opensOn: today(),
        closesOn: addDays(today(), 29),
      };
      // refusals: a period short of 30 days without a reason, another agency, a draft too short, a bad date
      const short = await post(
        s.app,
        editor.jar,
        '/admin/consultations',
        { ...fields, closesOn: addDays(today(), 10) },
        editor.csrf,
      );
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /不少于 30 日/);
      assert.match(short.body, /户外广告设置管理办法/, 'the form is kept');
      const other = await post(
        s.app,
        editor.jar,
        '/admin/consultations',
        { ...fields, agencyId: String(s.f.agencies[5].id) },
        editor.csrf,
      );
      assert.equal(other.statusCode, 403);
      for (const bad of [{ draft: '短' }, { opensOn: '2026-02-30' }, { closesOn: '' }, { agencyId: 'x' }])
        assert.equal(
          (await post(s.app, editor.jar, '/admin/consultations', { ...fields, ...bad }, editor.csrf)).statusCode,
          400,
          JSON.stringify(bad),
        );

      const made = await post(s.app, editor.jar, '/admin/consultations', fields, editor.csrf);
      assert.equal(made.statusCode, 303);
      const id = Number(/consultations\/(\d+)/.exec(made.headers.location as string)![1]);
      assert.equal((await get(s.app, new Jar(), `/s/demo/consult/${id}`)).statusCode, 404, 'a draft is not public');
      assert.equal(
        (await post(s.app, editor.jar, `/admin/consultations/${id}/publish`, {}, editor.csrf)).statusCode,
        403,
        'the editor does not publish',
      );
      assert.equal(
        (await post(s.app, reviewer.jar, `/admin/consultations/${id}/publish`, {}, reviewer.csrf)).statusCode,
        303,
      );
      assert.equal(
        (await post(s.app, editor.jar, `/admin/consultations/${id}`, fields, editor.csrf)).statusCode,
        409,
        'a published draft is not changed',
      );

      // the public page: the draft by article, each with its own comment link
      const resident = new Jar();
      const page = await get(s.app, resident, `/s/demo/consult/${id}`);
      assert.equal(page.statusCode, 200);
      assert.match(textOf(page.body), /第二章 设置规范/);
      assert.match(textOf(page.body), /征集中/);
      const articleId = /consult\/\d+\/comment\?article=(\d+)/.exec(page.body.split('第三条')[1])![1];
      assert.match((await get(s.app, resident, '/s/demo/consult')).body, /户外广告设置管理办法/);

      const comment = async (jar: Jar, values: Record<string, string>, answer?: string) => {
        const form = await get(s.app, jar, `/s/demo/consult/${id}/comment?article=${articleId}`);
        assert.equal(form.statusCode, 200);
        return post(
          s.app,
          jar,
          `/s/demo/consult/${id}/comment`,
          { captchaToken: hidden(form.body, 'captchaToken'), captcha: answer ?? solve(question(form.body)), ...values },
          csrfFrom(form.body),
        );
      };
      assert.equal((await comment(resident, { content: '好' })).statusCode, 400);
      assert.equal((await comment(resident, { content: '建议限制广告牌尺寸。' }, '999')).statusCode, 400);
      assert.equal(
        (await comment(resident, { content: '建议限制广告牌尺寸。', articleId: '99999999' })).statusCode,
        400,
      );
      const sent = await comment(resident, {
        articleId,
        content: '建议明确广告牌的最大尺寸，并定期检查牢固程度。我的电话13912345678。',
        name: '周建华',
        contact: '13912345678',
      });
      assert.equal(sent.statusCode, 303);
      assert.match((await get(s.app, resident, sent.headers.location as string)).body, /意见已提交/);
      assert.equal((await comment(resident, { content: '支持出台本办法，城区广告太乱了。' })).statusCode, 303);
      assert.doesNotMatch(
        textOf((await get(s.app, resident, `/s/demo/consult/${id}`)).body),
        /最大尺寸/,
        'not before moderation',
      );

      // moderation: one shown, one hidden with a reason (kept, not counted); the public sees no name or phone
      const staffPage = await get(s.app, editor.jar, `/admin/consultations/${id}`);
      const ids = [...staffPage.body.matchAll(/comments\/(\d+)\/moderate/g)].map((m) => m[1]);
      assert.equal(ids.length, 2);
      const noReason = await post(
        s.app,
        editor.jar,
        `/admin/consultations/${id}/comments/${ids[1]}/moderate`,
        { show: '0' },
        editor.csrf,
      );
      assert.equal(noReason.statusCode, 400);
      await post(
        s.app,
        editor.jar,
        `/admin/consultations/${id}/comments/${ids[0]}/moderate`,
        { show: '1' },
        editor.csrf,
      );
      await post(
        s.app,
        editor.jar,
        `/admin/consultations/${id}/comments/${ids[1]}/moderate`,
        { show: '0', reason: '与征求意见稿无关' },
        editor.csrf,
      );
      const shown = textOf((await get(s.app, new Jar(), `/s/demo/consult/${id}`)).body);
      assert.match(shown, /最大尺寸/);
      assert.match(shown, /周\*\* · .* · 针对第三条/);
      assert.doesNotMatch(shown, /周建华|13912345678|城区广告太乱了/);

      // the result: not while open; after closing, not before each comment is decided
      const early = await post(
        s.app,
        reviewer.jar,
        `/admin/consultations/${id}/result`,
        { result: '共收到意见1条，已采纳。' },
        reviewer.csrf,
      );
      assert.equal(early.statusCode, 409);
      const realNow = s.ctx.now;
      s.ctx.now = () => new Date(realNow().getTime() + 31 * 86_400_000);
      try {
        assert.equal(
          (await comment(resident, { content: '截止以后的意见。' }).catch(() => ({ statusCode: 409 }))).statusCode,
          409,
        );
        const undecided = await post(
          s.app,
          reviewer.jar,
          `/admin/consultations/${id}/result`,
          { result: '共收到意见1条，已采纳。' },
          reviewer.csrf,
        );
        assert.equal(undecided.statusCode, 409);
        assert.match(undecided.body, /1 条意见未标明是否采纳/);
        assert.match(
          (await get(s.app, office.jar, '/admin')).body,
          /意见征集：待审核意见 \d+ 条；已截止待公布结果 [1-9]\d* 件/,
        );
        const noWhy = await post(
          s.app,
          editor.jar,
          `/admin/consultations/${id}/comments/${ids[0]}/decide`,
          { adoption: 'not_adopted' },
          editor.csrf,
        );
        assert.equal(noWhy.statusCode, 400);
        await post(
          s.app,
          editor.jar,
          `/admin/consultations/${id}/comments/${ids[0]}/decide`,
          { adoption: 'partly', reason: '尺寸标准另行制定。' },
          editor.csrf,
        );
        assert.equal(
          (
            await post(
              s.app,
              editor.jar,
              `/admin/consultations/${id}/result`,
              { result: '共收到意见1条，部分采纳。' },
              editor.csrf,
            )
          ).statusCode,
          403,
          'the result is the reviewer’s',
        );
        assert.equal(
          (
            await post(
              s.app,
              reviewer.jar,
              `/admin/consultations/${id}/result`,
              { result: '共收到意见1条，部分采纳。' },
              reviewer.csrf,
            )
          ).statusCode,
          303,
        );
        const story = textOf((await get(s.app, new Jar(), `/s/demo/consult/${id}`)).body);
        assert.match(story, /共收到意见 1 条，其中采纳 0 条、部分采纳 1 条、未采纳 0 条/);
        assert.match(story, /处理情况：部分采纳。尺寸标准另行制定。/);
        assert.match(story, /已公布结果/);
      } finally {
        s.ctx.now = realNow;
      }

      // the final policy, once public in the catalogue, is linked from the page
      const policy = await s.ctx.db
        .selectFrom('publications')
        .select('id')
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow();
      assert.equal(
        (await post(s.app, editor.jar, `/admin/consultations/${id}/link`, { policyId: '99999999' }, editor.csrf))
          .statusCode,
        400,
      );
      assert.equal(
        (await post(s.app, editor.jar, `/admin/consultations/${id}/link`, { policyId: String(policy.id) }, editor.csrf))
          .statusCode,
        303,
      );
      assert.match(
        (await get(s.app, new Jar(), `/s/demo/consult/${id}`)).body,
        new RegExp(`href="/s/demo/p/${policy.id}"`),
      );
      const actions = await s.ctx.db
        .selectFrom('audit_events')
        .select('action')
        .where('entity_type', '=', 'consultation')
        .where('entity_id', '=', String(id))
        .orderBy('id')
        .execute();
      assert.deepEqual(
        actions.map((a) => a.action),
        [
          'consultation.create',
          'consultation.publish',
          'consultation.comment',
          'consultation.comment',
          'consultation.moderate',
          'consultation.moderate',
          'consultation.decide',
          'consultation.result',
          'consultation.link',
        ],
      );
    });

    test('others are refused: another agency sees nothing, only the office withdraws, a comment needs contact data when asked', async () => {
      const office = await login(s.app, 'office');
      const eduEditor = await login(s.app, 'edu-editor', 'edu-password-1');
      const made = await post(
        s.app,
        office.jar,
        '/admin/consultations',
        {
          agencyId: String(s.f.agencies[4].id),
          title: '关于城区禁止燃放烟花爆竹区域调整的征求意见',
          draft: '拟将城区禁止燃放烟花爆竹区域扩大至城东新区全部范围。',
          opensOn: today(),
          closesOn: addDays(today(), 14),
          shortReason: '春节临近，需在节前公布实施',
          contactRequired: 'on',
        },
        office.csrf,
      );
      assert.equal(made.statusCode, 303);
      const id = Number(/consultations\/(\d+)/.exec(made.headers.location as string)![1]);
      assert.equal((await get(s.app, eduEditor.jar, `/admin/consultations/${id}`)).statusCode, 404);
      assert.doesNotMatch((await get(s.app, eduEditor.jar, '/admin/consultations')).body, /烟花爆竹/);
      assert.equal(
        (await post(s.app, office.jar, `/admin/consultations/${id}/publish`, {}, office.csrf)).statusCode,
        303,
      );
      const page = textOf((await get(s.app, new Jar(), `/s/demo/consult/${id}`)).body);
      assert.match(page, /期限少于30日的理由：春节临近/);
      assert.doesNotMatch(page, /对第.条提意见/, 'a draft without articles is commented on as a whole');

      const resident = new Jar();
      const form = await get(s.app, resident, `/s/demo/consult/${id}/comment`);
      // from an address of its own (the first test's resident has used this address's five comments a minute)
      const anonymous = await s.app.inject({
        method: 'POST',
        url: `/s/demo/consult/${id}/comment`,
        payload: new URLSearchParams({
          content: '支持扩大禁放区域。',
          captchaToken: hidden(form.body, 'captchaToken'),
          captcha: solve(question(form.body)),
          _csrf: csrfFrom(form.body),
        }).toString(),
        headers: { cookie: resident.header, 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: '10.9.9.9',
      });
      assert.equal(anonymous.statusCode, 400);
      assert.match(anonymous.body, /需要填写姓名和联系方式/);

      assert.equal(
        (await post(s.app, eduEditor.jar, `/admin/consultations/${id}/withdraw`, { reason: '撤回' }, eduEditor.csrf))
          .statusCode,
        404,
      );
      const reviewer = await login(s.app, 'reviewer');
      assert.equal(
        (
          await post(
            s.app,
            reviewer.jar,
            `/admin/consultations/${id}/withdraw`,
            { reason: '上位规定调整' },
            reviewer.csrf,
          )
        ).statusCode,
        403,
        'only the office withdraws',
      );
      assert.equal(
        (await post(s.app, office.jar, `/admin/consultations/${id}/withdraw`, { reason: '上位规定调整' }, office.csrf))
          .statusCode,
        303,
      );
      assert.equal((await get(s.app, new Jar(), `/s/demo/consult/${id}`)).statusCode, 404);
      for (const url of ['/s/demo/consult/abc', '/s/demo/consult/99999999', '/s/demo/consult/abc/comment'])
        assert.equal((await get(s.app, new Jar(), url)).statusCode, 404, url);
      assert.equal((await get(s.app, new Jar(), '/s/demo/consult?page=-1')).statusCode, 200);
      for (const [url, status] of [
        [`/admin/consultations/${id}/nonsense`, 404],
        [`/admin/consultations/${id}/comments/abc/moderate`, 404],
        [`/admin/consultations/${id}/comments/99999999/decide`, 404],
        ['/admin/consultations/99999999/publish', 404],
      ] as const)
        assert.equal(
          (await post(s.app, office.jar, url, { adoption: 'adopted' }, office.csrf)).statusCode,
          status,
          url,
        );
    });

    test('a draft comes from a Word file: its text, its articles and, when none is typed, its title', async () => {
      const office = await login(s.app, 'office');
      const doc = new Document({
        sections: [
          {
            children: [
              '青山县城区共享单车停放管理办法（征求意见稿）',
              '第一条 为了规范共享单车停放，制定本办法。',
              '第二条 共享单车应当在划定的停放区域内停放。',
            ].map((t) => new Paragraph(t)),
          },
        ],
      });
      const form = (file: { name: string; type: string; data: Buffer }) =>
        multipart(
          {
            agencyId: String(s.f.agencies[12].id),
            title: '',
            draft: '',
            opensOn: today(),
            closesOn: addDays(today(), 29),
          },
          { field: 'word', ...file },
        );
      const send = (body: { payload: Buffer; type: string }) =>
        s.app.inject({
          method: 'POST',
          url: `/admin/consultations?_csrf=${encodeURIComponent(office.csrf)}`,
          payload: body.payload,
          headers: { cookie: office.jar.header, 'content-type': body.type },
        });
      const notWord = await send(form({ name: 'a.txt', type: 'text/plain', data: Buffer.from('第一条 文本文件') }));
      assert.equal(notWord.statusCode, 400);
      assert.match(notWord.body, /类型不被接受|只能导入 Word/);
      const made = await send(
        form({
          name: '共享单车.docx',
          type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          data: await Packer.toBuffer(doc),
        }),
      );
      assert.equal(made.statusCode, 303, made.body.slice(0, 300));
      const id = Number(/consultations\/(\d+)/.exec(made.headers.location as string)![1]);
      const row = await s.ctx.db.selectFrom('consultations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.title, '青山县城区共享单车停放管理办法（征求意见稿）');
      const articles = await s.ctx.db
        .selectFrom('consultation_articles')
        .select(['heading', 'body'])
        .where('consultation_id', '=', id)
        .orderBy('position')
        .execute();
      assert.deepEqual(
        articles.map((a) => a.heading),
        ['第一条', '第二条'],
      );
    });

    test('the demo has one consultation open and one with its result and its policy', async () => {
      const list = textOf((await get(s.app, new Jar(), '/s/demo/consult')).body);
      assert.match(list, /养犬管理办法.*征集中/s);
      assert.match(list, /停车收费管理规定.*已公布结果/s);
    });

    test('a draft carries files: added and taken off while it is a draft, downloaded by the public once published', async () => {
      const office = await login(s.app, 'office');
      const today = shanghaiDate(s.ctx.now());
      const made = await post(
        s.app,
        office.jar,
        '/admin/consultations',
        {
          agencyId: String(s.f.agencies[4].id),
          title: '青山县城区禁止燃放烟花爆竹规定（附件测试）',
          draft: DRAFT,
          opensOn: today,
          closesOn: addDays(today, 29),
        },
        office.csrf,
      );
      const id = Number(/consultations\/(\d+)/.exec(made.headers.location as string)![1]);
      const send = async (name: string, data: Buffer) => {
        const form = multipart({}, { field: 'file', name, type: 'application/octet-stream', data });
        return s.app.inject({
          method: 'POST',
          url: `/admin/consultations/${id}/files?_csrf=${encodeURIComponent(office.csrf)}`,
          payload: form.payload,
          headers: { 'content-type': form.type, cookie: office.jar.header },
        });
      };
      const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      const renamed = await send('起草说明.pdf', Buffer.from('MZ\x90\x00 an executable'));
      assert.equal(renamed.statusCode, 400);
      assert.match(renamed.body, /类型不被接受/);
      assert.equal((await send('起草说明.pdf', PDF)).statusCode, 303);
      assert.equal((await send('多余的.pdf', PDF)).statusCode, 303);
      const staffPage = (await get(s.app, office.jar, `/admin/consultations/${id}`)).body;
      const files = [...staffPage.matchAll(/\/admin\/consultations\/\d+\/files\/(\d+)"/g)].map((m) => m[1]);
      assert.equal(files.length, 2);
      const staffCopy = await get(s.app, office.jar, `/admin/consultations/${id}/files/${files[0]}`);
      assert.equal(staffCopy.statusCode, 200);
      assert.equal(staffCopy.body, PDF.toString());
      const publicUrl = `/s/demo/consult/${id}/files/${files[0]}/x.pdf`;
      assert.equal((await get(s.app, new Jar(), publicUrl)).statusCode, 404, 'not before it is published');
      assert.equal(
        (await post(s.app, office.jar, `/admin/consultations/${id}/files/${files[1]}/remove`, {}, office.csrf))
          .statusCode,
        303,
      );
      assert.equal(
        (await post(s.app, office.jar, `/admin/consultations/${id}/publish`, {}, office.csrf)).statusCode,
        303,
      );

      const page = await get(s.app, new Jar(), `/s/demo/consult/${id}`);
      assert.match(textOf(page.body), /附件\s*起草说明\.pdf/);
      assert.doesNotMatch(textOf(page.body), /多余的/);
      const download = await get(s.app, new Jar(), publicUrl);
      assert.equal(download.statusCode, 200);
      assert.match(String(download.headers['content-disposition']), /attachment; filename\*=UTF-8''%E8%B5%B7/);
      assert.equal(download.headers['x-content-type-options'], 'nosniff');
      assert.equal((await send('晚了.pdf', PDF)).statusCode, 409, 'frozen once published');
      assert.equal(
        (await post(s.app, office.jar, `/admin/consultations/${id}/files/${files[0]}/remove`, {}, office.csrf))
          .statusCode,
        409,
      );
      for (const url of [
        `/s/demo/consult/${id}/files/${files[1]}/x.pdf`,
        `/s/demo/consult/${id}/files/abc/x.pdf`,
        `/s/demo/consult/1/files/${files[0]}/x.pdf`,
      ])
        assert.equal((await get(s.app, new Jar(), url)).statusCode, 404, url);
      const edu = await login(s.app, 'edu-editor', 'edu-password-1');
      assert.equal(
        (await get(s.app, edu.jar, `/admin/consultations/${id}/files/${files[0]}`)).statusCode,
        404,
        'another agency’s staff',
      );
    });
  });
}
