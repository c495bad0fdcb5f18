import type { GazetteIssue as Issue } from '../../core/db.types.ts';
import { Layout, type PageCtx } from '../../web/layout.tsx';

export const issueTitle = (i: Issue) =>
  `${i.year}年第${i.number}期${i.total_number ? `（总第${i.total_number}期）` : ''}`;

export function GazettePage(props: { ctx: PageCtx; years: number[]; year: number; issues: Issue[] }): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="政府公报" crumbs={[{ label: '政府公报' }]}>
      <h1>政府公报</h1>
      <nav aria-label="按年份浏览" class="filters">
        {props.years.map((y) =>
          y === props.year ? (
            <strong aria-current="page" safe>{`${y}年`}</strong>
          ) : (
            <a href={`${ctx.base}/gazette?year=${y}`} safe>{`${y}年`}</a>
          ),
        )}
      </nav>
      {props.issues.length === 0 ? (
        <p class="muted">本年度暂无公报</p>
      ) : (
        <ul class="list">
          {props.issues.map((i) => (
            <li>
              <a href={`${ctx.base}/gazette/${i.id}`} safe>
                {issueTitle(i)}
              </a>
              <span class="date" safe>
                {i.issue_date}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function GazetteIssuePage(props: {
  ctx: PageCtx;
  issue: Issue;
  entries: { id: number; section: string; title: string; publication_id: number | null }[];
}): JSX.Element {
  const { ctx, issue } = props;
  // each section once, in the order it first appears, with its entries in their order
  const sections: { name: string; entries: typeof props.entries }[] = [];
  for (const e of props.entries) {
    const section = sections.find((s) => s.name === e.section);
    if (section) section.entries.push(e);
    else sections.push({ name: e.section, entries: [e] });
  }
  return (
    <Layout
      ctx={ctx}
      title={`政府公报 ${issueTitle(issue)}`}
      crumbs={[{ href: `${ctx.base}/gazette?year=${issue.year}`, label: '政府公报' }, { label: issueTitle(issue) }]}
    >
      <h1 safe>{`${ctx.site.name}公报 ${issueTitle(issue)}`}</h1>
      <p class="muted" safe>{`出版日期：${issue.issue_date}`}</p>
      <h2>目录</h2>
      {sections.map((s) => (
        <section>
          {!!s.name && <h3 safe>{s.name}</h3>}
          <ol>
            {s.entries.map((e) =>
              e.publication_id ? (
                <li>
                  <a href={`${ctx.base}/p/${e.publication_id}`} safe>
                    {e.title}
                  </a>
                </li>
              ) : (
                <li safe>{e.title}</li>
              ),
            )}
          </ol>
        </section>
      ))}
    </Layout>
  );
}
