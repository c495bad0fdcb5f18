import type { Kysely } from 'kysely';
import { type Actor, requirePlatformAdmin, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import {
  clearLoginFailures,
  endSessions,
  hashPassword,
  pausedLogins,
  revokeTokens,
  verifyPassword,
} from '../../core/auth.ts';
import type { Ctx } from '../../core/context.ts';
import type { Agency, DB, Role } from '../../core/db.types.ts';
import { AppError, badInput, conflict, notFound } from '../../core/errors.ts';
import { noteSiteChange } from '../../core/search.ts';
import { checkParent, parseInput } from '../../core/validate.ts';
import { guardOwnAccount, guardPlatformAccount, managesPlatform } from './admin.policy.ts';
import {
  type AgencyInput,
  agencyInput,
  ownPasswordInput,
  passwordInput,
  type SiteSettingsInput,
  siteInput,
  siteSettingsInput,
  userInput,
  userUpdateInput,
} from './admin.schema.ts';
import {
  agenciesOf,
  agenciesOnSite,
  agencyAncestry,
  agencyClash,
  agencyNamesOf,
  insertAgency,
  insertSite,
  insertUser,
  listSites,
  lockAgency,
  lockSite,
  lockSiteUser,
  passwordHashOf,
  roleHolders,
  type StaffRow,
  setRoles,
  siteAccounts,
  siteByCode,
  siteWithHosts,
  updateAgencyRow,
  updateSiteRow,
  updateUserRow,
  userContact,
} from './admin.store.ts';

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

export async function createSite(ctx: Ctx, actor: Actor, raw: unknown): Promise<number> {
  requirePlatformAdmin(actor);
  const input = parseInput(siteInput, raw);
  const id = await ctx.db.transaction().execute(async (trx) => {
    if (await siteByCode(trx, input.code)) throw conflict(`站点代码“${input.code}”已被使用`);
    const siteId = await insertSite(trx, {
      code: input.code,
      name: input.name,
      hosts: input.hosts,
      settings: JSON.stringify({
        interpretationDays: input.interpretationDays,
        sameReviewerAllowed: input.sameReviewerAllowed,
        footer: footerOf(input),
      }),
    });
    await audit(trx, actor, { siteId, action: 'site.create', entityType: 'site', entityId: siteId, after: input });
    return siteId;
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

const AGENCY_PARENT = { foreign: '上级机构不属于本站点', cycle: '不能把机构设为它自己的下级' };

/** The parent is on the site and not the agency itself or below it; no other agency has its name or code. */
async function checkAgency(trx: Kysely<DB>, siteId: number, selfId: number | null, input: AgencyInput) {
  if (input.parentId !== null) checkParent(await agencyAncestry(trx, input.parentId), siteId, selfId, AGENCY_PARENT);
  const clash = await agencyClash(trx, siteId, selfId, input.name, input.code);
  if (clash)
    throw conflict(clash.name === input.name ? `机构“${input.name}”已存在` : `机构代码“${input.code}”已被使用`);
}

export async function createAgency(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(agencyInput, raw);
  return ctx.db.transaction().execute(async (trx) => {
    await checkAgency(trx, siteId, null, input);
    const id = await insertAgency(trx, { site_id: siteId, ...agencyValues(input) });
    await noteSiteChange(trx, siteId);
    await audit(trx, actor, {
      siteId,
      agencyId: id,
      action: 'agency.create',
      entityType: 'agency',
      entityId: id,
      after: input,
    });
    return id;
  });
}

async function checkAgenciesOnSite(trx: Kysely<DB>, siteId: number, ids: (number | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
  if (!wanted.length) return;
  const found = await agenciesOnSite(trx, siteId, wanted);
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
      id = await insertUser(trx, {
        username: input.username,
        name: input.name,
        phone: input.phone,
        email: input.email,
        agency_id: input.agencyId,
        password_hash: passwordHash,
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`用户名“${input.username}”已被使用`);
      throw e;
    }
    await setRoles(trx, id, input.roles);
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

/** The footer's statutory lines from the site form. */
const footerOf = (i: SiteSettingsInput) => ({
  sponsor: i.sponsor,
  organizer: i.organizer,
  siteId: i.siteId.toUpperCase(),
  icp: i.icp,
  police: i.police,
  policeLink: i.policeLink,
  conacLink: i.conacLink,
  contact: i.contact,
});

/** The office changes its site's name, host names and settings. */
export async function updateSite(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<void> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(siteSettingsInput, raw);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await lockSite(trx, siteId);
    if (!before) throw notFound('站点不存在');
    const taken = await siteWithHosts(trx, input.hosts, siteId);
    if (taken) throw conflict(`域名已被站点“${taken.name}”使用`);
    const settings = {
      ...(before.settings as object),
      interpretationDays: input.interpretationDays,
      sameReviewerAllowed: input.sameReviewerAllowed,
      footer: footerOf(input),
    };
    await updateSiteRow(trx, siteId, { name: input.name, hosts: input.hosts, settings: JSON.stringify(settings) });
    await noteSiteChange(trx, siteId);
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
    const before = await lockSite(trx, siteId);
    if (!before) throw notFound('站点不存在');
    await updateSiteRow(trx, siteId, { settings: JSON.stringify({ ...(before.settings as object), ...patch }) });
    await noteSiteChange(trx, siteId);
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
    const before = await lockAgency(trx, siteId, agencyId);
    if (!before) throw notFound('机构不存在');
    await checkAgency(trx, siteId, agencyId, input);
    await updateAgencyRow(trx, agencyId, agencyValues(input));
    await noteSiteChange(trx, siteId);
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
  const found = await lockSiteUser(trx, siteId, userId);
  if (!found) throw notFound('用户不存在');
  return found;
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
    guardOwnAccount(actor, userId, input);
    // roles in other sites' agencies stay; the platform role is changed only by a platform admin
    const isPlatform = (r: { role: string }) => r.role === 'platform_admin';
    const next = [
      ...roles.filter((r) => r.site_id !== siteId && !isPlatform(r)),
      ...(managesPlatform(actor) ? input.roles : roles).filter(isPlatform),
      ...input.roles.filter((r) => !isPlatform(r)),
    ].map((r) => ({ role: r.role, agencyId: r.agencyId }));
    const unique = [...new Map(next.map((r) => [`${r.role}:${r.agencyId}`, r])).values()];
    await updateUserRow(trx, userId, {
      name: input.name,
      phone: input.phone,
      email: input.email,
      agency_id: input.agencyId,
      active: input.active,
    });
    await setRoles(trx, userId, unique);
    if (!input.active) {
      await endSessions(trx, userId);
      await revokeTokens(trx, userId, ctx.now());
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
    await updateUserRow(trx, userId, { password_hash: hash });
    // the member may log in again at once, from wherever their attempts were paused
    await clearLoginFailures(trx, user.username);
    // a reset password means the old one may be known to someone else: every way in made with it ends
    await endSessions(trx, userId);
    await revokeTokens(trx, userId, ctx.now());
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
  const row = await passwordHashOf(ctx.db, p.userId);
  if (!row || !(await verifyPassword(row.password_hash, input.current)))
    throw badInput('原密码不正确', { current: '原密码不正确' });
  const hash = await hashPassword(input.password);
  await ctx.db.transaction().execute(async (trx) => {
    await updateUserRow(trx, p.userId, { password_hash: hash });
    await endSessions(trx, p.userId, keepSession);
    await revokeTokens(trx, p.userId, ctx.now());
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

/** The site's agencies by id and name, in their order: what a choice or a table of a public page needs. */
export function siteAgencyNames(ctx: Ctx, siteId: number): Promise<{ id: number; name: string }[]> {
  return agencyNamesOf(ctx.read, siteId);
}

/** The site's agencies as a form offers them (`[id, name]`); only those given, when a list is given. */
export async function agencyChoices(ctx: Ctx, siteId: number, only?: number[]): Promise<[string, string][]> {
  return (await siteAgencyNames(ctx, siteId))
    .filter((a) => !only || only.includes(a.id))
    .map((a): [string, string] => [String(a.id), a.name]);
}

/**
 * Who is told of a piece of work: the one user when given (e.g. a case's handler), otherwise the agency's active
 * holders of the role. Takes the transaction that writes the notices.
 */
export function recipients(q: Kysely<DB>, to: { userId: number | null; role: Role; agencyId: number }) {
  return to.userId ? userContact(q, to.userId) : roleHolders(q, to.role, to.agencyId);
}

/** Every site of the installation, for the platform admin. */
export async function allSites(ctx: Ctx, actor: Actor) {
  requirePlatformAdmin(actor);
  return listSites(ctx.db);
}

/** The site's staff accounts (one when `userId` is given), for its office. */
/** A staff account on the office's pages: with until when its logins are paused from some address, if they are. */
export type StaffAccount = StaffRow & { locked_until: Date | null };

export async function staffAccounts(ctx: Ctx, actor: Actor, siteId: number, userId?: number): Promise<StaffAccount[]> {
  requireSiteAdmin(actor, siteId);
  const accounts = await siteAccounts(ctx.db, siteId, userId);
  const paused = await pausedLogins(
    ctx.db,
    accounts.map((a) => a.username),
  );
  return accounts.map((a) => ({ ...a, locked_until: paused.get(a.username) ?? null }));
}
