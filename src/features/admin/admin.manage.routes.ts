import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../core/access.ts';
import { tokenHash } from '../../core/auth.ts';
import type { Ctx } from '../../core/context.ts';
import type { Agency, Column, Site } from '../../core/db.types.ts';
import { notFound } from '../../core/errors.ts';
import { settingsOf } from '../../core/sites.ts';
import { checkbox } from '../../core/validate.ts';
import { type FormValues, ids } from '../../web/forms.tsx';
import {
  ADMIN_SITE_COOKIE,
  actorOf,
  chosenSite,
  csrfToken,
  idParam,
  type RefusedForm,
  sendHtml,
  staff,
  submitForm,
} from '../../web/request.ts';
import { officeSite, workingSite } from '../../web/staff.ts';
import { saveColumn } from '../catalog/catalog.columns.service.ts';
import { siteColumns } from '../catalog/catalog.service.ts';
import {
  AgenciesAdminPage,
  AgencyFormPage,
  ColumnFormPage,
  ColumnsAdminPage,
  SiteSettingsPage,
  SitesPage,
} from './admin.manage.views.tsx';
import { mayGrantPlatform } from './admin.policy.ts';
import { AGENCY_ROLES } from './admin.schema.ts';
import type { StaffAccount } from './admin.service.ts';
import {
  allSites,
  changeOwnPassword,
  createAgency,
  createSite,
  createUser,
  resetPassword,
  siteAgencies,
  staffAccounts,
  updateAgency,
  updateSite,
  updateUser,
} from './admin.service.ts';
import { AccountPage, UserFormPage, UsersPage } from './admin.users.views.tsx';

const flashOf = (req: FastifyRequest) => ((req.query as { saved?: string }).saved ? '已保存' : undefined);

function agencyValues(a: Agency): FormValues {
  return {
    name: a.name,
    kind: a.kind,
    parentId: a.parent_id ?? '',
    code: a.code,
    sort: a.sort,
    officeName: a.office_name,
    officeAddress: a.office_address,
    officeHours: a.office_hours,
    officePhone: a.office_phone,
    officeFax: a.office_fax,
    officeEmail: a.office_email,
    officePostcode: a.office_postcode,
    guideText: a.guide_text,
  };
}

function columnValues(c: Column): FormValues {
  return {
    name: c.name,
    slug: c.slug,
    kind: c.kind,
    parentId: c.parent_id ?? '',
    sort: c.sort,
    description: c.description,
    visible: c.visible ? 'on' : 'off',
  };
}

function userValues(u: StaffAccount): FormValues {
  const values: FormValues = {
    name: u.name,
    phone: u.phone,
    email: u.email,
    agencyId: u.agency_id ?? '',
    active: u.active ? 'on' : 'off',
    platformAdmin: u.roles.some((r) => r.role === 'platform_admin') ? 'on' : 'off',
  };
  for (const role of AGENCY_ROLES)
    values[`role.${role}`] = u.roles.filter((r) => r.role === role).map((r) => r.agencyId);
  return values;
}

/** The roles grid and the platform box of the user form, as the roles the service takes. */
function userInputFromForm(body: FormValues) {
  const roles: { role: string; agencyId: number | null }[] = AGENCY_ROLES.flatMap((role) =>
    ids(body[`role.${role}`]).map((agencyId) => ({ role, agencyId })),
  );
  if (checkbox.parse(body.platformAdmin)) roles.push({ role: 'platform_admin', agencyId: null });
  return { ...body, roles };
}

