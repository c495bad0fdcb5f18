/**
 * 年度报告 use cases: the report of an agency (or of a whole site) for a year, computed from the records while it is
 * a draft, edited by staff (texts and Table 二's entries), and submitted as a catalogue item of genre 年度报告 once
 * its check holds. What was submitted is kept as a snapshot: a published report never changes afterwards.
 */
import { z } from 'zod';
import type { Actor, Principal } from '../../core/access.ts';
import { audit } from '../../core/audit.ts';
import { type DateStr, shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { AnnualReportRow } from '../../core/db.types.ts';
import { AppError, badInput, conflict, forbidden, notFound } from '../../core/errors.ts';
import { parseInput, text } from '../../core/validate.ts';
import { siteAgencies } from '../admin/admin.service.ts';
import { columnOfKind, itemList, itemStatuses, livePolicies, openEdition } from '../catalog/catalog.facts.service.ts';
import { actOnEdition, createDraft, updateDraft } from '../catalog/catalog.service.ts';
import { caseList, requestFacts, caseNumbers as trackingNumbersOf } from '../requests/requests.facts.service.ts';
import { requireReader, requireSubmitter, requireWriter, seesWholeSite } from './reports.policy.ts';
import {
  buildTables,
  carryOverDifferences,
  deadlineOf,
  type Figures,
  formatOf,
  type ManualEntry,
  manualCells,
  missingEntries,
  POLICY_KINDS,
  type PolicyFact,
  type ReportFacts,
  type ReportTables,
  TABLE3_COLUMN_LABELS,
  tableThree,
} from './reports.rules.ts';
import {
  agencyReports,
  claimReport,
  linkPublication,
  lockReport,
  siteReports,
  snapshotsBetween,
  unfreezeReport,
  writeReport,
} from './reports.store.ts';

const need = (actor: Actor): Principal => {
  if (!actor.principal) throw new AppError('unauthenticated', '请先登录');
  return actor.principal;
};

export const MIN_YEAR = 2019;
export const yearInput = z.coerce.number().int().min(MIN_YEAR).max(2100);

/** The records one report counts, with the agency of each so that a site's facts can be split by agency. */
interface ScopedFacts extends ReportFacts {
  cases: (ReportFacts['cases'][number] & { agencyId: number })[];
  appeals: (ReportFacts['appeals'][number] & { agencyId: number })[];
  policies: (PolicyFact & { agencyId: number })[];
}

/** Reads the records that can touch the years `from`..`to` of the agencies (every agency of the site when null). */
export async function reportFacts(
  ctx: Ctx,
  siteId: number,
  agencyId: number | null,
  from: number,
  to: number,
): Promise<ScopedFacts> {
  const [requests, policies] = await Promise.all([
    requestFacts(ctx, siteId, agencyId, `${from}-01-01`, `${to}-12-31`),
    livePolicies(ctx, siteId, agencyId, Object.values(POLICY_KINDS)),
  ]);
  return {
    ...requests,
    policies: policies.map((r) => {
      const firstPublishedOn = r.first_published_at ? shanghaiDate(r.first_published_at) : '9999-12-31';
      return {
        id: r.id,
        agencyId: r.agency_id,
        genre: r.genre,
        madeOn: r.written_on ?? firstPublishedOn,
        firstPublishedOn,
        validity: r.validity,
        validityChangedOn: r.validity_changed_on,
      };
    }),
  };
}

const ofAgency = (f: ScopedFacts, agencyId: number): ReportFacts => ({
  cases: f.cases.filter((c) => c.agencyId === agencyId),
  appeals: f.appeals.filter((c) => c.agencyId === agencyId),
  policies: f.policies.filter((c) => c.agencyId === agencyId),
});

/** A manual entry as stored, read defensively (the column is JSON). */
function manualOf(v: unknown): Record<string, ManualEntry> {
  const out: Record<string, ManualEntry> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, e] of Object.entries(v as Record<string, { value?: unknown; note?: unknown }>)) {
    out[k] = {
      value: typeof e?.value === 'number' && Number.isFinite(e.value) ? e.value : null,
      note: typeof e?.note === 'string' ? e.note : '',
    };
  }
  return out;
}

/** What was submitted for publication. */
export interface Snapshot {
  tables: ReportTables;
  title: string;
}

