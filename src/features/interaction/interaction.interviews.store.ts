/** The SQL of 在线访谈: interviews, residents' questions and the numbered posts of the live stream. */
import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { DB, InterviewPostsTable, InterviewQuestionsTable, InterviewsTable } from '../../core/db.types.ts';
import { INTERVIEW_PAGE, POSTS_AT_ONCE } from './interaction.interviews.rules.ts';

type Q = Kysely<DB>;

export async function insertInterview(q: Q, values: Insertable<InterviewsTable>): Promise<number> {
  return (await q.insertInto('interviews').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateInterview(q: Q, id: number, set: Updateable<InterviewsTable>): Promise<void> {
  await q
    .updateTable('interviews')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export const interviewRow = (q: Q, id: number) =>
  q.selectFrom('interviews').selectAll().where('id', '=', id).executeTakeFirst();

/** The interview locked for a change: posts are numbered under this lock, so they commit in their order. */
export const lockInterview = (q: Q, id: number) =>
  q.selectFrom('interviews').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

/** Adds a post to the stream as its next number (the interview must be locked by the caller). */
export async function appendPost(q: Q, values: Omit<Insertable<InterviewPostsTable>, 'seq'>): Promise<number> {
  const r = await q
    .insertInto('interview_posts')
    .values({
      ...values,
      seq: sql<number>`(select coalesce(max(seq), 0) + 1 from interview_posts where interview_id = ${values.interview_id})`,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return r.seq;
}

/** The posts after a number, in order, at most POSTS_AT_ONCE. */
export const postsAfter = (q: Q, interviewId: number, after: number) =>
  q
    .selectFrom('interview_posts')
    .select(['seq', 'role', 'speaker', 'content', 'image', 'posted_at'])
    .where('interview_id', '=', interviewId)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(POSTS_AT_ONCE)
    .execute();
export type PostRow = Awaited<ReturnType<typeof postsAfter>>[number];

/** The whole transcript, in order. */
export const allPosts = (q: Q, interviewId: number) =>
  q
    .selectFrom('interview_posts')
    .select(['seq', 'role', 'speaker', 'content', 'image', 'posted_at', 'question_id'])
    .where('interview_id', '=', interviewId)
    .orderBy('seq')
    .execute();

/** Of these interviews, the number of the latest post of each and which have ended (what a follower polls). */
export async function streamHeads(q: Q, ids: number[]) {
  if (!ids.length) return [];
  return q
    .selectFrom('interviews')
    .select([
      'interviews.id',
      'interviews.ended_at',
      'interviews.withdrawn_reason',
      (eb) =>
        eb
          .selectFrom('interview_posts')
          .select((e) => e.fn.max('seq').as('m'))
          .whereRef('interview_posts.interview_id', '=', 'interviews.id')
          .as('last'),
    ])
    .where('interviews.id', 'in', ids)
    .execute();
}

export async function insertQuestion(q: Q, values: Insertable<InterviewQuestionsTable>): Promise<number> {
  return (await q.insertInto('interview_questions').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export const questionRow = (q: Q, interviewId: number, questionId: number) =>
  q
    .selectFrom('interview_questions')
    .selectAll()
    .where('interview_id', '=', interviewId)
    .where('id', '=', questionId)
    .forUpdate()
    .executeTakeFirst();

export async function updateQuestion(q: Q, questionId: number, set: Updateable<InterviewQuestionsTable>) {
  await q.updateTable('interview_questions').set(set).where('id', '=', questionId).execute();
}

/** Every question of an interview, in the order they came, with whether it was put in the stream. */
export const questionsOf = (q: Q, interviewId: number) =>
  q
    .selectFrom('interview_questions')
    .selectAll()
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('interview_posts')
            .select('interview_posts.id')
            .whereRef('interview_posts.question_id', '=', 'interview_questions.id'),
        )
        .as('put'),
    )
    .where('interview_id', '=', interviewId)
    .orderBy('id')
    .execute();

/** Whether a picture belongs to an interview (a guest's photo or a post's picture), so that it may be shown. */
export async function interviewHasImage(q: Q, interviewId: number, hash: string): Promise<boolean> {
  const r = await q
    .selectFrom('interviews')
    .select('id')
    .where('id', '=', interviewId)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('interview_posts')
            .select('interview_posts.id')
            .where('interview_posts.interview_id', '=', interviewId)
            .where('interview_posts.image', '=', hash),
        ),
        sql<boolean>`exists (select 1 from jsonb_array_elements(interviews.guests) g where g->>'photo' = ${hash})`,
      ]),
    )
    .executeTakeFirst();
  return r !== undefined;
}

const listed = (q: Q) =>
  q
    .selectFrom('interviews')
    .innerJoin('agencies', 'agencies.id', 'interviews.agency_id')
    .select([
      'interviews.id',
      'interviews.title',
      'interviews.starts_at',
      'interviews.ends_at',
      'interviews.guests',
      'interviews.published_at',
      'interviews.live_at',
      'interviews.ended_at',
      'interviews.withdrawn_reason',
      'agencies.name as agency',
      (eb) =>
        eb
          .selectFrom('interview_questions')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('interview_questions.interview_id', '=', 'interviews.id')
          .where('interview_questions.state', '=', 'pending')
          .as('pending'),
    ]);

/** Published interviews of a site, the latest first (one more than a page: whether there is a next one). */
export async function publicInterviews(q: Q, siteId: number, page: number) {
  const rows = await listed(q)
    .where('interviews.site_id', '=', siteId)
    .where('interviews.published_at', 'is not', null)
    .where('interviews.withdrawn_reason', '=', '')
    .orderBy('interviews.starts_at', 'desc')
    .orderBy('interviews.id', 'desc')
    .limit(INTERVIEW_PAGE + 1)
    .offset((page - 1) * INTERVIEW_PAGE)
    .execute();
  return { rows: rows.slice(0, INTERVIEW_PAGE), more: rows.length > INTERVIEW_PAGE };
}

/** The staff's list: every interview of the site, or of these agencies, the most recently changed first. */
export async function staffInterviews(q: Q, siteId: number, agencyIds: number[] | undefined, page: number) {
  let count = q.selectFrom('interviews').where('site_id', '=', siteId);
  let rows = listed(q).where('interviews.site_id', '=', siteId);
  if (agencyIds) {
    const ids = agencyIds.length ? agencyIds : [0];
    count = count.where('agency_id', 'in', ids);
    rows = rows.where('interviews.agency_id', 'in', ids);
  }
  const [list, total] = await Promise.all([
    rows
      .orderBy('interviews.updated_at', 'desc')
      .orderBy('interviews.id', 'desc')
      .limit(INTERVIEW_PAGE)
      .offset((page - 1) * INTERVIEW_PAGE)
      .execute(),
    count.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: list, total: Number(total.n) };
}

/** The 工作台's figures: interviews announced and live, and residents' questions waiting in those still taking them. */
export async function interviewCounts(q: Q, siteId: number, agencyIds: number[] | undefined) {
  let query = q
    .selectFrom('interviews')
    .where('site_id', '=', siteId)
    .where('published_at', 'is not', null)
    .where('ended_at', 'is', null)
    .where('withdrawn_reason', '=', '');
  if (agencyIds) query = query.where('agency_id', 'in', agencyIds.length ? agencyIds : [0]);
  const r = await query
    .select([
      sql<string>`count(*) filter (where live_at is null)`.as('announced'),
      sql<string>`count(*) filter (where live_at is not null)`.as('live'),
      sql<string>`coalesce(sum((select count(*) from interview_questions x where x.interview_id = interviews.id and x.state = 'pending')), 0)`.as(
        'pending',
      ),
    ])
    .executeTakeFirstOrThrow();
  return { announced: Number(r.announced), live: Number(r.live), pending: Number(r.pending) };
}

/** Published interviews as search indexes them (with their transcript so far), by id or a page in id order. */
export function searchableInterviews(q: Q, which: { ids: number[] } | { after: number; limit: number }) {
  let query = q
    .selectFrom('interviews')
    .innerJoin('agencies', 'agencies.id', 'interviews.agency_id')
    .select([
      'interviews.id',
      'interviews.site_id',
      'interviews.agency_id',
      'interviews.title',
      'interviews.intro',
      'interviews.summary',
      'interviews.starts_at',
      'agencies.name as agency',
      sql<string>`coalesce((select string_agg(p.content, E'\n' order by p.seq) from interview_posts p where p.interview_id = interviews.id), '')`.as(
        'transcript',
      ),
    ])
    .where('interviews.published_at', 'is not', null)
    .where('interviews.withdrawn_reason', '=', '');
  if ('ids' in which) query = query.where('interviews.id', 'in', which.ids);
  else query = query.where('interviews.id', '>', which.after).orderBy('interviews.id').limit(which.limit);
  return query.execute();
}
