/**
 * 网上调查 (online surveys): the kinds of question, how staff write them on a form, how a resident's answers are read
 * and checked, and how the answers add up to the results. Pure: no I/O.
 */
import type { DateStr } from '../../core/calendar.ts';
import type { SurveyQuestionKind } from '../../core/db.types.ts';

export const SURVEY_KINDS: Record<SurveyQuestionKind, string> = {
  single: '单选',
  multiple: '多选',
  text: '文字回答',
  rating: '评分（1–5 分）',
  matrix: '矩阵（每行选一项）',
};

/** One answer per browser (a signed cookie); from one network address at most this many (offices share one). */
export const ADDRESS_LIMIT = 20;
export const SURVEY_PAGE = 20;
export const MAX_QUESTIONS = 50;
export const MAX_OPTIONS = 20;
export const MAX_PROMPT = 300;
export const MAX_OPTION = 100;
export const MAX_TEXT_ANSWER = 1000;
export const RATINGS = [1, 2, 3, 4, 5] as const;

export interface Question {
  kind: SurveyQuestionKind;
  prompt: string;
  required: boolean;
  /** The choices; a matrix's columns. */
  options: string[];
  /** A matrix's rows. */
  rows: string[];
}

export type StoredQuestion = Question & { id: number; position: number };

type Fields = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '').trim();
const lines = (v: unknown) =>
  str(v)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** A checkbox ticked (the form sends `off` from a hidden field before it, and `on` when it is ticked). */
export const ticked = (v: unknown) =>
  (Array.isArray(v) ? v.map(String) : [String(v ?? '')]).some((x) => x === 'on' || x === '1');

/**
 * The questions as the staff's form sends them: blocks `q1_kind`, `q1_prompt`, `q1_required`, `q1_options` (one
 * choice a line), `q1_rows` (a matrix's rows, one a line) up to `count`; a block without a question is left out.
 * Field errors are keyed by the block's field.
 */
export function questionsFromForm(fields: Fields): { questions: Question[]; errors: Record<string, string> } {
  const count = Math.min(MAX_QUESTIONS, Math.max(0, Number.parseInt(str(fields.count), 10) || 0));
  const questions: Question[] = [];
  const errors: Record<string, string> = {};
  for (let i = 1; i <= count; i++) {
    const prompt = str(fields[`q${i}_prompt`]);
    if (!prompt) continue;
    const kind = str(fields[`q${i}_kind`]) as SurveyQuestionKind;
    const options = lines(fields[`q${i}_options`]);
    const rows = lines(fields[`q${i}_rows`]);
    const q: Question = { kind, prompt, required: ticked(fields[`q${i}_required`]), options: [], rows: [] };
    if (!Object.hasOwn(SURVEY_KINDS, kind)) errors[`q${i}_kind`] = '请选择题型';
    if (prompt.length > MAX_PROMPT) errors[`q${i}_prompt`] = `题目最多 ${MAX_PROMPT} 字`;
    if (kind === 'single' || kind === 'multiple' || kind === 'matrix') {
      q.options = options;
      if (options.length < 2 || options.length > MAX_OPTIONS)
        errors[`q${i}_options`] = `请填写 ${kind === 'matrix' ? '各列选项' : '选项'}，每行一个，2 至 ${MAX_OPTIONS} 个`;
      else if (options.some((o) => o.length > MAX_OPTION)) errors[`q${i}_options`] = `每个选项最多 ${MAX_OPTION} 字`;
      else if (new Set(options).size !== options.length) errors[`q${i}_options`] = '选项不能重复';
    }
    if (kind === 'matrix') {
      q.rows = rows;
      if (rows.length < 1 || rows.length > MAX_OPTIONS)
        errors[`q${i}_rows`] = `请填写矩阵的各行，每行一个，1 至 ${MAX_OPTIONS} 行`;
      else if (rows.some((o) => o.length > MAX_OPTION)) errors[`q${i}_rows`] = `每行最多 ${MAX_OPTION} 字`;
    }
    questions.push(q);
  }
  if (!questions.length && !Object.keys(errors).length) errors.q1_prompt = '问卷至少要有一道题';
  return { questions, errors };
}

/** The form's fields for these questions (to show them again for editing). */
export function formOfQuestions(questions: Question[]): Record<string, string> {
  const v: Record<string, string> = { count: String(questions.length) };
  questions.forEach((q, n) => {
    const i = n + 1;
    v[`q${i}_kind`] = q.kind;
    v[`q${i}_prompt`] = q.prompt;
    if (q.required) v[`q${i}_required`] = '1';
    v[`q${i}_options`] = q.options.join('\n');
    v[`q${i}_rows`] = q.rows.join('\n');
  });
  return v;
}

/** One stored answer: a choice (an option's index, or the rating), in a matrix's row, or a text. */
export interface Answer {
  questionId: number;
  rowNo: number | null;
  choice: number | null;
  text: string | null;
}

