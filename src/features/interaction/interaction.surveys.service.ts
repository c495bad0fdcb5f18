/**
 * 网上调查: an agency writes a questionnaire, its 审核人 opens it for a period; residents answer once each without an
 * account (a signed cookie, and at most ADDRESS_LIMIT answers from one network address — both said on the page);
 * the results are public as charts once published; the answers are exported to Excel for the agency.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Actor, Principal } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import { checkChallenge } from '../../core/captcha.ts';
import { dataKey } from '../../core/config.ts';
import type { Ctx } from '../../core/context.ts';
import type { DB, Site, SurveyRow } from '../../core/db.types.ts';
import { AppError, badInput, conflict, notFound } from '../../core/errors.ts';
import { type Change, noteChange } from '../../core/search.ts';
import { keyedHash } from '../../core/secrets.ts';
import { parseInput } from '../../core/validate.ts';
import type { TouchedPages } from '../../web/page.files.ts';
import { siteAgencyNames } from '../admin/admin.service.ts';
import {
  maySeeSurvey,
  requireSurveyAction,
  type SurveyAction,
  surveyAgenciesOf,
  surveyAllowed,
} from './interaction.surveys.policy.ts';
import {
  ADDRESS_LIMIT,
  type Answer,
  questionsFromForm,
  readAnswers,
  results,
  type StoredQuestion,
  SURVEY_KINDS,
  surveyStage,
} from './interaction.surveys.rules.ts';
import { surveyInput, withdrawSurveyInput } from './interaction.surveys.schema.ts';
import {
  insertResponse,
  insertSurvey,
  lockAddress,
  lockSurvey,
  priorResponses,
  publicSurveys,
  questionsOf,
  replaceQuestions,
  responsesAfter,
  staffSurveys,
  surveyCounts,
  surveyRow,
  surveyTally,
  textAnswers,
  updateSurvey,
} from './interaction.surveys.store.ts';

const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};
const today = (ctx: Ctx) => shanghaiDate(ctx.now());

/** The key of a survey's change (`sv:<id>`): its public pages follow it (search does not index surveys). */
const CHANGE = 'sv';

/** The public pages a batch of changes touches: the list, the 互动交流 home and the survey's own page. */
export function surveyPagesTouched(changes: Change[]): TouchedPages {
  const touched: TouchedPages = new Map();
  for (const c of changes) {
    const [kind, id] = c.key.split(':');
    if (kind !== CHANGE || c.siteId == null || !/^\d+$/.test(id ?? '')) continue;
    const paths = touched.get(c.siteId) ?? new Set(['/mail', '/survey']);
    if (paths !== 'all') paths.add(`/survey/${id}`);
    touched.set(c.siteId, paths);
  }
  return touched;
}

/** Writes a new survey or changes one not yet published: its heading and its questions, checked together. */
export async function saveSurvey(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  id: number | null,
  raw: Record<string, unknown>,
) {
  const p = need(actor);
  const { questions, errors } = questionsFromForm(raw);
  let input: z.output<typeof surveyInput> | undefined;
  let headingErrors: Record<string, string> = {};
  try {
    input = parseInput(surveyInput, raw);
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    headingErrors = e.details ?? {};
  }
  // one refusal naming every field at fault, the heading's and the questions'
  if (!input || Object.keys(errors).length)
    throw badInput('问卷填写有误，请按提示修改', { ...headingErrors, ...errors });
  if (!(await siteAgencyNames(ctx, siteId)).some((a) => a.id === input.agencyId))
    throw badInput('所选机构不存在', { agencyId: '请选择本站点的机构' });
  requireSurveyAction(p, { site_id: siteId, agency_id: input.agencyId }, 'edit');
  if (input.closesOn < input.opensOn)
    throw badInput('结束日期不能早于开始日期', { closesOn: '结束日期不能早于开始日期' });
  const values = {
    agency_id: input.agencyId,
    title: input.title,
    intro: input.intro,
    opens_on: input.opensOn,
    closes_on: input.closesOn,
  };
  return ctx.db.transaction().execute(async (trx) => {
    let sid = id;
    if (sid === null) sid = await insertSurvey(trx, { ...values, site_id: siteId, created_by: p.userId });
    else {
      const old = await lockSurvey(trx, sid);
      if (!old || old.site_id !== siteId || !maySeeSurvey(p, old)) throw notFound('网上调查不存在');
      requireSurveyAction(p, old, 'edit');
      if (old.published_at) throw conflict('已发布的问卷不能修改；如需修改，请撤回后重新建立');
      await updateSurvey(trx, sid, values);
    }
    await replaceQuestions(trx, sid, questions);
    await audit(trx, actor, {
      siteId,
      agencyId: input.agencyId,
      action: id === null ? 'survey.create' : 'survey.update',
      entityType: 'survey',
      entityId: sid,
      after: { title: input.title, opensOn: input.opensOn, closesOn: input.closesOn, questions: questions.length },
    });
    return sid;
  });
}

