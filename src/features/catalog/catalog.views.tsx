import { Html } from '@kitajs/html';
import type { Agency, Column } from '../../core/db.types.ts';
import { shownHtml } from '../../core/html.ts';
import { markPersonalHtml } from '../../core/personal.ts';
import { fmtCount, fmtDate, fmtSize } from '../../web/format.ts';
import { Layout, type PageCtx, Pager } from '../../web/layout.tsx';
import { staffImages } from './catalog.images.ts';
import type { ListItem, PublicPage } from './catalog.read.store.ts';
import { DISCLOSURE_LABELS, GENRES, THEMES, VALIDITY_LABELS } from './catalog.rules.ts';

export function ItemList(props: { ctx: PageCtx; items: ListItem[]; empty?: string }): JSX.Element {
  if (!props.items.length)
    return (
      <p class="muted" safe>
        {props.empty ?? '暂无信息'}
      </p>
    );
  return (
    <ul class="list">
      {props.items.map((i) => (
        <li>
          <a href={`${props.ctx.base}/p/${i.id}`} safe>
            {i.title}
          </a>
          <span class="date" safe>
            {fmtDate(i.published_at)}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function HomePage(props: {
  ctx: PageCtx;
  blocks: { column: Column; items: ListItem[] }[];
  keyAreas: Column[];
  topics: Column[];
}): JSX.Element {
  const { ctx } = props;
  return (
    <Layout ctx={ctx} title="首页">
      <h1 class="visually-hidden-title" safe>
        {`${ctx.site.name}政务公开`}
      </h1>
      <div class="grid">
        {props.blocks.map((b) => (
          <section aria-labelledby={`col-${b.column.id}`}>
            <h2 id={`col-${b.column.id}`} safe>
              {b.column.name}
            </h2>
            <ItemList ctx={ctx} items={b.items} />
            <p class="more">
              <a href={`${ctx.base}/c/${b.column.slug}`} aria-label={`${b.column.name}：更多`}>
                更多
              </a>
            </p>
          </section>
        ))}
      </div>
      {props.keyAreas.length > 0 && (
        <section aria-labelledby="key-areas">
          <h2 id="key-areas">重点领域信息公开</h2>
          <ul class="checks">
            {props.keyAreas.map((c) => (
              <li>
                <a href={`${ctx.base}/c/${c.slug}`} safe>
                  {c.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {props.topics.length > 0 && (
        <section aria-labelledby="topics">
          <h2 id="topics">专题专栏</h2>
          <ul class="checks">
            {props.topics.map((c) => (
              <li>
                <a href={`${ctx.base}/c/${c.slug}`} safe>
                  {c.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Layout>
  );
}

export function ColumnPage(props: {
  ctx: PageCtx;
  column: Column;
  parents: Column[];
  children: Column[];
  items: ListItem[];
  page: number;
  pages: number;
  total: number;
  /** False when only the pages ahead were counted. */
  exact: boolean;
}): JSX.Element {
  const { ctx, column } = props;
  return (
    <Layout
      ctx={ctx}
      title={column.name}
      crumbs={[
        ...props.parents.map((c) => ({ href: `${ctx.base}/c/${c.slug}`, label: c.name })),
        { label: column.name },
      ]}
    >
      <h1 safe>{column.name}</h1>
      {!!column.description && <p safe>{column.description}</p>}
      {props.children.length > 0 && (
        <nav aria-label="下级栏目">
          <ul class="checks">
            {props.children.map((c) => (
              <li>
                <a href={`${ctx.base}/c/${c.slug}`} safe>
                  {c.name}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <p class="muted">
        {Html.escapeHtml(fmtCount(props.total, props.exact))} ·{' '}
        <a href={`${ctx.base}/c/${column.slug}/feed.xml`}>订阅本栏目</a>
      </p>
      <ItemList ctx={ctx} items={props.items} empty="本栏目暂无信息" />
      <Pager page={props.page} pages={props.pages} href={(n) => `${ctx.base}/c/${column.slug}?page=${n}`} />
    </Layout>
  );
}

export function PublicationPage(props: {
  ctx: PageCtx;
  data: PublicPage;
  qrSvg: string;
  agencyName: string;
}): JSX.Element {
  const { ctx, data } = props;
  const column = data.columns[0];
  return (
    <Layout
      ctx={ctx}
      title={data.edition.title}
      crumbs={[...(column ? [{ href: `${ctx.base}/c/${column.slug}`, label: column.name }] : []), { label: '正文' }]}
    >
      <DocumentView
        base={ctx.base}
        data={data}
        agencyName={props.agencyName}
        fileHref={(a) => `${ctx.base}/files/${a.id}/${encodeURIComponent(a.filename)}`}
      />
      <div class="doc-tools">
        <button type="button" class="btn secondary" data-print hidden>
          打印
        </button>
        <span>
          {'字号：'}
          {(
            [
              ['large', '大'],
              ['medium', '中'],
              ['small', '小'],
            ] as const
          ).map(([size, label]) => (
            <>
              {' '}
              <a
                href={`/prefs/size/${size}?back=${encodeURIComponent(ctx.base + ctx.path)}`}
                aria-current={ctx.prefs.size === size ? 'true' : undefined}
                aria-label={`字号${label}`}
              >
                {label}
              </a>
            </>
          ))}
        </span>
      </div>
      <figure class="qr">
        {/* the QR code is an SVG drawn by the qrcode library from this page's address */}
        {props.qrSvg as 'safe'}
        <figcaption>扫一扫在手机打开当前页</figcaption>
      </figure>
    </Layout>
  );
}

/**
 * A document as the public reads it: its status banners, the catalogue's table, the body, attachments, related
 * interpretations and policies and its revisions. The portal's page and the back office's review show the same.
 */
export function DocumentView(props: {
  /** The site's portal base, for links to other items. */
  base: string;
  data: PublicPage;
  agencyName: string;
  fileHref: (a: { id: number; filename: string }) => string;
  /** The document title's heading level: 1 on its own page, lower inside another page. */
  titleLevel?: 1 | 3;
  /** For a reviewer: personal data in the body is marked. */
  markPersonal?: boolean;
  /** For staff before publication: the edition whose address shows the body's pictures (catalog.images.ts). */
  staffEdition?: number;
}): JSX.Element {
  const { data } = props;
  const ctx = { base: props.base };
  const embedded = props.titleLevel === 3;
  const html =
    props.staffEdition === undefined
      ? shownHtml(data.edition)
      : staffImages(shownHtml(data.edition), props.staffEdition);
  // inside another page the document's sections sit a level below its title and their ids cannot clash
  const idp = embedded ? 'doc-' : '';
  const Sub = (h: { id: string; children: string }) =>
    embedded ? (
      <h4 id={h.id} safe>
        {h.children}
      </h4>
    ) : (
      <h2 id={h.id} safe>
        {h.children}
      </h2>
    );
  const e = data.edition;
  const p = data.publication;
  const withdrawn = p.status === 'withdrawn';
  const updated = data.history.length > 1 ? data.history.at(-1) : undefined;
  return (
    <>
      {withdrawn && (
        <div class="banner" role="note">
          <strong safe>{`本信息已于 ${fmtDate(p.status_changed_at)} 撤回`}</strong>
          <span safe>{`撤回原因：${p.status_reason}`}</span>
        </div>
      )}
      {(e.validity === 'repealed' || e.validity === 'expired' || e.validity === 'amended') && (
        <div class="banner" role="note">
          <strong
            safe
          >{`本文件${VALIDITY_LABELS[e.validity]}${e.validity_changed_on ? `（${e.validity_changed_on}）` : ''}`}</strong>
          {data.replacedBy ? (
            <span>
              {'现行文件：'}
              <a href={`${ctx.base}/p/${data.replacedBy.id}`} safe>
                {data.replacedBy.title}
              </a>
            </span>
          ) : (
            <span>本文件已不再执行，仅供查阅。</span>
          )}
        </div>
      )}
      <table class="meta">
        <caption class="muted">信息公开目录要素</caption>
        <tbody>
          <tr>
            <th scope="row">索引号</th>
            <td safe>{p.index_no ?? '（首次发布时生成）'}</td>
            <th scope="row">主题分类</th>
            <td safe>{e.theme_category || '—'}</td>
          </tr>
          <tr>
            <th scope="row">发文机关</th>
            <td safe>{data.agencies.map((a) => a.name).join('、') || props.agencyName}</td>
            <th scope="row">成文日期</th>
            <td safe>{e.written_on ?? '—'}</td>
          </tr>
          <tr>
            <th scope="row">标题</th>
            <td colspan="3" safe>
              {e.title}
            </td>
          </tr>
          <tr>
            <th scope="row">发文字号</th>
            <td safe>{e.doc_no || '—'}</td>
            <th scope="row">发布日期</th>
            <td>{p.first_published_at ? fmtDate(p.first_published_at) : '（发布时）'}</td>
          </tr>
          <tr>
            <th scope="row">体裁分类</th>
            <td safe>{e.genre}</td>
            <th scope="row">有效性</th>
            <td safe>{VALIDITY_LABELS[e.validity] + (e.effective_on ? `（${e.effective_on} 起施行）` : '')}</td>
          </tr>
          <tr>
            <th scope="row">公开方式</th>
            <td safe>{DISCLOSURE_LABELS[e.disclosure_mode]}</td>
            <th scope="row">主题词</th>
            <td safe>{e.keywords.join(' ') || '—'}</td>
          </tr>
        </tbody>
      </table>
      <article>
        {embedded ? (
          <h3 class="doc-title" safe>
            {e.title}
          </h3>
        ) : (
          <h1 class="doc-title" safe>
            {e.title}
          </h1>
        )}
        {!!e.doc_no && (
          <p class="muted" style="text-align:center" safe>
            {e.doc_no}
          </p>
        )}
        {e.disclosure_mode === 'active' ? (
          <div class="body">{(props.markPersonal ? markPersonalHtml(html) : html) as 'safe'}</div>
        ) : (
          <p class="banner" safe>
            {e.disclosure_mode === 'on_request'
              ? '本信息属于依申请公开信息，可通过政府信息公开申请获取。'
              : `本信息不予公开。理由：${e.non_disclosure_reason}`}
          </p>
        )}
        {e.interpretation_kind === 'video' && !!e.video_url && (
          <p>
            <a href={e.video_url} rel="noopener">
              观看视频解读
            </a>
          </p>
        )}
      </article>
      {e.disclosure_mode === 'active' && data.attachments.length > 0 && (
        <section aria-labelledby={`${idp}att`}>
          <Sub id={`${idp}att`}>附件</Sub>
          <ul>
            {data.attachments.map((a) => (
              <li>
                <a href={props.fileHref(a)} safe>
                  {a.filename}
                </a>{' '}
                <span class="muted" safe>{`（${fmtSize(a.size)}）`}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {data.interpretations.length > 0 && (
        <section aria-labelledby={`${idp}interp`}>
          <Sub id={`${idp}interp`}>相关解读</Sub>
          <ul>
            {data.interpretations.map((i) => (
              <li>
                <a href={`${ctx.base}/p/${i.id}`} safe>
                  {i.title}
                </a>{' '}
                {i.kind === 'graphic' && <span class="tag">图解</span>}
                {i.kind === 'video' && <span class="tag">视频</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {data.interprets.length > 0 && (
        <section aria-labelledby={`${idp}policy`}>
          <Sub id={`${idp}policy`}>解读的文件</Sub>
          <ul>
            {data.interprets.map((i) => (
              <li>
                <a href={`${ctx.base}/p/${i.id}`} safe>
                  {i.title}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!!updated && (
        <section aria-labelledby={`${idp}changes`}>
          <Sub id={`${idp}changes`}>修订记录</Sub>
          <ul>
            {data.history.map((h) => (
              <li safe>{`第 ${h.number} 版 ${fmtDate(h.published_at)}${h.change_note ? `：${h.change_note}` : ''}`}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

export function AgenciesPage(props: { ctx: PageCtx; agencies: Agency[] }): JSX.Element {
  const { ctx } = props;
  const groups: [string, Agency['kind'][]][] = [
    ['政府及办公室', ['government', 'office']],
    ['政府部门', ['department', 'other']],
    ['乡镇（街道）', ['township']],
  ];
  return (
    <Layout ctx={ctx} title="机构信息公开目录" crumbs={[{ label: '机构信息公开目录' }]}>
      <h1>机构信息公开目录</h1>
      {groups.map(([label, kinds]) => (
        <section>
          <h2 safe>{label}</h2>
          <ul class="checks">
            {props.agencies
              .filter((a) => kinds.includes(a.kind))
              .map((a) => (
                <li>
                  <a href={`${ctx.base}/agencies/${a.id}`} safe>
                    {a.name}
                  </a>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}

export function AgencyCatalogPage(props: {
  ctx: PageCtx;
  agency: Agency;
  items: (ListItem & { theme_category: string })[];
  filter: { theme?: string; genre?: string; year?: number };
  years: number[];
  page: number;
  pages: number;
  total: number;
  exact: boolean;
}): JSX.Element {
  const { ctx, agency, filter } = props;
  const qs = (page: number) => {
    const u = new URLSearchParams();
    if (filter.theme) u.set('theme', filter.theme);
    if (filter.genre) u.set('genre', filter.genre);
    if (filter.year) u.set('year', String(filter.year));
    u.set('page', String(page));
    return `${ctx.base}/agencies/${agency.id}?${u}`;
  };
  return (
    <Layout
      ctx={ctx}
      title={`${agency.name}信息公开目录`}
      crumbs={[{ href: `${ctx.base}/agencies`, label: '机构信息公开目录' }, { label: agency.name }]}
    >
      <h1 safe>{`${agency.name}信息公开目录`}</h1>
      <p>
        <a href={`${ctx.base}/agencies/${agency.id}/guide`}>政府信息公开指南</a>
      </p>
      <form class="filters" method="get" action={`${ctx.base}/agencies/${agency.id}`}>
        <div>
          <label for="f-theme">主题分类</label>
          <select id="f-theme" name="theme">
            <option value="">全部</option>
            {THEMES.map((t) => (
              <option value={t} selected={filter.theme === t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-genre">体裁分类</label>
          <select id="f-genre" name="genre">
            <option value="">全部</option>
            {GENRES.map((g) => (
              <option value={g} selected={filter.genre === g}>
                {g}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-year">发布年份</label>
          <select id="f-year" name="year">
            <option value="">全部</option>
            {props.years.map((y) => (
              <option value={String(y)} selected={filter.year === y} safe>
                {String(y)}
              </option>
            ))}
          </select>
        </div>
        <button class="btn" type="submit">
          筛选
        </button>
      </form>
      <p class="muted" safe>
        {fmtCount(props.total, props.exact)}
      </p>
      <table class="stack catalogue">
        <thead>
          <tr>
            <th scope="col">索引号</th>
            <th scope="col">标题</th>
            <th scope="col">发文字号</th>
            <th scope="col">发布日期</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((i) => (
            <tr>
              <td data-label="索引号" safe>
                {i.index_no ?? ''}
              </td>
              <td>
                <a href={`${ctx.base}/p/${i.id}`} safe>
                  {i.title}
                </a>
              </td>
              <td data-label="发文字号" safe>
                {i.doc_no || '—'}
              </td>
              <td class="date" data-label="发布日期" safe>
                {fmtDate(i.published_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.items.length === 0 && <p class="muted">没有符合条件的信息</p>}
      <Pager page={props.page} pages={props.pages} href={qs} />
    </Layout>
  );
}

export function AgencyGuidePage(props: { ctx: PageCtx; agency: Agency }): JSX.Element {
  const { ctx, agency: a } = props;
  const rows: [string, string][] = [
    ['政府信息公开工作机构', a.office_name],
    ['办公地址', a.office_address],
    ['办公时间', a.office_hours],
    ['联系电话', a.office_phone],
    ['传真', a.office_fax],
    ['电子邮箱', a.office_email],
    ['邮政编码', a.office_postcode],
  ];
  return (
    <Layout
      ctx={ctx}
      title={`${a.name}政府信息公开指南`}
      crumbs={[{ href: `${ctx.base}/agencies/${a.id}`, label: a.name }, { label: '政府信息公开指南' }]}
    >
      <h1 safe>{`${a.name}政府信息公开指南`}</h1>
      <p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。</p>
      <h2>一、主动公开</h2>
      <p>
        {
          '主动公开的政府信息通过本网站“信息公开目录”发布，可按主题分类、体裁分类和年份查阅。目录包括索引号、名称、内容概述、生成日期等要素。'
        }
        <a href={`${ctx.base}/agencies/${a.id}`}>查看本机关信息公开目录</a>
      </p>
      <h2>二、依申请公开</h2>
      <p>
        公民、法人或者其他组织可以向本机关申请获取主动公开以外的政府信息。
        <a href={`${ctx.base}/apply?agency=${a.id}`}>在线提交申请</a>
        ，也可以填写申请表后当面递交、邮寄或传真至下列政府信息公开工作机构。申请应当包括申请人的姓名或者名称、身份证明、联系方式，所需政府信息的名称、文号或者便于查询的其他特征性描述，以及获取信息的方式和途径。
      </p>
      <p>
        本机关收到申请后，能够当场答复的当场答复；不能当场答复的，自收到申请之日起 20
        个工作日内予以答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过 20
        个工作日。申请内容不明确的，在收到申请之日起 7
        个工作日内一次性告知申请人补正。征求第三方和其他机关意见所需时间不计算在答复期限内。
        <a href={`${ctx.base}/apply/status`}>查询办理进度</a>
      </p>
      <h3>收费</h3>
      <p>
        依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，按照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费：按件计收的，同一申请人一个自然月内累计申请
        10 件以下（含）不收费，11—30 件的部分每件 100 元，此后每增加 10 件，每件加收 100 元；按量计收的，30
        页以下（含）不收费，31—100 页每页 10 元，101—200 页每页 20 元，201 页以上每页 40
        元。两种方式不同时适用。申请人应当自收到收费通知之日起 20 个工作日内缴纳，逾期视为放弃申请。
      </p>
      <h3>救济途径</h3>
      <p>
        公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议（自知道该行为之日起
        60 日内）或者提起行政诉讼（自知道或者应当知道作出行政行为之日起 6 个月内）。
      </p>
      <h2>三、政府信息公开工作机构</h2>
      <table class="meta">
        <tbody>
          {rows.map(([k, v]) => (
            <tr>
              <th scope="row" safe>
                {k}
              </th>
              <td safe>{v || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!!a.guide_text && (
        <>
          <h2>四、其他说明</h2>
          <div safe>{a.guide_text}</div>
        </>
      )}
    </Layout>
  );
}
