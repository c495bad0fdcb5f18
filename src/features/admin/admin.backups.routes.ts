import type { FastifyInstance } from 'fastify';
import type { Ctx } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { actorOf, csrfToken, doneMessage, sendHtml, staff } from '../../web/request.ts';
import { backupsOf, takeBackup } from './admin.backups.service.ts';
import { BackupsPage } from './admin.backups.views.tsx';

/** The platform admin's page of backups. */
export async function backupRoutes(app: FastifyInstance, ctx: Ctx) {
  app.get('/backups', async (req, reply) => {
    const p = staff(req);
    const { settings, backups } = await backupsOf(ctx, actorOf(req));
    return sendHtml(
      req,
      reply,
      BackupsPage({
        principal: p,
        csrf: csrfToken(reply),
        settings,
        backups,
        flash: doneMessage(req, { taken: '备份完成' }),
      }),
    );
  });

  app.post('/backups', async (req, reply) => {
    const p = staff(req);
    try {
      await takeBackup(ctx, actorOf(req));
      return reply.redirect('/admin/backups?done=taken', 303);
    } catch (e) {
      if (!(e instanceof AppError) || (e.code !== 'bad_input' && e.code !== 'conflict')) throw e;
      const { settings, backups } = await backupsOf(ctx, actorOf(req));
      return sendHtml(
        req,
        reply,
        BackupsPage({ principal: p, csrf: csrfToken(reply), settings, backups, message: e.message }),
        e.status,
      );
    }
  });
}
