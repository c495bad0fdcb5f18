/** The public side of 在线访谈: the list, an interview's page (announcement, live stream, transcript), the question form. */
import type { Challenge } from '../../core/captcha.ts';
import type { InterviewRole } from '../../core/db.types.ts';
import { fmtDateTime } from '../../web/format.ts';
import {
  CaptchaFields,
  Csrf,
  type FieldErrors,
  FormMessage,
  type FormValues,
  TextArea,
  TextField,
} from '../../web/forms.tsx';
import { Layout, NextPager, type PageCtx, Paragraphs } from '../../web/layout.tsx';
import { type Guest, INTERVIEW_STAGES, type InterviewStage } from './interaction.interviews.rules.ts';
import type { PublicInterview } from './interaction.interviews.service.ts';

const crumbs = (ctx: PageCtx, label?: string) => [
  { href: `${ctx.base}/mail`, label: '互动交流' },
  ...(label ? [{ href: `${ctx.base}/interviews`, label: '在线访谈' }, { label }] : [{ label: '在线访谈' }]),
];

/** The stage in words, marked while live (never by colour alone). */
export const InterviewStageTag = (props: { stage: InterviewStage }) => (
  <span class={props.stage === 'live' ? 'tag ok' : 'tag'} safe>
    {INTERVIEW_STAGES[props.stage]}
  </span>
);

const when = (i: { starts_at: Date; ends_at: Date }) =>
  `${fmtDateTime(i.starts_at)} 至 ${fmtDateTime(i.ends_at).slice(11)}`;

