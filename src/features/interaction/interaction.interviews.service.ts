/**
 * 在线访谈: an agency announces an interview with its guests; residents send questions before and during it (shown to
 * the host once moderated); during it the host puts questions and posts the guests' answers, text and pictures, to
 * a stream that every instance follows from the database (interaction.interviews.live.ts); afterwards the transcript,
 * a summary and a video link stay as the interview's page.
 */
import type { Kysely } from 'kysely';
import { type Actor, administersSite, type Principal } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { checkChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB, InterviewRole, InterviewRow, Site } from '../../core/db.types.ts';
import { AppError, badInput, conflict, notFound } from '../../core/errors.ts';
import { checkUpload, recordFile, storedType } from '../../core/files.ts';
import { maskPersonalData } from '../../core/personal.ts';
import { type Change, noteChange } from '../../core/search.ts';
import { parseInput } from '../../core/validate.ts';
import type { TouchedPages } from '../../web/page.files.ts';
import { siteAgencyNames } from '../admin/admin.service.ts';
import {
  type InterviewAction,
  interviewAgenciesOf,
  interviewAllowed,
  maySeeInterview,
  requireInterviewAction,
} from './interaction.interviews.policy.ts';
import { type Guest, guestsFromText, interviewStage, takesQuestions } from './interaction.interviews.rules.ts';
import {
  askInput,
  interviewInput,
  moderateQuestionInput,
  photoInput,
  postInput,
  summaryInput,
  withdrawInterviewInput,
} from './interaction.interviews.schema.ts';
import {
  allPosts,
  appendPost,
  insertInterview,
  insertQuestion,
  interviewCounts,
  interviewHasImage,
  interviewRow,
  lockInterview,
  publicInterviews,
  questionRow,
  questionsOf,
  staffInterviews,
  updateInterview,
  updateQuestion,
} from './interaction.interviews.store.ts';
import { publicWriter } from './interaction.letters.rules.ts';
import { interviewSource } from './interaction.search.service.ts';

const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};

/** The outbox's key of an interview's change (`iv:<id>`), which search follows too. */
const CHANGE = interviewSource.kind;

/** The public pages a batch of changes touches: the list, the 互动交流 home and the interview's own page. */
export function interviewPagesTouched(changes: Change[]): TouchedPages {
  const touched: TouchedPages = new Map();
  for (const c of changes) {
    const [kind, id] = c.key.split(':');
    if (kind !== CHANGE || c.siteId == null || !/^\d+$/.test(id ?? '')) continue;
    const paths = touched.get(c.siteId) ?? new Set(['/mail', '/interviews']);
    if (paths !== 'all') paths.add(`/interviews/${id}`);
    touched.set(c.siteId, paths);
  }
  return touched;
}

const guestsOf = (i: { guests: unknown }) => (Array.isArray(i.guests) ? (i.guests as Guest[]) : []);

