/** The public side of the mailbox: the mailboxes, the letter form, the receipt, the status page, the published letters. */
import type { Challenge } from '../../core/captcha.ts';
import type { Mailbox } from '../../core/db.types.ts';
import { fmtDate } from '../../web/format.ts';
import {
  CaptchaFields,
  Checkbox,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  OptionalFile,
  optionsOf,
  Select,
  str,
  TextArea,
  TextField,
  TrackingLookup,
  TrackingNumbers,
} from '../../web/forms.tsx';
import { Layout, NextPager, type PageCtx, Paragraphs } from '../../web/layout.tsx';
import { STAGE_LABELS, type Stage } from './interaction.consultations.rules.ts';
import { FaqSuggestions, type SuggestedAnswer } from './interaction.faq.views.tsx';
import { INTERVIEW_STAGES, type InterviewStage } from './interaction.interviews.rules.ts';
import { LETTER_KINDS, LETTER_STATES, type LetterFigures, RATINGS } from './interaction.letters.rules.ts';
import type { LetterStatistics, LetterStatus } from './interaction.letters.service.ts';
import { SURVEY_STAGES, type SurveyStage } from './interaction.surveys.rules.ts';

const crumbs = (ctx: PageCtx, label?: string) => [
  { href: `${ctx.base}/mail`, label: '互动交流' },
  ...(label ? [{ label }] : []),
];

type MailboxItem = Mailbox & { agency_name: string | null };
interface ListedLetter {
  id: number;
  kind: keyof typeof LETTER_KINDS;
  title: string;
  submitted_at: Date;
  replied_on: string | null;
  agency: string | null;
}

