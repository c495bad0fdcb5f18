/** The public side of 意见征集: the list, a consultation's whole story, and the comment form. */
import type { Challenge } from '../../core/captcha.ts';
import { fmtSize } from '../../web/format.ts';
import {
  CaptchaFields,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  Select,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { Layout, NextPager, type PageCtx, Paragraphs } from '../../web/layout.tsx';
import { ADOPTIONS, STAGE_LABELS, type Stage } from './interaction.consultations.rules.ts';
import type { PublicConsultation } from './interaction.consultations.service.ts';

const crumbs = (ctx: PageCtx, label?: string) => [
  { href: `${ctx.base}/mail`, label: '互动交流' },
  ...(label ? [{ href: `${ctx.base}/consult`, label: '意见征集' }, { label }] : [{ label: '意见征集' }]),
];

/** The stage in words, marked for an open consultation (never by colour alone). */
const StageTag = (props: { stage: Stage }) => (
  <span class={props.stage === 'open' ? 'tag ok' : 'tag'} safe>
    {STAGE_LABELS[props.stage]}
  </span>
);

export function ConsultListPage(props: {
  ctx: PageCtx;
  rows: {
    id: number;
    title: string;
    agency: string;
    opens_on: string;
    closes_on: string;
    comments: number;
    stage: Stage;
  }[];
  page: number;
  more: boolean;
}): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="意见征集" crumbs={crumbs(ctx)}>
      <h1>意见征集</h1>
      <p>
        重大行政决策、规章和行政规范性文件草案在作出决定前向社会公开征求意见，征求意见期限一般不少于 30
        日。期限届满后，起草单位公布意见收集和采纳情况。
      </p>
      {props.rows.length ? (
        <ul class="faq-list">
          {props.rows.map((r) => (
            <li>
              <a href={`${ctx.base}/consult/${r.id}`} safe>
                {r.title}
              </a>{' '}
              <StageTag stage={r.stage} />
              <span class="muted" safe>
                {`${r.agency} · 征求意见时间 ${r.opens_on} 至 ${r.closes_on} · 已公开意见 ${r.comments} 条`}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p>暂无意见征集。</p>
      )}
      <NextPager page={props.page} more={props.more} href={(p) => `${ctx.base}/consult?page=${p}`} />
    </Layout>
  );
}

export function ConsultPage(props: { ctx: PageCtx; d: PublicConsultation }): JSX.Element {
  const { ctx, d } = props;
  const { c } = d;
  const open = d.stage === 'open';
  const commentHref = (articleId?: number) =>
    `${ctx.base}/consult/${c.id}/comment${articleId ? `?article=${articleId}` : ''}`;
  return (
    <Layout ctx={ctx} title={c.title} crumbs={crumbs(ctx, c.title)}>
      <article>
        <h1 safe>{c.title}</h1>
        <table class="meta">
          <tbody>
            <tr>
              <th scope="row">起草单位</th>
              <td safe>{d.agency}</td>
            </tr>
            <tr>
              <th scope="row">征集时间</th>
              <td
                safe
              >{`${c.opens_on} 至 ${c.closes_on}${c.short_reason ? `（期限少于30日的理由：${c.short_reason}）` : ''}`}</td>
            </tr>
            <tr>
              <th scope="row">状态</th>
              <td>
                <StageTag stage={d.stage} />
              </td>
            </tr>
            {d.policy ? (
              <tr>
                <th scope="row">正式文件</th>
                <td>
                  <a href={`${ctx.base}/p/${d.policy.id}`} safe>
                    {d.policy.title}
                  </a>
                </td>
              </tr>
            ) : (
              ''
            )}
          </tbody>
        </table>
        {open ? (
          <p>
            <a class="btn" href={commentHref()}>
              我要提意见
            </a>{' '}
            <span class="hint">也可以对下面的某一条提出意见。意见经审核后公开，姓名只显示姓氏，联系方式不公开。</span>
          </p>
        ) : (
          ''
        )}
        {d.stage === 'result' ? (
          <section aria-labelledby="result">
            <h2 id="result">意见收集和采纳情况</h2>
            <p safe>
              {`共收到意见 ${d.counts.received} 条，其中采纳 ${d.counts.adopted} 条、部分采纳 ${d.counts.partly} 条、未采纳 ${d.counts.notAdopted} 条。`}
            </p>
            <Paragraphs text={c.result} />
          </section>
        ) : (
          ''
        )}
        {c.explanation ? (
          <section aria-labelledby="explanation">
            <h2 id="explanation">起草说明</h2>
            <Paragraphs text={c.explanation} />
          </section>
        ) : (
          ''
        )}
        {d.attachments.length ? (
          <section aria-labelledby="files">
            <h2 id="files">附件</h2>
            <ul>
              {d.attachments.map((a) => (
                <li>
                  <a href={`${ctx.base}/consult/${c.id}/files/${a.id}/${encodeURIComponent(a.filename)}`} safe>
                    {a.filename}
                  </a>{' '}
                  <span class="muted" safe>{`（${fmtSize(Number(a.size))}）`}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : (
          ''
        )}
        <section aria-labelledby="draft">
          <h2 id="draft">征求意见稿</h2>
          {d.preamble ? <Paragraphs text={d.preamble} /> : ''}
          {d.articles.length ? (
            d.articles.map((a, i) => (
              <>
                {a.chapter && a.chapter !== d.articles[i - 1]?.chapter ? (
                  <h3 class="chapter" safe>
                    {a.chapter}
                  </h3>
                ) : (
                  ''
                )}
                <div class="article" id={`a${a.id}`}>
                  <p>
                    <strong safe>{a.heading}</strong> <span safe>{a.body.split('\n')[0]}</span>
                  </p>
                  {a.body.includes('\n') ? <Paragraphs text={a.body.split('\n').slice(1).join('\n')} /> : ''}
                  {open ? (
                    <p class="article-comment">
                      <a href={commentHref(a.id)} safe>
                        {`对${a.heading}提意见`}
                      </a>
                    </p>
                  ) : (
                    ''
                  )}
                </div>
              </>
            ))
          ) : (
            <Paragraphs text={c.draft} />
          )}
        </section>
        <section aria-labelledby="comments">
          <h2 id="comments" safe>{`公开的意见（${d.comments.length} 条）`}</h2>
          {d.comments.length ? (
            <ol class="comments">
              {d.comments.map((m) => (
                <li>
                  <p class="muted" safe>
                    {`${m.writer} · ${m.submittedOn}${m.article ? ` · 针对${m.article}` : ' · 针对全文'}`}
                  </p>
                  <Paragraphs text={m.content} />
                  {m.adoption ? (
                    <p safe>{`处理情况：${ADOPTIONS[m.adoption]}${m.adoptionReason ? `。${m.adoptionReason}` : ''}`}</p>
                  ) : (
                    ''
                  )}
                </li>
              ))}
            </ol>
          ) : (
            <p>暂无公开的意见。</p>
          )}
        </section>
      </article>
    </Layout>
  );
}

export function CommentPage(props: {
  ctx: PageCtx;
  csrf: string;
  c: { id: number; title: string; contact_required: boolean; closes_on: string };
  articles: { id: number; heading: string }[];
  challenge: Challenge;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  sent?: boolean;
}): JSX.Element {
  const { ctx, c, values: v, errors: e } = props;
  const back = `${ctx.base}/consult/${c.id}`;
  return (
    <Layout ctx={ctx} title={`提意见 - ${c.title}`} crumbs={crumbs(ctx, c.title)}>
      <h1 safe>{`对《${c.title}》提意见`}</h1>
      {props.sent ? (
        <>
          <p class="notice-ok" role="status">
            意见已提交，谢谢您的参与。意见经审核后在本页公开；征求意见结束后，起草单位将公布意见采纳情况。
          </p>
          <p>
            <a href={back}>返回征求意见稿</a>
          </p>
        </>
      ) : (
        <>
          <p safe>{`征求意见截止日期：${c.closes_on}。意见经审核后公开，姓名只显示姓氏，联系方式不公开。`}</p>
          <FormMessage message={props.message} />
          <form method="post" action={`${ctx.base}/consult/${c.id}/comment`} class="form-wide">
            <Csrf token={props.csrf} />
            <Select
              name="articleId"
              label="针对"
              options={[
                ['', '征求意见稿全文'],
                ...props.articles.map((a): [string, string] => [String(a.id), a.heading]),
              ]}
              value={v.articleId}
              errors={e}
            />
            <TextArea name="content" label="意见内容 *" values={v} errors={e} rows={8} max={2000} />
            <TextField
              name="name"
              label={c.contact_required ? '姓名 *' : '姓名（可选）'}
              values={v}
              errors={e}
              max={30}
              autocomplete="name"
            />
            <TextField
              name="contact"
              label={c.contact_required ? '联系方式 *' : '联系方式（可选）'}
              values={v}
              errors={e}
              max={100}
              hint="电话或电子邮箱，仅供起草单位联系您，不公开"
            />
            <CaptchaFields challenge={props.challenge} errors={e} />
            <p>
              <button type="submit" class="btn">
                提交意见
              </button>{' '}
              <a href={back}>返回征求意见稿</a>
            </p>
          </form>
        </>
      )}
    </Layout>
  );
}
