import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { freshDb, testConfig, testCtx } from '../../../test/support/db.ts';
import { demoFixture } from '../../../test/support/fixture.ts';
import { hidden, question, textOf } from '../../../test/support/html.ts';
import { csrfFrom, get, Jar, login, multipart, post } from '../../../test/support/http.ts';
import { solve } from '../../../test/support/requests.ts';
import { SseReader } from '../../../test/support/sse.ts';
import { webSuite } from '../../../test/support/web.ts';
import { buildApp } from '../../app.ts';
import { addDays, shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { beijingTime, guestsFromText, interviewStage } from './interaction.interviews.rules.ts';
import { endInterview, interviewPagesTouched, postToStream } from './interaction.interviews.service.ts';

/** A small red PNG, 2 × 2 pixels. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAfJgQRoo8irwAAAABJRU5ErkJggg==',
  'base64',
);

/** A multipart form sent by a signed-in member (the form token in the address, as the page's form sends it). */
async function sendForm(
  app: FastifyInstance,
  member: { jar: Jar; csrf: string },
  url: string,
  fields: Record<string, string>,
  file: { field: string; name: string; data: Buffer } | null = null,
) {
  const form = multipart(fields, file && { ...file, type: 'image/png' });
  return app.inject({
    method: 'POST',
    url: `${url}?_csrf=${encodeURIComponent(member.csrf)}`,
    payload: form.payload,
    headers: { 'content-type': form.type, cookie: member.jar.header },
  });
}

test('an interview’s change touches the list, the 互动交流 home and its own page', () => {
  const touched = interviewPagesTouched([{ seq: 1, key: 'iv:3', siteId: 2 }]);
  assert.deepEqual([...(touched.get(2) as Set<string>)].sort(), ['/interviews', '/interviews/3', '/mail']);
});

test('guests one a line keep their photos by name; times are Beijing time; the stage follows the steps', () => {
  const prev = [{ name: '王明', title: '县教育局局长', photo: 'abc' }];
  assert.deepEqual(guestsFromText('王明｜县教育局局长\n李华 县教育局副局长\n\n', prev).guests, [
    { name: '王明', title: '县教育局局长', photo: 'abc' },
    { name: '李华', title: '县教育局副局长', photo: null },
  ]);
  assert.match(guestsFromText('王明|甲\n王明|乙', []).error!, /不能重复/);
  assert.match(guestsFromText(Array.from({ length: 11 }, (_, i) => `嘉宾${i}`).join('\n'), []).error!, /最多 10 位/);
  assert.equal(beijingTime('2026-12-10T09:30')?.toISOString(), '2026-12-10T01:30:00.000Z');
  for (const bad of ['2026-02-30T09:30', '2026-12-10 09:30', '2026-12-10T25:00', 'x'])
    assert.equal(beijingTime(bad), null, bad);
  const i = {
    published_at: null as Date | null,
    live_at: null as Date | null,
    ended_at: null as Date | null,
    withdrawn_reason: '',
  };
  assert.equal(interviewStage(i), 'draft');
  assert.equal(interviewStage({ ...i, published_at: new Date() }), 'announced');
  assert.equal(interviewStage({ ...i, published_at: new Date(), live_at: new Date() }), 'live');
  assert.equal(interviewStage({ ...i, published_at: new Date(), live_at: new Date(), ended_at: new Date() }), 'ended');
  assert.equal(interviewStage({ ...i, published_at: new Date(), withdrawn_reason: '改期' }), 'withdrawn');
});

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`在线访谈 (${kind})`, () => {
    const s = webSuite(kind);
    const day = () => addDays(shanghaiDate(s.ctx.now()), 3);

    test('an agency announces an interview; residents ask; the host puts a question and posts the answers live; afterwards the transcript and summary stay', async () => {
      const editor = await login(s.app, 'edu-editor', 'edu-password-1');
      const reviewer = await login(s.app, 'edu-reviewer', 'edu-password-1');
      const fields = {
        agencyId: String(s.f.agencies[3].id),
        title: '县教育局局长谈秋季学期义务教育招生',
        intro: '解读今年秋季学期招生入学政策。',
        startsAt: `${day()}T09:30`,
        endsAt: `${day()}T10:30`,
        guests: '王明｜县教育局局长\n李华｜县教育局基础教育股股长',
      };
      for (const bad of [
        { endsAt: `${day()}T09:00` },
        { startsAt: '2026-02-30T09:30' },
        { title: '谈' },
        { guests: '甲\n甲' },
        { agencyId: '0' },
      ])
        assert.equal(
          (await post(s.app, editor.jar, '/admin/interviews', { ...fields, ...bad }, editor.csrf)).statusCode,
          400,
          JSON.stringify(bad),
        );
      assert.equal(
        (
          await post(
            s.app,
            editor.jar,
            '/admin/interviews',
            { ...fields, agencyId: String(s.f.agencies[5].id) },
            editor.csrf,
          )
        ).statusCode,
        403,
      );
      const made = await post(s.app, editor.jar, '/admin/interviews', fields, editor.csrf);
      assert.equal(made.statusCode, 303);
      const id = Number(/interviews\/(\d+)/.exec(made.headers.location as string)![1]);
      const base = `/admin/interviews/${id}`;

      // a guest's photo: a picture by its content, served with the interview only
      const fake = await sendForm(
        s.app,
        editor,
        `${base}/photo`,
        { guest: '0' },
        { field: 'photo', name: 'photo.png', data: Buffer.from('MZ not a picture') },
      );
      assert.equal(fake.statusCode, 400);
      const uploaded = await sendForm(
        s.app,
        editor,
        `${base}/photo`,
        { guest: '0' },
        { field: 'photo', name: 'wang.png', data: PNG },
      );
      assert.equal(uploaded.statusCode, 303, uploaded.body);

      assert.equal((await get(s.app, new Jar(), `/s/demo/interviews/${id}`)).statusCode, 404, 'a draft is not public');
      assert.equal((await post(s.app, editor.jar, `${base}/publish`, {}, editor.csrf)).statusCode, 403);
      assert.equal((await post(s.app, reviewer.jar, `${base}/publish`, {}, reviewer.csrf)).statusCode, 303);
      const announced = await get(s.app, new Jar(), `/s/demo/interviews/${id}`);
      assert.match(textOf(announced.body), /预告.*访谈嘉宾.*王明.*县教育局局长/s);
      const photoUrl = /src="(\/s\/demo\/interviews\/\d+\/images\/[0-9a-f]{64})"/.exec(announced.body)![1];
      const img = await get(s.app, new Jar(), photoUrl);
      assert.equal(img.statusCode, 200);
      assert.equal(img.headers['content-type'], 'image/png');
      assert.equal((await get(s.app, new Jar(), `/s/demo/interviews/${id}/images/${'0'.repeat(64)}`)).statusCode, 404);

      // residents ask before the interview: refused input, then a question with a phone number in it
      const ask = async (values: Record<string, string>, ip: string) => {
        const jar = new Jar();
        const form = await get(s.app, jar, `/s/demo/interviews/${id}/ask`);
        assert.equal(form.statusCode, 200);
        const res = await s.app.inject({
          method: 'POST',
          url: `/s/demo/interviews/${id}/ask`,
          payload: new URLSearchParams({
            captchaToken: hidden(form.body, 'captchaToken'),
            captcha: solve(question(form.body)),
            _csrf: csrfFrom(form.body),
            ...values,
          }).toString(),
          headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
          remoteAddress: ip,
        });
        return res;
      };
      const short = await ask({ content: '请问' }, '10.3.0.1');
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /问题内容/);
      assert.equal(
        (await ask({ content: '今年城区小学的划片范围有变化吗？电话13912345678', name: '周建华' }, '10.3.0.1'))
          .statusCode,
        303,
      );
      assert.equal((await ask({ content: '广告：代办入学，包过！！！' }, '10.3.0.2')).statusCode, 303);
      // the 工作台 reminds of the questions, and counts the interview among the agency's 政民互动
      const desk = textOf((await get(s.app, editor.jar, '/admin')).body);
      assert.match(desk, /在线访谈：网友提问待审核 2 条/);
      assert.match(desk, /政民互动.*在线访谈\s*预告\s*1\s*直播中\s*0\s*待审核提问\s*2/s);
      const questions = [...(await get(s.app, editor.jar, base)).body.matchAll(/questions\/(\d+)\/moderate/g)].map(
        (m) => m[1],
      );
      assert.equal(questions.length, 2);
      assert.equal(
        (
          await post(
            s.app,
            editor.jar,
            `${base}/questions/${questions[1]}/moderate`,
            { show: '0', reason: '' },
            editor.csrf,
          )
        ).statusCode,
        400,
        'a reason to turn one down',
      );
      assert.equal(
        (
          await post(
            s.app,
            editor.jar,
            `${base}/questions/${questions[1]}/moderate`,
            { show: '0', reason: '广告' },
            editor.csrf,
          )
        ).statusCode,
        303,
      );
      assert.equal(
        (await post(s.app, editor.jar, `${base}/questions/${questions[0]}/moderate`, { show: '1' }, editor.csrf))
          .statusCode,
        303,
      );
      assert.equal(
        (await post(s.app, editor.jar, `${base}/questions/${questions[0]}/put`, {}, editor.csrf)).statusCode,
        409,
        'not before the interview is live',
      );
      assert.equal(
        (await post(s.app, editor.jar, `${base}/post`, { speaker: 'host', content: '各位网友好' }, editor.csrf))
          .statusCode,
        409,
      );

      // live: the host opens, puts the question, a guest answers with a picture
      assert.equal((await post(s.app, editor.jar, `${base}/start`, {}, editor.csrf)).statusCode, 303);
      assert.match(
        textOf((await get(s.app, editor.jar, '/admin')).body),
        /在线访谈\s*预告\s*0\s*直播中\s*1\s*待审核提问\s*0/,
      );
      assert.equal(
        (
          await sendForm(s.app, editor, `${base}/post`, {
            speaker: 'host',
            content: '各位网友，大家好！欢迎来到在线访谈。',
          })
        ).statusCode,
        303,
      );
      assert.equal(
        (await post(s.app, editor.jar, `${base}/questions/${questions[0]}/put`, {}, editor.csrf)).statusCode,
        303,
      );
      assert.equal(
        (await post(s.app, editor.jar, `${base}/questions/${questions[0]}/put`, {}, editor.csrf)).statusCode,
        409,
        'once',
      );
      assert.equal(
        (await post(s.app, editor.jar, `${base}/questions/${questions[1]}/put`, {}, editor.csrf)).statusCode,
        409,
        'a question turned down is never put',
      );
      assert.equal(
        (
          await sendForm(
            s.app,
            editor,
            `${base}/post`,
            { speaker: 'g0', content: '今年城区小学划片范围总体保持稳定，新建的城东小学单独划片。' },
            { field: 'image', name: 'map.png', data: PNG },
          )
        ).statusCode,
        303,
      );
      for (const bad of [
        { speaker: 'g9', content: '某某' },
        { speaker: 'x', content: '某某' },
        { speaker: 'host', content: '' },
      ])
        assert.equal(
          (await post(s.app, editor.jar, `${base}/post`, bad, editor.csrf)).statusCode,
          400,
          JSON.stringify(bad),
        );
      assert.equal(
        (await post(s.app, reviewer.jar, `${base}/post`, { speaker: 'host', content: '审核人也可以' }, reviewer.csrf))
          .statusCode,
        303,
      );

      const livePage = await get(s.app, new Jar(), `/s/demo/interviews/${id}`);
      const text = textOf(livePage.body);
      assert.match(text, /正在直播/);
      assert.match(
        text,
        /主持人.*各位网友，大家好.*网友“周\*\*”问.*今年城区小学的划片范围有变化吗.*县教育局局长 王明.*城东小学单独划片/s,
      );
      assert.doesNotMatch(text, /13912345678|周建华|代办入学/, 'no name, phone or turned-down question');
      assert.match(livePage.body, /data-live="\/s\/demo\/interviews\/\d+\/live" data-after="4"/);
      assert.match(livePage.body, /刷新查看最新内容/, 'without JavaScript the reader refreshes');
      const picture =
        /<img src="(\/s\/demo\/interviews\/\d+\/images\/[0-9a-f]{64})" alt="县教育局局长 王明发布的图片"/.exec(
          livePage.body,
        );
      assert.ok(picture, 'the post’s picture is shown');

      // ended: no more questions or posts; the summary; the transcript stays
      assert.equal(
        (await post(s.app, editor.jar, `${base}/summary`, { summary: '访谈解读了招生政策。' }, editor.csrf)).statusCode,
        409,
      );
      assert.equal((await post(s.app, editor.jar, `${base}/end`, {}, editor.csrf)).statusCode, 303);
      assert.equal((await get(s.app, new Jar(), `/s/demo/interviews/${id}/ask`)).statusCode, 409);
      assert.equal(
        (await post(s.app, editor.jar, `${base}/post`, { speaker: 'host', content: '再见' }, editor.csrf)).statusCode,
        409,
      );
      assert.equal(
        (
          await post(
            s.app,
            editor.jar,
            `${base}/summary`,
            { summary: '访谈解读了招生政策。', videoUrl: 'javascript:alert(1)' },
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
            `${base}/summary`,
            {
              summary: '访谈解读了今年秋季学期义务教育招生政策，回应了网友关心的划片问题。',
              videoUrl: 'https://video.example.gov.cn/1.mp4',
            },
            editor.csrf,
          )
        ).statusCode,
        303,
      );
      const transcript = textOf((await get(s.app, new Jar(), `/s/demo/interviews/${id}`)).body);
      assert.match(transcript, /已结束.*访谈摘要.*回应了网友关心的划片问题.*文字实录.*城东小学单独划片/s);
      assert.match(
        textOf((await get(s.app, new Jar(), '/s/demo/interviews')).body),
        /县教育局局长谈秋季学期义务教育招生/,
      );
      assert.match(textOf((await get(s.app, new Jar(), '/s/demo/mail')).body), /在线访谈/);

      // only the office withdraws
      assert.equal(
        (await post(s.app, reviewer.jar, `${base}/withdraw`, { reason: '重复' }, reviewer.csrf)).statusCode,
        403,
      );
      const office = await login(s.app, 'office');
      assert.equal(
        (await post(s.app, office.jar, `${base}/withdraw`, { reason: '内容重复' }, office.csrf)).statusCode,
        303,
      );
      assert.equal((await get(s.app, new Jar(), `/s/demo/interviews/${id}`)).statusCode, 404);
      assert.equal((await get(s.app, new Jar(), photoUrl)).statusCode, 404);
    });

    test('another agency’s staff neither see nor run an interview; bad addresses are 404s', async () => {
      const office = await login(s.app, 'office');
      const made = await post(
        s.app,
        office.jar,
        '/admin/interviews',
        {
          agencyId: String(s.f.agencies[4].id),
          title: '县住建局谈老旧小区改造',
          startsAt: `${day()}T15:00`,
          endsAt: `${day()}T16:00`,
          guests: '赵强｜县住建局局长',
        },
        office.csrf,
      );
      const id = Number(/interviews\/(\d+)/.exec(made.headers.location as string)![1]);
      const edu = await login(s.app, 'edu-editor', 'edu-password-1');
      assert.equal((await get(s.app, edu.jar, `/admin/interviews/${id}`)).statusCode, 404);
      assert.equal((await post(s.app, edu.jar, `/admin/interviews/${id}/publish`, {}, edu.csrf)).statusCode, 404);
      assert.doesNotMatch((await get(s.app, edu.jar, '/admin/interviews')).body, /老旧小区改造/);
      for (const url of [
        '/s/demo/interviews/abc',
        '/s/demo/interviews/99999999',
        `/s/demo/interviews/${id}`,
        `/s/demo/interviews/${id}/live`,
        `/s/demo/interviews/${id}/ask`,
      ])
        assert.equal((await get(s.app, new Jar(), url)).statusCode, 404, url);
      assert.equal((await post(s.app, office.jar, `/admin/interviews/${id}/nothing`, {}, office.csrf)).statusCode, 404);
      assert.equal(
        (await post(s.app, office.jar, `/admin/interviews/${id}/questions/x/put`, {}, office.csrf)).statusCode,
        404,
      );
    });
  });
}