/** Writes a new interview or changes one not yet over: its subject, time and guests (photos kept by name). */
export async function saveInterview(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  id: number | null,
  raw: Record<string, unknown>,
) {
  const p = need(actor);
  const input = parseInput(interviewInput, raw);
  if (input.endsAt <= input.startsAt) throw badInput('结束时间须晚于开始时间', { endsAt: '结束时间须晚于开始时间' });
  if (!(await siteAgencyNames(ctx, siteId)).some((a) => a.id === input.agencyId))
    throw badInput('所选机构不存在', { agencyId: '请选择本站点的机构' });
  requireInterviewAction(p, { site_id: siteId, agency_id: input.agencyId }, 'edit');
  return ctx.db.transaction().execute(async (trx) => {
    const old = id === null ? null : await lockInterview(trx, id);
    if (id !== null && (!old || old.site_id !== siteId || !maySeeInterview(p, old))) throw notFound('在线访谈不存在');
    if (old) requireInterviewAction(p, old, 'edit');
    const stage = old ? interviewStage(old) : 'draft';
    if (stage === 'ended' || stage === 'withdrawn') throw conflict('访谈已结束或已撤回，不能再修改');
    const { guests, error } = guestsFromText(input.guests, old ? guestsOf(old) : []);
    if (error) throw badInput(error, { guests: error });
    const values = {
      agency_id: input.agencyId,
      title: input.title,
      intro: input.intro,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      guests: JSON.stringify(guests),
    };
    let iid = id;
    if (iid === null) iid = await insertInterview(trx, { ...values, site_id: siteId, created_by: p.userId });
    else await updateInterview(trx, iid, values);
    if (old?.published_at) await noteChange(trx, siteId, `${CHANGE}:${iid}`);
    await audit(trx, actor, {
      siteId,
      agencyId: input.agencyId,
      action: id === null ? 'interview.create' : 'interview.update',
      entityType: 'interview',
      entityId: iid,
      after: { title: input.title, startsAt: input.startsAt, guests: guests.map((g) => g.name) },
    });
    return iid;
  });
}

/** One step on an interview: locked, the member's right checked, the step, its audit record and its pages' change. */
async function onInterview<T>(
  ctx: Ctx,
  actor: Actor,
  id: number,
  action: InterviewAction,
  work: (trx: Kysely<DB>, i: InterviewRow) => Promise<{ after: Record<string, unknown>; result: T; as?: string }>,
): Promise<T> {
  const p = need(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const i = await lockInterview(trx, id);
    if (!i || !maySeeInterview(p, i)) throw notFound('在线访谈不存在');
    requireInterviewAction(p, i, action);
    const { after, result, as } = await work(trx, i);
    await noteChange(trx, i.site_id, `${CHANGE}:${i.id}`);
    await audit(trx, actor, {
      siteId: i.site_id,
      agencyId: i.agency_id,
      action: `interview.${as ?? action}`,
      entityType: 'interview',
      entityId: i.id,
      after,
    });
    return result;
  });
}

const PHOTO_TYPES = new Set(['image/png', 'image/jpeg']);

/** A guest's photo (PNG or JPEG, checked by its content). */
export async function setGuestPhoto(
  ctx: Ctx,
  actor: Actor,
  id: number,
  raw: unknown,
  file: { name: string; data: Buffer } | null,
) {
  const { guest } = parseInput(photoInput, raw);
  if (!file) throw badInput('请选择照片', { photo: '请选择照片' });
  const mime = await checkUpload(file.name, file.data, ctx.config.maxUploadBytes);
  if (!PHOTO_TYPES.has(mime)) throw badInput('照片只能是 PNG 或 JPEG 图片', { photo: '请选择 PNG 或 JPEG 图片' });
  const hash = await ctx.files.put(file.data);
  return onInterview(ctx, actor, id, 'edit', async (trx, i) => {
    const guests = guestsOf(i);
    if (!guests[guest]) throw badInput('没有这位嘉宾', { guest: '请选择嘉宾' });
    await recordFile(trx, { hash, size: file.data.length, mime });
    guests[guest] = { ...guests[guest], photo: hash };
    await updateInterview(trx, i.id, { guests: JSON.stringify(guests) });
    return { after: { guest: guests[guest].name }, result: undefined, as: 'photo' };
  });
}

/** Announces an interview (its agency's 审核人 or the office): public from now, taking residents' questions. */
export function publishInterview(ctx: Ctx, actor: Actor, id: number) {
  return onInterview(ctx, actor, id, 'publish', async (trx, i) => {
    if (i.published_at || i.withdrawn_reason) throw conflict('该访谈已发布或已撤回');
    if (!guestsOf(i).length) throw badInput('请先填写访谈嘉宾');
    await updateInterview(trx, i.id, { published_at: ctx.now() });
    return { after: { title: i.title }, result: undefined };
  });
}

