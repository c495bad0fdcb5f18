import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { apiTokenUser, loadPrincipal } from '../core/auth.ts';
import type { Ctx } from '../core/context.ts';
import type { Site } from '../core/db.types.ts';
import { AppError, notFound } from '../core/errors.ts';

/** A feature's JSON API routes, mounted under /api inside the API shell. */
export type ApiRoutes = (app: FastifyInstance, ctx: Ctx) => Promise<void>;

/** A zod schema as the JSON schema of the API description (zod itself validates, in the services). */
export const doc = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;

export const siteParams = z.object({ site: z.string().max(32) });

/** The site an API address names (`:site`, its code). */
export async function apiSite(ctx: Ctx, req: FastifyRequest): Promise<Site> {
  const params = siteParams.safeParse(req.params);
  const site = params.success ? await ctx.sites.byCode(params.data.site) : undefined;
  if (!site) throw notFound('站点不存在');
  return site;
}

/** The JSON API: public reads; staff writes with `Authorization: Bearer <token>`. Documented at /api/docs. */
export async function apiShell(app: FastifyInstance, ctx: Ctx, features: ApiRoutes[]) {
  // zod validates inside the services (with Chinese messages); the JSON schemas are for the description
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

  app.get('/v1/sites', { schema: { summary: '站点列表', tags: ['公开'] } }, async () => ({
    sites: (await ctx.sites.all()).map((s) => ({ code: s.code, name: s.name, hosts: s.hosts })),
  }));

  for (const routes of features) await routes(app, ctx);
}
