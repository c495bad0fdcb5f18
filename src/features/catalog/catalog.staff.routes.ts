import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../../core/access.ts';
import { AUDIT_PAGE } from '../../core/audit.ts';
import { shanghaiDate, shanghaiDateTime } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import { AppError, badInput, notFound } from '../../core/errors.ts';
import { shownHtml } from '../../core/html.ts';
import { id, pageParam } from '../../core/validate.ts';
import type { FieldErrors, FormValues } from '../../web/forms.tsx';
import {
  actorOf,
  chosenSite,
  csrfToken,
  idParam,
  openedFile,
  prefsOf,
  type RefusedForm,
  sendHtml,
  staff,
  submitForm,
} from '../../web/request.ts';
import { officeSite, workingSite } from '../../web/staff.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { AuditPage, Dashboard, ImportPage, InterpretationsPage, PublicationsList } from './catalog.admin.views.tsx';
import { dashboardAlerts, interactionFigures } from './catalog.desk.service.ts';
import { EditionDetail, type EditionFormProps, NewEditionPage } from './catalog.edition.views.tsx';
import { saveGazetteIssue } from './catalog.gazette.service.ts';
import { staffImageSrc, staffImages } from './catalog.images.ts';
import { FINDINGS_SHOWN, personalScanReport, startPersonalScan } from './catalog.personal.service.ts';
import { PersonalScanPage } from './catalog.personal.views.tsx';
import { defaultOwner, draftingAgencies, editionPermissions, requireDrafter } from './catalog.policy.ts';
import { portalNav } from './catalog.portal.service.ts';
import { EditionPreviewPage } from './catalog.review.views.tsx';
import { EDITION_ACTIONS } from './catalog.rules.ts';
import { withPickedPolicies } from './catalog.schema.ts';
import {
  actOnEdition,
  addAttachment,
  changeLiveStatus,
  createDraft,
  importDocx,
  maskEditionPersonalData,
  removeAttachment,
  siteColumns,
  startNewEdition,
  updateDraft,
} from './catalog.service.ts';
import {
  auditLog,
  awaitingInterpretation,
  deskSections,
  draftingAgenciesOf,
  editionChoices,
  editionFile,
  editionForStaff,
  editionPicture,
  gazetteIssueForStaff,
  gazetteIssuesOf,
  gazettePicks,
  newestEditionId,
  staffPublications,
} from './catalog.staff.service.ts';
import { GazetteAdminPage, GazetteFormPage } from './gazette.admin.views.tsx';

const editionParams = z.object({ id });

/** The notice an edition's page opens with after a save or a mask. */
function flashFor(q: { saved?: string; masked?: string }): string | undefined {
  const masked = Number(q.masked);
  if (Number.isInteger(masked) && masked > 0 && masked < 100_000) return `已遮盖 ${masked} 处个人信息`;
  return q.saved ? '已保存' : undefined;
}

const siteBase = (site: { code: string }) => `/s/${site.code}`;

const toDatetimeLocal = (d: Date | null): string => (d ? shanghaiDateTime(d) : '');

type EntryRow = { section: string; title: string; publicationId: string };

/** The gazette form's rows (`entries.<n>.<field>`), in order, without the rows left wholly blank. */
function entriesFromForm(body: FormValues): EntryRow[] {
  const rows = new Map<number, EntryRow>();
  for (const [key, value] of Object.entries(body)) {
    const m = /^entries\.(\d{1,3})\.(section|title|publicationId)$/.exec(key);
    if (!m) continue;
    const row = rows.get(Number(m[1])) ?? { section: '', title: '', publicationId: '' };
    row[m[2] as keyof EntryRow] = typeof value === 'string' ? value : '';
    rows.set(Number(m[1]), row);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, r]) => r)
    .filter((r) => r.section.trim() || r.title.trim() || r.publicationId.trim());
}