/** A report as staff see it: the saved row (or what a new one would start with), the tables and their checks. */
export interface ReportView {
  siteId: number;
  agency: { id: number; name: string; kind: string } | null;
  year: number;
  title: string;
  row: Pick<AnnualReportRow, 'overview' | 'problems' | 'other_matters' | 'publication_id' | 'submitted_at'> & {
    id: number | null;
  };
  manual: Record<string, ManualEntry>;
  tables: ReportTables;
  /** The tables come from the snapshot: the report was submitted. */
  frozen: boolean;
  missing: string[];
  carryOver: ReturnType<typeof carryOverDifferences>;
  publicationStatus: string | null;
  /** The edition in progress of the report's item: returned to draft with a reason when review rejected it. */
  openEdition: { id: number; state: string; rejectionReason: string } | null;
  deadline: DateStr | null;
  /** Tracking numbers of the cases the checks name. */
  caseNumbers: Record<number, string>;
}

/** The tracking numbers of the cases named by the checks, for links staff can read. */
function caseNumbers(ctx: Ctx, tables: ReportTables, carryOver: ReturnType<typeof carryOverDifferences>) {
  const ids = [
    ...new Set([...tables.imbalances.flatMap((i) => i.cases), ...carryOver.flatMap((d) => [...d.added, ...d.missing])]),
  ].slice(0, 1000);
  return trackingNumbersOf(ctx, ids);
}

export const reportTitle = (agencyName: string, year: number) => `${agencyName}${year}年政府信息公开工作年度报告`;

async function agencyOf(ctx: Ctx, siteId: number, agencyId: number) {
  const a = (await siteAgencies(ctx, siteId)).find((x) => x.id === agencyId);
  if (!a) throw notFound('机构不存在');
  return a;
}

const snapshotOf = (v: unknown): Snapshot | null => (v && typeof v === 'object' ? (v as Snapshot) : null);

/** The first paragraph of section 一 for a report with no previous year to copy from. */
function overviewDraft(agency: string, year: number, t: ReportTables): string {
  const f = (k: string) => t.figures[k]?.value ?? 0;
  return [
    `${year}年，${agency}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，持续推进政务公开工作。`,
    `（一）主动公开。本年制发行政规范性文件${f('t2.normative.made')}件，废止${f('t2.normative.repealed')}件，现行有效${f('t2.normative.in_force')}件。`,
    `（二）依申请公开。本年新收政府信息公开申请${f('t3.new.total')}件，上年结转${f('t3.carried_in.total')}件，办结${f('t3.total.total')}件，结转下年度继续办理${f('t3.carried_out.total')}件。`,
    '（三）政府信息管理。',
    '（四）平台建设。',
    '（五）监督保障。',
  ].join('\n\n');
}

/** An agency's report for a year as it stands. */
export async function agencyReport(ctx: Ctx, actor: Actor, siteId: number, agencyId: number, year: number) {
  const p = need(actor);
  requireReader(p, siteId, agencyId);
  const agency = await agencyOf(ctx, siteId, agencyId);
  const rows = await agencyReports(ctx.db, agencyId, [year - 1, year]);
  const row = rows.find((r) => r.year === year);
  const last = rows.find((r) => r.year === year - 1);
  const manual = manualOf(row?.manual);
  const snapshot = snapshotOf(row?.snapshot);
  const tables =
    snapshot?.tables ??
    buildTables(ofAgency(await reportFacts(ctx, siteId, agencyId, year, year), agencyId), manual, year);
  const lastTables = snapshotOf(last?.snapshot)?.tables ?? null;
  const publication = row?.publication_id
    ? (await itemStatuses(ctx, [row.publication_id])).get(row.publication_id)
    : undefined;
  const inWorkflow = row?.publication_id ? await openEdition(ctx, row.publication_id) : null;
  const carryOver = carryOverDifferences(tables.figures, lastTables?.figures ?? null);
  const view: ReportView = {
    siteId,
    agency: { id: agency.id, name: agency.name, kind: agency.kind },
    year,
    title: snapshot?.title ?? reportTitle(agency.name, year),
    row: {
      id: row?.id ?? null,
      overview: row ? row.overview : (last?.overview ?? overviewDraft(agency.name, year, tables)),
      problems: row ? row.problems : (last?.problems ?? ''),
      other_matters: row ? row.other_matters : (last?.other_matters ?? ''),
      publication_id: row?.publication_id ?? null,
      submitted_at: row?.submitted_at ?? null,
    },
    manual,
    tables,
    frozen: snapshot !== null,
    missing: missingEntries(tables.format, manual),
    carryOver,
    publicationStatus: publication?.status ?? null,
    openEdition: inWorkflow,
    deadline: deadlineOf(year, agency.kind),
    caseNumbers: await caseNumbers(ctx, tables, carryOver),
  };
  return view;
}

