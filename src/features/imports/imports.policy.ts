import { type Actor, administersSite } from '../../core/access.ts';
import { forbidden } from '../../core/errors.ts';

/** Bulk import is the disclosure office's (or the command line's): it publishes without the review workflow. */
export const mayImport = (actor: Actor, siteId: number): boolean =>
  !!actor.system || (!!actor.principal && administersSite(actor.principal, siteId));

export function requireImporter(actor: Actor, siteId: number): void {
  if (!mayImport(actor, siteId)) throw forbidden('只有本站点的政务公开办管理员可以批量导入');
}