/** Starts the live stream. */
export function startInterview(ctx: Ctx, actor: Actor, id: number) {
  return onInterview(ctx, actor, id, 'host', async (trx, i) => {
    if (interviewStage(i) !== 'announced') throw conflict('只有已发布、尚未开始的访谈可以开始直播');
    await updateInterview(trx, i.id, { live_at: ctx.now() });
    return { after: { title: i.title }, result: undefined, as: 'start' };
  });
}

/** Ends the live stream: readers are told, the page becomes the transcript. */
export function endInterview(ctx: Ctx, actor: Actor, id: number) {
  return onInterview(ctx, actor, id, 'host', async (trx, i) => {
    if (interviewStage(i) !== 'live') throw conflict('访谈不在直播中');
    await updateInterview(trx, i.id, { ended_at: ctx.now() });
    return { after: { title: i.title }, result: undefined, as: 'end' };
  });
}

/** Who a post's speaker field names: the host, or guest n by name and title. */
function speakerOf(i: InterviewRow, speaker: string): { role: InterviewRole; name: string } {
  if (speaker === 'host') return { role: 'host', name: '主持人' };
  const g = guestsOf(i)[Number(speaker.slice(1))];
  if (!g) throw badInput('没有这位嘉宾', { speaker: '请选择发言人' });
  return { role: 'guest', name: g.title ? `${g.title} ${g.name}` : g.name };
}

/** A post of the host or a guest during the interview, with a picture if given; it is in the stream at once. */
export async function postToStream(
  ctx: Ctx,
  actor: Actor,
  id: number,
  raw: unknown,
  image: { name: string; data: Buffer } | null,
) {
  const input = parseInput(postInput, raw);
  const p = need(actor);
  let picture: { hash: string; mime: string; size: number } | null = null;
  if (image) {
    const mime = await checkUpload(image.name, image.data, ctx.config.maxUploadBytes);
    if (!PHOTO_TYPES.has(mime)) throw badInput('图片只能是 PNG 或 JPEG', { image: '请选择 PNG 或 JPEG 图片' });
    picture = { hash: await ctx.files.put(image.data), mime, size: image.data.length };
  }
  return onInterview(ctx, actor, id, 'host', async (trx, i) => {
    if (interviewStage(i) !== 'live') throw conflict('访谈不在直播中，不能发布内容');
    const who = speakerOf(i, input.speaker);
    if (picture) await recordFile(trx, picture);
    const seq = await appendPost(trx, {
      interview_id: i.id,
      role: who.role,
      speaker: who.name,
      content: input.content,
      image: picture?.hash ?? null,
      posted_by: p.userId,
      posted_at: ctx.now(),
    });
    return { after: { seq, speaker: who.name }, result: seq, as: 'post' };
  });
}

/** What the public sees of a resident's question: personal data masked, the writer as 张** at most. */
const publicQuestion = (q: { content: string; name: string }) => ({
  speaker: `网友${q.name ? `“${publicWriter(q.name)}”` : ''}`,
  content: maskPersonalData(q.content),
});

/** Puts a moderated question to the guests: it enters the stream as the resident's post. */
export function putQuestion(ctx: Ctx, actor: Actor, id: number, questionId: number) {
  const p = need(actor);
  return onInterview(ctx, actor, id, 'host', async (trx, i) => {
    if (interviewStage(i) !== 'live') throw conflict('访谈不在直播中');
    const q = await questionRow(trx, i.id, questionId);
    if (!q) throw notFound('问题不存在');
    if (q.state !== 'shown') throw conflict('请先采用该问题');
    if ((await questionsOf(trx, i.id)).find((x) => x.id === q.id)?.put) throw conflict('该问题已提出');
    const seq = await appendPost(trx, {
      interview_id: i.id,
      role: 'resident',
      ...publicQuestion(q),
      question_id: q.id,
      posted_by: p.userId,
      posted_at: ctx.now(),
    });
    return { after: { seq, question: q.id }, result: seq, as: 'put_question' };
  });
}

