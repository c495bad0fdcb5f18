import type { Kysely } from 'kysely';
import type { Db } from '../../core/db.ts';
import type { DB, Role } from '../../core/db.types.ts';

/** A site's agencies in their order. */
export function agenciesOf(db: Db, siteId: number) {
  return db.selectFrom('agencies').selectAll().where('site_id', '=', siteId).orderBy('sort').orderBy('id').execute();
}

export function listSites(db: Db) {
  return db.selectFrom('sites').selectAll().orderBy('id').execute();
}

export interface StaffAccount {
  id: number;
  username: string;
  name: string;
  phone: string;
  email: string;
  agency_id: number | null;
  agency_name: string | null;
  active: boolean;
  locked_until: Date | null;
  roles: { role: Role; agencyId: number | null }[];
}

/** Staff accounts of a site: their agency is on it, or they hold a role in one of its agencies. */
export async function siteAccounts(db: Db, siteId: number, userId?: number): Promise<StaffAccount[]> {
  let q = db
    .selectFrom('users')
    .leftJoin('agencies', 'agencies.id', 'users.agency_id')
    .select([
      'users.id',
      'users.username',
      'users.name',
      'users.phone',
      'users.email',
      'users.agency_id',
      'agencies.name as agency_name',
      'users.active',
      'users.locked_until',
    ])
    .where((eb) =>
      eb.or([
        eb('agencies.site_id', '=', siteId),
        eb.exists(
          eb
            .selectFrom('user_roles')
            .innerJoin('agencies as ra', 'ra.id', 'user_roles.agency_id')
            .select('user_roles.id')
            .whereRef('user_roles.user_id', '=', 'users.id')
            .where('ra.site_id', '=', siteId),
        ),
      ]),
    );
  if (userId) q = q.where('users.id', '=', userId);
  const users = await q.orderBy('users.agency_id').orderBy('users.username').limit(5000).execute();
  if (!users.length) return [];
  const roles = await db
    .selectFrom('user_roles')
    .select(['user_id', 'role', 'agency_id'])
    .where(
      'user_id',
      'in',
      users.map((u) => u.id),
    )
    .execute();
  return users.map((u) => ({
    ...u,
    roles: roles.filter((r) => r.user_id === u.id).map((r) => ({ role: r.role, agencyId: r.agency_id })),
  }));
}

/** Active users holding a role in an agency, with their e-mail addresses. */
export function roleHolders(q: Kysely<DB>, role: Role, agencyId: number) {
  return q
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select(['users.id', 'users.email'])
    .where('user_roles.role', '=', role)
    .where('user_roles.agency_id', '=', agencyId)
    .where('users.active', '=', true)
    .execute();
}

/** A user's e-mail address (empty when none), if the user exists. */
export function userContact(q: Kysely<DB>, userId: number) {
  return q.selectFrom('users').select(['id', 'email']).where('id', '=', userId).execute();
}
