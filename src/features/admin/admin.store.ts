import { type Insertable, type Kysely, sql, type Updateable } from 'kysely';
import type { Db } from '../../core/db.ts';
import type { AgenciesTable, DB, Role, SitesTable, UsersTable } from '../../core/db.types.ts';

/** A site's agencies in their order. */
export function agenciesOf(db: Db, siteId: number) {
  return db.selectFrom('agencies').selectAll().where('site_id', '=', siteId).orderBy('sort').orderBy('id').execute();
}

/** The site's agencies' ids and names only, in their order (for choices and tables on public pages). */
export function agencyNamesOf(db: Db, siteId: number) {
  return db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('site_id', '=', siteId)
    .orderBy('sort')
    .orderBy('id')
    .execute();
}

export function listSites(db: Db) {
  return db.selectFrom('sites').selectAll().orderBy('id').execute();
}

/** A staff account as the store reads it (the service adds until when its logins are paused). */
export interface StaffRow {
  id: number;
  username: string;
  name: string;
  phone: string;
  email: string;
  agency_id: number | null;
  agency_name: string | null;
  active: boolean;
  roles: { role: Role; agencyId: number | null }[];
}

/** Staff accounts of a site: their agency is on it, or they hold a role in one of its agencies. */
export async function siteAccounts(db: Db, siteId: number, userId?: number): Promise<StaffRow[]> {
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

type Q = Kysely<DB>;

export function siteByCode(q: Q, code: string) {
  return q.selectFrom('sites').select('id').where('code', '=', code).executeTakeFirst();
}

export async function insertSite(q: Q, values: Insertable<SitesTable>): Promise<number> {
  return (await q.insertInto('sites').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export function lockSite(q: Q, siteId: number) {
  return q.selectFrom('sites').selectAll().where('id', '=', siteId).forUpdate().executeTakeFirst();
}

/** Another site already answering on one of the host names. */
export function siteWithHosts(q: Q, hosts: string[], exceptId: number) {
  return q
    .selectFrom('sites')
    .select(['name'])
    .where('id', '!=', exceptId)
    .where(sql<boolean>`hosts && ${sql.val(hosts)}::text[]`)
    .executeTakeFirst();
}

export async function updateSiteRow(q: Q, siteId: number, set: Updateable<SitesTable>): Promise<void> {
  await q.updateTable('sites').set(set).where('id', '=', siteId).execute();
}

/** An agency and the agencies above it, nearest first, with their sites. */
export async function agencyAncestry(q: Q, agencyId: number) {
  const r = await sql<{ id: number; site_id: number }>`
    with recursive up as (select id, parent_id, site_id from agencies where id = ${agencyId}
      union all select t.id, t.parent_id, t.site_id from agencies t join up on t.id = up.parent_id)
    select id, site_id from up`.execute(q);
  return r.rows;
}

/** An agency of the site with the same name or code (but another id). */
export function agencyClash(q: Q, siteId: number, exceptId: number | null, name: string, code: string) {
  let query = q
    .selectFrom('agencies')
    .select(['name', 'code'])
    .where('site_id', '=', siteId)
    .where((eb) => eb.or([eb('name', '=', name), eb('code', '=', code)]));
  if (exceptId !== null) query = query.where('id', '!=', exceptId);
  return query.executeTakeFirst();
}

export async function insertAgency(q: Q, values: Insertable<AgenciesTable>): Promise<number> {
  return (await q.insertInto('agencies').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export function lockAgency(q: Q, siteId: number, agencyId: number) {
  return q
    .selectFrom('agencies')
    .selectAll()
    .where('id', '=', agencyId)
    .where('site_id', '=', siteId)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateAgencyRow(q: Q, agencyId: number, set: Updateable<AgenciesTable>): Promise<void> {
  await q.updateTable('agencies').set(set).where('id', '=', agencyId).execute();
}

/** Which of the agencies are on the site. */
export function agenciesOnSite(q: Q, siteId: number, ids: number[]) {
  return q.selectFrom('agencies').select('id').where('site_id', '=', siteId).where('id', 'in', ids).execute();
}

export async function insertUser(q: Q, values: Insertable<UsersTable>): Promise<number> {
  return (await q.insertInto('users').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateUserRow(q: Q, userId: number, set: Updateable<UsersTable>): Promise<void> {
  await q.updateTable('users').set(set).where('id', '=', userId).execute();
}

export function passwordHashOf(q: Q, userId: number) {
  return q.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
}

/** Replaces a user's roles. */
export async function setRoles(q: Q, userId: number, roles: { role: Role; agencyId: number | null }[]): Promise<void> {
  await q.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  if (roles.length)
    await q
      .insertInto('user_roles')
      .values(roles.map((r) => ({ user_id: userId, role: r.role, agency_id: r.agencyId })))
      .execute();
}

/** A staff account of the site (its agency or one of its roles is there), locked, with all its roles. */
export async function lockSiteUser(q: Q, siteId: number, userId: number) {
  const user = await q
    .selectFrom('users')
    .select(['id', 'username', 'name', 'phone', 'email', 'agency_id', 'active'])
    .where('id', '=', userId)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('agencies')
            .select('agencies.id')
            .whereRef('agencies.id', '=', 'users.agency_id')
            .where('agencies.site_id', '=', siteId),
        ),
        eb.exists(
          eb
            .selectFrom('user_roles')
            .innerJoin('agencies', 'agencies.id', 'user_roles.agency_id')
            .select('user_roles.id')
            .whereRef('user_roles.user_id', '=', 'users.id')
            .where('agencies.site_id', '=', siteId),
        ),
      ]),
    )
    .forUpdate()
    .executeTakeFirst();
  if (!user) return undefined;
  const roles = await q
    .selectFrom('user_roles')
    .leftJoin('agencies', 'agencies.id', 'user_roles.agency_id')
    .select(['user_roles.role', 'user_roles.agency_id as agencyId', 'agencies.site_id'])
    .where('user_id', '=', userId)
    .execute();
  return { user, roles };
}
