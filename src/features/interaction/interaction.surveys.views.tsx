/** The public side of 网上调查: the list, a survey's page (its results as charts and tables once public), the form. */
import type { Challenge } from '../../core/captcha.ts';
import { CaptchaFields, Csrf, Err, type FieldErrors, FormMessage, type FormValues, str } from '../../web/forms.tsx';
import { Layout, NextPager, type PageCtx, Paragraphs } from '../../web/layout.tsx';
import {
  ADDRESS_LIMIT,
  type QuestionResult,
  RATINGS,
  type StoredQuestion,
  SURVEY_KINDS,
  SURVEY_STAGES,
  type SurveyStage,
} from './interaction.surveys.rules.ts';
import type { PublicSurvey } from './interaction.surveys.service.ts';

const crumbs = (ctx: PageCtx, label?: string) => [
  { href: `${ctx.base}/mail`, label: '互动交流' },
  ...(label ? [{ href: `${ctx.base}/survey`, label: '网上调查' }, { label }] : [{ label: '网上调查' }]),
];

/** The stage in words, marked for an open survey (never by colour alone). */
export const SurveyStageTag = (props: { stage: SurveyStage }) => (
  <span class={props.stage === 'open' ? 'tag ok' : 'tag'} safe>
    {SURVEY_STAGES[props.stage]}
  </span>
);

/** What the page says honestly about how one answer per person is kept. */
export const ONE_ANSWER = `每个浏览器只能提交一份答卷（本站在您的浏览器中保存一个不含个人信息的标记）；同一网络地址最多提交 ${ADDRESS_LIMIT} 份答卷。调查不收集姓名和联系方式。`;

