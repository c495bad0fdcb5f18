import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { hostile } from '../../../test/support/hostile.ts';
import { textOf } from '../../../test/support/html.ts';
import { csrfFrom, get, Jar, multipart } from '../../../test/support/http.ts';
import { freshLetterCounts, keptLetterCounts } from '../../../test/support/letters.ts';
import { solve } from '../../../test/support/requests.ts';
import { webSuite } from '../../../test/support/web.ts';
import { newChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';

/** How many generated submissions each public form of 互动交流 takes. */
const FLOOD = 1000;

/** A field as a resident, a careless one or an attacker sends it. */
const either = (valid: fc.Arbitrary<string>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: hostile });

/** A letter as a resident writes it. */
const validLetter = {
  kind: fc.constantFrom('consult', 'suggest', 'complain', 'help', 'other'),
  agencyId: fc.constantFrom('', '4', '12'),
  title: fc.nat().map((n) => `关于城区第${n}号路灯不亮的问题`),
  content: fc.constant('城区这一段路灯已经连续一周不亮，夜间行人和车辆通行很不安全，请尽快维修。'),
  name: fc.constantFrom('张三', '李四'),
  phone: fc.constantFrom('13800001111', ''),
  email: fc.constantFrom('', 'a@example.com'),
  consent: fc.constantFrom('on', ''),
  faqSeen: fc.constantFrom('1', '1', ''),
};