/** A question that came another way (by the hotline, by WeChat), entered by staff: moderated like the rest. */
export function registerQuestion(ctx: Ctx, actor: Actor, id: number, raw: unknown) {
  const input = parseInput(askInput, raw);
  return onInterview(ctx, actor, id, 'moderate', async (trx, i) => {
    if (!takesQuestions(interviewStage(i))) throw conflict('访谈未发布或已结束，不能登记提问');
    const qid = await insertQuestion(trx, {
      interview_id: i.id,
      content: input.content,
      name: input.name,
      submitted_at: ctx.now(),
    });
    return { after: { question: qid }, result: qid, as: 'register_question' };
  });
}

/** Takes up a resident's question for the interview, or turns it down with a reason (kept). */
export function moderateQuestion(ctx: Ctx, actor: Actor, id: number, questionId: number, raw: unknown) {
  const input = parseInput(moderateQuestionInput, raw);
  if (input.show === '0' && input.reason.trim().length < 2)
    throw badInput('请说明不予采用的理由', { reason: '请说明不予采用的理由' });
  const p = need(actor);
  return onInterview(ctx, actor, id, 'moderate', async (trx, i) => {
    const q = await questionRow(trx, i.id, questionId);
    if (!q) throw notFound('问题不存在');
    if (q.state !== 'pending') throw conflict('该问题已处理');
    await updateQuestion(trx, q.id, {
      state: input.show === '1' ? 'shown' : 'hidden',
      hidden_reason: input.show === '1' ? '' : input.reason,
      moderated_by: p.userId,
      moderated_at: ctx.now(),
    });
    return { after: { question: q.id, shown: input.show === '1' }, result: undefined, as: 'moderate' };
  });
}

/** The summary and video link, after the interview. */
export function saveSummary(ctx: Ctx, actor: Actor, id: number, raw: unknown) {
  const input = parseInput(summaryInput, raw);
  return onInterview(ctx, actor, id, 'edit', async (trx, i) => {
    if (interviewStage(i) !== 'ended') throw conflict('访谈结束后才能填写摘要');
    await updateInterview(trx, i.id, { summary: input.summary, video_url: input.videoUrl });
    return { after: { title: i.title }, result: undefined, as: 'summary' };
  });
}

/** Takes an interview back from the public (the office alone, with a reason; kept). */
export function withdrawInterview(ctx: Ctx, actor: Actor, id: number, raw: unknown) {
  const input = parseInput(withdrawInterviewInput, raw);
  return onInterview(ctx, actor, id, 'withdraw', async (trx, i) => {
    if (i.withdrawn_reason) throw conflict('该访谈已撤回');
    await updateInterview(trx, i.id, { withdrawn_reason: input.reason });
    return { after: { title: i.title, reason: input.reason }, result: undefined };
  });
}

async function publishedRow(ctx: Ctx, siteId: number, id: number, q: Kysely<DB> = ctx.read) {
  const i = await interviewRow(q, id);
  if (!i || i.site_id !== siteId || !i.published_at || i.withdrawn_reason) throw notFound('在线访谈不存在或未发布');
  return i;
}

/** A resident's question while the interview takes them; it reaches the host once moderated. */
export async function askQuestion(
  ctx: Ctx,
  site: Site,
  id: number,
  raw: Record<string, unknown>,
  captcha: { token: string; answer: string },
  ip: string,
) {
  const i = await publishedRow(ctx, site.id, id, ctx.db);
  const input = parseInput(askInput, raw);
  if (!takesQuestions(interviewStage(i))) throw conflict('访谈已结束，不再征集问题');
  await checkChallenge(ctx.db, dataKey(ctx.config), captcha.token, captcha.answer, ctx.now());
  return ctx.db.transaction().execute(async (trx) => {
    const qid = await insertQuestion(trx, {
      interview_id: i.id,
      content: input.content,
      name: input.name,
      submitted_at: ctx.now(),
    });
    await audit(
      trx,
      { principal: null, ip },
      {
        siteId: site.id,
        agencyId: i.agency_id,
        action: 'interview.ask',
        entityType: 'interview',
        entityId: i.id,
        after: { question: qid },
      },
    );
    return qid;
  });
}

