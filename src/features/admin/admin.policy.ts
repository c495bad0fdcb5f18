import { type Actor, isPlatformAdmin, type Principal, requirePlatformAdmin } from '../../core/access.ts';
import { badInput } from '../../core/errors.ts';

/**
 * Who may change sites, agencies and staff accounts beyond "the site's office" (core/access's requireSiteAdmin):
 * the platform role and a member's own account. Pure answers for the services and pages.
 */

/** A platform admin (or the command line) grants and takes the platform role. */
export const managesPlatform = (actor: Actor): boolean =>
  !!actor.system || (!!actor.principal && isPlatformAdmin(actor.principal));

/** Whether a page offers the platform role: only to a platform admin. */
export const mayGrantPlatform = (p: Principal): boolean => isPlatformAdmin(p);

/** Only a platform admin changes a platform admin's account. */
export function guardPlatformAccount(actor: Actor, roles: { role: string }[]): void {
  if (roles.some((r) => r.role === 'platform_admin')) requirePlatformAdmin(actor);
}

/** An office admin cannot lock themselves out: not deactivate their own account nor drop their own office role. */
export function guardOwnAccount(
  actor: Actor,
  userId: number,
  next: { active: boolean; roles: { role: string }[] },
): void {
  if (actor.principal?.userId !== userId || isPlatformAdmin(actor.principal)) return;
  if (!next.active) throw badInput('不能停用自己的账号');
  if (!next.roles.some((r) => r.role === 'office_admin'))
    throw badInput('不能取消自己的政务公开办管理员角色，请由其他管理员操作');
}
