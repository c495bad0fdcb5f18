import { type Kysely, sql } from 'kysely';
import { type Actor, isPlatformAdmin, requirePlatformAdmin, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { hashPassword, verifyPassword } from '../../core/auth.ts';
import type { Ctx } from '../../core/context.ts';
import type { Agency, DB, Role } from '../../core/db.types.ts';
import { AppError, badInput, conflict, notFound } from '../../core/errors.ts';
import { parseInput } from '../../core/validate.ts';
import {
  type AgencyInput,
  agencyInput,
  columnInput,
  ownPasswordInput,
  passwordInput,
  siteInput,
  siteSettingsInput,
  userInput,
  userUpdateInput,
} from './admin.schema.ts';
import { agenciesOf, roleHolders, userContact } from './admin.store.ts';

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

export async function createSite(ctx: Ctx, actor: Actor, raw: unknown): Promise<number> {
  requirePlatformAdmin(actor);
  const input = parseInput(siteInput, raw);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('sites').select('id').where('code', '=', input.code).executeTakeFirst();
    if (taken) throw conflict(`站点代码“${input.code}”已被使用`);
    const site = await trx
      .insertInto('sites')
      .values({
        code: input.code,
        name: input.name,
        hosts: input.hosts,
        settings: JSON.stringify({ interpretationDays: input.interpretationDays }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      siteId: site.id,
      action: 'site.create',
      entityType: 'site',
      entityId: site.id,
      after: input,
    });
    return site.id;
  });
  ctx.sites.changed();
  return id;
}

const agencyValues = (input: AgencyInput) => ({
  parent_id: input.parentId,
  name: input.name,
  kind: input.kind,
  code: input.code,
  sort: input.sort,
  office_name: input.officeName,
  office_address: input.officeAddress,
  office_hours: input.officeHours,
  office_phone: input.officePhone,
  office_fax: input.officeFax,
  office_email: input.officeEmail,
  office_postcode: input.officePostcode,
  guide_text: input.guideText,
});

/** The parent must be on the site, and an agency (or column) may not become its own ancestor. */
async function checkParent(
  trx: Kysely<DB>,
  table: 'agencies' | 'columns',
  siteId: number,
  selfId: number | null,
  parentId: number | null,
  message: { foreign: string; cycle: string },
) {
  if (parentId === null) return;
  const rows = await sql<{ id: number; site_id: number }>`
    with recursive up as (select id, parent_id, site_id from ${sql.table(table)} where id = ${parentId}
      union all select t.id, t.parent_id, t.site_id from ${sql.table(table)} t join up on t.id = up.parent_id)
    select id, site_id from up`.execute(trx);
  if (!rows.rows.length || rows.rows[0].site_id !== siteId) throw badInput(message.foreign);
  if (selfId !== null && rows.rows.some((r) => r.id === selfId)) throw badInput(message.cycle);
}

const AGENCY_PARENT = { foreign: '上级机构不属于本站点', cycle: '不能把机构设为它自己的下级' };

async function checkAgencyClash(trx: Kysely<DB>, siteId: number, selfId: number | null, input: AgencyInput) {
  let q = trx
    .selectFrom('agencies')
    .select(['name', 'code'])
    .where('site_id', '=', siteId)
    .where((eb) => eb.or([eb('name', '=', input.name), eb('code', '=', input.code)]));
  if (selfId !== null) q = q.where('id', '!=', selfId);
  const clash = await q.executeTakeFirst();
  if (clash)
    throw conflict(clash.name === input.name ? `机构“${input.name}”已存在` : `机构代码“${input.code}”已被使用`);
}

export async function createAgency(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(agencyInput, raw);
  return ctx.db.transaction().execute(async (trx) => {
    await checkParent(trx, 'agencies', siteId, null, input.parentId, AGENCY_PARENT);
    await checkAgencyClash(trx, siteId, null, input);
    const a = await trx
      .insertInto('agencies')
      .values({ site_id: siteId, ...agencyValues(input) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      siteId,
      agencyId: a.id,
      action: 'agency.create',
      entityType: 'agency',
      entityId: a.id,
      after: input,
    });
    return a.id;
  });
}

