/** What a reviewer reads before acting: the changes a new edition makes, and the page as the public will see it. */

import { PERSONAL_LABELS } from '../../core/personal.ts';
import { Layout, type PageCtx } from '../../web/layout.tsx';
import type { BodyBlock, FieldChange } from './catalog.diff.ts';
import { findingsSummary, PLACE_LABELS, type PlacedFinding } from './catalog.personal.ts';
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
  if (b.kind === 'skipped') return <p class="muted" safe>{`……（${b.count} 段未改动）`}</p>;
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

/**
 * 个人信息检查: what the guard found in the title, summary, body and attachments, each in its words, with a mask for
 * each (and for all) to whoever holds the edition now; approvals need them masked or a reason.
 */
export function PersonalCheck(props: {
  editionId: number;
  csrf: string;
  findings: PlacedFinding[];
  canMask: boolean;
}): JSX.Element {
  const { findings } = props;
  const maskForm = (label: string, place: string, ordinal: number, name?: string) => (
    <form method="post" action={`/admin/editions/${props.editionId}/mask`} class="inline-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="place" value={place} />
      <input type="hidden" name="ordinal" value={String(ordinal)} />
      <button class="btn secondary" type="submit" aria-label={name} safe>
        {label}
      </button>
    </form>
  );
  return (
    <section aria-labelledby="personal">
      <h2 id="personal">个人信息检查</h2>
      {findings.length === 0 ? (
        <p class="notice-ok">未发现身份证号、手机号码或银行卡号。</p>
      ) : (
        <>
          <div class="banner" role="note">
            <strong safe>{`发现疑似个人信息：${findingsSummary(findings)}`}</strong>
            <span>
              除依法应当公开的（如行政处罚决定）外，公开前须去标识化：请遮盖，或退回修改；确需公开的，审核通过时须填写理由，并记入操作日志。
            </span>
          </div>
          <table>
            <thead>
              <tr>
                <th scope="col">位置</th>
                <th scope="col">类型</th>
                <th scope="col">原文</th>
                <th scope="col">遮盖为</th>
                {props.canMask && <th scope="col">操作</th>}
              </tr>
            </thead>
            <tbody>
              {findings.map((f) => {
                const at = f.context.indexOf(f.text);
                return (
                  <tr>
                    <td safe>{f.filename ? `附件：${f.filename}` : PLACE_LABELS[f.place]}</td>
                    <td safe>{PERSONAL_LABELS[f.kind]}</td>
                    <td>
                      <span safe>{f.context.slice(0, at)}</span>
                      <mark class="personal" safe>
                        {f.text}
                      </mark>
                      <span safe>{f.context.slice(at + f.text.length)}</span>
                    </td>
                    <td safe>{f.masked}</td>
                    {props.canMask && (
                      <td>
                        {f.place === 'attachment' ? (
                          <span class="muted">请删除附件，上传遮盖后的文件</span>
                        ) : (
                          maskForm('遮盖', f.place, f.ordinal, `遮盖${PLACE_LABELS[f.place]}中的${f.masked}`)
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {props.canMask &&
            findings.some((f) => f.place !== 'attachment') &&
            maskForm('全部遮盖（标题、概述和正文）', 'all', 0)}
        </>
      )}
    </section>
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
        staffEdition={props.editionId}
      />
    </Layout>
  );
}
