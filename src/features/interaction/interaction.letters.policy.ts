import { administersSite, holdsRole, type Principal } from '../../core/access.ts';
import { forbidden } from '../../core/errors.ts';
import type { LetterAction } from './interaction.letters.rules.ts';

/** Who may do what with a letter (RULES.md §7): pure answers, used by the services and by the pages. */

type LetterScope = { site_id: number; agency_id: number | null };

/** The office sees every letter of its site, personal data included; an agency's staff those assigned to it. */
export function canSeeLetter(p: Principal, l: LetterScope): boolean {
  return administersSite(p, l.site_id) || (l.agency_id !== null && p.roles.some((r) => r.agencyId === l.agency_id));
}

/** Only the office triages, closes unassigned letters and decides what is published. */
const OFFICE_ONLY: LetterAction[] = ['assign', 'publish', 'unpublish'];
/** A reply held for review is approved or returned by the agency's 审核人 or the office. */
const REVIEW: LetterAction[] = ['approve', 'return'];

export function mayActOnLetter(p: Principal, l: LetterScope, action: LetterAction): boolean {
  if (administersSite(p, l.site_id)) return true;
  if (OFFICE_ONLY.includes(action) || l.agency_id === null) return false;
  return holdsRole(p, REVIEW.includes(action) ? 'reviewer' : 'editor', l.agency_id);
}

export function requireLetterAction(p: Principal, l: LetterScope, action: LetterAction): void {
  if (!mayActOnLetter(p, l, action))
    throw forbidden(
      OFFICE_ONLY.includes(action) || l.agency_id === null
        ? '只有政务公开办可以执行此操作'
        : REVIEW.includes(action)
          ? '答复须由承办机构的审核人或政务公开办审核'
          : '只有承办机构的信息员或政务公开办可以办理该来信',
    );
}

/** Of the actions the letter's state allows, those this member may take. */
export const letterActionsFor = (p: Principal, l: LetterScope, available: LetterAction[]) =>
  available.filter((a) => mayActOnLetter(p, l, a));

/** Mailboxes and the site's letter settings are the office's; canned replies each agency's own. */
export const mayKeepCannedReplies = (p: Principal, siteId: number, agencyId: number) =>
  administersSite(p, siteId) || holdsRole(p, 'editor', agencyId);