async function checkAgenciesOnSite(trx: Kysely<DB>, siteId: number, ids: (number | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
  if (!wanted.length) return;
  const found = await trx
    .selectFrom('agencies')
    .select('id')
    .where('site_id', '=', siteId)
    .where('id', 'in', wanted)
    .execute();
  if (found.length !== wanted.length) throw badInput('所选机构不属于本站点');
}

/** Creates a real-name staff account with its roles; every role's agency must be on the admin's site. */
export async function createUser(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(userInput, raw);
  if (input.roles.some((r) => r.role === 'platform_admin')) requirePlatformAdmin(actor);
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    await checkAgenciesOnSite(trx, siteId, [input.agencyId, ...input.roles.map((r) => r.agencyId)]);
    let id: number;
    try {
      ({ id } = await trx
        .insertInto('users')
        .values({
          username: input.username,
          name: input.name,
          phone: input.phone,
          email: input.email,
          agency_id: input.agencyId,
          password_hash: passwordHash,
        })
        .returning('id')
        .executeTakeFirstOrThrow());
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`用户名“${input.username}”已被使用`);
      throw e;
    }
    if (input.roles.length)
      await trx
        .insertInto('user_roles')
        .values(input.roles.map((r) => ({ user_id: id, role: r.role, agency_id: r.agencyId })))
        .execute();
    const { password: _p, ...shown } = input;
    await audit(trx, actor, {
      siteId,
      agencyId: input.agencyId,
      action: 'user.create',
      entityType: 'user',
      entityId: id,
      after: shown,
    });
    return id;
  });
}

export async function saveColumn(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  columnId: number | null,
  raw: unknown,
): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(columnInput, raw);
  return ctx.db.transaction().execute(async (trx) => {
    await checkParent(trx, 'columns', siteId, columnId, input.parentId, {
      foreign: '上级栏目不属于本站点',
      cycle: '不能把栏目移到它自己的下级',
    });
    const clash = await trx
      .selectFrom('columns')
      .select('id')
      .where('site_id', '=', siteId)
      .where('slug', '=', input.slug)
      .executeTakeFirst();
    if (clash && clash.id !== columnId) throw conflict(`栏目路径“${input.slug}”已被使用`);
    const values = {
      name: input.name,
      slug: input.slug,
      kind: input.kind,
      parent_id: input.parentId,
      description: input.description,
      sort: input.sort,
      visible: input.visible,
    };
    if (columnId === null) {
      const c = await trx
        .insertInto('columns')
        .values({ site_id: siteId, ...values })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, actor, { siteId, action: 'column.create', entityType: 'column', entityId: c.id, after: input });
      return c.id;
    }
    const before = await trx
      .selectFrom('columns')
      .selectAll()
      .where('id', '=', columnId)
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    if (!before) throw notFound('栏目不存在');
    await trx.updateTable('columns').set(values).where('id', '=', columnId).execute();
    await audit(trx, actor, {
      siteId,
      action: 'column.update',
      entityType: 'column',
      entityId: columnId,
      before,
      after: input,
    });
    return columnId;
  });
}

/** The office changes its site's name, host names and settings. */
export async function updateSite(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<void> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(siteSettingsInput, raw);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('sites').selectAll().where('id', '=', siteId).forUpdate().executeTakeFirst();
    if (!before) throw notFound('站点不存在');
    const taken = await trx
      .selectFrom('sites')
      .select(['name'])
      .where('id', '!=', siteId)
      .where(sql<boolean>`hosts && ${sql.val(input.hosts)}::text[]`)
      .executeTakeFirst();
    if (taken) throw conflict(`域名已被站点“${taken.name}”使用`);
    const settings = { ...(before.settings as object), interpretationDays: input.interpretationDays };
    await trx
      .updateTable('sites')
      .set({ name: input.name, hosts: input.hosts, settings: JSON.stringify(settings) })
      .where('id', '=', siteId)
      .execute();
    await audit(trx, actor, {
      siteId,
      action: 'site.update',
      entityType: 'site',
      entityId: siteId,
      before: { name: before.name, hosts: before.hosts, settings: before.settings },
      after: input,
    });
  });
  ctx.sites.changed();
}

