import { type Calendar, loadCalendar, shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { enqueueMail } from '../../core/outbox.ts';
import { recipients } from '../admin/admin.service.ts';
import { clockEventsOf, computeClock, OPEN_STAGES, reminderThresholds, workdaysLeft } from './requests.rules.ts';
import { eventsOf } from './requests.service.ts';
import { casesDue, casesInStages, insertNotification } from './requests.store.ts';

/**
 * The reminder sweep: a case whose working days left reach one of the site's thresholds, or that is overdue,
 * reminds its handler (or, without one, the agency's 信息员) once per threshold, in the back office and by
 * e-mail through the outbox; so does a case whose wait for the applicant's amendment or fee is over.
 * Returns how many reminders were written.
 */
export async function remindDeadlines(ctx: Ctx): Promise<number> {
  const today = shanghaiDate(ctx.now());
  // each site's cases on its own calendar (the national one with the site's local entries)
  const calendars = new Map<number, Promise<Calendar>>();
  const calendarOf = (siteId: number) => {
    const known = calendars.get(siteId);
    if (known) return known;
    const loading = loadCalendar(ctx.db, siteId);
    calendars.set(siteId, loading);
    return loading;
  };
  return (await remindAnswers(ctx, calendarOf, today)) + (await remindWaits(ctx, calendarOf, today));
}

type CalendarOf = (siteId: number) => Promise<Calendar>;

interface Reminded {
  id: number;
  site_id: number;
  agency_id: number;
  handler_id: number | null;
}

/** Writes one reminder of a kind to the case's handler (or the agency's 信息员), once, with an e-mail. */
function remind(ctx: Ctx, c: Reminded, kind: string, message: string): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    let n = 0;
    for (const u of await recipients(trx, { userId: c.handler_id, role: 'editor', agencyId: c.agency_id })) {
      const added = await insertNotification(trx, {
        site_id: c.site_id,
        user_id: u.id,
        request_id: c.id,
        kind,
        message,
      });
      if (!added) continue;
      n++;
      if (u.email)
        await enqueueMail(trx, { siteId: c.site_id, to: u.email, subject: '依申请公开办理期限提醒', body: message });
    }
    return n;
  });
}

/** Cases on the clock: reminders at the site's thresholds of working days left, and once overdue. */
async function remindAnswers(ctx: Ctx, calendarOf: CalendarOf, today: string): Promise<number> {
  const cases = await casesDue(
    ctx.db,
    OPEN_STAGES.filter((s) => s !== 'awaiting_receipt'),
  );
  let written = 0;
  for (const c of cases) {
    const left = workdaysLeft(await calendarOf(c.site_id), today, c.due_on!);
    const threshold = reminderThresholds(c.settings).findLast((t) => left <= t);
    if (left >= 0 && threshold === undefined) continue;
    const kind = left < 0 ? 'overdue' : `due:${threshold}`;
    const message =
      left < 0
        ? `申请 ${c.tracking_no} 已超过答复期限（应于 ${c.due_on} 前答复）`
        : left === 0
          ? `申请 ${c.tracking_no} 今天到期，请于今日答复`
          : `申请 ${c.tracking_no} 还剩 ${left} 个工作日到期（${c.due_on}）`;
    written += await remind(ctx, c, kind, message);
  }
  return written;
}

/**
 * Cases waiting for the applicant: once the amendment period or the fee's payment period is over, the handler is
 * told that the application may now be treated as abandoned.
 */
async function remindWaits(ctx: Ctx, calendarOf: CalendarOf, today: string): Promise<number> {
  const cases = await casesInStages(ctx.db, ['amendment', 'fee']);
  let written = 0;
  for (const c of cases) {
    const clock = computeClock(await calendarOf(c.site_id), clockEventsOf(await eventsOf(ctx.db, c.id)));
    if (clock.amendmentDue && today > clock.amendmentDue)
      written += await remind(
        ctx,
        c,
        'amendment_over',
        `申请 ${c.tracking_no} 的补正期限已于 ${clock.amendmentDue} 届满，申请人仍未补正的，可作出“逾期不补正、不再处理”的决定`,
      );
    if (clock.feeDue && today > clock.feeDue)
      written += await remind(
        ctx,
        c,
        'fee_over',
        `申请 ${c.tracking_no} 的缴费期限已于 ${clock.feeDue} 届满，申请人未缴费的，可作出“逾期未缴费、不再处理”的决定`,
      );
  }
  return written;
}
