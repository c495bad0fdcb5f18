/** Lists of cases for staff: masked, limited to what the reader may see, with working days left. */
import { administersSite, type Principal } from '../../core/access.ts';
import { type Calendar, type DateStr, shanghaiDate } from '../../core/calendar.ts';
import type { Db } from '../../core/db.ts';
import type { RequestStage } from '../../core/db.types.ts';
import { maskName } from '../../core/identity.ts';
import { CASE_PAGE, isOpenStage, OPEN_STAGES, workdaysLeft } from './requests.rules.ts';

export interface CaseFilter {
  stage?: RequestStage | 'open' | 'overdue';
  agencyId?: number;
  /** Tracking number, exact. */
  trackingNo?: string;
}

export interface CaseRow {
  id: number;
  trackingNo: string;
  agency: string;
  applicant: string;
  applicantType: string;
  channel: string;
  stage: RequestStage;
  receivedOn: DateStr | null;
  dueOn: DateStr | null;
  dueCertain: boolean;
  left: number | null;
  description: string;
}

/** Cases the reader may see (the office: its whole site; others: their agencies), newest first. */
export async function listCases(
  db: Db,
  cal: Calendar,
  p: Principal,
  siteId: number,
  f: CaseFilter,
  page: number,
  now: Date,
): Promise<{ rows: CaseRow[]; total: number }> {
  const mine = [...new Set(p.roles.map((r) => r.agencyId).filter((a): a is number => a !== null))];
  const office = administersSite(p, siteId);
  const today = shanghaiDate(now);
  let q = db
    .selectFrom('requests')
    .innerJoin('agencies', 'agencies.id', 'requests.agency_id')
    .where('requests.site_id', '=', siteId);
  if (!office) q = mine.length ? q.where('requests.agency_id', 'in', mine) : q.where((eb) => eb.val(false));
  if (f.agencyId) q = q.where('requests.agency_id', '=', f.agencyId);
  if (f.trackingNo) q = q.where('requests.tracking_no', '=', f.trackingNo);
  if (f.stage === 'open') q = q.where('requests.stage', 'in', OPEN_STAGES);
  else if (f.stage === 'overdue') q = q.where('requests.stage', 'in', OPEN_STAGES).where('requests.due_on', '<', today);
  else if (f.stage) q = q.where('requests.stage', '=', f.stage);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .select([
      'requests.id',
      'requests.tracking_no',
      'agencies.name as agency',
      'requests.applicant_name',
      'requests.applicant_type',
      'requests.channel',
      'requests.stage',
      'requests.received_on',
      'requests.due_on',
      'requests.due_certain',
      'requests.description',
    ])
    .orderBy('requests.id', 'desc')
    .limit(CASE_PAGE)
    .offset((page - 1) * CASE_PAGE)
    .execute();
  return {
    total: Number(total.n),
    rows: rows.map((r) => ({
      id: r.id,
      trackingNo: r.tracking_no,
      agency: r.agency,
      // a person's name is masked in lists; an organisation's name is not personal data
      applicant: r.applicant_type === 'person' ? maskName(r.applicant_name) : r.applicant_name,
      applicantType: r.applicant_type,
      channel: r.channel,
      stage: r.stage,
      receivedOn: r.received_on,
      dueOn: r.due_on,
      dueCertain: r.due_certain,
      left: r.due_on && isOpenStage(r.stage) ? workdaysLeft(cal, today, r.due_on) : null,
      description: r.description.slice(0, 80),
    })),
  };
}

export interface AgencyLoad {
  agencyId: number;
  agency: string;
  open: number;
  awaitingReceipt: number;
  overdue: number;
  dueSoon: number;
  stopped: number;
}

/** The office's overview: every open case of the site, by agency, with overdue and due-soon counts. */
export async function officeOverview(db: Db, cal: Calendar, siteId: number, dueSoonDays: number, now: Date) {
  const today = shanghaiDate(now);
  const open = await db
    .selectFrom('requests')
    .innerJoin('agencies', 'agencies.id', 'requests.agency_id')
    .select(['requests.agency_id', 'agencies.name', 'agencies.sort', 'requests.stage', 'requests.due_on'])
    .where('requests.site_id', '=', siteId)
    .where('requests.stage', 'in', OPEN_STAGES)
    .execute();
  const by = new Map<number, AgencyLoad & { sort: number }>();
  for (const r of open) {
    const a = by.get(r.agency_id) ?? {
      agencyId: r.agency_id,
      agency: r.name,
      sort: r.sort,
      open: 0,
      awaitingReceipt: 0,
      overdue: 0,
      dueSoon: 0,
      stopped: 0,
    };
    a.open++;
    if (r.stage === 'awaiting_receipt') a.awaitingReceipt++;
    else if (r.due_on === null) a.stopped++;
    else if (r.due_on < today) a.overdue++;
    else if (workdaysLeft(cal, today, r.due_on) <= dueSoonDays) a.dueSoon++;
    by.set(r.agency_id, a);
  }
  return [...by.values()].sort((x, y) => y.overdue - x.overdue || y.dueSoon - x.dueSoon || x.sort - y.sort);
}

/** The reader's unread reminders, newest first. */
export function unreadNotifications(db: Db, userId: number, limit = 100) {
  return db
    .selectFrom('notifications')
    .select(['id', 'request_id', 'message', 'created_at'])
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