/** Office pages: sites, agencies, staff and columns of the site being managed; every route checks the role. */
export async function adminManageRoutes(app: FastifyInstance, ctx: Ctx) {
  /** The site managed, checked to be administered by the signed-in staff member. */
  const managed = async (req: FastifyRequest): Promise<{ site: Site; actor: Actor }> => ({
    site: await officeSite(ctx, req),
    actor: actorOf(req),
  });
  const page = (req: FastifyRequest, csrf: string) => ({ principal: staff(req), csrf, flash: flashOf(req) });

  // —— site settings, and the platform's sites ——
  const siteSettings = async (req: FastifyRequest, csrf: string, site: Site, refused?: RefusedForm) =>
    SiteSettingsPage({
      ...page(req, csrf),
      site,
      values: refused?.values ?? {
        name: site.name,
        hosts: site.hosts.join(' '),
        interpretationDays: settingsOf(site).interpretationDays,
        sameReviewerAllowed: settingsOf(site).sameReviewerAllowed ? 'on' : '',
        ...settingsOf(site).footer,
      },
      errors: refused?.errors ?? {},
      message: refused?.message,
    });

  app.get('/site', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(req, reply, siteSettings(req, csrfToken(reply), site));
  });
  app.post('/site', async (req, reply) => {
    const { site, actor } = await managed(req);
    return submitForm(
      req,
      reply,
      async () => {
        await updateSite(ctx, actor, site.id, req.body ?? {});
        return '/admin/site?saved=1';
      },
      (refused) => siteSettings(req, csrfToken(reply), site, refused),
    );
  });

  const sitesPage = async (req: FastifyRequest, csrf: string, refused?: RefusedForm) => {
    const current = await workingSite(ctx, staff(req), chosenSite(req));
    return SitesPage({
      ...page(req, csrf),
      sites: await allSites(ctx, actorOf(req)),
      current: current.id,
      values: refused?.values ?? {},
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };
  app.get('/sites', async (req, reply) => {
    return sendHtml(req, reply, sitesPage(req, csrfToken(reply)));
  });
  app.post('/sites', async (req, reply) => {
    return submitForm(
      req,
      reply,
      async () => {
        const siteId = await createSite(ctx, actorOf(req), req.body ?? {});
        reply.setCookie(ADMIN_SITE_COOKIE, String(siteId), adminCookie(ctx));
        return '/admin/site?saved=1';
      },
      (refused) => sitesPage(req, csrfToken(reply), refused),
    );
  });
  app.post('/sites/:id/use', async (req, reply) => {
    const siteId = idParam(req, '站点');
    const site = (await allSites(ctx, actorOf(req))).find((s) => s.id === siteId);
    if (!site) throw notFound('站点不存在');
    reply.setCookie(ADMIN_SITE_COOKIE, String(site.id), adminCookie(ctx));
    return reply.redirect('/admin', 303);
  });

  // —— agencies ——
  app.get('/agencies', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(
      req,
      reply,
      AgenciesAdminPage({ ...page(req, csrfToken(reply)), agencies: await siteAgencies(ctx, site.id) }),
    );
  });
  const agencyForm = async (
    req: FastifyRequest,
    csrf: string,
    site: Site,
    agencyId: number | null,
    refused?: RefusedForm,
  ) => {
    const agencies = await siteAgencies(ctx, site.id);
    const agency = agencyId === null ? undefined : agencies.find((a) => a.id === agencyId);
    if (agencyId !== null && !agency) throw notFound('机构不存在');
    return AgencyFormPage({
      ...page(req, csrf),
      agencyId,
      agencies,
      values: refused?.values ?? (agency ? agencyValues(agency) : { kind: 'department' }),
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };
  app.get('/agencies/new', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(req, reply, agencyForm(req, csrfToken(reply), site, null));
  });
  app.post('/agencies', async (req, reply) => {
    const { site, actor } = await managed(req);
    return submitForm(
      req,
      reply,
      async () => `/admin/agencies/${await createAgency(ctx, actor, site.id, req.body ?? {})}?saved=1`,
      (refused) => agencyForm(req, csrfToken(reply), site, null, refused),
    );
  });
  app.get('/agencies/:id', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(req, reply, agencyForm(req, csrfToken(reply), site, idParam(req, '机构')));
  });
  app.post('/agencies/:id', async (req, reply) => {
    const { site, actor } = await managed(req);
    const agencyId = idParam(req, '机构');
    return submitForm(
      req,
      reply,
      async () => {
        await updateAgency(ctx, actor, site.id, agencyId, req.body ?? {});
        return `/admin/agencies/${agencyId}?saved=1`;
      },
      (refused) => agencyForm(req, csrfToken(reply), site, agencyId, refused),
    );
  });

  // —— staff accounts ——
  app.get('/users', async (req, reply) => {
    const { site } = await managed(req);
    const [users, agencies] = await Promise.all([
      staffAccounts(ctx, actorOf(req), site.id),
      siteAgencies(ctx, site.id),
    ]);
    return sendHtml(req, reply, UsersPage({ ...page(req, csrfToken(reply)), users, agencies, now: ctx.now() }));
  });
  const userForm = async (
    req: FastifyRequest,
    csrf: string,
    site: Site,
    userId: number | null,
    refused?: RefusedForm,
    password?: RefusedForm,
  ) => {
    const [agencies, found] = await Promise.all([
      siteAgencies(ctx, site.id),
      userId === null ? Promise.resolve([]) : staffAccounts(ctx, actorOf(req), site.id, userId),
    ]);
    const user = found[0] ?? null;
    if (userId !== null && !user) throw notFound('用户不存在');
    return UserFormPage({
      ...page(req, csrf),
      user,
      agencies,
      canGrantPlatform: mayGrantPlatform(staff(req)),
      values: refused?.values ?? (user ? userValues(user) : {}),
      errors: refused?.errors ?? {},
      message: refused?.message,
      password,
    });
  };
  app.get('/users/new', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(req, reply, userForm(req, csrfToken(reply), site, null));
  });
  app.post('/users', async (req, reply) => {
    const { site, actor } = await managed(req);
    return submitForm(
      req,
      reply,
      async () =>
        `/admin/users/${await createUser(ctx, actor, site.id, userInputFromForm((req.body ?? {}) as FormValues))}?saved=1`,
      (refused) => userForm(req, csrfToken(reply), site, null, refused),
    );
  });
  app.get('/users/:id', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(req, reply, userForm(req, csrfToken(reply), site, idParam(req, '用户')));
  });
  app.post('/users/:id', async (req, reply) => {
    const { site, actor } = await managed(req);
    const userId = idParam(req, '用户');
    return submitForm(
      req,
      reply,
      async () => {
        await updateUser(ctx, actor, site.id, userId, userInputFromForm((req.body ?? {}) as FormValues));
        return `/admin/users/${userId}?saved=1`;
      },
      (refused) => userForm(req, csrfToken(reply), site, userId, refused),
    );
  });
  app.post('/users/:id/password', async (req, reply) => {
    const { site, actor } = await managed(req);
    const userId = idParam(req, '用户');
    return submitForm(
      req,
      reply,
      async () => {
        await resetPassword(ctx, actor, site.id, userId, req.body ?? {});
        return `/admin/users/${userId}?saved=1`;
      },
      (refused) => userForm(req, csrfToken(reply), site, userId, undefined, { ...refused, values: {} }),
    );
  });

  // —— columns ——
  app.get('/columns', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(
      req,
      reply,
      ColumnsAdminPage({
        ...page(req, csrfToken(reply)),
        columns: await siteColumns(ctx, site.id),
        siteBase: `/s/${site.code}`,
      }),
    );
  });
  const columnForm = async (
    req: FastifyRequest,
    csrf: string,
    site: Site,
    columnId: number | null,
    refused?: RefusedForm,
  ) => {
    const columns = await siteColumns(ctx, site.id);
    const column = columnId === null ? undefined : columns.find((c) => c.id === columnId);
    if (columnId !== null && !column) throw notFound('栏目不存在');
    return ColumnFormPage({
      ...page(req, csrf),
      columnId,
      columns,
      values: refused?.values ?? (column ? columnValues(column) : { kind: 'news', visible: 'on' }),
      errors: refused?.errors ?? {},
      message: refused?.message,
    });
  };
  app.get('/columns/new', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(req, reply, columnForm(req, csrfToken(reply), site, null));
  });
  app.post('/columns', async (req, reply) => {
    const { site, actor } = await managed(req);
    return submitForm(
      req,
      reply,
      async () => `/admin/columns/${await saveColumn(ctx, actor, site.id, null, req.body ?? {})}?saved=1`,
      (refused) => columnForm(req, csrfToken(reply), site, null, refused),
    );
  });
  app.get('/columns/:id', async (req, reply) => {
    const { site } = await managed(req);
    return sendHtml(req, reply, columnForm(req, csrfToken(reply), site, idParam(req, '栏目')));
  });
  app.post('/columns/:id', async (req, reply) => {
    const { site, actor } = await managed(req);
    const columnId = idParam(req, '栏目');
    return submitForm(
      req,
      reply,
      async () => `/admin/columns/${await saveColumn(ctx, actor, site.id, columnId, req.body ?? {})}?saved=1`,
      (refused) => columnForm(req, csrfToken(reply), site, columnId, refused),
    );
  });

  // —— one's own account ——
  app.get('/account', async (req, reply) =>
    sendHtml(req, reply, AccountPage({ ...page(req, csrfToken(reply)), values: {}, errors: {} })),
  );
  app.post('/account/password', async (req, reply) => {
    const token = req.cookies[ctx.config.cookieNames.session];
    return submitForm(
      req,
      reply,
      async () => {
        await changeOwnPassword(ctx, actorOf(req), req.body ?? {}, token ? tokenHash(token) : undefined);
        return '/admin/account?saved=1';
      },
      (refused) => AccountPage({ ...page(req, csrfToken(reply)), ...refused, values: {} }),
    );
  });
}

const adminCookie = (ctx: Ctx) => ({
  path: '/admin',
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: ctx.config.secureCookies,
});