/** Letters as residents, careless ones and attackers send them: a third whole, the rest with any field hostile. */
const letterFields = fc.oneof(
  fc.record(validLetter),
  fc.record(Object.fromEntries(Object.entries(validLetter).map(([k, v]) => [k, either(v)])) as typeof validLetter, {
    requiredKeys: [],
  }),
  fc.record(Object.fromEntries(Object.entries(validLetter).map(([k, v]) => [k, either(v)])) as typeof validLetter, {
    requiredKeys: [],
  }),
);

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`a flood of generated hostile submissions to the public forms of 互动交流 (${kind})`, () => {
    const s = webSuite(kind);
    let address = 0;
    /** Each submission from an address of its own, as a crowd sends it (one address's limit is tested apart). */
    const nextAddress = () => {
      address++;
      return `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`;
    };
    const count = async (table: 'letters' | 'consultation_comments' | 'survey_responses' | 'interview_questions') =>
      Number(
        (
          await s.ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    /**
     * Sends FLOOD generated forms to a public form as a crowd would — each from an address of its own, the captcha
     * answered, answered wrong or forged — and counts the answers, each 303 (accepted) or a 4xx, never a 5xx.
     */
    async function floodForm(url: string, jar: Jar, csrf: string, fields: fc.Arbitrary<[string, string][]>) {
      const key = dataKey(s.ctx.config);
      const statuses = new Map<number, number>();
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(fields, fc.constantFrom('good', 'good', 'wrong', 'forged'), async (pairs, captcha) => {
          const challenge = newChallenge(key, s.ctx.now());
          const body = new URLSearchParams([
            ...pairs.map(([k, v]): [string, string] => [k, v.toWellFormed()]),
            ['_csrf', csrf],
            ['captchaToken', captcha === 'forged' ? `${challenge.token.slice(0, -4)}AAAA` : challenge.token],
            ['captcha', captcha === 'wrong' ? '99' : solve(challenge.question)],
          ]);
          const res = await s.app.inject({
            method: 'POST',
            url,
            payload: body.toString(),
            headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
            remoteAddress: nextAddress(),
          });
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode === 303) accepted++;
          assert.ok(
            res.statusCode === 303 || (res.statusCode >= 400 && res.statusCode < 500),
            `${res.statusCode} ${res.body.slice(0, 200)}`,
          );
        }),
        { numRuns: FLOOD },
      );
      assert.ok(accepted > 50 && (statuses.get(400) ?? 0) > 100, JSON.stringify([...statuses]));
      return { accepted, statuses };
    }

    /** Whole forms, and forms with any field hostile or left out. */
    const formsLike = <T extends Record<string, fc.Arbitrary<string>>>(valid: T) =>
      fc
        .oneof(
          fc.record(valid),
          fc.record(Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, either(v)])) as T, {
            requiredKeys: [],
          }),
        )
        .map((r) => Object.entries(r) as [string, string][]);

    test(`${FLOOD} letters: each refused with 4xx, offered answers or accepted, never a 5xx; every accepted letter is kept whole`, async () => {
      const jar = new Jar();
      const csrf = csrfFrom((await get(s.app, jar, '/s/demo/mail/xzxx/write')).body);
      const key = dataKey(s.ctx.config);
      const before = await count('letters');
      const statuses = new Map<number, number>();
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(
          letterFields,
          fc.constantFrom('good', 'good', 'wrong', 'forged'),
          fc.oneof({ weight: 8, arbitrary: fc.constantFrom('xzxx', 'jyj') }, { weight: 1, arbitrary: hostile }),
          fc.option(
            fc.oneof(
              fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
              fc.constant(PNG),
            ),
          ),
          async (form, captcha, slug, file) => {
            const challenge = newChallenge(key, s.ctx.now());
            const fields: Record<string, string> = {
              ...form,
              _csrf: csrf,
              captchaToken: captcha === 'forged' ? `${challenge.token.slice(0, -4)}AAAA` : challenge.token,
              captcha: captcha === 'wrong' ? '99' : solve(challenge.question),
            };
            const body =
              file === null
                ? {
                    payload: new URLSearchParams(
                      Object.entries(fields).map(([k, v]) => [k, v.toWellFormed()]),
                    ).toString(),
                    type: 'application/x-www-form-urlencoded',
                  }
                : multipart(
                    Object.fromEntries(
                      Object.entries(fields).map(([k, v]) => [k, v.toWellFormed().replace(/[\r\n]/g, ' ')]),
                    ),
                    { field: 'file', name: 'a.png', type: 'image/png', data: file },
                  );
            const res = await s.app.inject({
              method: 'POST',
              url: `/s/demo/mail/${encodeURIComponent(slug.toWellFormed())}/write?_csrf=${encodeURIComponent(csrf)}`,
              payload: body.payload,
              headers: { cookie: jar.header, 'content-type': body.type },
              remoteAddress: nextAddress(),
            });
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            if (res.statusCode === 303) accepted++;
            assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 200)}`);
            assert.ok([200, 303].includes(res.statusCode) || res.statusCode >= 400, String(res.statusCode));
            if (res.statusCode >= 400) assert.match(res.body, /[\u4e00-\u9fff]/, 'a Chinese message');
          },
        ),
        { numRuns: FLOOD },
      );
      // what was refused wrote nothing; what was accepted is all there, each with its first step
      assert.equal(await count('letters'), before + accepted, JSON.stringify([...statuses]));
      const stepless = await s.ctx.db
        .selectFrom('letters')
        .leftJoin('letter_events', (j) =>
          j.onRef('letter_events.letter_id', '=', 'letters.id').on('letter_events.kind', '=', 'submitted'),
        )
        .select('letters.id')
        .where('letter_events.id', 'is', null)
        .execute();
      assert.deepEqual(stepless, []);
      assert.deepEqual(
        await keptLetterCounts(s.ctx.db),
        await freshLetterCounts(s.ctx.db),
        'the statistics count them',
      );
      assert.ok(accepted > 50, `some were accepted: ${JSON.stringify([...statuses])}`);
      assert.ok((statuses.get(400) ?? 0) > 100, `many were refused: ${JSON.stringify([...statuses])}`);
    });

    test(`${FLOOD} lookups and ratings: 4xx for what is wrong, never a 5xx, and one address is held to its limit`, async () => {
      const jar = new Jar();
      const csrf = csrfFrom((await get(s.app, jar, '/s/demo/mail/status')).body);
      const real = await s.ctx.db.selectFrom('letters').select('tracking_no').executeTakeFirstOrThrow();
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('/s/demo/mail/status', '/s/demo/mail/status/rate'),
          fc.record(
            {
              trackingNo: either(fc.constant(real.tracking_no)),
              queryCode: either(fc.constant('ABCDEFGH')),
              rating: either(fc.constantFrom('satisfied', 'basic', 'unsatisfied')),
              comment: hostile,
              reopen: either(fc.constantFrom('on', '')),
            },
            { requiredKeys: [] },
          ),
          async (url, form) => {
            const res = await s.app.inject({
              method: 'POST',
              url,
              payload: new URLSearchParams(
                Object.entries({ ...form, _csrf: csrf }).map(([k, v]) => [k, v.toWellFormed()]),
              ).toString(),
              headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
              remoteAddress: nextAddress(),
            });
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body.slice(0, 200)}`);
          },
        ),
        { numRuns: FLOOD },
      );
      // one address sending fast is stopped after its share, with a Chinese message
      const codes: number[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await s.app.inject({
          method: 'POST',
          url: '/s/demo/mail/status',
          payload: `trackingNo=1&queryCode=2&_csrf=${encodeURIComponent(csrf)}`,
          headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
          remoteAddress: '192.0.2.77',
        });
        codes.push(res.statusCode);
        if (res.statusCode === 429) assert.match(res.body, /[\u4e00-\u9fff]/);
      }
      assert.equal(codes.filter((c) => c === 429).length, 10, codes.join(','));
    });

    test(`${FLOOD} comments on a draft: 4xx or accepted, never a 5xx; every accepted comment kept, none shown unmoderated`, async () => {
      const jar = new Jar();
      const consultation = await s.ctx.db
        .selectFrom('consultations')
        .select('id')
        .where('title', 'like', '%养犬%')
        .executeTakeFirstOrThrow();
      const articles = (
        await s.ctx.db
          .selectFrom('consultation_articles')
          .select('id')
          .where('consultation_id', '=', consultation.id)
          .execute()
      ).map((a) => String(a.id));
      const url = `/s/demo/consult/${consultation.id}/comment`;
      const csrf = csrfFrom((await get(s.app, jar, url)).body);
      const before = await count('consultation_comments');
      const shownBefore = (await get(s.app, new Jar(), `/s/demo/consult/${consultation.id}`)).body;
      const { accepted, statuses } = await floodForm(
        url,
        jar,
        csrf,
        formsLike({
          articleId: fc.constantFrom('', ...articles),
          content: fc.nat().map((n) => `建议第${n}项内容再细化，明确责任部门和办理时限。`),
          name: fc.constantFrom('', '钱某'),
          contact: fc.constantFrom('', '13800001111'),
        }),
      );
      assert.equal(await count('consultation_comments'), before + accepted, JSON.stringify([...statuses]));
      const pending = await s.ctx.db
        .selectFrom('consultation_comments')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('consultation_id', '=', consultation.id)
        .where('state', '=', 'pending')
        .executeTakeFirstOrThrow();
      assert.ok(Number(pending.n) >= accepted, 'every accepted comment waits for moderation');
      const shownAfter = (await get(s.app, new Jar(), `/s/demo/consult/${consultation.id}`)).body;
      assert.equal(
        /公开的意见（(\d+) 条）/.exec(shownAfter)?.[1],
        /公开的意见（(\d+) 条）/.exec(shownBefore)?.[1],
        'nothing shows before it is moderated',
      );
    });

    test(`${FLOOD} answers to a survey: 4xx or accepted, never a 5xx; every accepted questionnaire kept whole and within its choices`, async () => {
      const survey = await s.ctx.db
        .selectFrom('surveys')
        .select('id')
        .where('title', 'like', '%民生实事%')
        .executeTakeFirstOrThrow();
      const [choice, written] = (
        await s.ctx.db
          .selectFrom('survey_questions')
          .select('id')
          .where('survey_id', '=', survey.id)
          .orderBy('position')
          .execute()
      ).map((q) => `a${q.id}`);
      const url = `/s/demo/survey/${survey.id}/answer`;
      const jar = new Jar();
      const csrf = csrfFrom((await get(s.app, jar, url)).body);
      // no browser mark: each submission is a browser of its own (one browser's one answer is tested apart)
      jar.cookies.delete('gk_voter');
      const before = await count('survey_responses');
      const picks = fc.uniqueArray(fc.constantFrom('0', '1', '2', '3', '4'), { minLength: 1, maxLength: 5 });
      const { accepted, statuses } = await floodForm(
        url,
        jar,
        csrf,
        fc
          .tuple(
            fc.oneof(picks, fc.array(either(fc.constantFrom('0', '4')), { maxLength: 8 }), hostile),
            either(fc.constantFrom('', '希望多建社区食堂。')),
            fc.option(fc.tuple(fc.constantFrom(`${choice}_0`, 'a999999', '__proto__', 'constructor'), hostile)),
          )
          .map(([chosen, text, extra]): [string, string][] => [
            [written, text],
            ...[chosen].flat().map((c): [string, string] => [choice, c]),
            ...(extra ? [extra] : []),
          ]),
      );
      assert.equal(await count('survey_responses'), before + accepted, JSON.stringify([...statuses]));
      // every questionnaire answers the required question, with choices the question has, each once
      const bad = await s.ctx.db
        .selectFrom('survey_responses')
        .select('survey_responses.id')
        .where('survey_responses.survey_id', '=', survey.id)
        .where((eb) =>
          eb.or([
            eb.not(
              eb.exists(
                eb
                  .selectFrom('survey_answers')
                  .select('response_id')
                  .whereRef('survey_answers.response_id', '=', 'survey_responses.id')
                  .where('survey_answers.question_id', '=', Number(choice.slice(1))),
              ),
            ),
            eb.exists(
              eb
                .selectFrom('survey_answers')
                .select('response_id')
                .whereRef('survey_answers.response_id', '=', 'survey_responses.id')
                .where('survey_answers.question_id', '=', Number(choice.slice(1)))
                .where((x) => x.or([x('choice', '<', 0), x('choice', '>', 4), x('choice', 'is', null)])),
            ),
          ]),
        )
        .execute();
      assert.deepEqual(bad, []);
    });

    test(`${FLOOD} questions to an interview: 4xx or accepted, never a 5xx; every accepted question kept, none shown unmoderated`, async () => {
      const interview = await s.ctx.db
        .selectFrom('interviews')
        .select('id')
        .where('title', 'like', '%家庭医生%')
        .executeTakeFirstOrThrow();
      const url = `/s/demo/interviews/${interview.id}/ask`;
      const jar = new Jar();
      const csrf = csrfFrom((await get(s.app, jar, url)).body);
      const before = await count('interview_questions');
      const pageBefore = (await get(s.app, new Jar(), `/s/demo/interviews/${interview.id}`)).body;
      const { accepted, statuses } = await floodForm(
        url,
        jar,
        csrf,
        formsLike({
          content: fc.nat().map((n) => `请问第${n}个社区的家庭医生每周什么时候坐诊？`),
          name: fc.constantFrom('', '钱先生'),
        }),
      );
      assert.equal(await count('interview_questions'), before + accepted, JSON.stringify([...statuses]));
      const waiting = await s.ctx.db
        .selectFrom('interview_questions')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('interview_id', '=', interview.id)
        .where('state', '=', 'pending')
        .executeTakeFirstOrThrow();
      assert.ok(Number(waiting.n) >= accepted, 'every accepted question waits for moderation');
      assert.equal(
        textOf((await get(s.app, new Jar(), `/s/demo/interviews/${interview.id}`)).body),
        textOf(pageBefore),
        'nothing shows before it is moderated',
      );
    });
  });
}

/** The smallest PNG: a letter's picture that passes the content check. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