export function SurveyListPage(props: {
  ctx: PageCtx;
  rows: {
    id: number;
    title: string;
    agency: string;
    opens_on: string;
    closes_on: string;
    responses: number;
    results_published_at: Date | null;
    stage: SurveyStage;
  }[];
  page: number;
  more: boolean;
}): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="网上调查" crumbs={crumbs(ctx)}>
      <h1>网上调查</h1>
      <p>在作出涉及群众切身利益的决策前，通过网上调查听取社会公众的意见和建议。调查结束后公布调查结果。</p>
      {props.rows.length ? (
        <ul class="faq-list">
          {props.rows.map((r) => (
            <li>
              <a href={`${ctx.base}/survey/${r.id}`} safe>
                {r.title}
              </a>{' '}
              <SurveyStageTag stage={r.stage} />
              {r.results_published_at ? <span class="tag">已公布结果</span> : ''}
              <span class="muted" safe>
                {`${r.agency} · 调查时间 ${r.opens_on} 至 ${r.closes_on} · 已有 ${r.responses} 人参与`}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p>暂无网上调查。</p>
      )}
      <NextPager page={props.page} more={props.more} href={(p) => `${ctx.base}/survey?page=${p}`} />
    </Layout>
  );
}

/** The chart's own units: narrow enough that its words stay readable when a phone shrinks it to the screen. */
const W = 400;
const ROW = 28;
const LABEL = 130;
const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A horizontal bar per option, drawn on the server; the table next to it carries the same figures. */
function BarChart(props: { label: string; bars: { label: string; n: number; share: number }[] }): JSX.Element {
  const max = Math.max(1, ...props.bars.map((b) => b.share));
  const h = props.bars.length * ROW + 8;
  const span = W - LABEL - 95;
  return (
    <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-label={`${props.label}（数据见下表）`} class="hbar">
      {props.bars.map((b, i) => (
        <g>
          <text x={LABEL - 8} y={i * ROW + 20} text-anchor="end" font-size="13" safe>
            {short(b.label, 9)}
          </text>
          <rect
            x={LABEL}
            y={i * ROW + 6}
            width={Math.max(1, (b.share / max) * span)}
            height={ROW - 12}
            fill="#1f5fa8"
          />
          <text x={LABEL + Math.max(1, (b.share / max) * span) + 6} y={i * ROW + 20} font-size="13" safe>
            {`${b.share}%（${b.n}）`}
          </text>
        </g>
      ))}
    </svg>
  );
}

/** One question's results: a chart and the table of its figures (a matrix: the table by row and column). */
export function QuestionResults(props: { r: QuestionResult }): JSX.Element {
  const { r } = props;
  const q = r.question;
  const heading = `${q.position}. ${q.prompt}`;
  return (
    <section class="survey-result" aria-labelledby={`r${q.id}`}>
      <h3 id={`r${q.id}`} safe>
        {heading}
      </h3>
      <p class="muted" safe>
        {`${SURVEY_KINDS[q.kind]} · ${r.answered} 人作答${r.average !== null ? ` · 平均 ${r.average} 分` : ''}`}
      </p>
      {q.kind === 'text' ? (
        <p>文字回答由调查单位整理研究，不逐条公开。</p>
      ) : q.kind === 'matrix' ? (
        <div class="table-scroll">
          <table>
            <caption class="sr-only" safe>
              {heading}
            </caption>
            <thead>
              <tr>
                <th scope="col">项目</th>
                {q.options.map((o) => (
                  <th scope="col" safe>
                    {o}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {r.grid.map((g) => (
                <tr>
                  <th scope="row" safe>
                    {g.row}
                  </th>
                  {g.cells.map((c) => (
                    <td safe>{`${c.n}（${c.share}%）`}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <>
          <BarChart label={heading} bars={r.options} />
          <table>
            <caption class="sr-only" safe>
              {heading}
            </caption>
            <thead>
              <tr>
                <th scope="col">选项</th>
                <th scope="col">人数</th>
                <th scope="col">比例</th>
              </tr>
            </thead>
            <tbody>
              {r.options.map((o) => (
                <tr>
                  <th scope="row" safe>
                    {o.label}
                  </th>
                  <td safe>{String(o.n)}</td>
                  <td safe>{`${o.share}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {q.kind === 'multiple' ? <p class="hint">多选题各项比例之和可能超过 100%。</p> : ''}
    </section>
  );
}

export function SurveyPage(props: { ctx: PageCtx; d: PublicSurvey }): JSX.Element {
  const { ctx, d } = props;
  const { s } = d;
  return (
    <Layout ctx={ctx} title={s.title} crumbs={crumbs(ctx, s.title)}>
      <article>
        <h1 safe>{s.title}</h1>
        <table class="meta">
          <tbody>
            <tr>
              <th scope="row">调查单位</th>
              <td safe>{d.agency}</td>
            </tr>
            <tr>
              <th scope="row">调查时间</th>
              <td safe>{`${s.opens_on} 至 ${s.closes_on}`}</td>
            </tr>
            <tr>
              <th scope="row">状态</th>
              <td>
                <SurveyStageTag stage={d.stage} />
              </td>
            </tr>
          </tbody>
        </table>
        {s.intro ? <Paragraphs text={s.intro} /> : ''}
        {d.stage === 'open' ? (
          <p>
            <a class="btn" href={`${ctx.base}/survey/${s.id}/answer`}>
              参与调查
            </a>{' '}
            <span class="hint">{ONE_ANSWER}</span>
          </p>
        ) : (
          ''
        )}
        {d.results ? (
          <section aria-labelledby="results">
            <h2 id="results">调查结果</h2>
            <p safe>{`共收到答卷 ${d.responses} 份${d.stage === 'open' ? '（调查进行中，结果随答卷更新）' : ''}。`}</p>
            {d.results.map((r) => (
              <QuestionResults r={r} />
            ))}
          </section>
        ) : (
          <section aria-labelledby="questions">
            <h2 id="questions">调查题目</h2>
            <ol>
              {d.questions.map((q) => (
                <li safe>{`${q.prompt}（${SURVEY_KINDS[q.kind]}）`}</li>
              ))}
            </ol>
            {d.stage === 'closed' ? <p>调查已结束，结果将由调查单位整理后公布。</p> : ''}
          </section>
        )}
      </article>
    </Layout>
  );
}

/** One question on the form: a group of choices, a rating, a matrix (a group per row), or a text box. */
export function QuestionField(props: { q: StoredQuestion; values: FormValues; errors: FieldErrors }): JSX.Element {
  const { q, values, errors } = props;
  const name = `a${q.id}`;
  const picked = (key: string, v: string) => {
    const x = values[key];
    return Array.isArray(x) ? x.map(String).includes(v) : str(x) === v;
  };
  const legend = (
    <legend>
      <span safe>{`${q.position}. ${q.prompt}`}</span>
      <span class="hint" safe>{`（${SURVEY_KINDS[q.kind]}${q.required ? '，必答' : '，选答'}）`}</span>
    </legend>
  );
  const described = errors[name] ? { 'aria-describedby': `err-${name}` } : {};
  if (q.kind === 'text')
    return (
      <div class="field survey-q">
        <label for={`f-${name}`}>
          <span safe>{`${q.position}. ${q.prompt}`}</span>
          <span
            class="hint"
            safe
          >{`（${SURVEY_KINDS[q.kind]}${q.required ? '，必答' : '，选答'}，最多 1000 字）`}</span>
        </label>
        <Err errors={errors} name={name} />
        <textarea id={`f-${name}`} name={name} rows="4" maxlength="1000" required={q.required} {...described} safe>
          {str(values[name])}
        </textarea>
      </div>
    );
  if (q.kind === 'matrix')
    return (
      <fieldset class="survey-q" {...described}>
        {legend}
        <Err errors={errors} name={name} />
        {q.rows.map((row, r) => (
          <fieldset class="matrix-row">
            <legend safe>{row}</legend>
            <div class="checks">
              {q.options.map((o, c) => (
                <label>
                  <input
                    type="radio"
                    name={`${name}_${r}`}
                    value={String(c)}
                    checked={picked(`${name}_${r}`, String(c))}
                    required={q.required}
                  />
                  <span safe>{o}</span>
                </label>
              ))}
            </div>
          </fieldset>
        ))}
      </fieldset>
    );
  const choices: [string, string][] =
    q.kind === 'rating'
      ? RATINGS.map((r): [string, string] => [String(r), `${r} 分${r === 1 ? '（最低）' : r === 5 ? '（最高）' : ''}`])
      : q.options.map((o, i): [string, string] => [String(i), o]);
  return (
    <fieldset class="survey-q" {...described}>
      {legend}
      <Err errors={errors} name={name} />
      <div class={q.kind === 'rating' ? 'checks' : 'choices'}>
        {choices.map(([v, label]) => (
          <label>
            <input
              type={q.kind === 'multiple' ? 'checkbox' : 'radio'}
              name={name}
              value={v}
              checked={picked(name, v)}
              required={q.kind !== 'multiple' && q.required}
            />
            <span safe>{label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function AnswerPage(props: {
  ctx: PageCtx;
  csrf: string;
  s: { id: number; title: string; closes_on: string; intro: string };
  questions: StoredQuestion[];
  challenge: Challenge;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  /** Sent now, or this browser had answered before. */
  done?: 'sent' | 'answered';
}): JSX.Element {
  const { ctx, s } = props;
  const back = `${ctx.base}/survey/${s.id}`;
  return (
    <Layout ctx={ctx} title={`参与调查 - ${s.title}`} crumbs={crumbs(ctx, s.title)}>
      <h1 safe>{s.title}</h1>
      {props.done ? (
        <>
          <p class="notice-ok" role="status">
            {props.done === 'sent'
              ? '答卷已提交，谢谢您的参与。调查结果将在调查页面公布。'
              : '您已参加过本次调查，谢谢您的参与。'}
          </p>
          <p>
            <a href={back}>返回调查页面</a>
          </p>
        </>
      ) : (
        <>
          <p safe>{`调查截止日期：${s.closes_on}。${ONE_ANSWER}`}</p>
          <FormMessage message={props.message} />
          <form method="post" action={`${ctx.base}/survey/${s.id}/answer`} class="form-wide">
            <Csrf token={props.csrf} />
            {props.questions.map((q) => (
              <QuestionField q={q} values={props.values} errors={props.errors} />
            ))}
            <CaptchaFields challenge={props.challenge} errors={props.errors} />
            <p>
              <button type="submit" class="btn">
                提交答卷
              </button>{' '}
              <a href={back}>返回调查页面</a>
            </p>
          </form>
        </>
      )}
    </Layout>
  );
}