/** Merges keys into a site's settings (features keep their own settings there). */
export async function updateSiteSettings(ctx: Ctx, actor: Actor, siteId: number, patch: Record<string, unknown>) {
  requireSiteAdmin(actor, siteId);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('sites')
      .select('settings')
      .where('id', '=', siteId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound('站点不存在');
    await trx
      .updateTable('sites')
      .set({ settings: JSON.stringify({ ...(before.settings as object), ...patch }) })
      .where('id', '=', siteId)
      .execute();
    await audit(trx, actor, {
      siteId,
      action: 'site.settings',
      entityType: 'site',
      entityId: siteId,
      before: before.settings,
      after: patch,
    });
  });
  ctx.sites.changed();
}

export async function updateAgency(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  agencyId: number,
  raw: unknown,
): Promise<void> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(agencyInput, raw);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('agencies')
      .selectAll()
      .where('id', '=', agencyId)
      .where('site_id', '=', siteId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw notFound('机构不存在');
    await checkParent(trx, 'agencies', siteId, agencyId, input.parentId, AGENCY_PARENT);
    await checkAgencyClash(trx, siteId, agencyId, input);
    await trx.updateTable('agencies').set(agencyValues(input)).where('id', '=', agencyId).execute();
    await audit(trx, actor, {
      siteId,
      agencyId,
      action: 'agency.update',
      entityType: 'agency',
      entityId: agencyId,
      before,
      after: input,
    });
  });
}

/** A staff account of the site (its agency or one of its roles is there), locked for the transaction. */
async function siteUser(trx: Kysely<DB>, siteId: number, userId: number) {
  const user = await trx
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
  if (!user) throw notFound('用户不存在');
  const roles = await trx
    .selectFrom('user_roles')
    .leftJoin('agencies', 'agencies.id', 'user_roles.agency_id')
    .select(['user_roles.role', 'user_roles.agency_id as agencyId', 'agencies.site_id'])
    .where('user_id', '=', userId)
    .execute();
  return { user, roles };
}

const managesPlatform = (actor: Actor) => !!actor.system || (!!actor.principal && isPlatformAdmin(actor.principal));

/** Only a platform admin changes a platform admin's account. */
function guardPlatformAccount(actor: Actor, roles: { role: string }[]) {
  if (roles.some((r) => r.role === 'platform_admin')) requirePlatformAdmin(actor);
}

/** Ends every session and API token of a user (after deactivation or a password reset). */
async function endAccess(trx: Kysely<DB>, userId: number, keepSession?: string) {
  let q = trx.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepSession) q = q.where('id', '!=', keepSession);
  await q.execute();
}

/**
 * The office changes a staff member: name, phone, agency, active, and the roles held in this site's agencies
 * (roles elsewhere are kept). Deactivating ends the member's sessions and API tokens.
 */
