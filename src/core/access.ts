import type { Role } from './db.types.ts';
import { forbidden } from './errors.ts';

/** Who is acting: a signed-in staff member (or an API token's owner). */
export interface Principal {
  userId: number;
  name: string;
  username: string;
  agencyId: number | null;
  /** The site the user works in (their agency's site); null only for a platform admin without agency. */
  siteId: number | null;
  roles: { role: Role; agencyId: number | null; siteId: number | null }[];
}

/** Request context for audit: who, from where. */
export interface Actor {
  principal: Principal | null;
  ip: string;
  /** Set only by the command line and the demo loader, never by a request. */
  system?: true;
}

export const SYSTEM: Actor = { principal: null, ip: 'cli', system: true };

export const ROLE_LABELS: Record<Role, string> = {
  editor: '信息员',
  reviewer: '审核人',
  confidentiality_reviewer: '保密审查员',
  office_admin: '政务公开办管理员',
  platform_admin: '平台管理员',
};

export const isPlatformAdmin = (p: Principal) => p.roles.some((r) => r.role === 'platform_admin');

/** Holds `role` in exactly this agency (roles are not inherited by sub-agencies). */
export function holdsRole(p: Principal, role: Role, agencyId: number): boolean {
  return p.roles.some((r) => r.role === role && r.agencyId === agencyId);
}

/** Office admins run their site; platform admins run every site. */
export function administersSite(p: Principal, siteId: number): boolean {
  return isPlatformAdmin(p) || p.roles.some((r) => r.role === 'office_admin' && r.siteId === siteId);
}

export function requireRole(p: Principal, role: Role, agencyId: number, what: string): void {
  if (!holdsRole(p, role, agencyId)) throw forbidden(`您不是该机构的${ROLE_LABELS[role]}，不能${what}`);
}

/** The office admin of the site, a platform admin, or the command line. */
export function requireSiteAdmin(actor: Actor, siteId: number): void {
  if (actor.system) return;
  if (!actor.principal || !administersSite(actor.principal, siteId))
    throw forbidden('只有本站点的政务公开办管理员可以执行此操作');
}

export function requirePlatformAdmin(actor: Actor): void {
  if (actor.system) return;
  if (!actor.principal || !isPlatformAdmin(actor.principal)) throw forbidden('只有平台管理员可以执行此操作');
}

/** Agencies in which the principal holds any of the roles. */
export function agenciesWith(p: Principal, roles: Role[]): number[] {
  return [...new Set(p.roles.filter((r) => roles.includes(r.role) && r.agencyId !== null).map((r) => r.agencyId!))];
}
