import { type Actor, administersSite } from '../../core/access.ts';
import { forbidden } from '../../core/errors.ts';

/** The word list and rebuilding the index are the disclosure office's (they change search for every site). */
export const mayManageSearch = (actor: Actor, siteId: number): boolean =>
  !!actor.system || (!!actor.principal && administersSite(actor.principal, siteId));

export function requireSearchManager(actor: Actor, siteId: number): void {
  if (!mayManageSearch(actor, siteId)) throw forbidden('只有本站点的政务公开办管理员可以管理搜索');
}