/** A post published through one instance reaches readers of the other within moments: the stream is the database's. */
describe('the live stream across two instances on one PostgreSQL', () => {
  const s = {} as { ctx: Ctx; a: FastifyInstance; b: FastifyInstance; baseB: string; baseA: string };
  let close: () => Promise<void>;
  before(async () => {
    const d = await freshDb('postgres');
    close = d.close;
    const env = { DATABASE_URL: 'postgres://shared', LOGIN_PER_MINUTE: '1000' };
    s.ctx = testCtx(d.db, testConfig(env));
    await demoFixture(s.ctx);
    s.a = await buildApp(s.ctx);
    s.b = await buildApp(testCtx(d.db, testConfig(env)));
    s.baseA = await s.a.listen({ host: '127.0.0.1', port: 0 });
    s.baseB = await s.b.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await s.a.close();
    await s.b.close();
    await close();
  });

  test('readers on B get the posts published on A in order, catch up from their last after reconnecting, and are told when it ends', async () => {
    const office = await login(s.a, 'office');
    const day = addDays(shanghaiDate(s.ctx.now()), 1);
    const made = await post(
      s.a,
      office.jar,
      '/admin/interviews',
      {
        agencyId: String(
          (await s.ctx.db.selectFrom('agencies').select('id').orderBy('id').offset(3).executeTakeFirstOrThrow()).id,
        ),
        title: '两个实例的直播',
        startsAt: `${day}T09:00`,
        endsAt: `${day}T10:00`,
        guests: '王明｜局长',
      },
      office.csrf,
    );
    const id = Number(/interviews\/(\d+)/.exec(made.headers.location as string)![1]);
    for (const step of ['publish', 'start'])
      assert.equal((await post(s.a, office.jar, `/admin/interviews/${id}/${step}`, {}, office.csrf)).statusCode, 303);
    const say = (content: string) =>
      post(s.a, office.jar, `/admin/interviews/${id}/post`, { speaker: 'g0', content }, office.csrf);

    await say('第一条');
    const readers = [0, 1, 2].map(() => new SseReader(`${s.baseB}/s/demo/interviews/${id}/live?after=0`));
    await Promise.all(readers.map((r) => r.opened));
    assert.equal(readers[0].status, 200);
    assert.match(String(readers[0].headers['content-type']), /text\/event-stream/);
    assert.equal(readers[0].headers['cache-control'], 'no-store');
    const head = await fetch(`${s.baseB}/s/demo/interviews/${id}/live`, { method: 'HEAD' });
    assert.equal(head.status, 200, 'a HEAD is answered, not held open');
    await Promise.all(readers.map((r) => r.next((e) => e.id === '1')));
    const sent = Date.now();
    await say('第二条：划片范围保持稳定');
    const second = await Promise.all(readers.map((r) => r.next((e) => e.id === '2')));
    const took = Date.now() - sent;
    assert.match(JSON.parse(second[0].data).html, /局长 王明.*第二条：划片范围保持稳定/s);
    assert.ok(took < 5000, `delivered in ${took} ms`);
    await say('第三条');
    await readers[0].next((e) => e.id === '3');
    assert.deepEqual(
      readers[0].events.filter((e) => e.event === 'post').map((e) => e.id),
      ['1', '2', '3'],
      'each post once, in order',
    );

    // a reader that drops after the second post reconnects (to A) with Last-Event-ID and gets only what it missed
    const back = new SseReader(`${s.baseA}/s/demo/interviews/${id}/live`, { 'last-event-id': '2' });
    await back.next((e) => e.id === '3');
    assert.deepEqual(
      back.events.map((e) => e.id),
      ['3'],
    );

    // the end is told to every reader, and the stream closes
    assert.equal((await post(s.a, office.jar, `/admin/interviews/${id}/end`, {}, office.csrf)).statusCode, 303);
    await Promise.all([...readers, back].map((r) => r.next((e) => e.event === 'end')));
    for (const r of readers) r.close();
    back.close();
  });
});

/** The service's own steps, used by the bench: a post's number is the next one even when two hosts post at once. */
describe('posts numbered under the interview’s lock (postgres)', () => {
  const s = webSuite('postgres');
  test('twenty posts at once get the numbers 1–20, each once', async () => {
    const office = await login(s.app, 'office');
    const day = addDays(shanghaiDate(s.ctx.now()), 1);
    const made = await post(
      s.app,
      office.jar,
      '/admin/interviews',
      {
        agencyId: String(s.f.agencies[3].id),
        title: '同时发布',
        startsAt: `${day}T09:00`,
        endsAt: `${day}T10:00`,
        guests: '王明｜局长',
      },
      office.csrf,
    );
    const id = Number(/interviews\/(\d+)/.exec(made.headers.location as string)![1]);
    for (const step of ['publish', 'start'])
      await post(s.app, office.jar, `/admin/interviews/${id}/${step}`, {}, office.csrf);
    const actor = await s.f.actor('office');
    const seqs = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        postToStream(s.ctx, actor, id, { speaker: 'host', content: `第${n + 1}条` }, null),
      ),
    );
    assert.deepEqual(
      [...seqs].sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, n) => n + 1),
    );
    await endInterview(s.ctx, actor, id);
  });
});