/** One step on a survey: locked, the member's right checked, the step, its audit record and its pages' change. */
async function onSurvey(
  ctx: Ctx,
  actor: Actor,
  id: number,
  action: SurveyAction,
  work: (trx: Kysely<DB>, s: SurveyRow) => Promise<Record<string, unknown>>,
): Promise<void> {
  const p = need(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const s = await lockSurvey(trx, id);
    if (!s || !maySeeSurvey(p, s)) throw notFound('网上调查不存在');
    requireSurveyAction(p, s, action);
    const after = await work(trx, s);
    await noteChange(trx, s.site_id, `${CHANGE}:${s.id}`);
    await audit(trx, actor, {
      siteId: s.site_id,
      agencyId: s.agency_id,
      action: `survey.${action}`,
      entityType: 'survey',
      entityId: s.id,
      after,
    });
  });
}

/** Opens a survey to the public from its first day (or today, when that has passed). */
export function publishSurvey(ctx: Ctx, actor: Actor, id: number) {
  return onSurvey(ctx, actor, id, 'publish', async (trx, s) => {
    if (s.published_at || s.withdrawn_reason) throw conflict('该调查已发布或已撤回');
    const opensOn = [s.opens_on, today(ctx)].sort()[1];
    if (s.closes_on < opensOn) throw badInput('结束日期已过，请先修改调查时间');
    if (!(await questionsOf(trx, s.id)).length) throw badInput('问卷至少要有一道题');
    await updateSurvey(trx, s.id, { opens_on: opensOn, published_at: ctx.now() });
    return { title: s.title, opensOn, closesOn: s.closes_on };
  });
}

/** Makes the results public (charts and tables on the survey's page), once the survey has been published. */
export function publishSurveyResults(ctx: Ctx, actor: Actor, id: number) {
  return onSurvey(ctx, actor, id, 'results', async (trx, s) => {
    if (!s.published_at || s.withdrawn_reason) throw conflict('调查未发布，不能公布结果');
    if (s.results_published_at) throw conflict('调查结果已公布');
    await updateSurvey(trx, s.id, { results_published_at: ctx.now() });
    return { title: s.title };
  });
}

/** Takes a survey back from the public (the office alone, with a reason; its answers are kept). */
export function withdrawSurvey(ctx: Ctx, actor: Actor, id: number, raw: unknown) {
  const input = parseInput(withdrawSurveyInput, raw);
  return onSurvey(ctx, actor, id, 'withdraw', async (trx, s) => {
    if (s.withdrawn_reason) throw conflict('该调查已撤回');
    await updateSurvey(trx, s.id, { withdrawn_reason: input.reason });
    return { title: s.title, reason: input.reason };
  });
}

/** Who answers: keyed hashes of the browser's cookie token and of its address (neither kept as it came). */
const respondent = (ctx: Ctx, voterToken: string, ip: string) => ({
  voter: keyedHash(dataKey(ctx.config), 'survey-voter', voterToken),
  address: keyedHash(dataKey(ctx.config), 'survey-address', ip),
});

async function openSurveyOf(ctx: Ctx, site: Site, id: number) {
  const s = await surveyRow(ctx.db, id);
  if (!s || s.site_id !== site.id || !s.published_at || s.withdrawn_reason) throw notFound('网上调查不存在');
  return s;
}

/** Whether this browser has answered the survey already (the form then says so instead of asking again). */
export async function hasAnswered(ctx: Ctx, site: Site, id: number, voterToken: string | null, ip: string) {
  if (!voterToken) return false;
  const s = await openSurveyOf(ctx, site, id);
  const who = respondent(ctx, voterToken, ip);
  return (await priorResponses(ctx.db, s.id, who.voter, who.address)).answered;
}

/**
 * A resident's answers while the survey is open: checked against its questions and the captcha, at most one per
 * browser and ADDRESS_LIMIT per address, stored whole in one transaction.
 */
