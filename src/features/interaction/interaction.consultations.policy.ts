import { administersSite, agenciesWith, holdsRole, type Principal } from '../../core/access.ts';
import { forbidden } from '../../core/errors.ts';

/**
 * Who does what with a consultation: the agency's 信息员 writes it, moderates its comments and records what became
 * of each; its 审核人 opens it to the public and publishes its result (both speak for the agency); the office may do
 * all of it for any agency of its site and alone withdraws a consultation.
 */

type Scope = { site_id: number; agency_id: number };

export type ConsultationAction = 'edit' | 'publish' | 'moderate' | 'decide' | 'result' | 'link' | 'withdraw';

const BY_ROLE: Record<ConsultationAction, 'editor' | 'reviewer' | null> = {
  edit: 'editor',
  moderate: 'editor',
  decide: 'editor',
  link: 'editor',
  publish: 'reviewer',
  result: 'reviewer',
  withdraw: null,
};

export const maySeeConsultation = (p: Principal, c: Scope) =>
  administersSite(p, c.site_id) || holdsRole(p, 'editor', c.agency_id) || holdsRole(p, 'reviewer', c.agency_id);

export function mayActOnConsultation(p: Principal, c: Scope, action: ConsultationAction): boolean {
  if (administersSite(p, c.site_id)) return true;
  const role = BY_ROLE[action];
  // a reviewer may also moderate and decide (the same people often do both in a small agency)
  return (
    role !== null && (holdsRole(p, role, c.agency_id) || (role === 'editor' && holdsRole(p, 'reviewer', c.agency_id)))
  );
}

export function requireConsultationAction(p: Principal, c: Scope, action: ConsultationAction): void {
  if (!mayActOnConsultation(p, c, action))
    throw forbidden(
      BY_ROLE[action] === null
        ? '只有政务公开办可以撤回意见征集'
        : BY_ROLE[action] === 'reviewer'
          ? '须由承办机构的审核人或政务公开办发布'
          : '只有承办机构的工作人员或政务公开办可以办理',
    );
}

/** The agencies whose consultations the member keeps; undefined: every one of the site (the office). */
export const consultationAgenciesOf = (p: Principal, siteId: number): number[] | undefined =>
  administersSite(p, siteId) ? undefined : agenciesWith(p, ['editor', 'reviewer']);
