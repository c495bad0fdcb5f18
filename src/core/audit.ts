import type { Kysely } from 'kysely';
import type { Actor } from './access.ts';
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
