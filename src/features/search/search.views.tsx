import type { Agency, Column } from '../../core/db.types.ts';
import { Layout, type PageCtx, Pager } from '../../web/layout.tsx';
import { GENRES, THEMES, VALIDITY_LABELS } from '../catalog/catalog.rules.ts';
import type { SearchQuery } from './search.schema.ts';
import type { Part, SearchPage } from './search.service.ts';

function Marked(props: { parts: Part[] }): JSX.Element {
  return <>{props.parts.map((p) => (p.mark ? <mark safe>{p.text}</mark> : <span safe>{p.text}</span>))}</>;
}

/** The URL of this search with some parameters changed (page links, suggestions). */
function searchHref(
  base: string,
  query: SearchQuery,
  change: Partial<Record<keyof SearchQuery, string | number | undefined>>,
) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...change })) {
    if (v === undefined || v === '' || (k === 'page' && v === 1) || (k === 'sort' && v === 'relevance')) continue;
    params.set(k, String(v));
  }
  return `${base}/search?${params}`;
}

function Choice(props: {
  id: string;
  name: string;
  label: string;
  value: unknown;
  options: [string, string][];
}): JSX.Element {
  return (
    <div>
      <label for={props.id} safe>
        {props.label}
      </label>
      <select id={props.id} name={props.name}>
        <option value="">不限</option>
        {props.options.map(([v, l]) => (
          <option value={v} selected={String(props.value ?? '') === v} safe>
            {l}
          </option>
        ))}
      </select>
    </div>
  );
}

export function SearchPageView(props: {
  ctx: PageCtx;
  query: SearchQuery;
  result: SearchPage;
  agencies: Agency[];
  columns: Column[];
  /** The kinds of document searched, as [kind, label]. */
  kinds: [string, string][];
}): JSX.Element {
  const { ctx, query: q, result: r } = props;
  const base = ctx.base;
  const asked = q.q !== '';
  const pages = Math.ceil(Math.min(r.total, 100 * r.pageSize) / r.pageSize);
  const topColumns = props.columns.filter(
    (c) => c.parent_id === null || props.columns.some((p) => p.id === c.parent_id && p.parent_id === null),
  );
  return (
    <Layout ctx={ctx} title={asked ? `搜索：${q.q}` : '搜索'} crumbs={[{ label: '搜索' }]} searchPage>
      <h1>搜索</h1>
      <form method="get" action={`${base}/search`} class="search-form" aria-label="搜索">
        <div class="search-box">
          <label for="s-q">搜索关键词</label>
          <input type="search" id="s-q" name="q" value={q.q} maxlength="200" aria-describedby="s-help" />
          <button class="btn" type="submit">
            搜索
          </button>
        </div>
        <p id="s-help" class="muted">
          多个词用空格分隔，结果同时包含这些词；用引号查找完整短语，如“资金发放”；在词前加减号排除，如
          -农村；可直接输入发文字号或索引号。
        </p>
        <details open={Boolean(q.agency || q.column || q.theme || q.genre || q.validity || q.kind || q.from || q.to)}>
          <summary>筛选条件</summary>
          <div class="filters">
            <Choice
              id="s-agency"
              name="agency"
              label="发布机构"
              value={q.agency}
              options={props.agencies.map((a) => [String(a.id), a.name])}
            />
            <Choice
              id="s-column"
              name="column"
              label="栏目"
              value={q.column}
              options={topColumns.map((c) => [c.slug, c.name])}
            />
            <Choice id="s-theme" name="theme" label="主题分类" value={q.theme} options={THEMES.map((t) => [t, t])} />
            <Choice id="s-genre" name="genre" label="体裁" value={q.genre} options={GENRES.map((g) => [g, g])} />
            <Choice
              id="s-validity"
              name="validity"
              label="有效性"
              value={q.validity}
              options={Object.entries(VALIDITY_LABELS)}
            />
            <Choice id="s-kind" name="kind" label="类型" value={q.kind} options={props.kinds} />
            <div>
              <label for="s-from">起始年份</label>
              <input type="number" id="s-from" name="from" min="1949" max="2200" value={q.from ? String(q.from) : ''} />
            </div>
            <div>
              <label for="s-to">截止年份</label>
              <input type="number" id="s-to" name="to" min="1949" max="2200" value={q.to ? String(q.to) : ''} />
            </div>
            <div>
              <label for="s-sort">排序</label>
              <select id="s-sort" name="sort">
                <option value="relevance" selected={q.sort === 'relevance'}>
                  按相关度
                </option>
                <option value="date" selected={q.sort === 'date'}>
                  按发布日期
                </option>
              </select>
            </div>
          </div>
        </details>
      </form>
      {r.building && (
        <p class="banner" role="status">
          搜索索引正在重建，结果可能不完整，请稍后再试。
        </p>
      )}
      {asked && (
        <section aria-labelledby="s-results">
          <h2 id="s-results" safe>
            {r.total === 0 ? '没有找到相关结果' : `找到${r.totalExact ? '' : '约'} ${r.total} 条结果`}
          </h2>
          {!!r.relaxed && (
            <p class="banner" role="status" safe>
              {`没有完全匹配“${q.q}”的结果，以下是同时包含“${r.relaxed.split(' ').join('”“')}”的结果。`}
            </p>
          )}
          {r.total === 0 && (
            <div class="suggest">
              {r.suggestions.length > 0 ? (
                <>
                  <p>可以试试放宽条件：</p>
                  <ul>
                    {r.suggestions.map((s) => (
                      <li>
                        <a
                          href={searchHref(
                            base,
                            s.dropFilters ? ({ q: s.q, sort: q.sort, page: 1 } as SearchQuery) : q,
                            { q: s.q, page: 1 },
                          )}
                          safe
                        >
                          {`${s.label}（${s.count} 条）`}
                        </a>
                      </li>
                    ))}
                  </ul>
                </>
              ) : (
                <p>请检查用词，或换用更少、更常用的词。</p>
              )}
            </div>
          )}
          <ol class="hits" start={String((r.page - 1) * r.pageSize + 1)}>
            {r.hits.map((h) => (
              <li>
                <h3 class="hit-title">
                  <a href={`${base}${h.path}`}>
                    <Marked parts={h.title} />
                  </a>
                </h3>
                <p class="hit-facts">
                  <span class="tag" safe>
                    {h.label}
                  </span>
                  {h.exact && <span class="tag">文号/索引号匹配</span>}
                  {!!h.badge && (
                    <span class="tag warn" safe>
                      {h.badge}
                    </span>
                  )}
                  <span safe>{[...h.facts, h.date].join(' · ')}</span>
                </p>
                <p class="hit-snippet">
                  <Marked parts={h.snippet} />
                </p>
              </li>
            ))}
          </ol>
          <Pager page={r.page} pages={pages} href={(page) => searchHref(base, q, { page })} />
        </section>
      )}
    </Layout>
  );
}
