/** The public side of the knowledge base: the list by topic, an entry's page, and the answers offered on the letter form. */
import { fmtDate } from '../../web/format.ts';
import { Layout, NextPager, type PageCtx, Paragraphs } from '../../web/layout.tsx';

const crumbs = (ctx: PageCtx, label?: string) => [
  { href: `${ctx.base}/mail`, label: '互动交流' },
  ...(label ? [{ href: `${ctx.base}/mail/faq`, label: '常见问题' }, { label }] : [{ label: '常见问题' }]),
];

interface ListedFaq {
  id: number;
  topic: string;
  question: string;
  published_at: Date | null;
  agency: string | null;
}

/** A text with the words it was found by marked. */
type Marked = { text: string; mark: boolean }[];
const MarkedText = (props: { parts: Marked }) => (
  <>{props.parts.map((p) => (p.mark ? <mark safe>{p.text}</mark> : <span safe>{p.text}</span>))}</>
);

/** An answer offered while a letter is written. */
export interface SuggestedAnswer {
  path: string;
  title: Marked;
  snippet: Marked;
  facts: string[];
}

/**
 * “您的问题可能已有答复”: the best matching published answers. The letter form shows it before the letter is sent
 * (without JavaScript, on submitting), and its script asks for it as the title is typed.
 */
export function FaqSuggestions(props: { base: string; answers: SuggestedAnswer[] }): JSX.Element {
  if (!props.answers.length) return '';
  return (
    <section class="suggested" aria-labelledby="suggested-h">
      <h2 id="suggested-h">您的问题可能已有答复</h2>
      <ul>
        {props.answers.map((a) => (
          <li>
            <a href={`${props.base}${a.path}`} target="_blank" rel="noopener">
              <MarkedText parts={a.title} />
            </a>
            {a.facts.length ? <span class="muted" safe>{` ${a.facts.join(' · ')}`}</span> : ''}
            <p>
              <MarkedText parts={a.snippet} />
            </p>
          </li>
        ))}
      </ul>
      <p class="hint">以上答复在新窗口打开；如仍需写信，请继续填写并提交。</p>
    </section>
  );
}

export function FaqListPage(props: {
  ctx: PageCtx;
  faqs: ListedFaq[];
  topics: { topic: string; count: number }[];
  topic?: string;
  page: number;
  more: boolean;
}): JSX.Element {
  const { ctx } = props;
  const href = (page: number, topic = props.topic) =>
    `${ctx.base}/mail/faq?${new URLSearchParams({ ...(topic ? { topic } : {}), page: String(page) })}`;
  return (
    <Layout ctx={ctx} title="常见问题" crumbs={crumbs(ctx)}>
      <h1>常见问题</h1>
      <form method="get" action={`${ctx.base}/search`} class="search-form">
        <input type="hidden" name="kind" value="f" />
        <div class="search-box">
          <label for="faq-q">搜索常见问题</label>
          <input type="search" id="faq-q" name="q" maxlength={200} />
          <button type="submit" class="btn">
            搜索
          </button>
        </div>
      </form>
      {props.topics.length ? (
        <nav aria-label="问题分类" class="topics">
          <a href={href(1, '')} aria-current={props.topic ? undefined : 'page'}>
            全部
          </a>
          {props.topics.map((t) => (
            <a href={href(1, t.topic)} aria-current={props.topic === t.topic ? 'page' : undefined} safe>
              {`${t.topic}（${t.count}）`}
            </a>
          ))}
        </nav>
      ) : (
        ''
      )}
      {props.faqs.length ? (
        <ul class="faq-list">
          {props.faqs.map((f) => (
            <li>
              <a href={`${ctx.base}/mail/faq/${f.id}`} safe>
                {f.question}
              </a>
              <span class="muted" safe>
                {[f.agency ?? '', f.topic, f.published_at ? fmtDate(f.published_at) : ''].filter(Boolean).join(' · ')}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p>暂无常见问题。</p>
      )}
      <NextPager page={props.page} more={props.more} href={(p) => href(p)} />
      <p>
        没有找到答案？<a href={`${ctx.base}/mail`}>我要写信</a>
      </p>
    </Layout>
  );
}

export function FaqPage(props: {
  ctx: PageCtx;
  f: { question: string; answer: string; topic: string; agency: string | null; updated_at: Date };
}): JSX.Element {
  const { ctx, f } = props;
  return (
    <Layout ctx={ctx} title={f.question} crumbs={crumbs(ctx, f.question)}>
      <article>
        <h1 safe>{f.question}</h1>
        <table class="meta">
          <tbody>
            {f.agency ? (
              <tr>
                <th scope="row">答复单位</th>
                <td safe>{f.agency}</td>
              </tr>
            ) : (
              ''
            )}
            {f.topic ? (
              <tr>
                <th scope="row">分类</th>
                <td safe>{f.topic}</td>
              </tr>
            ) : (
              ''
            )}
            <tr>
              <th scope="row">更新日期</th>
              <td safe>{fmtDate(f.updated_at)}</td>
            </tr>
          </tbody>
        </table>
        <h2>答复</h2>
        <Paragraphs text={f.answer} />
      </article>
      <p>
        这条答复没有解决您的问题？<a href={`${ctx.base}/mail`}>我要写信</a> ·{' '}
        <a href={`${ctx.base}/mail/faq`}>更多常见问题</a>
      </p>
    </Layout>
  );
}
