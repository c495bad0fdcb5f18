import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import { AppError, badInput } from '../../core/errors.ts';
import type { FormValues } from '../../web/forms.tsx';
import {
  actorOf,
  attachment,
  csrfToken,
  idParam,
  type RefusedForm,
  sendHtml,
  staff,
  submitForm,
} from '../../web/request.ts';
import { officeSite } from '../../web/staff.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { siteColumns } from '../catalog/catalog.service.ts';
import {
  createImport,
  importErrors,
  importOf,
  previewImport,
  resumeImports,
  retryImport,
  siteImports,
  startImport,
} from './imports.service.ts';
import { ImportMappingPage, ImportProgressPage, ImportsPage } from './imports.views.tsx';

/** The form's `mapping.<field>` selects as the service's mapping. */
function startFromForm(body: FormValues) {
  const mapping: Record<string, string> = {};
  for (const [k, v] of Object.entries(body))
    if (k.startsWith('mapping.') && typeof v === 'string') mapping[k.slice(8)] = v;
  return { ...body, mapping };
}

const csvCell = (s: string | number) => `"${String(s).replace(/"/g, '""')}"`;

/** The office's bulk import: upload, map the columns, follow the progress, read the report. */
export async function importRoutes(app: FastifyInstance, ctx: Ctx) {
  const flash = (req: FastifyRequest) => ((req.query as { saved?: string }).saved ? '已开始导入' : undefined);
  /** Runs waiting imports in the background of this instance. */
  const kick = () => void resumeImports(ctx, (e) => app.log.error(e));

  const listPage = async (req: FastifyRequest, reply: FastifyReply, message?: string) => {
    const site = await officeSite(ctx, req);
    return ImportsPage({
      principal: staff(req),
      csrf: csrfToken(reply),
      imports: await siteImports(ctx, actorOf(req), site.id),
      message,
      maxMb: Math.floor(ctx.config.importMaxBytes / 1048576),
    });
  };

  app.get('/imports', async (req, reply) => sendHtml(req, reply, listPage(req, reply)));

  app.post('/imports', async (req, reply) => {
    // an office page: refused before a file of hundreds of megabytes is received
    const site = await officeSite(ctx, req);
    if (!req.isMultipart()) throw badInput('请选择要导入的文件');
    const file = await req.file({ limits: { fileSize: ctx.config.importMaxBytes } });
    if (!file) throw badInput('请选择要导入的文件');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gk-import-'));
    try {
      const tmp = path.join(dir, 'upload');
      await pipeline(file.file, createWriteStream(tmp));
      if (file.file.truncated)
        throw new AppError('too_large', `文件超过 ${Math.floor(ctx.config.importMaxBytes / 1048576)} MB 的上限`);
      const id = await createImport(ctx, actorOf(req), site.id, { filename: file.filename || 'upload', path: tmp });
      return reply.redirect(`/admin/imports/${id}`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'bad_input') throw e;
      return sendHtml(req, reply, listPage(req, reply, e.message), 400);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const detail = async (req: FastifyRequest, reply: FastifyReply, refused?: RefusedForm) => {
    const site = await officeSite(ctx, req);
    const imp = await importOf(ctx, actorOf(req), site.id, idParam(req, '导入任务'));
    const page = { principal: staff(req), csrf: csrfToken(reply), flash: flash(req) };
    if (imp.status !== 'mapping')
      return ImportProgressPage({ ...page, imp, errors: await importErrors(ctx, actorOf(req), site.id, imp.id, 500) });
    const [{ headers, sample }, agencies, columns] = await Promise.all([
      previewImport(ctx, imp),
      siteAgencies(ctx, site.id),
      siteColumns(ctx, site.id),
    ]);
    const mapped = Object.fromEntries(
      Object.entries(imp.mapping as Record<string, string>).map(([k, v]) => [`mapping.${k}`, v]),
    );
    return ImportMappingPage({
      ...page,
      imp,
      headers,
      sample,
      agencies,
      columns,
      values: refused?.values ?? { ...mapped, genre: '其他文件' },
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };

  app.get('/imports/:id', async (req, reply) => sendHtml(req, reply, detail(req, reply)));

  app.post('/imports/:id/start', async (req, reply) => {
    const site = await officeSite(ctx, req);
    const id = idParam(req, '导入任务');
    return submitForm(
      req,
      reply,
      async () => {
        await startImport(ctx, actorOf(req), site.id, id, startFromForm((req.body ?? {}) as FormValues));
        kick();
        return `/admin/imports/${id}?saved=1`;
      },
      (refused) => detail(req, reply, refused),
    );
  });

  app.post('/imports/:id/retry', async (req, reply) => {
    const site = await officeSite(ctx, req);
    const id = idParam(req, '导入任务');
    await retryImport(ctx, actorOf(req), site.id, id);
    kick();
    return reply.redirect(`/admin/imports/${id}?saved=1`, 303);
  });

  app.get('/imports/:id/errors.csv', async (req, reply) => {
    const site = await officeSite(ctx, req);
    const id = idParam(req, '导入任务');
    const rows = await importErrors(ctx, actorOf(req), site.id, id, 100_000);
    attachment(reply, 'text/csv; charset=utf-8', `导入错误-${id}.csv`);
    // a byte-order mark so that Excel reads the file as UTF-8
    return `\uFEFF${['行号,字段,原因', ...rows.map((r) => [r.row_number, r.field, r.message].map(csvCell).join(','))].join('\r\n')}\r\n`;
  });
}