/** The choices a field sent as indexes into `n` options (out of range or repeated: refused). */
function choices(v: unknown, n: number): number[] | null {
  const raw = (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]).map(String);
  const out = raw.map((x) => (/^\d{1,3}$/.test(x) ? Number(x) : -1));
  if (out.some((x) => x < 0 || x >= n) || new Set(out).size !== out.length) return null;
  return out;
}

/**
 * A resident's answers as the survey's form sends them (`a<id>`; a matrix `a<id>_<row>`), checked against the
 * questions: a required question answered, a choice one of the question's, a rating 1–5, a text bounded.
 */
export function readAnswers(
  questions: StoredQuestion[],
  fields: Fields,
): { answers: Answer[]; errors: Record<string, string> } {
  const answers: Answer[] = [];
  const errors: Record<string, string> = {};
  for (const q of questions) {
    const key = `a${q.id}`;
    const missing = () => {
      if (q.required) errors[key] = '此题为必答题';
    };
    if (q.kind === 'text') {
      const t = str(fields[key]);
      if (t.length > MAX_TEXT_ANSWER) errors[key] = `最多 ${MAX_TEXT_ANSWER} 字`;
      else if (t) answers.push({ questionId: q.id, rowNo: null, choice: null, text: t });
      else missing();
    } else if (q.kind === 'rating') {
      const r = str(fields[key]);
      if (!r) missing();
      else if (!/^[1-5]$/.test(r)) errors[key] = '请选择 1 至 5 分';
      else answers.push({ questionId: q.id, rowNo: null, choice: Number(r), text: null });
    } else if (q.kind === 'matrix') {
      const rowsAnswered: Answer[] = [];
      q.rows.forEach((_, row) => {
        const c = choices(fields[`${key}_${row}`], q.options.length);
        if (c === null || c.length > 1) errors[key] = '请在每一行选择一项';
        else if (c.length) rowsAnswered.push({ questionId: q.id, rowNo: row, choice: c[0], text: null });
        else if (q.required) errors[key] = '请在每一行选择一项';
      });
      if (!errors[key]) answers.push(...rowsAnswered);
    } else {
      const c = choices(fields[key], q.options.length);
      if (c === null || (q.kind === 'single' && c.length > 1)) errors[key] = '请从所列选项中选择';
      else if (!c.length) missing();
      else answers.push(...c.map((choice) => ({ questionId: q.id, rowNo: null, choice, text: null })));
    }
  }
  return { answers, errors };
}

/** How many chose each option (of a matrix's row), and each rating, as counted by the database. */
export type Tally = { question_id: number; row_no: number | null; choice: number | null; n: number }[];

export interface QuestionResult {
  question: StoredQuestion;
  /** How many answered the question at all. */
  answered: number;
  /** Per option (single, multiple), or per rating 1–5: how many chose it, and the share of those who answered. */
  options: { label: string; n: number; share: number }[];
  /** A matrix: per row, per column. */
  grid: { row: string; cells: { n: number; share: number }[] }[];
  /** A rating's average. */
  average: number | null;
}

const share = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 10 : 0);

/** The results of each question from the counts (`answered` per question: how many responses answered it). */
export function results(questions: StoredQuestion[], tally: Tally, answered: Map<number, number>): QuestionResult[] {
  return questions.map((q) => {
    const of = answered.get(q.id) ?? 0;
    const count = (choice: number, row: number | null = null) =>
      tally.find((t) => t.question_id === q.id && t.choice === choice && t.row_no === row)?.n ?? 0;
    const labels = q.kind === 'rating' ? RATINGS.map((r) => `${r} 分`) : q.kind === 'text' ? [] : q.options;
    const at = (i: number) => (q.kind === 'rating' ? i + 1 : i);
    const options =
      q.kind === 'matrix' ? [] : labels.map((label, i) => ({ label, n: count(at(i)), share: share(count(at(i)), of) }));
    const grid =
      q.kind === 'matrix'
        ? q.rows.map((row, r) => ({
            row,
            cells: q.options.map((_, c) => ({ n: count(c, r), share: share(count(c, r), of) })),
          }))
        : [];
    const total = options.reduce((s, o, i) => s + o.n * (i + 1), 0);
    const average = q.kind === 'rating' && of ? Math.round((total / of) * 100) / 100 : null;
    return { question: q, answered: of, options, grid, average };
  });
}

export type SurveyStage = 'draft' | 'upcoming' | 'open' | 'closed' | 'withdrawn';

export const SURVEY_STAGES: Record<SurveyStage, string> = {
  draft: '未发布',
  upcoming: '即将开始',
  open: '进行中',
  closed: '已结束',
  withdrawn: '已撤回',
};

/** Where a survey stands on `today` (Asia/Shanghai); whether its results are public is apart from this. */
export function surveyStage(
  s: { published_at: Date | null; opens_on: DateStr; closes_on: DateStr; withdrawn_reason: string },
  today: DateStr,
): SurveyStage {
  if (s.withdrawn_reason) return 'withdrawn';
  if (!s.published_at) return 'draft';
  if (today < s.opens_on) return 'upcoming';
  return today <= s.closes_on ? 'open' : 'closed';
}