/** The site's report: every agency's records together, Table 二's entries summed over the agencies' reports. */
export async function siteReport(ctx: Ctx, actor: Actor, siteId: number, year: number): Promise<ReportView> {
  const p = need(actor);
  requireReader(p, siteId, null);
  const site = await ctx.sites.byId(siteId);
  if (!site) throw notFound('站点不存在');
  const facts = await reportFacts(ctx, siteId, null, year, year);
  const saved = await siteReports(ctx.db, siteId, year);
  const manual: Record<string, ManualEntry> = {};
  for (const c of manualCells(formatOf(year))) {
    const values = saved.map((r) => manualOf(r.manual)[c.key]?.value).filter((v): v is number => v != null);
    if (values.length)
      manual[c.key] = {
        value: Math.round(values.reduce((a, b) => a + b, 0) * 10_000) / 10_000,
        note: `${values.length} 个机构填报之和`,
      };
  }
  const tables = buildTables(facts, manual, year);
  return {
    siteId,
    agency: null,
    year,
    title: reportTitle(site.name, year),
    row: { id: null, overview: '', problems: '', other_matters: '', publication_id: null, submitted_at: null },
    manual,
    tables,
    frozen: false,
    missing: missingEntries(tables.format, manual),
    carryOver: [],
    publicationStatus: null,
    openEdition: null,
    deadline: null,
    caseNumbers: await caseNumbers(ctx, tables, []),
  };
}

/** A figure as typed: blank, or a number (thousands separators and spaces allowed). */
const entryValue = z
  .union([z.string().max(20, '填报数值过长'), z.number()], { error: '填报数值须为数字' })
  .transform((v, c) => {
    const s = String(v)
      .trim()
      .replace(/[,，\s]/g, '');
    if (s === '') return null;
    const n = Number(s);
    if (!/^-?\d+(\.\d+)?$/.test(s) || !Number.isFinite(n)) {
      c.addIssue({ code: 'custom', message: '填报数值须为数字' });
      return z.NEVER;
    }
    return n;
  });

const reportInput = z.object({
  overview: text('总体情况', 20_000),
  problems: text('存在的主要问题及改进情况', 20_000).default(''),
  otherMatters: text('其他需要报告的事项', 20_000).default(''),
  entries: z
    .record(z.string().max(60), z.object({ value: entryValue.default(null), note: text('数据来源', 200).default('') }))
    .default({}),
});

/** Saves the texts and Table 二's entries of a report that has not been submitted. */
export async function saveReport(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  agencyId: number,
  year: number,
  raw: unknown,
): Promise<void> {
  const p = need(actor);
  requireWriter(p, siteId, agencyId);
  await agencyOf(ctx, siteId, agencyId);
  const input = parseInput(reportInput, raw);
  const format = formatOf(year);
  const manual: Record<string, ManualEntry> = {};
  const problems: Record<string, string> = {};
  for (const c of manualCells(format)) {
    const e = input.entries[c.key];
    if (!e || (e.value === null && !e.note)) continue;
    const v = e.value;
    if (v !== null) {
      if (v < 0 && !c.signed) problems[`entries.${c.key}.value`] = '该项不能为负数';
      else if (Math.abs(v) >= 1e9) problems[`entries.${c.key}.value`] = '数值过大';
      else if (!Number.isInteger(v * 10 ** (c.decimals ?? 0)))
        problems[`entries.${c.key}.value`] = c.decimals ? `最多保留 ${c.decimals} 位小数` : '该项须为整数';
    }
    manual[c.key] = { value: v, note: e.note };
  }
  if (Object.keys(problems).length) throw badInput(`填报数值有误：${Object.values(problems).join('；')}`, problems);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await lockReport(trx, agencyId, year);
    if (before?.snapshot) throw conflict('报告已提交发布，不能再修改；如需更正，请在信息发布中修改已发布的年度报告');
    const values = {
      overview: input.overview,
      problems: input.problems,
      other_matters: input.otherMatters,
      manual: JSON.stringify(manual),
      updated_at: ctx.now(),
      updated_by: p.userId,
    };
    const id = await writeReport(trx, before?.id, { siteId, agencyId, year }, values);
    if (id === null) throw conflict('报告已提交发布，不能再修改');
    await audit(trx, actor, {
      siteId,
      agencyId,
      action: 'report.save',
      entityType: 'annual_report',
      entityId: id,
      before: before ? { manual: before.manual } : undefined,
      after: { year, manual },
    });
  });
}