export async function submitResponse(
  ctx: Ctx,
  site: Site,
  id: number,
  raw: Record<string, unknown>,
  captcha: { token: string; answer: string },
  who: { voterToken: string; ip: string },
) {
  const s = await openSurveyOf(ctx, site, id);
  const stage = surveyStage(s, today(ctx));
  if (stage !== 'open') throw conflict(stage === 'upcoming' ? `调查将于 ${s.opens_on} 开始` : '调查已结束');
  const questions = await questionsOf(ctx.db, s.id);
  const { answers, errors } = readAnswers(questions, raw);
  if (Object.keys(errors).length) throw badInput('还有题目未答或答案有误，请按提示修改', errors);
  await checkChallenge(ctx.db, dataKey(ctx.config), captcha.token, captcha.answer, ctx.now());
  const r = respondent(ctx, who.voterToken, who.ip);
  await ctx.db.transaction().execute(async (trx) => {
    await lockAddress(trx, s.id, r.address);
    const prior = await priorResponses(trx, s.id, r.voter, r.address);
    if (prior.answered) throw conflict('您已参加过本次调查，谢谢您的参与');
    if (prior.fromAddress >= ADDRESS_LIMIT)
      throw new AppError('too_many', `同一网络地址最多提交 ${ADDRESS_LIMIT} 份答卷，本地址已达上限`);
    if ((await insertResponse(trx, s.id, r, answers, ctx.now())) === null)
      throw conflict('您已参加过本次调查，谢谢您的参与');
    await noteChange(trx, s.site_id, `${CHANGE}:${s.id}`);
  });
}

/**
 * A questionnaire answered on paper (at a service hall, in a community), entered by the agency's staff: checked like
 * one answered online and counted with them, while the survey is published and its results not yet; the limits per
 * browser and address are for the public form.
 */
export function registerResponse(ctx: Ctx, actor: Actor, id: number, raw: Record<string, unknown>) {
  const p = need(actor);
  return onSurvey(ctx, actor, id, 'register', async (trx, s) => {
    const stage = surveyStage(s, today(ctx));
    if (stage !== 'open' && stage !== 'closed') throw conflict('调查未发布或已撤回，不能录入答卷');
    const { answers, errors } = readAnswers(await questionsOf(trx, s.id), raw);
    if (Object.keys(errors).length) throw badInput('还有题目未答或答案有误，请按提示修改', errors);
    const who = respondent(ctx, `paper:${randomUUID()}`, `staff:${p.userId}`);
    const responseId = await insertResponse(trx, s.id, who, answers, ctx.now());
    return { response: responseId, paper: true };
  });
}

type Listed = {
  opens_on: string;
  closes_on: string;
  published_at: Date | null;
  withdrawn_reason: string;
  responses: string | null;
};
const withStage =
  (on: string) =>
  <T extends Listed>(r: T) => ({ ...r, responses: Number(r.responses), stage: surveyStage(r, on) });

export async function publishedSurveys(ctx: Ctx, siteId: number, page: number) {
  const { rows, more } = await publicSurveys(ctx.read, siteId, page);
  return { rows: rows.map(withStage(today(ctx))), more };
}

/** The staff's list, by the member's agencies (the office: all). */
export async function surveysFor(ctx: Ctx, p: Principal, siteId: number, page: number) {
  const { rows, total } = await staffSurveys(ctx.db, siteId, surveyAgenciesOf(p, siteId), page);
  return { rows: rows.map(withStage(today(ctx))), total };
}

async function resultsOf(q: Kysely<DB>, surveyId: number, questions: StoredQuestion[]) {
  const t = await surveyTally(q, surveyId);
  return { results: results(questions, t.tally, t.answered), responses: t.responses };
}

/** A survey's public page: its questions, and its results once published. */
export async function publicSurvey(ctx: Ctx, siteId: number, id: number) {
  const s = await surveyRow(ctx.read, id);
  if (!s || s.site_id !== siteId || !s.published_at || s.withdrawn_reason) throw notFound('网上调查不存在或未发布');
  const [questions, agencies] = await Promise.all([questionsOf(ctx.read, s.id), siteAgencyNames(ctx, siteId)]);
  const r = s.results_published_at ? await resultsOf(ctx.read, s.id, questions) : null;
  return {
    s,
    stage: surveyStage(s, today(ctx)),
    agency: agencies.find((a) => a.id === s.agency_id)?.name ?? '',
    questions,
    results: r?.results ?? null,
    responses: r?.responses ?? null,
  };
}
export type PublicSurvey = Awaited<ReturnType<typeof publicSurvey>>;

