import { type Actor, requirePlatformAdmin, requireSiteAdmin } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { hashPassword } from '../../core/auth.ts';
import type { Ctx } from '../../core/context.ts';
import { badInput, conflict, notFound } from '../../core/errors.ts';
import { parseInput } from '../../core/validate.ts';
import { agencyInput, columnInput, siteInput, userInput } from './admin.schema.ts';

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';

export async function createSite(ctx: Ctx, actor: Actor, raw: unknown): Promise<number> {
  requirePlatformAdmin(actor);
  const input = parseInput(siteInput, raw);
  return ctx.db.transaction().execute(async (trx) => {
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
}

export async function createAgency(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(agencyInput, raw);
  return ctx.db.transaction().execute(async (trx) => {
    if (input.parentId) {
      const parent = await trx
        .selectFrom('agencies')
        .select('id')
        .where('id', '=', input.parentId)
        .where('site_id', '=', siteId)
        .executeTakeFirst();
      if (!parent) throw badInput('上级机构不属于本站点');
    }
    const clash = await trx
      .selectFrom('agencies')
      .select(['name', 'code'])
      .where('site_id', '=', siteId)
      .where((eb) => eb.or([eb('name', '=', input.name), eb('code', '=', input.code)]))
      .executeTakeFirst();
    if (clash)
      throw conflict(clash.name === input.name ? `机构“${input.name}”已存在` : `机构代码“${input.code}”已被使用`);
    const a = await trx
      .insertInto('agencies')
      .values({
        site_id: siteId,
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
      })
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

/** Creates a real-name staff account with its roles; every role's agency must be on the admin's site. */
export async function createUser(ctx: Ctx, actor: Actor, siteId: number, raw: unknown): Promise<number> {
  requireSiteAdmin(actor, siteId);
  const input = parseInput(userInput, raw);
  if (input.roles.some((r) => r.role === 'platform_admin')) requirePlatformAdmin(actor);
  const agencyIds = [input.agencyId, ...input.roles.map((r) => r.agencyId)].filter((x): x is number => x !== null);
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction().execute(async (trx) => {
    if (agencyIds.length) {
      const found = await trx
        .selectFrom('agencies')
        .select('id')
        .where('site_id', '=', siteId)
        .where('id', 'in', agencyIds)
        .execute();
      if (found.length !== new Set(agencyIds).size) throw badInput('所选机构不属于本站点');
    }
    for (const r of input.roles)
      if ((r.role === 'platform_admin') !== (r.agencyId === null))
        throw badInput('角色必须指定所在机构（平台管理员除外）');
    let id: number;
    try {
      ({ id } = await trx
        .insertInto('users')
        .values({
          username: input.username,
          name: input.name,
          phone: input.phone,
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
    if (input.parentId) {
      const parent = await trx
        .selectFrom('columns')
        .select('id')
        .where('id', '=', input.parentId)
        .where('site_id', '=', siteId)
        .executeTakeFirst();
      if (!parent) throw badInput('上级栏目不属于本站点');
      // a column may not become its own ancestor
      for (let up: number | null = input.parentId; up !== null; ) {
        if (up === columnId) throw badInput('不能把栏目移到它自己的下级');
        const row: { parent_id: number | null } | undefined = await trx
          .selectFrom('columns')
          .select('parent_id')
          .where('id', '=', up)
          .executeTakeFirst();
        up = row?.parent_id ?? null;
      }
    }
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
