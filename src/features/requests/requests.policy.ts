import { type Actor, administersSite, holdsRole, isPlatformAdmin, type Principal } from '../../core/access.ts';
import { forbidden } from '../../core/errors.ts';
import type { CaseAction } from './requests.rules.ts';

/** Who may do what with an application (RULES.md §2): pure answers, used by the services and by the pages. */

type CaseScope = { site_id: number; agency_id: number };

/** Staff of the handling agency (any role there) and the site's office may see a case, personal data included. */
export function canSee(p: Principal, r: CaseScope): boolean {
  return administersSite(p, r.site_id) || p.roles.some((x) => x.agencyId === r.agency_id);
}

/** The agency's 信息员 handle a case (and register one that came on paper); the office may act on any of its site. */
export function mayHandle(p: Principal, siteId: number, agencyId: number): boolean {
  return administersSite(p, siteId) || holdsRole(p, 'editor', agencyId);
}

/** Art. 33: an extension needs the approval of the agency's head of disclosure (审核人) or the office. */
export function mayApproveExtension(p: Principal, r: CaseScope): boolean {
  return administersSite(p, r.site_id) || holdsRole(p, 'reviewer', r.agency_id);
}

export function requireHandler(p: Principal, r: CaseScope): void {
  if (!mayHandle(p, r.site_id, r.agency_id)) throw forbidden('只有承办机构的信息员或政务公开办可以办理该申请');
}

export function requireRegistrar(p: Principal, siteId: number, agencyId: number): void {
  if (!mayHandle(p, siteId, agencyId)) throw forbidden('只有该机构的信息员或政务公开办可以登记申请');
}

/** The action's own check: an extension is approved, everything else is handled. */
export function requireActor(p: Principal, r: CaseScope, action: CaseAction): void {
  if (action !== 'extend') requireHandler(p, r);
  else if (!mayApproveExtension(p, r)) throw forbidden('延期答复须经承办机构审核人或政务公开办批准');
}

/** Of the actions the case's state allows, those this member may take. */
export function actionsFor(p: Principal, r: CaseScope, available: CaseAction[]): CaseAction[] {
  return available.filter((a) => (a === 'extend' ? mayApproveExtension(p, r) : mayHandle(p, r.site_id, r.agency_id)));
}

/**
 * The working-day calendar (holidays and 调休 working days, which set every case's deadlines): the national entries
 * are the platform admin's; a site's own local entries are its office's (site null: national).
 */
export function requireCalendarKeeper(actor: Actor, siteId: number | null): void {
  if (actor.system) return;
  const p = actor.principal;
  if (siteId === null) {
    if (!p || !isPlatformAdmin(p)) throw forbidden('全国节假日安排由平台管理员维护；本站点的调整请选择“仅本站点”');
  } else if (!p || !administersSite(p, siteId)) throw forbidden('只有本站点的政务公开办管理员可以维护本站点的工作日历');
}

/** Whether the calendar page offers national entries: to the platform admin only. */
export const mayKeepNationalCalendar = (p: Principal): boolean => isPlatformAdmin(p);
