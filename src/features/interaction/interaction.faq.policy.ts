import { administersSite, agenciesWith, holdsRole, type Principal } from '../../core/access.ts';
import { forbidden } from '../../core/errors.ts';

/**
 * Who keeps the knowledge base: the office every entry of its site; an agency's 信息员 writes its own entries, its
 * 审核人 publishes them (an answer in public speaks for the agency, like a publication).
 */

type FaqScope = { site_id: number; agency_id: number | null };

/** The agencies whose entries the member keeps; undefined: every entry of the site (the office). */
export function faqAgenciesOf(p: Principal, siteId: number): number[] | undefined {
  return administersSite(p, siteId) ? undefined : agenciesWith(p, ['editor', 'reviewer']);
}

export const maySeeFaq = (p: Principal, f: FaqScope) =>
  administersSite(p, f.site_id) ||
  (f.agency_id !== null && (holdsRole(p, 'editor', f.agency_id) || holdsRole(p, 'reviewer', f.agency_id)));

export const mayEditFaq = (p: Principal, f: FaqScope) =>
  administersSite(p, f.site_id) || (f.agency_id !== null && holdsRole(p, 'editor', f.agency_id));

export const mayPublishFaq = (p: Principal, f: FaqScope) =>
  administersSite(p, f.site_id) || (f.agency_id !== null && holdsRole(p, 'reviewer', f.agency_id));

export function requireFaqEdit(p: Principal, f: FaqScope): void {
  if (!mayEditFaq(p, f))
    throw forbidden(
      f.agency_id === null ? '本站点的常见问题由政务公开办维护' : '只有该机构的信息员或政务公开办可以编辑该问答',
    );
}

export function requireFaqPublish(p: Principal, f: FaqScope): void {
  if (!mayPublishFaq(p, f)) throw forbidden('问答须由该机构的审核人或政务公开办发布');
}
