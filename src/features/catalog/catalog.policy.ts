import { administersSite, agenciesWith, type Principal } from '../../core/access.ts';
import type { EditionState } from '../../core/db.types.ts';
import { forbidden } from '../../core/errors.ts';
import { availableActions, type EditionAction, maskingRole, type ReviewRules } from './catalog.rules.ts';

/**
 * Who may see and do what in the catalogue's back office: pure answers, used by the services to refuse and by the
 * pages to show only what can be done. The services check each action again (catalog.rules and requireRole).
 */

type ItemScope = { site_id: number; agency_id: number };

/** The agencies whose items a member works with in lists; undefined for the site's office (every agency). */
export function listScope(p: Principal, siteId: number): number[] | undefined {
  return administersSite(p, siteId) ? undefined : agenciesWith(p, ['editor', 'reviewer', 'confidentiality_reviewer']);
}

/** Staff see an item of an agency where they hold a role; the site's office sees every item of its site. */
export function canSeeItem(p: Principal, item: ItemScope): boolean {
  return administersSite(p, item.site_id) || p.roles.some((r) => r.agencyId === item.agency_id);
}

/** The agencies where the member drafts (信息员). */
export const draftingAgencies = (p: Principal): number[] => agenciesWith(p, ['editor']);

export function requireDrafter(p: Principal, what: string): void {
  if (!draftingAgencies(p).length) throw forbidden(`您不是任何机构的信息员，不能${what}`);
}

/** The agency a new draft belongs to by default: the member's own, if they draft there. */
export function defaultOwner(p: Principal): number | undefined {
  const editorIn = draftingAgencies(p);
  return p.agencyId !== null && editorIn.includes(p.agencyId) ? p.agencyId : editorIn[0];
}

/** What a member may do on an edition's page. */
export function editionPermissions(
  p: Principal,
  e: { state: EditionState; submitted_by: number | null; reviewed_by: number | null },
  item: ItemScope & { status: string },
  hasOpenEdition: boolean,
  rules: ReviewRules,
): {
  actions: EditionAction[];
  canEdit: boolean;
  canMask: boolean;
  canNewEdition: boolean;
  canWithdraw: boolean;
} {
  const roles = new Set(p.roles.filter((r) => r.agencyId === item.agency_id).map((r) => r.role as string));
  const isLive = e.state === 'published' || e.state === 'withdrawn';
  return {
    actions: availableActions(
      { state: e.state, submittedBy: e.submitted_by, reviewedBy: e.reviewed_by },
      p.userId,
      roles,
      rules,
    ),
    canEdit: e.state === 'draft' && roles.has('editor'),
    canMask: ['draft', 'submitted', 'reviewed'].includes(e.state) && roles.has(maskingRole(e.state)),
    canNewEdition: isLive && item.status === 'published' && roles.has('editor') && !hasOpenEdition,
    canWithdraw: isLive && (roles.has('reviewer') || administersSite(p, item.site_id)),
  };
}
