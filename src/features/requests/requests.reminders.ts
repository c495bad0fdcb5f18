import { loadCalendar, shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { enqueueMail } from '../../core/outbox.ts';
import { OPEN_STAGES, reminderThresholds } from './requests.read.ts';
import { workdaysLeft } from './requests.rules.ts';

/**
 * The reminder sweep: a case whose working days left reach one of the site's thresholds, or that is overdue,
 * reminds its handler (or, without one, the agency's 信息员) once per threshold, in the back office and by
 * e-mail through the outbox. Returns how many reminders were written.
 */
export async function remindDeadlines(ctx: Ctx): Promise<number> {
  const cal = await loadCalendar(ctx.db);
  const today = shanghaiDate(ctx.now());
  const cases = await ctx.db
    .selectFrom('requests')
    .innerJoin('sites', 'sites.id', 'requests.site_id')
    .select([
      'requests.id',
      'requests.site_id',
      'requests.agency_id',
      'requests.tracking_no',
      'requests.handler_id',
      'requests.due_on',
      'sites.settings',
    ])
    .where(
      'requests.stage',
      'in',
      OPEN_STAGES.filter((s) => s !== 'awaiting_receipt'),
    )
    .where('requests.due_on', 'is not', null)
    .execute();
  let written = 0;
  for (const c of cases) {
    const left = workdaysLeft(cal, today, c.due_on!);
    const threshold = reminderThresholds(c.settings).findLast((t) => left <= t);
    if (left >= 0 && threshold === undefined) continue;
    const kind = left < 0 ? 'overdue' : `due:${threshold}`;
    const message =
      left < 0
        ? `申请 ${c.tracking_no} 已超过答复期限（应于 ${c.due_on} 前答复）`
        : left === 0
          ? `申请 ${c.tracking_no} 今天到期，请于今日答复`
          : `申请 ${c.tracking_no} 还剩 ${left} 个工作日到期（${c.due_on}）`;
    written += await ctx.db.transaction().execute(async (trx) => {
      const recipients = c.handler_id
        ? await trx.selectFrom('users').select(['id', 'email']).where('id', '=', c.handler_id).execute()
        : await trx
            .selectFrom('user_roles')
            .innerJoin('users', 'users.id', 'user_roles.user_id')
            .select(['users.id', 'users.email'])
            .where('user_roles.role', '=', 'editor')
            .where('user_roles.agency_id', '=', c.agency_id)
            .where('users.active', '=', true)
            .execute();
      let n = 0;
      for (const u of recipients) {
        const added = await trx
          .insertInto('notifications')
          .values({ site_id: c.site_id, user_id: u.id, request_id: c.id, kind, message })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!added) continue;
        n++;
        if (u.email)
          await enqueueMail(trx, { siteId: c.site_id, to: u.email, subject: '依申请公开办理期限提醒', body: message });
      }
      return n;
    });
  }
  return written;
}