export async function updateUser(ctx: Ctx, actor: Actor, siteId: number, userId: number, raw: unknown) {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(userUpdateInput, raw);
  if (input.roles.some((r) => r.role === 'platform_admin')) requirePlatformAdmin(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const { user, roles } = await siteUser(trx, siteId, userId);
    guardPlatformAccount(actor, roles);
    await checkAgenciesOnSite(trx, siteId, [input.agencyId, ...input.roles.map((r) => r.agencyId)]);
    if (actor.principal?.userId === userId && !isPlatformAdmin(actor.principal)) {
      if (!input.active) throw badInput('不能停用自己的账号');
      if (!input.roles.some((r) => r.role === 'office_admin'))
        throw badInput('不能取消自己的政务公开办管理员角色，请由其他管理员操作');
    }
    // roles in other sites' agencies stay; the platform role is changed only by a platform admin
    const isPlatform = (r: { role: string }) => r.role === 'platform_admin';
    const next = [
      ...roles.filter((r) => r.site_id !== siteId && !isPlatform(r)),
      ...(managesPlatform(actor) ? input.roles : roles).filter(isPlatform),
      ...input.roles.filter((r) => !isPlatform(r)),
    ].map((r) => ({ role: r.role, agencyId: r.agencyId }));
    const unique = [...new Map(next.map((r) => [`${r.role}:${r.agencyId}`, r])).values()];
    await trx
      .updateTable('users')
      .set({
        name: input.name,
        phone: input.phone,
        email: input.email,
        agency_id: input.agencyId,
        active: input.active,
      })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    if (unique.length)
      await trx
        .insertInto('user_roles')
        .values(unique.map((r) => ({ user_id: userId, role: r.role, agency_id: r.agencyId })))
        .execute();
    if (!input.active) {
      await endAccess(trx, userId);
      await trx
        .updateTable('api_tokens')
        .set({ revoked_at: ctx.now() })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
    }
    await audit(trx, actor, {
      siteId,
      agencyId: input.agencyId,
      action: user.active && !input.active ? 'user.deactivate' : 'user.update',
      entityType: 'user',
      entityId: userId,
      before: { ...user, roles: roles.map((r) => ({ role: r.role, agencyId: r.agencyId })) },
      after: { ...input, roles: unique },
    });
  });
}

/** The office sets a new password for a staff member (who forgot theirs); it also lifts a lock. */
export async function resetPassword(ctx: Ctx, actor: Actor, siteId: number, userId: number, raw: unknown) {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(passwordInput, raw);
  const hash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (trx) => {
    const { user, roles } = await siteUser(trx, siteId, userId);
    guardPlatformAccount(actor, roles);
    await trx
      .updateTable('users')
      .set({ password_hash: hash, failed_logins: 0, locked_until: null })
      .where('id', '=', userId)
      .execute();
    await endAccess(trx, userId);
    await audit(trx, actor, {
      siteId,
      agencyId: user.agency_id,
      action: 'user.reset_password',
      entityType: 'user',
      entityId: userId,
    });
  });
}

/** A staff member changes their own password; their other sessions end. */
export async function changeOwnPassword(ctx: Ctx, actor: Actor, raw: unknown, keepSession?: string) {
  const p = actor.principal;
  if (!p) throw new AppError('unauthenticated', '请先登录');
  const input = parseInput(ownPasswordInput, raw);
  const row = await ctx.db.selectFrom('users').select('password_hash').where('id', '=', p.userId).executeTakeFirst();
  if (!row || !(await verifyPassword(row.password_hash, input.current)))
    throw badInput('原密码不正确', { current: '原密码不正确' });
  const hash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', p.userId).execute();
    await endAccess(trx, p.userId, keepSession);
    await audit(trx, actor, {
      siteId: p.siteId,
      action: 'user.change_password',
      entityType: 'user',
      entityId: p.userId,
    });
  });
}

/** A site's agencies in their order: for every feature that lists, picks or names them. */
export function siteAgencies(ctx: Ctx, siteId: number): Promise<Agency[]> {
  return agenciesOf(ctx.db, siteId);
}

/**
 * Who is told of a piece of work: the one user when given (e.g. a case's handler), otherwise the agency's active
 * holders of the role. Takes the transaction that writes the notices.
 */
export function recipients(q: Kysely<DB>, to: { userId: number | null; role: Role; agencyId: number }) {
  return to.userId ? userContact(q, to.userId) : roleHolders(q, to.role, to.agencyId);
}
