import { administersSite, agenciesWith, holdsRole, type Principal } from '../../core/access.ts';
import { forbidden } from '../../core/errors.ts';

/**
 * Who does what with an agency's own piece of 政民互动 (a consultation, a survey, an interview): its 信息员 prepares
 * and runs it, its 审核人 opens it to the public and publishes what it concludes (both speak for the agency, and a
 * 审核人 may also do what a 信息员 does — the same people often do both in a small agency); the office may do all of
 * it for any agency of its site and alone withdraws one.
 */
type Scope = { site_id: number; agency_id: number };

export function agencyItemPolicy<A extends string>(noun: string, byRole: Record<A, 'editor' | 'reviewer' | null>) {
  const maySee = (p: Principal, c: Scope) =>
    administersSite(p, c.site_id) || holdsRole(p, 'editor', c.agency_id) || holdsRole(p, 'reviewer', c.agency_id);

  function mayAct(p: Principal, c: Scope, action: A): boolean {
    if (administersSite(p, c.site_id)) return true;
    const role = byRole[action];
    return (
      role !== null && (holdsRole(p, role, c.agency_id) || (role === 'editor' && holdsRole(p, 'reviewer', c.agency_id)))
    );
  }

  function requireAction(p: Principal, c: Scope, action: A): void {
    if (!mayAct(p, c, action))
      throw forbidden(
        byRole[action] === null
          ? `只有政务公开办可以撤回${noun}`
          : byRole[action] === 'reviewer'
            ? '须由承办机构的审核人或政务公开办发布'
            : '只有承办机构的工作人员或政务公开办可以办理',
      );
  }

  /** The agencies whose items the member keeps; undefined: every one of the site (the office). */
  const agenciesOf = (p: Principal, siteId: number): number[] | undefined =>
    administersSite(p, siteId) ? undefined : agenciesWith(p, ['editor', 'reviewer']);

  /** What the member may do with an item, each action by name (for the page's buttons). */
  const allowed = (p: Principal, c: Scope) =>
    Object.fromEntries((Object.keys(byRole) as A[]).map((a) => [a, mayAct(p, c, a)])) as Record<A, boolean>;

  return { maySee, mayAct, requireAction, agenciesOf, allowed };
}