export async function catalogStaffRoutes(app: FastifyInstance, ctx: Ctx) {
  /** The choices a draft form offers: the site's agencies, columns and policies. */
  const formProps = async (
    reply: FastifyReply,
    p: Principal,
    siteId: number,
    values: FormValues,
    errors: FieldErrors,
    action: string,
    opts: { message?: string; isNewEdition?: boolean; withOwner?: boolean; editionId?: number } = {},
  ): Promise<EditionFormProps> => {
    const { agencies, columns, policies } = await editionChoices(ctx, siteId);
    const editorIn = draftingAgencies(p);
    return {
      csrf: csrfToken(reply),
      action,
      values,
      errors,
      message: opts.message,
      agencies,
      ownerAgencies: opts.withOwner ? agencies.filter((a) => editorIn.includes(a.id)) : [],
      columns,
      policies,
      isNewEdition: opts.isNewEdition,
      // an existing draft's pictures are uploaded as its attachments
      pictureUpload:
        opts.editionId === undefined
          ? undefined
          : `/admin/editions/${opts.editionId}/attachments?_csrf=${encodeURIComponent(csrfToken(reply))}`,
    };
  };

  app.get('/', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const sections = await deskSections(ctx, p, site.id);
    const alerts = await dashboardAlerts(ctx, p, site);
    const interaction = await interactionFigures(ctx, p, site);
    return sendHtml(req, reply, Dashboard({ principal: p, csrf: csrfToken(reply), sections, alerts, interaction }));
  });

  app.get('/publications', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    return sendHtml(
      req,
      reply,
      PublicationsList({ principal: p, csrf: csrfToken(reply), rows: await staffPublications(ctx, p, site.id) }),
    );
  });

  app.get('/publications/new', async (req, reply) => {
    const p = staff(req);
    requireDrafter(p, '新建信息');
    const owner = defaultOwner(p);
    const site = await workingSite(ctx, p, chosenSite(req));
    const form = await formProps(
      reply,
      p,
      site.id,
      { genre: '通知公告', disclosureMode: 'active', validity: 'valid', ownerAgencyId: owner },
      {},
      '/admin/publications',
      { withOwner: true },
    );
    return sendHtml(req, reply, NewEditionPage({ ...form, principal: p }));
  });

  app.post('/publications', async (req, reply) => {
    const p = staff(req);
    const body = (req.body ?? {}) as FormValues;
    const owner = z.coerce
      .number()
      .int()
      .positive()
      .max(2_147_483_647)
      .catch(defaultOwner(p) ?? 0)
      .parse(body.ownerAgencyId);
    const site = await workingSite(ctx, p, chosenSite(req));
    return submitForm(
      req,
      reply,
      async () =>
        `/admin/editions/${(await createDraft(ctx, actorOf(req), owner, withPickedPolicies(body))).editionId}?saved=1`,
      async (refused) =>
        NewEditionPage({
          ...(await formProps(reply, p, site.id, refused.values, refused.errors, '/admin/publications', {
            message: refused.message,
            withOwner: true,
          })),
          principal: p,
        }),
    );
  });

  const loadEdition = async (req: FastifyRequest) => {
    const params = editionParams.safeParse(req.params);
    return editionForStaff(ctx, staff(req), params.success ? params.data.id : undefined);
  };

  const detail = async (
    req: FastifyRequest,
    reply: FastifyReply,
    formOverride?: { values: FormValues; errors: FieldErrors; message: string },
  ) => {
    const p = staff(req);
    const d = await loadEdition(req);
    const e = d.edition;
    const may = editionPermissions(p, e, d.publication, d.openEditionId !== null, d.reviewRules);
    const values: FormValues = formOverride?.values ?? {
      title: e.title,
      docNo: e.doc_no,
      writtenOn: e.written_on ?? '',
      genre: e.genre,
      themeCategory: e.theme_category,
      keywords: e.keywords.join(' '),
      summary: e.summary,
      bodyHtml: staffImages(shownHtml(e), e.id),
      disclosureMode: e.disclosure_mode,
      nonDisclosureReason: e.non_disclosure_reason,
      validity: e.validity,
      effectiveOn: e.effective_on ?? '',
      validityChangedOn: e.validity_changed_on ?? '',
      replacedById: e.replaced_by_id ?? '',
      interpretationKind: e.interpretation_kind ?? '',
      videoUrl: e.video_url,
      changeNote: e.change_note,
      scheduledAt: toDatetimeLocal(e.scheduled_at),
      ...d.links,
    };
    const form = may.canEdit
      ? await formProps(
          reply,
          p,
          d.publication.site_id,
          values,
          formOverride?.errors ?? {},
          `/admin/editions/${e.id}`,
          {
            message: formOverride?.message,
            isNewEdition: e.number > 1,
            editionId: e.id,
          },
        )
      : undefined;
    const html = EditionDetail({
      principal: p,
      csrf: csrfToken(reply),
      flash: flashFor(req.query as { saved?: string; masked?: string }),
      edition: e,
      publication: d.publication,
      agencyName: d.agencyName,
      ...may,
      page: d.page,
      personal: d.personal,
      changes: d.changes,
      history: d.history,
      form,
      siteBase: `/s/${d.siteCode}`,
    });
    return sendHtml(req, reply, html, formOverride ? 400 : 200);
  };

  app.get('/editions/:id', async (req, reply) => detail(req, reply));

  app.post('/editions/:id/mask', async (req, reply) => {
    const d = await loadEdition(req);
    const n = await maskEditionPersonalData(ctx, actorOf(req), d.edition.id, req.body ?? {});
    return reply.redirect(`/admin/editions/${d.edition.id}?masked=${n}`, 303);
  });

  app.get('/editions/:id/preview', async (req, reply) => {
    const d = await loadEdition(req);
    const site = await ctx.sites.byCode(d.siteCode);
    if (!site) throw notFound('站点不存在');
    const pageFrame = {
      site,
      base: `/s/${site.code}`,
      prefs: prefsOf(req),
      path: '/',
      nav: await portalNav(ctx, site.id),
    };
    return sendHtml(req, reply, EditionPreviewPage({ ctx: pageFrame, data: d.page, editionId: d.edition.id }));
  });

  app.get('/editions/:id/attachments/:aid/:name', async (req, reply) => {
    const d = await loadEdition(req);
    const aid = id.safeParse((req.params as { aid: string }).aid);
    if (!aid.success) throw notFound('附件不存在');
    const file = await editionFile(ctx, staff(req), d.edition.id, aid.data);
    openedFile(reply, file.mime, file.filename);
    return file.body;
  });

  app.get('/editions/:id/images/:hash', async (req, reply) => {
    const edition = editionParams.safeParse(req.params);
    if (!edition.success) throw notFound('图片不存在');
    const picture = await editionPicture(ctx, staff(req), edition.data.id, (req.params as { hash: string }).hash);
    return reply.type(picture.mime).header('x-content-type-options', 'nosniff').send(picture.body);
  });

  app.post('/editions/:id', async (req, reply) => {
    const d = await loadEdition(req);
    const body = (req.body ?? {}) as FormValues;
    try {
      await updateDraft(ctx, actorOf(req), d.edition.id, withPickedPolicies(body));
      return reply.redirect(`/admin/editions/${d.edition.id}?saved=1`, 303);
    } catch (e) {
      if (!(e instanceof AppError) || e.code !== 'bad_input') throw e;
      return detail(req, reply, { values: body, errors: e.details ?? {}, message: e.message });
    }
  });

  app.post('/editions/:id/:action', async (req, reply) => {
    const d = await loadEdition(req);
    const action = z.enum(EDITION_ACTIONS).safeParse((req.params as { action: string }).action);
    if (!action.success) throw notFound('无此操作');
    await actOnEdition(ctx, actorOf(req), d.edition.id, action.data, req.body ?? {});
    return reply.redirect(`/admin/editions/${d.edition.id}`, 303);
  });

  app.post('/editions/:id/attachments', async (req, reply) => {
    const d = await loadEdition(req);
    if (!req.isMultipart()) throw badInput('请选择要上传的文件');
    const file = await req.file();
    if (!file) throw badInput('请选择要上传的文件');
    const data = await file.toBuffer();
    const added = await addAttachment(ctx, actorOf(req), d.edition.id, file.filename || 'file', data);
    // the editor's picture button asks for JSON: where the picture is shown while the item is not yet public
    if (req.headers.accept?.includes('application/json'))
      return { id: added.id, mime: added.mime, src: staffImageSrc(d.edition.id, added.hash) };
    return reply.redirect(`/admin/editions/${d.edition.id}?saved=1`, 303);
  });

  app.post('/editions/:id/attachments/:aid/delete', async (req, reply) => {
    const d = await loadEdition(req);
    const aid = id.safeParse((req.params as { aid: string }).aid);
    if (!aid.success) throw notFound('附件不存在');
    await removeAttachment(ctx, actorOf(req), d.edition.id, aid.data);
    return reply.redirect(`/admin/editions/${d.edition.id}`, 303);
  });

  app.post('/publications/:id/new-edition', async (req, reply) => {
    const editionId = await startNewEdition(ctx, actorOf(req), idParam(req, '信息'));
    return reply.redirect(`/admin/editions/${editionId}`, 303);
  });

  for (const action of ['withdraw', 'unpublish'] as const) {
    app.post(`/publications/:id/${action}`, async (req, reply) => {
      const pubId = idParam(req, '信息');
      await changeLiveStatus(ctx, actorOf(req), pubId, action, req.body ?? {});
      return reply.redirect(`/admin/editions/${await newestEditionId(ctx, pubId)}`, 303);
    });
  }

  app.get('/import', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    requireDrafter(p, '导入');
    const agencies = await draftingAgenciesOf(ctx, p, site.id);
    return sendHtml(
      req,
      reply,
      ImportPage({ principal: p, csrf: csrfToken(reply), agencies, genreDefault: '其他文件' }),
    );
  });

  app.post('/import', async (req, reply) => {
    const p = staff(req);
    if (!req.isMultipart()) throw badInput('请选择要导入的 Word 文件');
    const fields: Record<string, string> = {};
    let file: { name: string; data: Buffer } | undefined;
    for await (const part of req.parts()) {
      if (part.type === 'file') file = { name: part.filename, data: await part.toBuffer() };
      else fields[part.fieldname] = String(part.value).slice(0, 1000);
    }
    if (!file) throw badInput('请选择要导入的 Word 文件');
    const agencyId = z.coerce.number().int().positive().max(2_147_483_647).catch(0).parse(fields.agencyId);
    const site = await workingSite(ctx, p, chosenSite(req));
    const columns = await siteColumns(ctx, site.id);
    const column = columns.find((c) => c.kind === (fields.genre === '通知公告' ? 'notice' : 'policy')) ?? columns[0];
    const { editionId } = await importDocx(ctx, actorOf(req), agencyId, file.name, file.data, {
      genre: fields.genre,
      agencyIds: [agencyId],
      columnIds: column ? [column.id] : [],
    });
    return reply.redirect(`/admin/editions/${editionId}?saved=1`, 303);
  });

  app.get('/interpretations', async (req, reply) => {
    const p = staff(req);
    const site = await workingSite(ctx, p, chosenSite(req));
    const { days, rows } = await awaitingInterpretation(ctx, p, site);
    return sendHtml(
      req,
      reply,
      InterpretationsPage({ principal: p, csrf: csrfToken(reply), days, rows, siteBase: siteBase(site) }),
    );
  });

  app.get('/audit', async (req, reply) => {
    const p = staff(req);
    const site = await officeSite(ctx, req);
    const date = z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .refine((d) => !Number.isNaN(Date.parse(d)))
      .optional()
      .catch(undefined);
    const f = z
      .object({
        action: z.string().trim().max(60).optional().catch(undefined),
        actor: z.string().trim().max(50).optional().catch(undefined),
        agencyId: z.coerce.number().int().positive().max(2_147_483_647).optional().catch(undefined),
        from: date,
        to: date,
        page: pageParam,
      })
      .parse(req.query ?? {});
    const rows = await auditLog(ctx, actorOf(req), site.id, f, f.page);
    return sendHtml(
      req,
      reply,
      AuditPage({
        principal: p,
        csrf: csrfToken(reply),
        rows: rows.slice(0, AUDIT_PAGE),
        hasNext: rows.length > AUDIT_PAGE,
        filter: f,
        agencies: await siteAgencies(ctx, site.id),
      }),
    );
  });

  // —— the office's scan of what is published, for personal data ——
  app.get('/personal', async (req, reply) => {
    const site = await officeSite(ctx, req);
    const report = await personalScanReport(ctx, actorOf(req), site.id);
    return sendHtml(
      req,
      reply,
      PersonalScanPage({
        principal: staff(req),
        csrf: csrfToken(reply),
        flash: (req.query as { started?: string }).started ? '已开始扫描' : undefined,
        ...report,
        shown: FINDINGS_SHOWN,
      }),
    );
  });
  app.post('/personal/scan', async (req, reply) => {
    const site = await officeSite(ctx, req);
    await startPersonalScan(ctx, actorOf(req), site.id);
    return reply.redirect('/admin/personal?started=1', 303);
  });

  // —— the gazette, run by the office ——
  app.get('/gazette', async (req, reply) => {
    const site = await officeSite(ctx, req);
    return sendHtml(
      req,
      reply,
      GazetteAdminPage({
        principal: staff(req),
        csrf: csrfToken(reply),
        flash: (req.query as { saved?: string }).saved ? '已保存' : undefined,
        issues: await gazetteIssuesOf(ctx, actorOf(req), site.id),
        siteBase: siteBase(site),
      }),
    );
  });

  const gazetteForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    siteId: number,
    issueId: number | null,
    refused?: RefusedForm,
  ) => {
    let values: FormValues = { year: shanghaiDate(ctx.now()).slice(0, 4), published: 'off' };
    let entries: EntryRow[] = [];
    if (refused) {
      values = refused.values;
      entries = entriesFromForm(refused.values);
    } else if (issueId !== null) {
      const data = await gazetteIssueForStaff(ctx, actorOf(req), siteId, issueId);
      const i = data.issue;
      values = {
        year: i.year,
        number: i.number,
        totalNumber: i.total_number ?? '',
        issueDate: i.issue_date,
        published: i.published ? 'on' : 'off',
      };
      entries = data.entries.map((e) => ({
        section: e.section,
        title: e.title,
        publicationId: e.publication_id === null ? '' : String(e.publication_id),
      }));
    }
    return GazetteFormPage({
      principal: staff(req),
      csrf: csrfToken(reply),
      flash: (req.query as { saved?: string }).saved ? '已保存' : undefined,
      issueId,
      values,
      entries,
      errors: refused?.errors ?? {},
      message: refused?.message,
      publications: await gazettePicks(ctx, actorOf(req), siteId),
    });
  };
  const saveGazette = async (req: FastifyRequest, reply: FastifyReply, issueId: number | null) => {
    const site = await officeSite(ctx, req);
    const body = (req.body ?? {}) as FormValues;
    return submitForm(
      req,
      reply,
      async () => {
        const entries = entriesFromForm(body).map((e) => ({ ...e, publicationId: e.publicationId.trim() || null }));
        const id = await saveGazetteIssue(ctx, actorOf(req), site.id, { ...body, entries }, issueId);
        return `/admin/gazette/${id}?saved=1`;
      },
      (refused) => gazetteForm(req, reply, site.id, issueId, refused),
    );
  };

  app.get('/gazette/new', async (req, reply) =>
    sendHtml(req, reply, gazetteForm(req, reply, (await officeSite(ctx, req)).id, null)),
  );
  app.post('/gazette', async (req, reply) => saveGazette(req, reply, null));
  app.get('/gazette/:id', async (req, reply) => {
    const site = await officeSite(ctx, req);
    return sendHtml(req, reply, gazetteForm(req, reply, site.id, idParam(req, '公报')));
  });
  app.post('/gazette/:id', async (req, reply) => saveGazette(req, reply, idParam(req, '公报')));
}
