/** What a reviewer reads before acting: the changes a new edition makes, and the page as the public will see it. */
import { Layout, type PageCtx } from '../../web/layout.tsx';
import type { BodyBlock, FieldChange } from './catalog.diff.ts';
import type { PublicPage } from './catalog.read.store.ts';
import { DocumentView } from './catalog.views.tsx';

/** Where the back office opens an edition's attachment (before publication too). */
export const staffFileHref = (editionId: number) => (a: { id: number; filename: string }) =>
  `/admin/editions/${editionId}/attachments/${a.id}/${encodeURIComponent(a.filename)}`;

export function EditionChanges(props: { liveNumber: number; fields: FieldChange[]; body: BodyBlock[] }): JSX.Element {
  return (
    <section aria-labelledby="diff" class="changes">
      <h2 id="diff" safe>{`与现行第 ${props.liveNumber} 版的差异`}</h2>
      {!props.fields.length && !props.body.length && <p class="muted">本版与现行版本内容相同。</p>}
      {props.fields.length > 0 && (
        <table>
          <caption class="muted">目录要素</caption>
          <thead>
            <tr>
              <th scope="col">项目</th>
              <th scope="col">现行版本</th>
              <th scope="col">本版</th>
            </tr>
          </thead>
          <tbody>
            {props.fields.map((f) => (
              <tr>
                <th scope="row" safe>
                  {f.label}
                </th>
                <td>{f.before ? <del safe>{f.before}</del> : <span class="muted">（空）</span>}</td>
                <td>{f.after ? <ins safe>{f.after}</ins> : <span class="muted">（空）</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.body.length > 0 && (
        <div class="body-diff">
          <h3>正文</h3>
          <p class="muted">
            <del>删除的文字</del> <ins>新增的文字</ins>
          </p>
          {props.body.map(BodyBlockView)}
        </div>
      )}
    </section>
  );
}

function BodyBlockView(b: BodyBlock): JSX.Element {
  if (b.kind === 'same') return <p safe>{b.text}</p>;
  if (b.kind === 'skipped') return <p class="muted">{`……（${b.count} 段未改动）`}</p>;
  if (b.kind === 'added' || b.kind === 'removed')
    return <p>{b.kind === 'added' ? <ins safe>{b.text}</ins> : <del safe>{b.text}</del>}</p>;
  return (
    <p>
      {b.pieces.map((piece) =>
        piece.change === 'added' ? (
          <ins safe>{piece.text}</ins>
        ) : piece.change === 'removed' ? (
          <del safe>{piece.text}</del>
        ) : (
          <span safe>{piece.text}</span>
        ),
      )}
    </p>
  );
}

/** The public page an edition will make, drawn in the site's portal frame with a notice that it is not public. */
export function EditionPreviewPage(props: { ctx: PageCtx; data: PublicPage; editionId: number }): JSX.Element {
  const { ctx, data } = props;
  return (
    <Layout ctx={ctx} title={`预览：${data.edition.title}`} crumbs={[{ label: '预览' }]}>
      <div class="banner" role="note">
        <strong>预览</strong>
        <span>这是本版发布后公开页面的样子，尚未公开。</span>
        <a href={`/admin/editions/${props.editionId}`}>返回后台</a>
      </div>
      <DocumentView
        base={ctx.base}
        data={data}
        agencyName={data.publication.agency_name}
        fileHref={staffFileHref(props.editionId)}
      />
    </Layout>
  );
}
