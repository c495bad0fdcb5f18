/** The SQL of 网上调查: surveys, their questions, responses and answers, and the counts the results are made of. */
import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { DB, SurveyQuestionKind, SurveysTable } from '../../core/db.types.ts';
import type { Answer, Question, StoredQuestion, Tally } from './interaction.surveys.rules.ts';
import { SURVEY_PAGE } from './interaction.surveys.rules.ts';

type Q = Kysely<DB>;

export async function insertSurvey(q: Q, values: Insertable<SurveysTable>): Promise<number> {
  return (await q.insertInto('surveys').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateSurvey(q: Q, id: number, set: Updateable<SurveysTable>): Promise<void> {
  await q
    .updateTable('surveys')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export const surveyRow = (q: Q, id: number) =>
  q.selectFrom('surveys').selectAll().where('id', '=', id).executeTakeFirst();

export const lockSurvey = (q: Q, id: number) =>
  q.selectFrom('surveys').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

/** Replaces a survey's questions (while it is a draft: no answer refers to them yet). */
export async function replaceQuestions(q: Q, surveyId: number, questions: Question[]): Promise<void> {
  await q.deleteFrom('survey_questions').where('survey_id', '=', surveyId).execute();
  if (questions.length)
    await q
      .insertInto('survey_questions')
      .values(
        questions.map((x, i) => ({
          survey_id: surveyId,
          position: i + 1,
          kind: x.kind,
          prompt: x.prompt,
          required: x.required,
          options: JSON.stringify(x.options),
          rows: JSON.stringify(x.rows),
        })),
      )
      .execute();
}

export async function questionsOf(q: Q, surveyId: number): Promise<StoredQuestion[]> {
  const rows = await q
    .selectFrom('survey_questions')
    .selectAll()
    .where('survey_id', '=', surveyId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    kind: r.kind as SurveyQuestionKind,
    prompt: r.prompt,
    required: r.required,
    options: r.options as string[],
    rows: r.rows as string[],
  }));
}

/** How many responses came from this address (its keyed hash), and whether this browser already answered. */
export async function priorResponses(q: Q, surveyId: number, voter: string, address: string) {
  const r = await q
    .selectFrom('survey_responses')
    .select([
      sql<string>`count(*) filter (where address = ${address})`.as('fromAddress'),
      sql<string>`count(*) filter (where voter = ${voter})`.as('fromVoter'),
    ])
    .where('survey_id', '=', surveyId)
    .where((eb) => eb.or([eb('address', '=', address), eb('voter', '=', voter)]))
    .executeTakeFirstOrThrow();
  return { fromAddress: Number(r.fromAddress), answered: Number(r.fromVoter) > 0 };
}

/** Holds answers from one address to a survey one at a time (a burst cannot pass its limit between count and insert). */
export async function lockAddress(q: Q, surveyId: number, address: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`survey:${surveyId}:${address}`}, 0))`.execute(q);
}

/** Stores one response and its answers; false when this browser's response is already there (a double send). */
export async function insertResponse(
  q: Q,
  surveyId: number,
  who: { voter: string; address: string },
  answers: Answer[],
  at: Date,
): Promise<number | null> {
  const r = await q
    .insertInto('survey_responses')
    .values({ survey_id: surveyId, voter: who.voter, address: who.address, submitted_at: at })
    .onConflict((oc) => oc.columns(['survey_id', 'voter']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!r) return null;
  if (answers.length)
    await q
      .insertInto('survey_answers')
      .values(
        answers.map((a) => ({
          response_id: r.id,
          survey_id: surveyId,
          question_id: a.questionId,
          row_no: a.rowNo,
          choice: a.choice,
          text: a.text,
        })),
      )
      .execute();
  return r.id;
}

/** The counts the results are made of: per question, row and choice; and how many responses answered each question. */
export async function surveyTally(q: Q, surveyId: number) {
  const [tally, answered, total] = await Promise.all([
    q
      .selectFrom('survey_answers')
      .select(['question_id', 'row_no', 'choice', (eb) => eb.fn.countAll<string>().as('n')])
      .where('survey_id', '=', surveyId)
      .where('choice', 'is not', null)
      .groupBy(['question_id', 'row_no', 'choice'])
      .execute(),
    q
      .selectFrom('survey_answers')
      .select(['question_id', sql<string>`count(distinct response_id)`.as('n')])
      .where('survey_id', '=', surveyId)
      .groupBy('question_id')
      .execute(),
    q
      .selectFrom('survey_responses')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('survey_id', '=', surveyId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    tally: tally.map((t) => ({ ...t, n: Number(t.n) })) as Tally,
    answered: new Map(answered.map((a) => [a.question_id, Number(a.n)])),
    responses: Number(total.n),
  };
}

/** The responses in the order they came, a page at a time after `after`, each with its answers (for the export). */
export async function responsesAfter(q: Q, surveyId: number, after: number, limit: number) {
  const responses = await q
    .selectFrom('survey_responses')
    .select(['id', 'submitted_at'])
    .where('survey_id', '=', surveyId)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
  const answers = responses.length
    ? await q
        .selectFrom('survey_answers')
        .select(['response_id', 'question_id', 'row_no', 'choice', 'text'])
        .where(
          'response_id',
          'in',
          responses.map((r) => r.id),
        )
        .execute()
    : [];
  return { responses, answers };
}

/** The written answers to one question, the newest first (staff read them; never public: they may name people). */
export const textAnswers = (q: Q, surveyId: number, questionId: number, limit: number) =>
  q
    .selectFrom('survey_answers')
    .innerJoin('survey_responses', 'survey_responses.id', 'survey_answers.response_id')
    .select(['survey_answers.text', 'survey_responses.submitted_at'])
    .where('survey_answers.survey_id', '=', surveyId)
    .where('survey_answers.question_id', '=', questionId)
    .where('survey_answers.text', 'is not', null)
    .orderBy('survey_answers.response_id', 'desc')
    .limit(limit)
    .execute();

const listed = (q: Q) =>
  q
    .selectFrom('surveys')
    .innerJoin('agencies', 'agencies.id', 'surveys.agency_id')
    .select([
      'surveys.id',
      'surveys.title',
      'surveys.opens_on',
      'surveys.closes_on',
      'surveys.published_at',
      'surveys.results_published_at',
      'surveys.withdrawn_reason',
      'agencies.name as agency',
      (eb) =>
        eb
          .selectFrom('survey_responses')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('survey_responses.survey_id', '=', 'surveys.id')
          .as('responses'),
    ]);

/** Published surveys of a site, the newest first (one more than a page: whether there is a next one). */
export async function publicSurveys(q: Q, siteId: number, page: number) {
  const rows = await listed(q)
    .where('surveys.site_id', '=', siteId)
    .where('surveys.published_at', 'is not', null)
    .where('surveys.withdrawn_reason', '=', '')
    .orderBy('surveys.opens_on', 'desc')
    .orderBy('surveys.id', 'desc')
    .limit(SURVEY_PAGE + 1)
    .offset((page - 1) * SURVEY_PAGE)
    .execute();
  return { rows: rows.slice(0, SURVEY_PAGE), more: rows.length > SURVEY_PAGE };
}

/** The staff's list: every survey of the site, or of these agencies, the most recently changed first. */
export async function staffSurveys(q: Q, siteId: number, agencyIds: number[] | undefined, page: number) {
  let count = q.selectFrom('surveys').where('site_id', '=', siteId);
  let rows = listed(q).where('surveys.site_id', '=', siteId);
  if (agencyIds) {
    const ids = agencyIds.length ? agencyIds : [0];
    count = count.where('agency_id', 'in', ids);
    rows = rows.where('surveys.agency_id', 'in', ids);
  }
  const [list, total] = await Promise.all([
    rows
      .orderBy('surveys.updated_at', 'desc')
      .orderBy('surveys.id', 'desc')
      .limit(SURVEY_PAGE)
      .offset((page - 1) * SURVEY_PAGE)
      .execute(),
    count.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: list, total: Number(total.n) };
}

/** The 工作台's figures: surveys open on `today` and their answers, and those closed without their results public. */
export async function surveyCounts(q: Q, siteId: number, agencyIds: number[] | undefined, today: string) {
  let query = q
    .selectFrom('surveys')
    .where('site_id', '=', siteId)
    .where('published_at', 'is not', null)
    .where('withdrawn_reason', '=', '');
  if (agencyIds) query = query.where('agency_id', 'in', agencyIds.length ? agencyIds : [0]);
  const r = await query
    .select([
      sql<string>`count(*) filter (where opens_on <= ${today} and closes_on >= ${today})`.as('open'),
      sql<string>`count(*) filter (where closes_on < ${today} and results_published_at is null)`.as('unpublished'),
      sql<string>`coalesce(sum((select count(*) from survey_responses r where r.survey_id = surveys.id)) filter (where opens_on <= ${today} and closes_on >= ${today}), 0)`.as(
        'answers',
      ),
    ])
    .executeTakeFirstOrThrow();
  return { open: Number(r.open), unpublished: Number(r.unpublished), answers: Number(r.answers) };
}
