/** The portal's own pages that every government site has: the site map and the accessibility statement. */
import type { Column } from '../../core/db.types.ts';
import { Layout, type PageCtx } from '../../web/layout.tsx';

/** 网站地图: every public column, as the tree the office built. */
export function SiteMapPage(props: { ctx: PageCtx; columns: Column[] }): JSX.Element {
  const { ctx } = props;
  const children = (parent: number | null) => props.columns.filter((c) => c.parent_id === parent);
  const tree = (parent: number | null): JSX.Element => (
    <ul>
      {children(parent).map((c) => (
        <li>
          <a href={c.kind === 'gazette' ? `${ctx.base}/gazette` : `${ctx.base}/c/${c.slug}`} safe>
            {c.name}
          </a>
          {children(c.id).length > 0 && tree(c.id)}
        </li>
      ))}
    </ul>
  );
  return (
    <Layout ctx={ctx} title="网站地图" crumbs={[{ label: '网站地图' }]}>
      <h1>网站地图</h1>
      <div class="site-map">
        {tree(null)}
        <ul>
          <li>
            <a href={`${ctx.base}/agencies`}>机构目录与政府信息公开指南</a>
          </li>
          <li>
            <a href={`${ctx.base}/apply`}>依申请公开</a>（<a href={`${ctx.base}/apply/status`}>查询办理进度</a>）
          </li>
          <li>
            <a href={`${ctx.base}/mail`}>互动交流</a>（<a href={`${ctx.base}/mail/letters`}>来信选登</a>、
            <a href={`${ctx.base}/mail/stats`}>来信办理情况统计</a>）
          </li>
          <li>
            <a href={`${ctx.base}/search`}>站内搜索</a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}

/** 无障碍说明: what the site does for readers with disabilities and older readers (RULES.md §6). */
export function AccessibilityPage(props: { ctx: PageCtx }): JSX.Element {
  const { ctx } = props;
  const back = encodeURIComponent(`${ctx.base}/accessibility`);
  return (
    <Layout ctx={ctx} title="无障碍说明" crumbs={[{ label: '无障碍说明' }]}>
      <h1>无障碍说明</h1>
      <p>
        本网站按照《信息技术 互联网内容无障碍可访问性技术要求与测试方法》（GB/T 37668）和 WCAG 2.1 AA
        级建设，并按适老化要求提供长者模式。
      </p>
      <ul>
        <li>
          <a href={`/prefs/elder/${ctx.prefs.elder ? 'off' : 'on'}?back=${back}`}>
            {ctx.prefs.elder ? '退出长者模式' : '长者模式'}
          </a>
          ：放大文字和按钮，加大光标，简化版面。
        </li>
        <li>{'字号：在每篇信息的正文下方选择“大、中、小”。'}</li>
        <li>
          <a href={`/prefs/script/${ctx.prefs.hant ? 'hans' : 'hant'}?back=${back}`}>
            {ctx.prefs.hant ? '<!--keep-->简体<!--/keep-->' : '繁體'}
          </a>
          ：简体、繁体切换。
        </li>
        <li>全部页面不依赖脚本即可使用；可用键盘操作，每页开头有“跳到主要内容”链接。</li>
        <li>页面结构使用标题、列表和表格标注，适合读屏软件朗读；图片和图表配有文字说明或数据表。</li>
        <li>文字与背景的对比度符合 AA 级要求，页面可放大到 200% 而不丢失内容。</li>
      </ul>
      <p>
        如在使用中遇到障碍，请通过<a href={`${ctx.base}/agencies`}>各机构的联系方式</a>告诉我们。
      </p>
    </Layout>
  );
}
