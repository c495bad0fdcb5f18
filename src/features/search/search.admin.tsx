import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../core/access.ts';
import type { Ctx } from '../../core/context.ts';
import { fmtDateTime } from '../../web/format.ts';
import { Csrf, type FieldErrors, FormMessage, TextArea } from '../../web/forms.tsx';
import { actorOf, chosenSite, csrfToken, type RefusedForm, sendHtml, staff, submitForm } from '../../web/request.ts';
import { AdminLayout } from '../../web/staff.layout.tsx';
import { workingSite } from '../../web/staff.ts';
import { addSearchTerms, requestRebuild, searchStatus } from './search.service.ts';
import { GOVERNMENT_TERMS } from './search.text.ts';

function SearchAdminPage(props: {
  principal: Principal;
  csrf: string;
  flash?: string;
  size: number;
  building: boolean;
  terms: { term: string; created_at: Date }[];
  values: Record<string, unknown>;
  errors: FieldErrors;
  message?: string;
}): JSX.Element {
  return (
    <AdminLayout title="搜索管理" principal={props.principal} csrf={props.csrf} flash={props.flash}>
      <h1>搜索管理</h1>
      <p safe>{`本实例的搜索索引共 ${props.size} 条${props.building ? '，正在重建' : ''}。`}</p>
      <form method="post" action="/admin/search/rebuild" class="inline-form">
        <Csrf token={props.csrf} />
        <button class="btn secondary" type="submit">
          从数据库重建索引
        </button>
      </form>
      <section aria-labelledby="dict">
        <h2 id="dict">分词词典</h2>
        <p>添加本地常用的专有名词（如地名、项目名、政务服务品牌），搜索时整词匹配。添加后各实例自动重建索引。</p>
        <FormMessage message={props.message} />
        <form method="post" action="/admin/search/terms">
          <Csrf token={props.csrf} />
          <TextArea
            name="terms"
            label="新词（空格、逗号或换行分隔）"
            values={props.values}
            errors={props.errors}
            rows={4}
            max={20000}
          />
          <button class="btn" type="submit">
            添加
          </button>
        </form>
        <h3>已添加的词</h3>
        {props.terms.length === 0 ? (
          <p class="muted">尚未添加</p>
        ) : (
          <ul class="checks">
            {props.terms.map((t) => (
              <li>
                <span safe>{t.term}</span>{' '}
                <span class="muted" safe>
                  {fmtDateTime(t.created_at)}
                </span>
              </li>
            ))}
          </ul>
        )}
        <h3>内置政务词汇</h3>
        <p safe>{GOVERNMENT_TERMS.join('、')}</p>
      </section>
    </AdminLayout>
  );
}

/** The office's search page: the dictionary and rebuilding the index. */
export async function searchAdminRoutes(app: FastifyInstance, ctx: Ctx) {
  const site = (req: Parameters<typeof staff>[0]) => workingSite(ctx, staff(req), chosenSite(req));
  const page = async (req: Parameters<typeof staff>[0], csrf: string, refused?: RefusedForm) =>
    SearchAdminPage({
      principal: staff(req),
      csrf,
      flash: (req.query as { saved?: string }).saved ? '已提交' : undefined,
      ...(await searchStatus(ctx, actorOf(req), (await site(req)).id)),
      values: refused?.values ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  app.get('/search', async (req, reply) => sendHtml(req, reply, page(req, csrfToken(reply))));
  app.post('/search/terms', async (req, reply) => {
    const s = await site(req);
    return submitForm(
      req,
      reply,
      async () => {
        await addSearchTerms(ctx, actorOf(req), s.id, req.body ?? {});
        return '/admin/search?saved=1';
      },
      (refused) => page(req, csrfToken(reply), refused),
    );
  });
  app.post('/search/rebuild', async (req, reply) => {
    const s = await site(req);
    await requestRebuild(ctx, actorOf(req), s.id);
    return reply.redirect('/admin/search?saved=1', 303);
  });
}