/** An interview's public page: its announcement, and the stream so far (live) or the transcript (ended). */
export async function publicInterview(ctx: Ctx, siteId: number, id: number) {
  const i = await publishedRow(ctx, siteId, id);
  const [posts, agencies] = await Promise.all([allPosts(ctx.read, i.id), siteAgencyNames(ctx, siteId)]);
  return {
    i,
    stage: interviewStage(i),
    agency: agencies.find((a) => a.id === i.agency_id)?.name ?? '',
    guests: guestsOf(i),
    posts,
    last: posts.length ? posts[posts.length - 1].seq : 0,
  };
}
export type PublicInterview = Awaited<ReturnType<typeof publicInterview>>;

/** Whether a stream can be followed: the interview is public; `over` when it ended (nothing more will come). */
export async function streamOf(ctx: Ctx, siteId: number, id: number) {
  const i = await publishedRow(ctx, siteId, id, ctx.db);
  return { id: i.id, over: interviewStage(i) === 'ended' };
}

/** A picture of an interview (a guest's photo, a post's picture). */
export async function interviewImage(ctx: Ctx, siteId: number, id: number, hash: string) {
  const i = await publishedRow(ctx, siteId, id);
  const mime =
    /^[0-9a-f]{64}$/.test(hash) && (await interviewHasImage(ctx.read, i.id, hash))
      ? await storedType(ctx.read, hash)
      : null;
  if (!mime) throw notFound('图片不存在');
  return { mime, body: await ctx.files.get(hash) };
}

const withStage = <T extends Parameters<typeof interviewStage>[0] & { pending: string | null; guests: unknown }>(
  r: T,
) => ({ ...r, pending: Number(r.pending), stage: interviewStage(r), guests: guestsOf(r) });

export async function publishedInterviews(ctx: Ctx, siteId: number, page: number) {
  const { rows, more } = await publicInterviews(ctx.read, siteId, page);
  return { rows: rows.map(withStage), more };
}

/** The staff's list, by the member's agencies (the office: all). */
export async function interviewsFor(ctx: Ctx, p: Principal, siteId: number, page: number) {
  const { rows, total } = await staffInterviews(ctx.db, siteId, interviewAgenciesOf(p, siteId), page);
  return { rows: rows.map(withStage), total };
}

/** An interview for the back office: everything, its questions and stream, and what the member may do. */
export async function openInterview(ctx: Ctx, actor: Actor, id: number) {
  const p = need(actor);
  const i = await interviewRow(ctx.db, id);
  if (!i || !maySeeInterview(p, i)) throw notFound('在线访谈不存在');
  const [questions, posts] = await Promise.all([questionsOf(ctx.db, i.id), allPosts(ctx.db, i.id)]);
  return { i, stage: interviewStage(i), guests: guestsOf(i), questions, posts, may: interviewAllowed(p, i) };
}
export type OpenedInterview = Awaited<ReturnType<typeof openInterview>>;

/** The member's interviews in numbers, for the 工作台. */
export const interviewFigures = (ctx: Ctx, p: Principal, siteId: number) =>
  interviewCounts(ctx.db, siteId, administersSite(p, siteId) ? undefined : interviewAgenciesOf(p, siteId));

/** What the 工作台 says: residents' questions waiting for moderation. */
export async function interviewAlert(ctx: Ctx, p: Principal, siteId: number) {
  const { pending: n } = await interviewFigures(ctx, p, siteId);
  return n ? { text: `在线访谈：网友提问待审核 ${n} 条`, href: '/admin/interviews', urgent: false } : null;
}
