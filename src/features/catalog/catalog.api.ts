import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Ctx } from '../../core/context.ts';
import { notFound } from '../../core/errors.ts';
import { shownHtml } from '../../core/html.ts';
import { id, pageParam, parseInput } from '../../core/validate.ts';
import { apiSite, doc, siteParams } from '../../web/api.ts';
import { actorOf } from '../../web/request.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { portalColumns, publicationPage, publishedList } from './catalog.portal.service.ts';
import { EDITION_ACTIONS } from './catalog.rules.ts';
import { editionInput, reasonInput } from './catalog.schema.ts';
import { actOnEdition, createDraft, updateDraft } from './catalog.service.ts';

const createBody = z.object({ agencyId: id }).and(editionInput);
const actionParams = z.object({
  id,
  action: z.enum(EDITION_ACTIONS),
});
const listQuery = z.object({ column: z.string().max(64).optional(), page: pageParam });
const bearer = [{ bearerAuth: [] }];

/** The catalogue's JSON API: public reads; staff writes with a token. */
export async function catalogApiRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get(
    '/v1/sites/:site/columns',
    { schema: { summary: '栏目树', tags: ['公开'], params: doc(siteParams) } },
    async (req) => {
      const site = await apiSite(ctx, req);
      const columns = await portalColumns(ctx, site.id);
      return {
        columns: columns.map((c) => ({ id: c.id, parentId: c.parent_id, slug: c.slug, name: c.name, kind: c.kind })),
      };
    },
  );

  app.get(
    '/v1/sites/:site/agencies',
    { schema: { summary: '机构列表', tags: ['公开'], params: doc(siteParams) } },
    async (req) => {
      const site = await apiSite(ctx, req);
      return {
        agencies: (await siteAgencies(ctx, site.id)).map((a) => ({
          id: a.id,
          parentId: a.parent_id,
          name: a.name,
          kind: a.kind,
          code: a.code,
        })),
      };
    },
  );

  app.get(
    '/v1/sites/:site/publications',
    {
      schema: {
        summary: '已发布信息列表（可按栏目）',
        tags: ['公开'],
        params: doc(siteParams),
        querystring: doc(listQuery),
      },
    },
    async (req) => {
      const site = await apiSite(ctx, req);
      const q = listQuery.parse(req.query ?? {});
      const { items, total, pageSize } = await publishedList(ctx, site.id, q.column, q.page);
      return {
        total,
        page: q.page,
        pageSize,
        items: items.map((i) => ({
          id: i.id,
          title: i.title,
          indexNo: i.index_no,
          docNo: i.doc_no,
          genre: i.genre,
          publishedAt: i.published_at,
        })),
      };
    },
  );

  app.get(
    '/v1/sites/:site/publications/:id',
    { schema: { summary: '一条已发布信息', tags: ['公开'] } },
    async (req) => {
      const site = await apiSite(ctx, req);
      const pid = id.safeParse((req.params as { id: string }).id);
      if (!pid.success) throw notFound('信息不存在或尚未发布');
      const { data } = await publicationPage(ctx, site.id, pid.data);
      const e = data.edition;
      return {
        id: data.publication.id,
        indexNo: data.publication.index_no,
        status: data.publication.status,
        statusReason: data.publication.status_reason || undefined,
        title: e.title,
        docNo: e.doc_no,
        writtenOn: e.written_on,
        publishedAt: data.publication.first_published_at,
        updatedAt: e.published_at,
        edition: e.number,
        agencies: data.agencies,
        themeCategory: e.theme_category,
        genre: e.genre,
        keywords: e.keywords,
        summary: e.summary,
        disclosureMode: e.disclosure_mode,
        validity: e.validity,
        validityChangedOn: e.validity_changed_on,
        replacedBy: data.replacedBy,
        bodyHtml: e.disclosure_mode === 'active' ? shownHtml(e) : '',
        columns: data.columns,
        attachments: e.disclosure_mode === 'active' ? data.attachments : [],
        interpretations: data.interpretations,
        interprets: data.interprets,
      };
    },
  );

  app.post(
    '/v1/sites/:site/publications',
    {
      schema: {
        summary: '新建草稿（信息员）',
        tags: ['工作人员'],
        security: bearer,
        params: doc(siteParams),
        body: doc(createBody),
      },
    },
    async (req, reply) => {
      const site = await apiSite(ctx, req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const agencyId = parseInput(z.object({ agencyId: id }), body).agencyId;
      if (!(await siteAgencies(ctx, site.id)).some((a) => a.id === agencyId)) throw notFound('机构不属于该站点');
      const created = await createDraft(ctx, actorOf(req), agencyId, body);
      return reply.status(201).send(created);
    },
  );

  app.put(
    '/v1/editions/:id',
    { schema: { summary: '修改草稿（信息员）', tags: ['工作人员'], security: bearer, body: doc(editionInput) } },
    async (req) => {
      const eid = parseInput(z.object({ id }), req.params).id;
      await updateDraft(ctx, actorOf(req), eid, req.body ?? {});
      return { ok: true };
    },
  );

  app.post(
    '/v1/editions/:id/actions/:action',
    {
      schema: {
        summary: '提交、审核、保密审查或退回',
        tags: ['工作人员'],
        security: bearer,
        params: doc(actionParams),
        body: doc(reasonInput.partial()),
      },
    },
    async (req) => {
      const { id: eid, action } = parseInput(actionParams, req.params);
      return actOnEdition(ctx, actorOf(req), eid, action, req.body ?? {});
    },
  );
}