/** 互动交流: the mailboxes with 我要写信, the newest published letters, and the ways to follow a letter. */
export function MailHomePage(props: {
  ctx: PageCtx;
  mailboxes: MailboxItem[];
  letters: ListedLetter[];
  faqs: { id: number; question: string; agency: string | null }[];
  interviews: { id: number; title: string; starts_at: Date; stage: InterviewStage }[];
  consultations: { id: number; title: string; closes_on: string; stage: Stage }[];
  surveys: { id: number; title: string; closes_on: string; stage: SurveyStage }[];
}): JSX.Element {
  const { ctx } = props;
  const latest = (
    id: string,
    heading: string,
    more: string,
    rows: { href: string; title: string; stage: string; current: boolean; when: string }[],
  ) => (
    <section aria-labelledby={id} class="mail-latest">
      <h2 id={id} safe>
        {heading}
      </h2>
      {rows.length ? (
        <ul class="faq-list">
          {rows.map((r) => (
            <li>
              <a href={r.href} safe>
                {r.title}
              </a>{' '}
              <span class={r.current ? 'tag ok' : 'tag'} safe>
                {r.stage}
              </span>
              <span class="muted" safe>{` ${r.when}`}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p safe>{`暂无${heading}。`}</p>
      )}
      <p>
        <a href={more} safe>{`更多${heading}`}</a>
      </p>
    </section>
  );
  return (
    <Layout ctx={ctx} title="互动交流" crumbs={crumbs(ctx)}>
      <h1>互动交流</h1>
      <section aria-labelledby="boxes">
        <h2 id="boxes">信箱</h2>
        <ul class="mailboxes">
          {props.mailboxes.map((m) => (
            <li>
              <h3 safe>{m.name}</h3>
              {m.intro ? <p safe>{m.intro}</p> : ''}
              {m.agency_name ? <p class="hint" safe>{`由${m.agency_name}直接办理`}</p> : ''}
              <a class="btn" href={`${ctx.base}/mail/${m.slug}/write`}>
                我要写信
              </a>
            </li>
          ))}
        </ul>
        <p>
          <a href={`${ctx.base}/mail/status`}>查询来信办理进度</a> · <a href={`${ctx.base}/mail/letters`}>来信选登</a> ·{' '}
          <a href={`${ctx.base}/mail/stats`}>来信办理情况统计</a> · <a href={`${ctx.base}/mail/faq`}>常见问题</a> ·{' '}
          <a href={`${ctx.base}/consult`}>意见征集</a> · <a href={`${ctx.base}/survey`}>网上调查</a> ·{' '}
          <a href={`${ctx.base}/interviews`}>在线访谈</a>
        </p>
      </section>
      {props.faqs.length ? (
        <section aria-labelledby="faqs">
          <h2 id="faqs">常见问题</h2>
          <p class="hint">写信之前，不妨先看看您的问题是否已有答复。</p>
          <ul class="faq-list">
            {props.faqs.map((f) => (
              <li>
                <a href={`${ctx.base}/mail/faq/${f.id}`} safe>
                  {f.question}
                </a>
                {f.agency ? <span class="muted" safe>{` ${f.agency}`}</span> : ''}
              </li>
            ))}
          </ul>
          <p>
            <a href={`${ctx.base}/mail/faq`}>更多常见问题</a>
          </p>
        </section>
      ) : (
        ''
      )}
      <div class="mail-columns">
        {latest(
          'interviews-h',
          '在线访谈',
          `${ctx.base}/interviews`,
          props.interviews.map((r) => ({
            href: `${ctx.base}/interviews/${r.id}`,
            title: r.title,
            stage: INTERVIEW_STAGES[r.stage],
            current: r.stage === 'live',
            when: fmtDate(r.starts_at),
          })),
        )}
        {latest(
          'consult-h',
          '意见征集',
          `${ctx.base}/consult`,
          props.consultations.map((r) => ({
            href: `${ctx.base}/consult/${r.id}`,
            title: r.title,
            stage: STAGE_LABELS[r.stage],
            current: r.stage === 'open',
            when: `截止 ${r.closes_on}`,
          })),
        )}
        {latest(
          'survey-h',
          '网上调查',
          `${ctx.base}/survey`,
          props.surveys.map((r) => ({
            href: `${ctx.base}/survey/${r.id}`,
            title: r.title,
            stage: SURVEY_STAGES[r.stage],
            current: r.stage === 'open',
            when: `截止 ${r.closes_on}`,
          })),
        )}
      </div>
      <section aria-labelledby="recent">
        <h2 id="recent">来信选登</h2>
        <LetterList ctx={ctx} letters={props.letters} />
      </section>
    </Layout>
  );
}

function LetterList(props: { ctx: PageCtx; letters: ListedLetter[] }): JSX.Element {
  if (!props.letters.length) return <p>暂无公开的来信。</p>;
  return (
    <table class="stack">
      <thead>
        <tr>
          <th scope="col">标题</th>
          <th scope="col">类型</th>
          <th scope="col">答复单位</th>
          <th scope="col">来信日期</th>
          <th scope="col">答复日期</th>
        </tr>
      </thead>
      <tbody>
        {props.letters.map((l) => (
          <tr>
            <td data-label="标题">
              <a href={`${props.ctx.base}/mail/letters/${l.id}`} safe>
                {l.title}
              </a>
            </td>
            <td data-label="类型" safe>
              {LETTER_KINDS[l.kind]}
            </td>
            <td data-label="答复单位" safe>
              {l.agency ?? ''}
            </td>
            <td data-label="来信日期" safe>
              {fmtDate(l.submitted_at)}
            </td>
            <td data-label="答复日期" safe>
              {l.replied_on ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function WritePage(props: {
  ctx: PageCtx;
  csrf: string;
  mailbox: Mailbox;
  agencies: { id: number; name: string }[];
  challenge: Challenge;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  maxFileMb: number;
  fileDropped?: boolean;
  /** Published answers like the letter's title, offered before it is sent. */
  answers: SuggestedAnswer[];
}): JSX.Element {
  const { ctx, values: v, errors: e, mailbox } = props;
  return (
    <Layout ctx={ctx} title={`我要写信 - ${mailbox.name}`} crumbs={crumbs(ctx, mailbox.name)}>
      <h1 safe>{`写信给${mailbox.name}`}</h1>
      {mailbox.intro ? <p safe>{mailbox.intro}</p> : ''}
      <p>
        来信将按类型在规定的工作日内答复。请如实填写联系方式以便答复；您同意公开的来信经审核、去除个人信息后，可能在“来信选登”中公开。
      </p>
      <FormMessage message={props.message} />
      <form
        method="post"
        action={`${ctx.base}/mail/${mailbox.slug}/write?_csrf=${encodeURIComponent(props.csrf)}`}
        enctype="multipart/form-data"
        class="form-wide"
      >
        <Csrf token={props.csrf} />
        <input type="hidden" name="faqSeen" value={str(v.faqSeen)} />
        <fieldset>
          <legend>来信内容</legend>
          <Select
            name="kind"
            label="来信类型 *"
            options={optionsOf(LETTER_KINDS)}
            value={v.kind ?? 'consult'}
            errors={e}
          />
          {mailbox.agency_id === null && (
            <Select
              name="agencyId"
              label="写信给哪个单位"
              options={[
                ['', '由政务公开办分办'],
                ...props.agencies.map((a): [string, string] => [String(a.id), a.name]),
              ]}
              value={v.agencyId}
              errors={e}
            />
          )}
          <TextField
            name="title"
            label="标题"
            values={v}
            errors={e}
            required
            max={60}
            data={{ suggest: `${ctx.base}/mail/faq/suggest`, 'suggest-into': 'faq-suggest' }}
          />
          <div id="faq-suggest" aria-live="polite">
            <FaqSuggestions base={ctx.base} answers={props.answers} />
          </div>
          <TextArea name="content" label="来信内容 *" values={v} errors={e} rows={8} max={3000} />
          <OptionalFile name="file" label="附件" maxFileMb={props.maxFileMb} dropped={props.fileDropped} />
        </fieldset>
        <fieldset>
          <legend>来信人</legend>
          <TextField name="name" label="姓名" values={v} errors={e} required max={30} autocomplete="name" />
          <TextField
            name="phone"
            label="联系电话"
            values={v}
            errors={e}
            max={20}
            type="tel"
            autocomplete="tel"
            hint="联系电话和电子邮箱至少填写一项"
          />
          <TextField
            name="email"
            label="电子邮箱"
            values={v}
            errors={e}
            max={100}
            type="email"
            autocomplete="email"
            hint="填写后，回执和答复将发送到此邮箱"
          />
          <Checkbox
            name="consent"
            label="同意公开本信（公开时不显示姓名全名、联系方式等个人信息）"
            checked={str(v.consent) === 'on'}
          />
        </fieldset>
        <CaptchaFields challenge={props.challenge} errors={e} />
        <p>
          <button type="submit" class="btn">
            提交来信
          </button>
        </p>
      </form>
    </Layout>
  );
}

export function LetterReceiptPage(props: {
  ctx: PageCtx;
  trackingNo: string;
  queryCode: string;
  mailbox: string;
  mailed: boolean;
}): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="来信已提交" crumbs={crumbs(ctx, '来信回执')}>
      <h1>来信已提交</h1>
      <p class="notice-ok" role="status" safe>{`您写给${props.mailbox}的来信已提交。`}</p>
      <TrackingNumbers numberLabel="信件编号" trackingNo={props.trackingNo} queryCode={props.queryCode} />
      <p>
        请记下信件编号和查询码（可打印本页），凭二者查询办理进度和答复。离开或刷新本页后，查询码不再显示。
        {props.mailed ? '回执将发送到您填写的电子邮箱。' : ''}
      </p>
      <p>
        <a class="btn secondary" href={`${ctx.base}/mail/status`}>
          查询办理进度
        </a>
      </p>
    </Layout>
  );
}

export function LetterLookupPage(props: {
  ctx: PageCtx;
  csrf: string;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="查询来信办理进度" crumbs={crumbs(ctx, '进度查询')}>
      <h1>查询来信办理进度</h1>
      <FormMessage message={props.message} />
      <TrackingLookup
        action={`${ctx.base}/mail/status`}
        csrf={props.csrf}
        numberLabel="信件编号"
        values={props.values}
        errors={props.errors}
      />
    </Layout>
  );
}

/** The writer's view of their letter, with the rating form once it is answered. */
export function LetterStatusPage(props: {
  ctx: PageCtx;
  s: LetterStatus;
  csrf: string;
  queryCode: string;
  message?: string;
}): JSX.Element {
  const { ctx, s } = props;
  return (
    <Layout ctx={ctx} title="来信办理进度" crumbs={crumbs(ctx, '办理进度')}>
      <h1 safe>{s.title}</h1>
      <FormMessage message={props.message} />
      <table class="meta">
        <tbody>
          <tr>
            <th scope="row">信件编号</th>
            <td safe>{s.trackingNo}</td>
          </tr>
          <tr>
            <th scope="row">类型</th>
            <td safe>{s.kind}</td>
          </tr>
          <tr>
            <th scope="row">状态</th>
            <td>
              <strong safe>{s.state === 'review' ? LETTER_STATES.handling : LETTER_STATES[s.state]}</strong>
            </td>
          </tr>
          {s.agency ? (
            <tr>
              <th scope="row">承办单位</th>
              <td safe>{s.agency}</td>
            </tr>
          ) : (
            ''
          )}
          <tr>
            <th scope="row">来信日期</th>
            <td safe>{s.submittedOn}</td>
          </tr>
          {s.dueOn ? (
            <tr>
              <th scope="row">答复期限</th>
              <td safe>{s.dueOn}</td>
            </tr>
          ) : (
            ''
          )}
        </tbody>
      </table>
      <h2>来信内容</h2>
      <Paragraphs text={s.content} />
      {s.reply ? (
        <section aria-labelledby="reply">
          <h2 id="reply" safe>{`答复（${s.repliedOn ?? ''}）`}</h2>
          <Paragraphs text={s.reply} />
        </section>
      ) : (
        ''
      )}
      {s.closedReason ? <p safe>{`办结说明：${s.closedReason}`}</p> : ''}
      {s.rating ? <p safe>{`您的评价：${s.rating}${s.ratingComment ? `（${s.ratingComment}）` : ''}`}</p> : ''}
      {s.mayRate && (
        <form method="post" action={`${ctx.base}/mail/status/rate`} class="form-wide">
          <Csrf token={props.csrf} />
          <input type="hidden" name="trackingNo" value={s.trackingNo} />
          <input type="hidden" name="queryCode" value={props.queryCode} />
          <fieldset>
            <legend>对答复的评价</legend>
            {Object.entries(RATINGS).map(([value, label], i) => (
              <label class="choice">
                <input type="radio" name="rating" value={value} required checked={i === 0} /> <span safe>{label}</span>
              </label>
            ))}
            <TextArea name="comment" label="评价意见（可选）" values={{}} errors={{}} rows={3} max={500} />
            {s.mayReopen && <Checkbox name="reopen" label="不满意时，请求重新办理（仅限一次）" checked={false} />}
          </fieldset>
          <p>
            <button type="submit" class="btn">
              提交评价
            </button>
          </p>
        </form>
      )}
      <h2>办理过程</h2>
      <ol class="steps">
        {s.steps.map((st) => (
          <li safe>{`${st.on} ${st.text}`}</li>
        ))}
      </ol>
    </Layout>
  );
}

export function PublicLettersPage(props: {
  ctx: PageCtx;
  letters: ListedLetter[];
  page: number;
  more: boolean;
  mailboxes: MailboxItem[];
  filter: { mailbox?: number; kind?: string };
}): JSX.Element {
  const { ctx, filter } = props;
  const href = (page: number) =>
    `${ctx.base}/mail/letters?${new URLSearchParams({
      ...(filter.mailbox ? { mailbox: String(filter.mailbox) } : {}),
      ...(filter.kind ? { kind: filter.kind } : {}),
      page: String(page),
    })}`;
  return (
    <Layout ctx={ctx} title="来信选登" crumbs={crumbs(ctx, '来信选登')}>
      <h1>来信选登</h1>
      <form method="get" action={`${ctx.base}/mail/letters`} class="filters">
        <Select
          name="mailbox"
          label="信箱"
          options={[['', '全部'], ...props.mailboxes.map((m): [string, string] => [String(m.id), m.name])]}
          value={filter.mailbox ? String(filter.mailbox) : ''}
          errors={{}}
        />
        <Select
          name="kind"
          label="类型"
          options={optionsOf(LETTER_KINDS, '全部')}
          value={filter.kind ?? ''}
          errors={{}}
        />
        <button type="submit" class="btn secondary">
          筛选
        </button>
      </form>
      <LetterList ctx={ctx} letters={props.letters} />
      <NextPager page={props.page} more={props.more} href={href} />
    </Layout>
  );
}

export function PublicLetterPage(props: {
  ctx: PageCtx;
  l: {
    title: string;
    content: string;
    writer: string;
    kindLabel: string;
    mailbox: string;
    agency: string | null;
    submitted_at: Date;
    reply: string;
    replied_on: string | null;
  };
}): JSX.Element {
  const { ctx, l } = props;
  return (
    <Layout
      ctx={ctx}
      title={l.title}
      crumbs={[
        ...crumbs(ctx, '来信选登').slice(0, 1),
        { href: `${ctx.base}/mail/letters`, label: '来信选登' },
        { label: l.title },
      ]}
    >
      <article>
        <h1 safe>{l.title}</h1>
        <table class="meta">
          <tbody>
            <tr>
              <th scope="row">来信人</th>
              <td safe>{l.writer}</td>
            </tr>
            <tr>
              <th scope="row">信箱</th>
              <td safe>{l.mailbox}</td>
            </tr>
            <tr>
              <th scope="row">类型</th>
              <td safe>{l.kindLabel}</td>
            </tr>
            <tr>
              <th scope="row">来信日期</th>
              <td safe>{fmtDate(l.submitted_at)}</td>
            </tr>
          </tbody>
        </table>
        <h2>来信内容</h2>
        <Paragraphs text={l.content} />
        <section aria-labelledby="reply">
          <h2 id="reply">答复内容</h2>
          <p class="hint" safe>{`答复单位：${l.agency ?? ''}　答复日期：${l.replied_on ?? ''}`}</p>
          <Paragraphs text={l.reply} />
        </section>
      </article>
    </Layout>
  );
}

const pct = (v: number | null) => (v === null ? '—' : `${v}%`);

function FiguresRow(props: { label: string; f: LetterFigures; head?: boolean }): JSX.Element {
  const { f } = props;
  return (
    <tr>
      <th scope="row" safe>
        {props.label}
      </th>
      <td data-label="收到来信">{f.received}</td>
      <td data-label="已答复">{f.answered}</td>
      <td data-label="办复率" safe>
        {pct(f.answerRate)}
      </td>
      <td data-label="按期答复率" safe>
        {pct(f.onTimeRate)}
      </td>
      <td data-label="平均办理天数">{f.averageDays ?? '—'}</td>
      <td data-label="满意率" safe>
        {pct(f.satisfaction)}
      </td>
    </tr>
  );
}

function FiguresTable(props: { caption: string; rows: { label: string; f: LetterFigures }[]; first: string }) {
  return (
    <table class="figures">
      <caption safe>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col" safe>
            {props.first}
          </th>
          <th scope="col">收到来信</th>
          <th scope="col">已答复</th>
          <th scope="col">办复率</th>
          <th scope="col">按期答复率</th>
          <th scope="col">平均办理天数</th>
          <th scope="col">满意率</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <FiguresRow label={r.label} f={r.f} />
        ))}
      </tbody>
    </table>
  );
}

/** A bar chart of letters received and answered per month, drawn on the server; the table above carries the data. */
function MonthChart(props: { months: LetterStatistics['months'] }): JSX.Element {
  const max = Math.max(1, ...props.months.map((m) => m.figures.received));
  const w = 640;
  const h = 200;
  const bar = w / props.months.length;
  const y = (n: number) => h - 20 - (n / max) * (h - 40);
  return (
    <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label="每月收到与答复的来信数（数据见上表）" class="chart">
      {props.months.map((m, i) => (
        <g>
          <rect
            x={i * bar + 6}
            y={y(m.figures.received)}
            width={bar / 2 - 6}
            height={h - 20 - y(m.figures.received)}
            fill="#1f5fa8"
          />
          <rect
            x={i * bar + bar / 2}
            y={y(m.figures.answered)}
            width={bar / 2 - 6}
            height={h - 20 - y(m.figures.answered)}
            fill="#2e7d32"
          />
          <text
            x={i * bar + bar / 2}
            y={h - 4}
            text-anchor="middle"
            font-size="12"
            safe
          >{`${Number(m.month.slice(5))}月`}</text>
        </g>
      ))}
    </svg>
  );
}

export function StatsPage(props: { ctx: PageCtx; s: LetterStatistics; years: number[] }): JSX.Element {
  const { ctx, s } = props;
  return (
    <Layout ctx={ctx} title={`${s.year}年来信办理情况统计`} crumbs={crumbs(ctx, '来信办理情况统计')}>
      <h1 safe>{`${s.year}年来信办理情况统计`}</h1>
      <nav aria-label="年度" class="filters">
        {props.years.map((y) =>
          y === s.year ? (
            <strong aria-current="page" safe>{`${y}年`}</strong>
          ) : (
            <a href={`${ctx.base}/mail/stats?year=${y}`} safe>{`${y}年`}</a>
          ),
        )}
      </nav>
      <p safe>
        {`${s.year}年共收到有效来信 ${s.total.received} 件，已办理答复 ${s.total.answered} 件，办复率 ${pct(s.total.answerRate)}；按期答复率 ${pct(s.total.onTimeRate)}，平均办理 ${s.total.averageDays ?? '—'} 天（自然日），满意率 ${pct(s.total.satisfaction)}。另有重复、无实质内容等来信 ${s.closed} 件已办结。`}
      </p>
      <FiguresTable
        caption="按月份"
        first="月份"
        rows={[
          ...s.months.map((m) => ({ label: `${Number(m.month.slice(5))}月`, f: m.figures })),
          { label: '合计', f: s.total },
        ]}
      />
      <MonthChart months={s.months} />
      <p class="hint">图例：蓝色为收到来信，绿色为已答复。</p>
      <FiguresTable caption="按信箱" first="信箱" rows={s.mailboxes.map((m) => ({ label: m.name, f: m.figures }))} />
      <FiguresTable
        caption="按承办单位"
        first="承办单位"
        rows={s.agencies.map((a) => ({ label: a.name, f: a.figures }))}
      />
    </Layout>
  );
}
