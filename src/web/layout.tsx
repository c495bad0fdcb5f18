import type { PropsWithChildren } from '@kitajs/html';
import { Html } from '@kitajs/html';
import type { Site } from '../core/db.types.ts';
import { settingsOf } from '../core/sites.ts';
import { paragraphsOf } from '../core/text.ts';
import type { Prefs } from './request.ts';

/** A main-menu entry: its path under the site's base, and its name. */
export interface NavItem {
  path: string;
  name: string;
}

export interface PageCtx {
  site: Site;
  base: string;
  prefs: Prefs;
  /** Path of this page (without the site base), for the preference switches to return to. */
  path: string;
  nav: NavItem[];
}

export function Layout(
  props: PropsWithChildren<{
    ctx: PageCtx;
    title: string;
    crumbs?: { href?: string; label: string }[];
    /** The search page, which has its own search box (a phone shows only that one). */
    searchPage?: boolean;
  }>,
): JSX.Element {
  const { ctx } = props;
  const back = encodeURIComponent(ctx.base + ctx.path);
  return (
    <>
      {'<!doctype html>'}
      <html
        lang={ctx.prefs.hant ? 'zh-Hant' : 'zh-CN'}
        class={
          [
            ctx.prefs.elder ? 'elder' : '',
            ctx.prefs.size === 'medium' ? '' : `size-${ctx.prefs.size}`,
            props.searchPage ? 'search-page' : '',
          ]
            .filter(Boolean)
            .join(' ') || undefined
        }
      >
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${props.title} - ${ctx.site.name}`}</title>
          <link rel="stylesheet" href="/static/site.css" />
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <script src="/static/page.js" defer />
          <link rel="alternate" type="application/atom+xml" title="最新信息" href={`${ctx.base}/feed.xml`} />
        </head>
        <body>
          <a class="skip" href="#main">
            跳到主要内容
          </a>
          <header class="site-header">
            <div class="wrap header-row">
              <a class="site-name" href={`${ctx.base}/`} safe>
                {ctx.site.name}
              </a>
              <form method="get" action={`${ctx.base}/search`} class="site-search" aria-label="站内搜索">
                <label for="site-q" class="sr-only">
                  搜索本站
                </label>
                <input type="search" id="site-q" name="q" maxlength="200" placeholder="搜索政策、文号、索引号" />
                <button type="submit" class="btn secondary">
                  搜索
                </button>
              </form>
              <nav class="tools" aria-label="阅读设置">
                <a
                  href={`/prefs/script/${ctx.prefs.hant ? 'hans' : 'hant'}?back=${back}`}
                  lang={ctx.prefs.hant ? 'zh-CN' : 'zh-Hant'}
                >
                  {ctx.prefs.hant ? '<!--keep-->简体<!--/keep-->' : '繁體'}
                </a>
                <a href={`/prefs/elder/${ctx.prefs.elder ? 'off' : 'on'}?back=${back}`}>
                  {ctx.prefs.elder ? '退出长者模式' : '长者模式'}
                </a>
                <a href={`${ctx.base}/accessibility`} class="tool-extra">
                  无障碍
                </a>
                <a href={`${ctx.base}/feed.xml`} class="tool-extra">
                  RSS
                </a>
              </nav>
            </div>
            <nav class="main-nav" aria-label="主导航">
              <ul class="wrap">
                <li>
                  <a href={`${ctx.base}/`}>首页</a>
                </li>
                {ctx.nav.map((c) => (
                  <li>
                    <a href={`${ctx.base}${c.path}`} safe>
                      {c.name}
                    </a>
                  </li>
                ))}
                <li>
                  <a href={`${ctx.base}/agencies`}>机构目录</a>
                </li>
                <li>
                  <a href={`${ctx.base}/apply`}>依申请公开</a>
                </li>
                <li>
                  <a href={`${ctx.base}/mail`}>互动交流</a>
                </li>
              </ul>
            </nav>
          </header>
          <main id="main" class="wrap">
            {!!props.crumbs && (
              <nav aria-label="当前位置" class="crumbs">
                <span class="crumbs-label">您现在所在的位置：</span>
                <ol>
                  <li>
                    <a href={`${ctx.base}/`}>首页</a>
                  </li>
                  {props.crumbs.map((c) => (
                    <li>
                      {c.href ? (
                        <a href={c.href} safe>
                          {c.label}
                        </a>
                      ) : (
                        <span aria-current="page" safe>
                          {c.label}
                        </span>
                      )}
                    </li>
                  ))}
                </ol>
              </nav>
            )}
            {props.children}
          </main>
          <SiteFooter ctx={ctx} />
        </body>
      </html>
    </>
  );
}

/** The statutory footer: who runs the site, its 网站标识码 and filings, the 党政机关 mark, contact and site map. */
function SiteFooter(props: { ctx: PageCtx }): JSX.Element {
  const { ctx } = props;
  const f = settingsOf(ctx.site).footer;
  return (
    <footer class="site-footer">
      <div class="wrap footer-row">
        {!!f.conacLink && (
          <a class="conac" href={f.conacLink} rel="noopener" title="党政机关网站标识">
            党政机关
          </a>
        )}
        <div>
          <p>
            <a href={`${ctx.base}/map`}>网站地图</a> · <a href={`${ctx.base}/accessibility`}>无障碍说明</a> ·{' '}
            <a href={`${ctx.base}/feed.xml`}>RSS 订阅</a> · <a href={`${ctx.base}/agencies`}>联系我们</a> ·{' '}
            <a href="/admin">工作人员登录</a>
          </p>
          <p safe>{`主办单位：${f.sponsor || ctx.site.name}${f.organizer ? `　承办单位：${f.organizer}` : ''}`}</p>
          {!!f.contact && <p safe>{`联系方式：${f.contact}`}</p>}
          <p>
            {!!f.siteId && <span safe>{`网站标识码：${f.siteId}　`}</span>}
            {!!f.icp && (
              <a href="https://beian.miit.gov.cn/" rel="noopener" safe>
                {f.icp}
              </a>
            )}
            {!!f.police && (
              <>
                {'　'}
                {f.policeLink ? (
                  <a href={f.policeLink} rel="noopener" safe>
                    {f.police}
                  </a>
                ) : (
                  <span safe>{f.police}</span>
                )}
              </>
            )}
          </p>
        </div>
      </div>
    </footer>
  );
}

/** Page links: previous, numbers around the current page, next. Plain links, so they work without JavaScript. */
export function Pager(props: { page: number; pages: number; href: (page: number) => string }): JSX.Element {
  const { page, pages } = props;
  if (pages <= 1) return '';
  const nums: number[] = [];
  for (let i = Math.max(1, page - 3); i <= Math.min(pages, page + 3); i++) nums.push(i);
  return (
    <nav class="pager" aria-label="分页">
      {page > 1 && (
        <a href={props.href(page - 1)} rel="prev">
          上一页
        </a>
      )}
      {nums.map((n) =>
        n === page ? (
          <span aria-current="page" safe>
            {String(n)}
          </span>
        ) : (
          <a href={props.href(n)} aria-label={`第 ${n} 页`}>
            {Html.escapeHtml(String(n))}
          </a>
        ),
      )}
      {page < pages && (
        <a href={props.href(page + 1)} rel="next">
          下一页
        </a>
      )}
      <span class="muted" safe>{`共 ${pages} 页`}</span>
    </nav>
  );
}

/** Plain text as paragraphs (a letter, a reply, an answer). */
export const Paragraphs = (props: { text: string }) => (
  <>
    {paragraphsOf(props.text).map((p) => (
      <p safe>{p}</p>
    ))}
  </>
);

/** Page links for a list that knows only whether there is a next page (no count of all its rows). */
export function NextPager(props: { page: number; more: boolean; href: (page: number) => string }): JSX.Element {
  if (props.page === 1 && !props.more) return '';
  return (
    <nav class="pager" aria-label="分页">
      {props.page > 1 ? (
        <a href={props.href(props.page - 1)} rel="prev">
          上一页
        </a>
      ) : (
        ''
      )}
      <span safe>{`第 ${props.page} 页`}</span>
      {props.more ? (
        <a href={props.href(props.page + 1)} rel="next">
          下一页
        </a>
      ) : (
        ''
      )}
    </nav>
  );
}

export function ErrorPage(props: { ctx: PageCtx | null; status: number; message: string }): JSX.Element {
  const body = (
    <section class="error-box">
      <h1>{props.status === 404 ? '页面不存在' : props.status === 410 ? '该信息已撤销发布' : '请求未能完成'}</h1>
      <p safe>{props.message}</p>
    </section>
  );
  if (props.ctx)
    return (
      <Layout ctx={props.ctx} title="提示">
        {body}
      </Layout>
    );
  return (
    <>
      {'<!doctype html>'}
      <html lang="zh-CN">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>提示</title>
          <link rel="stylesheet" href="/static/site.css" />
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <script src="/static/page.js" defer />
        </head>
        <body>
          <main id="main" class="wrap">
            {body}
          </main>
        </body>
      </html>
    </>
  );
}