/**
 * Submits a report for publication: refused while its check fails, entries are missing or section 一 is empty.
 * Creates the catalogue item (genre 年度报告, in the site's 年报 column) and sends it into the review workflow.
 */
export async function submitReport(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  agencyId: number,
  year: number,
  bodyHtml: (view: ReportView) => string,
): Promise<{ publicationId: number }> {
  const p = need(actor);
  requireSubmitter(p, agencyId);
  const view = await agencyReport(ctx, actor, siteId, agencyId, year);
  if (view.row.id === null) throw badInput('请先保存报告正文和填报数据');
  if (view.frozen) throw conflict('报告已经提交发布');
  if (view.tables.imbalances.length)
    throw badInput(
      `表三勾稽关系不成立（${view.tables.imbalances.map((i) => TABLE3_COLUMN_LABELS[i.column]).join('、')}列），请先核对相关申请记录`,
    );
  if (view.missing.length) throw badInput(`请先填报：${view.missing.join('、')}（含数据来源）`);
  if (!view.row.overview.trim()) throw badInput('请填写“一、总体情况”', { overview: '请填写总体情况' });
  if (!view.row.problems.trim())
    throw badInput('请填写“五、存在的主要问题及改进情况”', { problems: '请填写存在的主要问题及改进情况' });
  const columnId = await columnOfKind(ctx, siteId, 'annual_report');
  if (columnId === null) throw badInput('本站点还没有“政府信息公开年报”栏目（栏目类型：年报），请先在栏目管理中添加');
  const snapshot: Snapshot = { tables: view.tables, title: view.title };
  // claim the report first, so that two submissions cannot both create an item
  if (!(await claimReport(ctx.db, view.row.id, JSON.stringify(snapshot), ctx.now(), p.userId)))
    throw conflict('报告已经提交发布');
  try {
    const fields = {
      title: view.title,
      genre: '年度报告',
      writtenOn: shanghaiDate(ctx.now()),
      summary: `${view.agency!.name}依照《中华人民共和国政府信息公开条例》编制的${year}年政府信息公开工作年度报告。`,
      agencyIds: [agencyId],
      columnIds: [columnId],
      bodyHtml: bodyHtml({ ...view, frozen: true }),
    };
    // a report returned by review and reopened goes back into the same item
    let publicationId = view.row.publication_id;
    let editionId = view.openEdition?.state === 'draft' ? view.openEdition.id : null;
    if (editionId !== null) await updateDraft(ctx, actor, editionId, fields);
    else ({ publicationId, editionId } = await createDraft(ctx, actor, agencyId, fields));
    await actOnEdition(ctx, actor, editionId, 'submit');
    await ctx.db.transaction().execute(async (trx) => {
      await linkPublication(trx, view.row.id!, publicationId!);
      await audit(trx, actor, {
        siteId,
        agencyId,
        action: 'report.submit',
        entityType: 'annual_report',
        entityId: view.row.id!,
        after: { year, publicationId, check: 'ok' },
      });
    });
    return { publicationId: publicationId! };
  } catch (e) {
    await unfreezeReport(ctx.db, view.row.id);
    throw e;
  }
}

/**
 * A submitted report that review returned (its item is a draft again, never published) is opened for editing: the
 * figures are computed from the records again, and the next submission goes into the same item.
 */
export async function reopenReport(ctx: Ctx, actor: Actor, siteId: number, agencyId: number, year: number) {
  const p = need(actor);
  requireWriter(p, siteId, agencyId);
  const view = await agencyReport(ctx, actor, siteId, agencyId, year);
  if (!view.frozen || view.row.id === null) throw conflict('报告尚未提交，无需重新编制');
  if (view.publicationStatus === 'published' || view.openEdition?.state !== 'draft')
    throw conflict('报告正在审核中或已经发布，不能重新编制；已发布的报告请在信息管理中修改');
  await ctx.db.transaction().execute(async (trx) => {
    await unfreezeReport(trx, view.row.id!, { at: ctx.now(), by: p.userId });
    await audit(trx, actor, {
      siteId,
      agencyId,
      action: 'report.reopen',
      entityType: 'annual_report',
      entityId: view.row.id!,
      after: { year, returned: view.openEdition?.rejectionReason ?? '' },
    });
  });
}

