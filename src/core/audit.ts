import type { Kysely } from 'kysely';
import type { Actor } from './access.ts';
import { addDays, shanghaiMidnight } from './calendar.ts';
import type { DB } from './db.types.ts';

export interface AuditEntry {
  siteId: number | null;
  action: string;
  entityType: string;
  entityId: string | number;
  agencyId?: number | null;
  before?: unknown;
  after?: unknown;
}

/** Writes an audit event; call it inside the transaction that makes the change. */
export async function audit(trx: Kysely<DB>, actor: Actor, e: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      site_id: e.siteId,
      actor_id: actor.principal?.userId ?? null,
      actor_name: actor.principal?.name ?? '',
      agency_id: e.agencyId ?? actor.principal?.agencyId ?? null,
      ip: actor.ip,
      action: e.action,
      entity_type: e.entityType,
      entity_id: String(e.entityId),
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    })
    .execute();
}

export interface AuditFilter {
  action?: string;
  actor?: string;
  agencyId?: number;
  /** Calendar dates in Asia/Shanghai, inclusive. */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE = 100;

/** The site's audit log, newest first, filtered; one page more than shown tells whether there is a next page. */
export function auditRows(db: Kysely<DB>, siteId: number, f: AuditFilter, page = 1) {
  let q = db
    .selectFrom('audit_events')
    .leftJoin('agencies', 'agencies.id', 'audit_events.agency_id')
    .select([
      'audit_events.at',
      'audit_events.actor_name',
      'audit_events.ip',
      'audit_events.action',
      'audit_events.entity_type',
      'audit_events.entity_id',
      'audit_events.before',
      'audit_events.after',
      'agencies.name as agency_name',
    ])
    .where('audit_events.site_id', '=', siteId);
  if (f.action) q = q.where('audit_events.action', 'like', `${f.action.replace(/[%_\\]/g, '\\$&')}%`);
  if (f.actor) q = q.where('audit_events.actor_name', '=', f.actor);
  if (f.agencyId) q = q.where('audit_events.agency_id', '=', f.agencyId);
  if (f.from) q = q.where('audit_events.at', '>=', shanghaiMidnight(f.from));
  if (f.to) q = q.where('audit_events.at', '<', shanghaiMidnight(addDays(f.to, 1)));
  return q
    .orderBy('audit_events.id', 'desc')
    .limit(AUDIT_PAGE + 1)
    .offset((page - 1) * AUDIT_PAGE)
    .execute();
}

/** What was done to one thing, oldest first (an item's 处理记录). */
export function entityHistory(db: Kysely<DB>, entityType: string, entityId: string | number) {
  return db
    .selectFrom('audit_events')
    .select(['at', 'actor_name', 'action', 'entity_type', 'entity_id', 'before', 'after'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', String(entityId))
    .orderBy('at')
    .orderBy('id')
    .execute();
}