/** How many written answers to a question the back office shows (the export has them all). */
const TEXT_SHOWN = 50;

/** A survey for the back office: its questions, results so far, the latest written answers, what the member may do. */
export async function openSurvey(ctx: Ctx, actor: Actor, id: number) {
  const p = need(actor);
  const s = await surveyRow(ctx.db, id);
  if (!s || !maySeeSurvey(p, s)) throw notFound('网上调查不存在');
  const questions = await questionsOf(ctx.db, s.id);
  const { results: r, responses } = await resultsOf(ctx.db, s.id, questions);
  const texts = new Map<number, { text: string | null; submitted_at: Date }[]>();
  for (const q of questions.filter((x) => x.kind === 'text'))
    texts.set(q.id, await textAnswers(ctx.db, s.id, q.id, TEXT_SHOWN));
  return { s, stage: surveyStage(s, today(ctx)), questions, results: r, responses, texts, may: surveyAllowed(p, s) };
}
export type OpenedSurvey = Awaited<ReturnType<typeof openSurvey>>;

/** The columns of the export: one per question, a matrix one per row. */
function exportColumns(questions: StoredQuestion[]) {
  return questions.flatMap((q) =>
    q.kind === 'matrix'
      ? q.rows.map((row, r) => ({ header: `${q.position}. ${q.prompt}：${row}`, q, row: r as number | null }))
      : [{ header: `${q.position}. ${q.prompt}（${SURVEY_KINDS[q.kind]}）`, q, row: null as number | null }],
  );
}

/** What an answer reads as in the export: the option's words, the rating, the text; several choices joined by ；. */
function cellOf(q: StoredQuestion, answers: Answer[]): string | number {
  if (q.kind === 'rating') return answers[0]?.choice ?? '';
  if (q.kind === 'text') return answers[0]?.text ?? '';
  return answers.map((a) => q.options[a.choice ?? -1] ?? '').join('；');
}

/** Every answer of a survey as an Excel workbook (one row per response), read a page of responses at a time. */
export async function surveyWorkbook(ctx: Ctx, actor: Actor, id: number): Promise<{ title: string; data: Buffer }> {
  const p = need(actor);
  const s = await surveyRow(ctx.db, id);
  if (!s || !maySeeSurvey(p, s)) throw notFound('网上调查不存在');
  requireSurveyAction(p, s, 'export');
  const questions = await questionsOf(ctx.db, s.id);
  const columns = exportColumns(questions);
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('答卷');
  sheet.addRow(['序号', '提交时间', ...columns.map((c) => c.header)]).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  let after = 0;
  let n = 0;
  for (;;) {
    const { responses, answers } = await responsesAfter(ctx.db, s.id, after, 500);
    if (!responses.length) break;
    const byResponse = new Map<number, typeof answers>();
    for (const a of answers) byResponse.set(a.response_id, [...(byResponse.get(a.response_id) ?? []), a]);
    for (const r of responses) {
      const mine = byResponse.get(r.id) ?? [];
      sheet.addRow([
        ++n,
        r.submitted_at.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
        ...columns.map((c) =>
          cellOf(
            c.q,
            mine
              .filter((a) => a.question_id === c.q.id && a.row_no === c.row)
              .map((a) => ({ questionId: a.question_id, rowNo: a.row_no, choice: a.choice, text: a.text })),
          ),
        ),
      ]);
    }
    after = responses[responses.length - 1].id;
  }
  sheet.columns.forEach((col, i) => {
    col.width = i < 2 ? 20 : 30;
  });
  await ctx.db.transaction().execute((trx) =>
    audit(trx, actor, {
      siteId: s.site_id,
      agencyId: s.agency_id,
      action: 'survey.export',
      entityType: 'survey',
      entityId: s.id,
      after: { title: s.title, responses: n },
    }),
  );
  return { title: s.title, data: Buffer.from(await book.xlsx.writeBuffer()) };
}

/** The member's surveys in numbers, for the 工作台. */
export const surveyFigures = (ctx: Ctx, p: Principal, siteId: number) =>
  surveyCounts(ctx.db, siteId, surveyAgenciesOf(p, siteId), today(ctx));
