import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hidden, question, textOf } from '../../../test/support/html.ts';
import { csrfFrom, get, Jar, login, post } from '../../../test/support/http.ts';
import { solve } from '../../../test/support/requests.ts';
import { webSuite } from '../../../test/support/web.ts';
import { addDays, shanghaiDate } from '../../core/calendar.ts';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import { ADDRESS_LIMIT } from './interaction.surveys.rules.ts';
import { submitResponse, surveyPagesTouched } from './interaction.surveys.service.ts';

test('a survey’s change touches the list, the 互动交流 home and its own page', () => {
  const touched = surveyPagesTouched([
    { seq: 1, key: 'sv:4', siteId: 1 },
    { seq: 2, key: 'cs:4', siteId: 1 },
  ]);
  assert.deepEqual([...(touched.get(1) as Set<string>)].sort(), ['/mail', '/survey', '/survey/4']);
});

const QUESTIONS = {
  count: '6',
  q1_kind: 'single',
  q1_prompt: '您居住在哪个街道？',
  q1_required: ['off', 'on'],
  q1_options: '城关街道\n东城街道\n西城街道',
  q2_kind: 'multiple',
  q2_prompt: '您常用哪些出行方式？',
  q2_required: 'off',
  q2_options: '公交\n步行\n自行车',
  q3_kind: 'rating',
  q3_prompt: '您对城区公交的总体评价',
  q3_required: ['off', 'on'],
  q4_kind: 'matrix',
  q4_prompt: '请评价公交的以下方面',
  q4_required: ['off', 'on'],
  q4_options: '满意\n一般\n不满意',
  q4_rows: '准点\n车况',
  q5_kind: 'text',
  q5_prompt: '您对城区公交的其他建议',
  q5_required: 'off',
  q6_kind: 'single',
  q6_prompt: '',
};

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`网上调查 (${kind})`, () => {
    const s = webSuite(kind);
    const today = () => shanghaiDate(s.ctx.now());

    test('an agency writes a questionnaire and opens it; residents answer once each; the results are public as charts once published; the answers export to Excel', async () => {
      const editor = await login(s.app, 'edu-editor', 'edu-password-1');
      const reviewer = await login(s.app, 'edu-reviewer', 'edu-password-1');
      const edu = String(s.f.agencies[3].id);
      const fields = {
        agencyId: edu,
        title: '城区公共交通满意度调查',
        intro: '为改进城区公交服务，特开展本次调查。',
        opensOn: today(),
        closesOn: addDays(today(), 29),
        ...QUESTIONS,
      };
      // refusals, each naming its field, with what was written kept
      const noOptions = await post(
        s.app,
        editor.jar,
        '/admin/surveys',
        { ...fields, q1_options: '只有一项' },
        editor.csrf,
      );
      assert.equal(noOptions.statusCode, 400);
      assert.match(noOptions.body, /2 至 20 个/);
      assert.match(noOptions.body, /您常用哪些出行方式/, 'the form is kept');
      assert.match(
        (await post(s.app, editor.jar, '/admin/surveys', { ...fields, count: '1', q1_prompt: '' }, editor.csrf)).body,
        /至少要有一道题/,
      );
      for (const bad of [{ title: '' }, { opensOn: '2026-02-30' }, { q4_rows: '' }, { q2_kind: 'essay' }])
        assert.equal(
          (await post(s.app, editor.jar, '/admin/surveys', { ...fields, ...bad }, editor.csrf)).statusCode,
          400,
          JSON.stringify(bad),
        );
      assert.equal(
        (
          await post(
            s.app,
            editor.jar,
            '/admin/surveys',
            { ...fields, agencyId: String(s.f.agencies[5].id) },
            editor.csrf,
          )
        ).statusCode,
        403,
      );

      const made = await post(s.app, editor.jar, '/admin/surveys', fields, editor.csrf);
      assert.equal(made.statusCode, 303);
      const id = Number(/surveys\/(\d+)/.exec(made.headers.location as string)![1]);
      const staffPage = await get(s.app, editor.jar, `/admin/surveys/${id}`);
      assert.match(staffPage.body, /请评价公交的以下方面/);
      assert.match(staffPage.body, /第 6 题（新增，可留空）/, 'two empty blocks to add questions');
      assert.equal((await get(s.app, new Jar(), `/s/demo/survey/${id}`)).statusCode, 404, 'a draft is not public');
      assert.equal(
        (await post(s.app, editor.jar, `/admin/surveys/${id}/publish`, {}, editor.csrf)).statusCode,
        403,
        'the editor does not publish',
      );
      assert.equal(
        (await post(s.app, reviewer.jar, `/admin/surveys/${id}/publish`, {}, reviewer.csrf)).statusCode,
        303,
      );
      assert.equal(
        (await post(s.app, editor.jar, `/admin/surveys/${id}`, fields, editor.csrf)).statusCode,
        409,
        'a published questionnaire is frozen',
      );

      const page = textOf((await get(s.app, new Jar(), `/s/demo/survey/${id}`)).body);
      assert.match(page, /进行中/);
      assert.match(page, /每个浏览器只能提交一份答卷/, 'how one answer per person is kept is said');
      assert.doesNotMatch(page, /调查结果/, 'no results before they are published');
      assert.match(textOf((await get(s.app, new Jar(), '/s/demo/survey')).body), /城区公共交通满意度调查/);

      const form = await get(s.app, new Jar(), `/s/demo/survey/${id}/answer`);
      const qid = (prompt: string) => /name="a(\d+)(?:_0)?"/.exec(form.body.split(prompt)[1])![1];
      const [q1, q2, q3, q4, q5] = [
        '您居住在哪个街道',
        '您常用哪些出行方式',
        '您对城区公交的总体评价',
        '请评价公交的以下方面',
        '您对城区公交的其他建议',
      ].map(qid);
      const answer = async (
        jar: Jar,
        values: Record<string, string | string[]>,
        ip: string,
        opened?: Awaited<ReturnType<typeof get>>,
      ) => {
        const f = opened ?? (await get(s.app, jar, `/s/demo/survey/${id}/answer`));
        const body = new URLSearchParams({
          captchaToken: hidden(f.body, 'captchaToken'),
          captcha: solve(question(f.body)),
          _csrf: csrfFrom(f.body),
        });
        for (const [k, v] of Object.entries(values)) for (const x of [v].flat()) body.append(k, x);
        const res = await s.app.inject({
          method: 'POST',
          url: `/s/demo/survey/${id}/answer`,
          payload: body.toString(),
          headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
          remoteAddress: ip,
        });
        jar.take(res);
        return res;
      };
      const full = {
        [`a${q1}`]: '1',
        [`a${q2}`]: ['0', '2'],
        [`a${q3}`]: '4',
        [`a${q4}_0`]: '0',
        [`a${q4}_1`]: '2',
        [`a${q5}`]: '希望增加夜班车。我的电话13912345678',
      };
      const resident = new Jar();
      const missing = await answer(resident, { [`a${q2}`]: '0' }, '10.1.0.1');
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /此题为必答题/);
      assert.match(missing.body, /请在每一行选择一项/);
      assert.match(missing.body, new RegExp(`name="a${q2}" value="0" checked`), 'what was ticked stays ticked');
      assert.equal(
        (await answer(resident, { ...full, [`a${q1}`]: '7' }, '10.1.0.1')).statusCode,
        400,
        'no such option',
      );
      assert.equal((await answer(resident, { ...full, [`a${q3}`]: '9' }, '10.1.0.1')).statusCode, 400);
      // the same form open in a second tab, sent after the first
      const secondTab = await get(s.app, resident, `/s/demo/survey/${id}/answer`);
      const sent = await answer(resident, full, '10.1.0.1');
      assert.equal(sent.statusCode, 303);
      assert.match((await get(s.app, resident, sent.headers.location as string)).body, /答卷已提交/);
      const again = await answer(resident, full, '10.1.0.1', secondTab);
      assert.equal(again.statusCode, 409, 'one answer per browser');
      assert.match(again.body, /已参加过本次调查/);
      assert.match((await get(s.app, resident, `/s/demo/survey/${id}/answer`)).body, /您已参加过本次调查/);
      const forged = new Jar();
      forged.cookies.set('gk_voter', 'not-a-signed-value');
      assert.equal(
        (await answer(forged, { ...full, [`a${q3}`]: '2' }, '10.1.0.2')).statusCode,
        303,
        'a forged mark is replaced',
      );
      assert.equal(
        (
          await answer(
            new Jar(),
            { [`a${q1}`]: '0', [`a${q3}`]: '5', [`a${q4}_0`]: '1', [`a${q4}_1`]: '1' },
            '10.1.0.3',
          )
        ).statusCode,
        303,
      );

      // one network address holds at most ADDRESS_LIMIT answers (its own count, whatever the browsers)
      const site = (await s.ctx.sites.all()).find((x) => x.code === 'demo')!;
      const fromOneAddress = async (n: number) => {
        const c = newChallenge(dataKey(s.ctx.config), s.ctx.now());
        return submitResponse(
          s.ctx,
          site,
          id,
          { ...full },
          { token: c.token, answer: solve(c.question) },
          { voterToken: String(n).padStart(32, '0'), ip: '10.2.0.1' },
        );
      };
      for (let n = 0; n < ADDRESS_LIMIT; n++) await fromOneAddress(n);
      await assert.rejects(
        fromOneAddress(99),
        (e: { status: number; message: string }) => e.status === 429 && /上限/.test(e.message),
      );

      // a questionnaire answered on paper, entered by the agency's staff (checked the same, counted with the rest)
      const paperForm = await get(s.app, editor.jar, `/admin/surveys/${id}/paper`);
      assert.match(paperForm.body, /录入本份问卷/);
      assert.equal(
        (await post(s.app, editor.jar, `/admin/surveys/${id}/paper`, { [`a${q1}`]: '1' }, editor.csrf)).statusCode,
        400,
      );
      const paper = await post(
        s.app,
        editor.jar,
        `/admin/surveys/${id}/paper`,
        { ...full, [`a${q5}`]: '' },
        editor.csrf,
      );
      assert.equal(paper.statusCode, 303);
      assert.match((await get(s.app, editor.jar, paper.headers.location as string)).body, /已录入一份纸质问卷/);

      assert.match(
        textOf((await get(s.app, editor.jar, '/admin')).body),
        new RegExp(`网上调查\\s*进行中\\s*1\\s*进行中的答卷\\s*${4 + ADDRESS_LIMIT}`),
        'the 工作台 counts the open survey and its answers',
      );
      // results: published by the reviewer; charts with their tables; written answers never public
      assert.equal((await post(s.app, editor.jar, `/admin/surveys/${id}/results`, {}, editor.csrf)).statusCode, 403);
      assert.equal(
        (await post(s.app, reviewer.jar, `/admin/surveys/${id}/results`, {}, reviewer.csrf)).statusCode,
        303,
      );
      const results = await get(s.app, new Jar(), `/s/demo/survey/${id}`);
      const text = textOf(results.body);
      assert.match(text, new RegExp(`共收到答卷 ${4 + ADDRESS_LIMIT} 份`));
      assert.match(results.body, /<svg[^>]*role="img"[^>]*aria-label="1\. 您居住在哪个街道？（数据见下表）"/);
      assert.match(text, /东城街道\s*23\s*95\.8%/, '23 of 24 chose 东城街道');
      assert.match(text, /平均 3\.96 分/, '(4×22 + 2 + 5) / 24');
      assert.doesNotMatch(text, /夜班车|13912345678/, 'written answers are not published');
      const staffResults = textOf((await get(s.app, editor.jar, `/admin/surveys/${id}`)).body);
      assert.match(staffResults, /希望增加夜班车/, 'staff read the written answers');

      // the export: one row per response, a column per question (a matrix one per row), the options in words
      const xlsx = await s.app.inject({
        method: 'GET',
        url: `/admin/surveys/${id}/answers.xlsx`,
        headers: { cookie: editor.jar.header },
      });
      assert.equal(xlsx.statusCode, 200);
      const { default: ExcelJS } = await import('exceljs');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = book.worksheets[0];
      assert.equal(sheet.rowCount, 1 + 4 + ADDRESS_LIMIT);
      assert.deepEqual((sheet.getRow(1).values as unknown[]).slice(1, 4), [
        '序号',
        '提交时间',
        '1. 您居住在哪个街道？（单选）',
      ]);
      assert.deepEqual((sheet.getRow(2).values as unknown[]).slice(3), [
        '东城街道',
        '公交；自行车',
        4,
        '满意',
        '不满意',
        '希望增加夜班车。我的电话13912345678',
      ]);
      // only the office withdraws; the public then sees nothing
      assert.equal(
        (await post(s.app, reviewer.jar, `/admin/surveys/${id}/withdraw`, { reason: '重复' }, reviewer.csrf))
          .statusCode,
        403,
      );
      const office = await login(s.app, 'office');
      assert.equal(
        (await post(s.app, office.jar, `/admin/surveys/${id}/withdraw`, { reason: '' }, office.csrf)).statusCode,
        400,
      );
      assert.equal(
        (await post(s.app, office.jar, `/admin/surveys/${id}/withdraw`, { reason: '与另一调查重复' }, office.csrf))
          .statusCode,
        303,
      );
      assert.equal((await get(s.app, new Jar(), `/s/demo/survey/${id}`)).statusCode, 404);
    });

    test('a survey not open takes no answer, and bad addresses are 404s', async () => {
      const office = await login(s.app, 'office');
      const made = await post(
        s.app,
        office.jar,
        '/admin/surveys',
        {
          agencyId: String(s.f.agencies[4].id),
          title: '下月开始的调查',
          opensOn: addDays(today(), 5),
          closesOn: addDays(today(), 20),
          count: '1',
          q1_kind: 'rating',
          q1_prompt: '评分',
          q1_required: 'on',
        },
        office.csrf,
      );
      const id = Number(/surveys\/(\d+)/.exec(made.headers.location as string)![1]);
      assert.equal((await post(s.app, office.jar, `/admin/surveys/${id}/publish`, {}, office.csrf)).statusCode, 303);
      assert.match(textOf((await get(s.app, new Jar(), `/s/demo/survey/${id}`)).body), /即将开始/);
      // another agency's staff neither see it nor export it
      const eduEditor = await login(s.app, 'edu-editor', 'edu-password-1');
      for (const url of [`/admin/surveys/${id}`, `/admin/surveys/${id}/answers.xlsx`])
        assert.equal((await get(s.app, eduEditor.jar, url)).statusCode, 404, url);
      assert.doesNotMatch((await get(s.app, eduEditor.jar, '/admin/surveys')).body, /下月开始的调查/);
      const form = await get(s.app, new Jar(), `/s/demo/survey/${id}/answer`);
      assert.equal(form.statusCode, 409);
      assert.match(form.body, /调查将于 .* 开始/);
      for (const url of [
        '/s/demo/survey/abc',
        '/s/demo/survey/99999999',
        '/s/demo/survey/abc/answer',
        '/s/demo/survey/99999999/answer',
      ])
        assert.equal((await get(s.app, new Jar(), url)).statusCode, 404, url);
      assert.equal((await get(s.app, office.jar, `/admin/surveys/${id}/nothing`)).statusCode, 404);
      assert.equal((await post(s.app, office.jar, `/admin/surveys/${id}/nothing`, {}, office.csrf)).statusCode, 404);
    });
  });
}
