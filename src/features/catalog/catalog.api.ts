import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { apiTokenUser, loadPrincipal } from '../../core/auth.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { shownHtml } from '../../core/html.ts';
import { id, pageParam, parseInput } from '../../core/validate.ts';
import { actorOf } from '../../web/request.ts';
import { searchApiRoutes } from '../search/search.routes.ts';
import {
  agenciesOf,
  columnAndDescendants,
  listInColumns,
  PAGE_SIZE,
  publicPage,
  visibleColumns,
} from './catalog.read.ts';
import { editionInput, reasonInput } from './catalog.schema.ts';
import { actOnEdition, createDraft, updateDraft } from './catalog.service.ts';

const doc = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;

const siteParams = z.object({ site: z.string().max(32) });
const createBody = z.object({ agencyId: id }).and(editionInput);
const actionParams = z.object({
  id,
  action: z.enum(['submit', 'approve_review', 'reject_review', 'approve_confidentiality', 'reject_confidentiality']),
});
const listQuery = z.object({ column: z.string().max(64).optional(), page: pageParam });
const bearer = [{ bearerAuth: [] }];

/** The JSON API: public reads; staff writes with `Authorization: Bearer <token>`. Documented at /api/docs. */
export async function apiRoutes(app: FastifyInstance, ctx: Ctx) {
  // zod validates inside the services (with Chinese messages); the JSON schemas here are for the description
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Gongkai 政务公开 API',
        version: '1',
        description: '站点、栏目和主动公开信息的读取接口；工作人员凭令牌创建和处理信息。',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', async (req) => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const userId = await apiTokenUser(ctx.db, auth.slice(7).trim());
      if (!userId) throw new AppError('unauthenticated', '访问令牌无效或已吊销');
      req.principal = await loadPrincipal(ctx.db, userId);
    }
  });

  const siteOf = async (req: FastifyRequest) => {
    const { site } = siteParams.parse(req.params);
    const row = await ctx.db.selectFrom('sites').selectAll().where('code', '=', site).executeTakeFirst();
    if (!row) throw notFound('站点不存在');
    return row;
  };

  await searchApiRoutes(app, ctx, doc as (schema: unknown) => Record<string, unknown>);

  app.get('/v1/sites', { schema: { summary: '站点列表', tags: ['公开'] } }, async () => {
    const sites = await ctx.db.selectFrom('sites').select(['code', 'name', 'hosts']).orderBy('id').execute();
    return { sites };
  });

  app.get(
    '/v1/sites/:site/columns',
    { schema: { summary: '栏目树', tags: ['公开'], params: doc(siteParams) } },
    async (req) => {
      const site = await siteOf(req);
      const columns = await visibleColumns(ctx.db, site.id);
      return {
        columns: columns.map((c) => ({ id: c.id, parentId: c.parent_id, slug: c.slug, name: c.name, kind: c.kind })),
      };
    },
  );

  app.get(
    '/v1/sites/:site/agencies',
    { schema: { summary: '机构列表', tags: ['公开'], params: doc(siteParams) } },
    async (req) => {
      const site = await siteOf(req);
      return {
        agencies: (await agenciesOf(ctx.db, site.id)).map((a) => ({
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
      const site = await siteOf(req);
      const q = listQuery.parse(req.query ?? {});
      let columnIds: number[];
      if (q.column) {
        const column = (await visibleColumns(ctx.db, site.id)).find((c) => c.slug === q.column);
        if (!column) throw notFound('栏目不存在');
        columnIds = await columnAndDescendants(ctx.db, site.id, column.id);
      } else {
        columnIds = (await visibleColumns(ctx.db, site.id)).map((c) => c.id);
      }
      const { items, total } = await listInColumns(ctx.db, site.id, columnIds, q.page);
      return {
        total,
        page: q.page,
        pageSize: PAGE_SIZE,
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
      const site = await siteOf(req);
      const pid = id.safeParse((req.params as { id: string }).id);
      const data = pid.success ? await publicPage(ctx.db, site.id, pid.data) : null;
      if (!data) throw notFound('信息不存在或尚未发布');
      if ('gone' in data) throw new AppError('gone', `该信息已撤销发布。原因：${data.gone}`);
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
      const site = await siteOf(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const agencyId = parseInput(z.object({ agencyId: id }), body).agencyId;
      const agency = await ctx.db
        .selectFrom('agencies')
        .select('site_id')
        .where('id', '=', agencyId)
        .executeTakeFirst();
      if (agency?.site_id !== site.id) throw notFound('机构不属于该站点');
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
