import { administersSite, holdsRole, type Principal } from '../../core/access.ts';
import { forbidden } from '../../core/errors.ts';

/** Who may read, write and submit annual reports (RULES.md §3): pure answers for the service and the pages. */

/** Staff of the agency (any role) and the site's office read its report; the whole site's report is the office's. */
export function mayRead(p: Principal, siteId: number, agencyId: number | null): boolean {
  return administersSite(p, siteId) || (agencyId !== null && p.roles.some((r) => r.agencyId === agencyId));
}

/** The agency's 信息员 write its report; so may the office. */
export function mayWrite(p: Principal, siteId: number, agencyId: number | null): boolean {
  return agencyId !== null && (administersSite(p, siteId) || holdsRole(p, 'editor', agencyId));
}

/** Only the agency's 信息员 submit its report for publication (the review workflow follows). */
export function maySubmit(p: Principal, agencyId: number | null): boolean {
  return agencyId !== null && holdsRole(p, 'editor', agencyId);
}

/** Whether the member sees every agency's report status (the office) or only their own agencies'. */
export const seesWholeSite = (p: Principal, siteId: number): boolean => administersSite(p, siteId);

export function requireReader(p: Principal, siteId: number, agencyId: number | null): void {
  if (!mayRead(p, siteId, agencyId)) throw forbidden('只有本机构工作人员或政务公开办可以查看该年度报告');
}

export function requireWriter(p: Principal, siteId: number, agencyId: number): void {
  if (!mayWrite(p, siteId, agencyId)) throw forbidden('只有本机构的信息员或政务公开办可以编写年度报告');
}

export function requireSubmitter(p: Principal, agencyId: number): void {
  if (!maySubmit(p, agencyId)) throw forbidden('只有本机构的信息员可以提交发布年度报告');
}