/** One agency's report for the office: where it stands against its deadline. */
export interface AgencyReportStatus {
  agencyId: number;
  name: string;
  kind: string;
  deadline: DateStr;
  state: 'none' | 'draft' | 'submitted' | 'published';
  publishedOn: DateStr | null;
  late: boolean;
  /** The check fails on the records as they are now (drafts and missing reports); null when not checked. */
  unbalanced: boolean | null;
}

/** The agencies' reports for the year (every agency for the office, their own for other staff): state and deadline. */
export async function reportStatus(
  ctx: Ctx,
  actor: Actor,
  siteId: number,
  year: number,
  opts: { checks?: boolean } = {},
): Promise<AgencyReportStatus[]> {
  const checks = opts.checks ?? true;
  const p = need(actor);
  const office = seesWholeSite(p, siteId);
  const own = p.roles.map((r) => r.agencyId).filter((a): a is number => a !== null);
  if (!office && !own.length) throw forbidden('只有本机构工作人员或政务公开办可以查看年度报告');
  const [all, reports, facts] = await Promise.all([
    siteAgencies(ctx, siteId),
    siteReports(ctx.db, siteId, year),
    checks ? reportFacts(ctx, siteId, office ? null : own.length === 1 ? own[0] : null, year, year) : null,
  ]);
  const agencies = office ? all : all.filter((a) => own.includes(a.id));
  const items = await itemStatuses(
    ctx,
    reports.map((r) => r.publication_id).filter((id): id is number => id !== null),
  );
  const today = shanghaiDate(ctx.now());
  const format = formatOf(year);
  return agencies.map((a) => {
    const r = reports.find((x) => x.agency_id === a.id);
    const item = r?.publication_id ? items.get(r.publication_id) : undefined;
    const publishedOn =
      item?.status === 'published' && item.firstPublishedAt ? shanghaiDate(item.firstPublishedAt) : null;
    const state = publishedOn ? 'published' : r?.snapshot ? 'submitted' : r ? 'draft' : 'none';
    const deadline = deadlineOf(year, a.kind);
    const unbalanced = !facts
      ? null
      : state === 'published' || state === 'submitted'
        ? false
        : tableThree(ofAgency(facts, a.id).cases, year, format).imbalances.length > 0;
    return {
      agencyId: a.id,
      name: a.name,
      kind: a.kind,
      deadline,
      state,
      publishedOn,
      late: publishedOn ? publishedOn > deadline : today > deadline,
      unbalanced,
    };
  });
}

/** The records behind one figure, for staff: cases (without personal data) or catalogue items. */
export async function figureRecords(ctx: Ctx, view: ReportView, key: string) {
  const figure = view.tables.figures[key];
  if (!figure) throw notFound('该数据项不存在');
  const ids = figure.refs.slice(0, 1000);
  if (figure.source === 'publications') return { figure, cases: [], items: await itemList(ctx, ids) };
  return { figure, cases: await caseList(ctx, ids), items: [] };
}

/** Figures of the years before `year` (as published, or from the records) for the comparison chart. */
export async function yearsCompared(
  ctx: Ctx,
  view: ReportView,
  span = 5,
): Promise<{ year: number; figures: Figures }[]> {
  const from = Math.max(MIN_YEAR, view.year - span + 1);
  const agencyId = view.agency?.id ?? null;
  // the report's own year is in the view already; the years before come from their snapshots or the records
  const before = view.year - 1;
  const facts = from <= before ? await reportFacts(ctx, view.siteId, agencyId, from, before) : undefined;
  const saved = agencyId && from <= before ? await snapshotsBetween(ctx.db, agencyId, from, before) : [];
  const years: { year: number; figures: Figures }[] = [];
  if (facts)
    for (let y = from; y <= before; y++) {
      const published = snapshotOf(saved.find((r) => r.year === y)?.snapshot);
      years.push({ year: y, figures: published?.tables.figures ?? buildTables(facts, {}, y).figures });
    }
  years.push({ year: view.year, figures: view.tables.figures });
  return years;
}