export function InterviewListPage(props: {
  ctx: PageCtx;
  rows: {
    id: number;
    title: string;
    agency: string;
    starts_at: Date;
    ends_at: Date;
    guests: Guest[];
    stage: InterviewStage;
  }[];
  page: number;
  more: boolean;
}): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="在线访谈" crumbs={crumbs(ctx)}>
      <h1>在线访谈</h1>
      <p>部门负责人走进访谈间，与网友在线交流，解读政策、回应关切。访谈前和访谈中均可提问。</p>
      {props.rows.length ? (
        <ul class="faq-list">
          {props.rows.map((r) => (
            <li>
              <a href={`${ctx.base}/interviews/${r.id}`} safe>
                {r.title}
              </a>{' '}
              <InterviewStageTag stage={r.stage} />
              <span class="muted" safe>
                {`${r.agency} · ${when(r)} · 嘉宾：${r.guests.map((g) => g.name).join('、')}`}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p>暂无在线访谈。</p>
      )}
      <NextPager page={props.page} more={props.more} href={(p) => `${ctx.base}/interviews?page=${p}`} />
    </Layout>
  );
}

/** One post of the stream, as the page shows it and as the live stream sends it. */
export function PostItem(props: {
  base: string;
  interviewId: number;
  p: { seq: number; role: InterviewRole; speaker: string; content: string; image: string | null; posted_at: Date };
}): JSX.Element {
  const { p } = props;
  return (
    <li class={`post post-${p.role}`} id={`p${p.seq}`}>
      <p class="post-who">
        <strong safe>{p.role === 'resident' ? `${p.speaker}问` : p.speaker}</strong>{' '}
        <span class="muted" safe>
          {fmtDateTime(p.posted_at).slice(11)}
        </span>
      </p>
      <Paragraphs text={p.content} />
      {p.image ? (
        <p>
          <img
            src={`${props.base}/interviews/${props.interviewId}/images/${p.image}`}
            alt={`${p.speaker}发布的图片`}
            loading="lazy"
          />
        </p>
      ) : (
        ''
      )}
    </li>
  );
}

export function InterviewPage(props: { ctx: PageCtx; d: PublicInterview }): JSX.Element {
  const { ctx, d } = props;
  const { i } = d;
  const here = `${ctx.base}/interviews/${i.id}`;
  return (
    <Layout ctx={ctx} title={i.title} crumbs={crumbs(ctx, i.title)}>
      <article>
        <h1 safe>{i.title}</h1>
        <table class="meta">
          <tbody>
            <tr>
              <th scope="row">访谈时间</th>
              <td safe>{when(i)}</td>
            </tr>
            <tr>
              <th scope="row">主办单位</th>
              <td safe>{d.agency}</td>
            </tr>
            <tr>
              <th scope="row">状态</th>
              <td>
                <InterviewStageTag stage={d.stage} />
              </td>
            </tr>
            {i.video_url ? (
              <tr>
                <th scope="row">访谈视频</th>
                <td>
                  <a href={i.video_url} rel="noopener" safe>
                    {i.video_url}
                  </a>
                </td>
              </tr>
            ) : (
              ''
            )}
          </tbody>
        </table>
        <section aria-labelledby="guests">
          <h2 id="guests">访谈嘉宾</h2>
          <ul class="guests">
            {d.guests.map((g) => (
              <li>
                {g.photo ? (
                  <img src={`${here}/images/${g.photo}`} alt={`${g.name}的照片`} width="96" height="120" />
                ) : (
                  ''
                )}
                <span>
                  <strong safe>{g.name}</strong>
                  <br />
                  <span safe>{g.title}</span>
                </span>
              </li>
            ))}
          </ul>
        </section>
        {i.intro ? (
          <section aria-labelledby="intro">
            <h2 id="intro">访谈简介</h2>
            <Paragraphs text={i.intro} />
          </section>
        ) : (
          ''
        )}
        {d.stage === 'announced' || d.stage === 'live' ? (
          <p>
            <a class="btn" href={`${here}/ask`}>
              我要提问
            </a>{' '}
            <span class="hint">问题经审核后由主持人向嘉宾提出，称呼只显示姓氏。</span>
          </p>
        ) : (
          ''
        )}
        {d.stage === 'ended' && i.summary ? (
          <section aria-labelledby="summary">
            <h2 id="summary">访谈摘要</h2>
            <Paragraphs text={i.summary} />
          </section>
        ) : (
          ''
        )}
        {d.stage === 'announced' ? (
          <p safe>{`访谈将于 ${fmtDateTime(i.starts_at)} 开始，届时本页直播文字实录。`}</p>
        ) : (
          <section aria-labelledby="stream">
            <h2 id="stream">{d.stage === 'live' ? '文字直播' : '文字实录'}</h2>
            {d.stage === 'live' ? (
              <p class="live-note">
                <span data-live-status>
                  正在直播。没有开启 JavaScript 的，请<a href={`${here}#latest`}>刷新本页</a>查看最新内容。
                </span>
              </p>
            ) : (
              ''
            )}
            <ol
              class="stream"
              aria-live={d.stage === 'live' ? 'polite' : undefined}
              data-live={d.stage === 'live' ? `${here}/live` : undefined}
              data-after={String(d.last)}
            >
              {d.posts.map((p) => (
                <PostItem base={ctx.base} interviewId={i.id} p={p} />
              ))}
            </ol>
            <p id="latest">
              {d.stage === 'live' ? (
                <a href={`${here}#latest`}>刷新查看最新内容</a>
              ) : d.posts.length ? (
                ''
              ) : (
                '暂无实录。'
              )}
            </p>
          </section>
        )}
      </article>
    </Layout>
  );
}

export function AskPage(props: {
  ctx: PageCtx;
  csrf: string;
  i: { id: number; title: string };
  challenge: Challenge;
  values: FormValues;
  errors: FieldErrors;
  message?: string;
  sent?: boolean;
}): JSX.Element {
  const { ctx, i, values: v, errors: e } = props;
  const back = `${ctx.base}/interviews/${i.id}`;
  return (
    <Layout ctx={ctx} title={`提问 - ${i.title}`} crumbs={crumbs(ctx, i.title)}>
      <h1 safe>{`向《${i.title}》的嘉宾提问`}</h1>
      {props.sent ? (
        <>
          <p class="notice-ok" role="status">
            问题已提交，谢谢您的参与。问题经审核后由主持人在访谈中向嘉宾提出。
          </p>
          <p>
            <a href={back}>返回访谈页面</a>
          </p>
        </>
      ) : (
        <>
          <FormMessage message={props.message} />
          <form method="post" action={`${back}/ask`} class="form-wide">
            <Csrf token={props.csrf} />
            <TextArea name="content" label="问题内容 *" values={v} errors={e} rows={6} max={1000} />
            <TextField
              name="name"
              label="称呼（可选）"
              values={v}
              errors={e}
              max={30}
              hint="公开时只显示姓氏，如“张**”"
              autocomplete="name"
            />
            <CaptchaFields challenge={props.challenge} errors={e} />
            <p>
              <button type="submit" class="btn">
                提交问题
              </button>{' '}
              <a href={back}>返回访谈页面</a>
            </p>
          </form>
        </>
      )}
    </Layout>
  );
}
