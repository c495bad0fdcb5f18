import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import mammoth from 'mammoth';
import { rejects } from '../../../test/support/assert.ts';
import { DATABASES, freshDb, testConfig, testCtx } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixture.ts';
import { get, Jar, login, post } from '../../../test/support/http.ts';
import { PERSON } from '../../../test/support/requests.ts';
import { buildApp } from '../../app.ts';
import type { Actor } from '../../core/access.ts';
import type { Ctx } from '../../core/context.ts';
import type { ApplicantType } from '../../core/db.types.ts';
import { loadDemoCases } from '../../demo/cases.ts';
import { actOnEdition } from '../catalog/catalog.service.ts';
import { actOnRequest } from '../requests/requests.actions.service.ts';
import { OUTCOMES } from '../requests/requests.rules.ts';
import { registerApplication } from '../requests/requests.service.ts';
import { ReportBody } from './reports.document.views.tsx';
import { TABLE3_COLUMNS, table3Rows } from './reports.rules.ts';
import {
  agencyReport,
  reopenReport,
  reportStatus,
  saveReport,
  siteReport,
  submitReport,
  yearsCompared,
} from './reports.service.ts';

const COMPANY = {
  ...PERSON,
  applicantType: 'company',
  name: '青山县宏达建材有限公司',
  idType: '',
  idNumber: '',
  orgCode: '91350100M000100Y43',
  contactName: '李四',
};

const ENTRIES = {
  overview: '2025年，本机关认真贯彻落实政府信息公开条例。',
  problems: '主动公开的深度还不够，下一步将加强政策解读。',
  otherMatters: '',
  entries: {
    'licensing.decisions': { value: '1520', note: '县政务服务中心审批系统统计' },
    'penalty.decisions': { value: '3', note: '行政执法信息平台' },
    'enforcement.decisions': { value: '0', note: '行政执法信息平台' },
    'fees.amount': { value: '12.5', note: '财政非税收入系统' },
  },
};

/** The figure cells of the page's tables, in order. */
const pageFigures = (html: string) =>
  [...html.matchAll(/<td[^>]*>(?:<a [^>]*>)?(?:<span>)?([^<]*)</g)].map((m) => m[1]);

for (const kind of DATABASES) {
  describe(`年度报告 on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    const clock = new Date('2026-02-10T02:00:00Z');
    let office: Actor;
    let editor: Actor;
    let civil: number;
    let edu: number;
    const ids: Record<string, number> = {};
    const at = (day: string): Ctx => ({ ...ctx, now: () => new Date(`${day}T02:00:00Z`) });

    /** A case registered on its receipt day and, if given, decided on its day. */
    async function kase(
      agencyId: number,
      type: ApplicantType,
      receivedOn: string,
      steps: [string, string, Record<string, unknown>][] = [],
    ): Promise<number> {
      const fields = type === 'person' ? PERSON : { ...COMPANY, applicantType: type };
      const { id } = await registerApplication(at(receivedOn), office, f.siteId, {
        ...fields,
        agencyId,
        channel: 'in_person',
        receivedOn,
      });
      for (const [action, on, input] of steps)
        await actOnRequest(at(on), office, id, action as never, { on, ...input });
      return id;
    }

    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db, testConfig({ REQUESTS_PER_MINUTE: '100000', LOGIN_PER_MINUTE: '1000' }), () => clock);
      f = await demoFixture(ctx);
      app = await buildApp(ctx);
      office = await f.actor('office');
      editor = await f.actor('editor');
      civil = f.agencies[5].id;
      edu = f.agencies[3].id;
      ids.a = await kase(civil, 'person', '2024-12-20', [['decide', '2025-01-10', { outcome: 'granted' }]]);
      ids.b = await kase(civil, 'company', '2024-12-27');
      ids.c = await kase(civil, 'person', '2025-03-03', [
        ['decide', '2025-03-20', { outcome: 'refused_third_party', reason: '涉及商业秘密' }],
        ['send_reply', '2025-03-21', { method: 'post', letter: '答复告知书正文，共十个字以上。' }],
        [
          'add_appeal',
          '2025-04-20',
          { kind: 'reconsideration', filedOn: '2025-04-20', result: 'corrected', concludedOn: '2025-06-01' },
        ],
      ]);
      ids.d = await kase(civil, 'research', '2025-12-25', [['decide', '2026-01-08', { outcome: 'partial' }]]);
      ids.e = await kase(civil, 'legal_service', '2025-06-03', [
        ['request_amendment', '2025-06-05', { note: '请说明所需信息的名称' }],
        ['decide', '2025-06-30', { outcome: 'other_no_amendment' }],
      ]);
    });
    after(async () => {
      await app.close();
      await close();
    });

    test('exact figures for hand-built cases, received in one year and decided in the next', async () => {
      const r = await agencyReport(ctx, editor, f.siteId, civil, 2025);
      const v = (k: string) => r.tables.figures[k].value;
      assert.equal(r.tables.format, '2021');
      assert.deepEqual(r.tables.imbalances, []);
      assert.equal(v('t3.new.person'), 1);
      assert.equal(v('t3.new.research'), 1);
      assert.equal(v('t3.new.legal_service'), 1);
      assert.equal(v('t3.new.total'), 3);
      assert.equal(v('t3.carried_in.person'), 1);
      assert.equal(v('t3.carried_in.company'), 1);
      assert.equal(v('t3.granted.person'), 1);
      assert.equal(v('t3.refused_third_party.person'), 1);
      assert.equal(v('t3.other_no_amendment.legal_service'), 1);
      assert.equal(v('t3.partial.total'), 0, 'decided in 2026');
      assert.equal(v('t3.total.total'), 3);
      assert.deepEqual(
        [...r.tables.figures['t3.carried_out.total'].refs].sort((x, y) => x - y),
        [ids.b, ids.d],
      );
      assert.equal(v('t4.reconsideration.corrected'), 1);
      assert.equal(v('t4.reconsideration.total'), 1);
      assert.equal(r.deadline, '2026-01-31');
      assert.match(r.row.overview, /本年新收政府信息公开申请3件，上年结转2件/, 'section 一 starts from the figures');

      // the chart's years: the years before from the records, the report's own from the view
      const years = await yearsCompared(ctx, r);
      assert.deepEqual(
        years.map((y) => y.year),
        [2021, 2022, 2023, 2024, 2025],
      );
      assert.equal(years[3].figures['t3.new.total'].value, 2, 'the two cases received in 2024');
      assert.equal(years[4].figures, r.tables.figures);

      const next = await agencyReport(ctx, editor, f.siteId, civil, 2026);
      assert.equal(next.tables.figures['t3.carried_in.total'].value, 2);
      assert.equal(next.tables.figures['t3.partial.research'].value, 1);
      const other = await agencyReport(ctx, editor, f.siteId, edu, 2025);
      assert.equal(other.tables.figures['t3.new.total'].value, 0, "another agency's cases are not counted");
      const site = await siteReport(ctx, office, f.siteId, 2025);
      assert.equal(site.tables.figures['t3.new.total'].value, 3);
    });

    test('only the agency and the office see a report; only they write it; only its editors submit it', async () => {
      const eduEditor = await f.actor('edu-editor');
      await rejects(agencyReport(ctx, eduEditor, f.siteId, civil, 2025), 'forbidden');
      await rejects(siteReport(ctx, eduEditor, f.siteId, 2025), 'forbidden');
      await rejects(saveReport(ctx, eduEditor, f.siteId, civil, 2025, ENTRIES), 'forbidden');
      await rejects(saveReport(ctx, await f.actor('reviewer'), f.siteId, civil, 2025, ENTRIES), 'forbidden');
      await rejects(
        submitReport(ctx, office, f.siteId, civil, 2025, () => ''),
        'forbidden',
      );
      assert.deepEqual(
        (await reportStatus(ctx, eduEditor, f.siteId, 2025)).map((r) => r.agencyId),
        [edu],
        'staff see the reports of their own agencies',
      );
      await rejects(agencyReport(ctx, editor, f.siteId + 1000, civil, 2025), 'not_found');
    });

    test('entries are checked; a report is submitted only complete, then frozen and published through review', async () => {
      const bad = (entries: Record<string, unknown>) => ({ ...ENTRIES, entries: { ...ENTRIES.entries, ...entries } });
      await rejects(
        saveReport(ctx, editor, f.siteId, civil, 2025, bad({ 'penalty.decisions': { value: 'abc', note: 'x' } })),
        'bad_input',
        /须为数字/,
      );
      await rejects(
        saveReport(ctx, editor, f.siteId, civil, 2025, bad({ 'penalty.decisions': { value: '-1', note: 'x' } })),
        'bad_input',
        /不能为负数/,
      );
      await rejects(
        saveReport(ctx, editor, f.siteId, civil, 2025, bad({ 'penalty.decisions': { value: '1.5', note: 'x' } })),
        'bad_input',
        /须为整数/,
      );
      await rejects(
        saveReport(ctx, editor, f.siteId, civil, 2025, { ...ENTRIES, overview: '长'.repeat(20_001) }),
        'bad_input',
        /不能超过/,
      );
      await rejects(
        submitReport(ctx, editor, f.siteId, civil, 2025, () => ''),
        'bad_input',
        /请先保存/,
      );

      await saveReport(ctx, editor, f.siteId, civil, 2025, {
        ...ENTRIES,
        entries: { 'licensing.decisions': ENTRIES.entries['licensing.decisions'] },
      });
      await rejects(
        submitReport(ctx, editor, f.siteId, civil, 2025, () => ''),
        'bad_input',
        /行政处罚·本年处理决定数量、行政强制·本年处理决定数量/,
      );
      await saveReport(ctx, editor, f.siteId, civil, 2025, ENTRIES);
      const following = await agencyReport(ctx, editor, f.siteId, civil, 2026);
      assert.equal(following.row.overview, ENTRIES.overview, "next year's sections start from this year's");
      assert.equal(following.row.problems, ENTRIES.problems);
      const saved = await agencyReport(ctx, editor, f.siteId, civil, 2025);
      assert.equal(saved.tables.figures['t2.fees.amount'].value, 12.5);
      assert.equal(saved.tables.figures['t2.licensing.decisions'].note, '县政务服务中心审批系统统计');

      const { publicationId } = await submitReport(
        ctx,
        editor,
        f.siteId,
        civil,
        2025,
        (v) => ReportBody({ view: v }) as string,
      );
      const item = await ctx.db
        .selectFrom('editions')
        .innerJoin('edition_columns', 'edition_columns.edition_id', 'editions.id')
        .select([
          'editions.id',
          'editions.genre',
          'editions.state',
          'editions.title',
          'editions.body_html',
          'edition_columns.column_id',
        ])
        .where('publication_id', '=', publicationId)
        .executeTakeFirstOrThrow();
      assert.equal(item.genre, '年度报告');
      assert.equal(item.state, 'submitted');
      assert.equal(item.column_id, f.columns.get('gknb'));
      assert.equal(item.title, `${f.agencies[5].name}2025年政府信息公开工作年度报告`);
      assert.match(item.body_html, /三、收到和处理政府信息公开申请情况/);
      assert.match(item.body_html, /<th colspan="3">一、本年新收政府信息公开申请数量<\/th>/);
      await rejects(
        submitReport(ctx, editor, f.siteId, civil, 2025, () => ''),
        'conflict',
      );

      // a case recorded afterwards does not change what was submitted
      await kase(civil, 'person', '2025-11-03', [['decide', '2025-11-20', { outcome: 'granted' }]]);
      const frozen = await agencyReport(ctx, editor, f.siteId, civil, 2025);
      assert.equal(frozen.frozen, true);
      assert.equal(frozen.tables.figures['t3.new.total'].value, 3);
      await rejects(saveReport(ctx, editor, f.siteId, civil, 2025, ENTRIES), 'conflict');
      // a letter of 30 December registered late: the next year's carry-over no longer matches what was published
      const late = await kase(civil, 'person', '2025-12-30');
      const next = await agencyReport(ctx, editor, f.siteId, civil, 2026);
      assert.deepEqual(next.carryOver, [
        { column: 'person', reported: 0, now: 1, added: [late], missing: [] },
        { column: 'total', reported: 2, now: 3, added: [late], missing: [] },
      ]);

      let status = (await reportStatus(ctx, office, f.siteId, 2025)).find((s) => s.agencyId === civil)!;
      assert.equal(status.state, 'submitted');
      await actOnEdition(ctx, await f.actor('reviewer'), item.id, 'approve_review');
      await actOnEdition(ctx, await f.actor('secrecy'), item.id, 'approve_confidentiality');
      status = (await reportStatus(ctx, office, f.siteId, 2025)).find((s) => s.agencyId === civil)!;
      assert.equal(status.state, 'published');
      assert.equal(status.publishedOn, '2026-02-10');
      assert.equal(status.late, true, 'published after 31 January');
      const gov = (await reportStatus(ctx, office, f.siteId, 2025)).find((s) => s.kind === 'government')!;
      assert.equal(gov.deadline, '2026-03-31');
      assert.equal(gov.late, false, "the government's own report is due by 31 March");
      assert.equal(gov.state, 'none');
    });

    test('a broken check blocks publication and names the column and the cases', async () => {
      const broken = await kase(edu, 'person', '2025-05-06', [['decide', '2025-05-20', { outcome: 'granted' }]]);
      // records brought over from an older system: decided before they were received
      await ctx.db.updateTable('requests').set({ decided_on: '2024-12-30' }).where('id', '=', broken).execute();
      const eduEditor = await f.actor('edu-editor');
      const r = await agencyReport(ctx, eduEditor, f.siteId, edu, 2025);
      assert.deepEqual(
        r.tables.imbalances.map((i) => [i.column, i.inflow, i.outflow, i.cases]),
        [
          ['person', 1, 0, [broken]],
          ['total', 1, 0, [broken]],
        ],
      );
      await saveReport(ctx, eduEditor, f.siteId, edu, 2025, ENTRIES);
      await rejects(
        submitReport(ctx, eduEditor, f.siteId, edu, 2025, () => ''),
        'bad_input',
        /勾稽关系不成立（自然人、总计列）/,
      );
      const status = (await reportStatus(ctx, office, f.siteId, 2025)).find((s) => s.agencyId === edu)!;
      assert.equal(status.unbalanced, true);

      const page = await login(app, 'edu-editor', 'edu-password-1');
      const res = await get(app, page.jar, `/admin/reports/${edu}/2025`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /表三勾稽关系不成立/);
      const { tracking_no } = await ctx.db
        .selectFrom('requests')
        .select('tracking_no')
        .where('id', '=', broken)
        .executeTakeFirstOrThrow();
      assert.match(
        res.body,
        new RegExp(
          `自然人列：一 \\+ 二 = 1，三（七） \\+ 四 = 0。涉及申请：</span> <a href="/admin/requests/${broken}">${tracking_no}</a>`,
        ),
      );
      const submit = await post(app, page.jar, `/admin/reports/${edu}/2025/submit`, {}, page.csrf);
      assert.equal(submit.statusCode, 400);
      assert.match(submit.body, /勾稽关系不成立/);
      await ctx.db.updateTable('requests').set({ decided_on: '2025-05-20' }).where('id', '=', broken).execute();

      // mended, submitted, returned by review, reopened and submitted again into the same item
      const first = await submitReport(ctx, eduEditor, f.siteId, edu, 2025, (v) => ReportBody({ view: v }) as string);
      await rejects(reopenReport(ctx, eduEditor, f.siteId, edu, 2025), 'conflict', /正在审核中/);
      const edition = await ctx.db
        .selectFrom('editions')
        .select('id')
        .where('publication_id', '=', first.publicationId)
        .executeTakeFirstOrThrow();
      await actOnEdition(ctx, await f.actor('edu-reviewer'), edition.id, 'reject_review', {
        reason: '表二行政许可数据来源有误',
      });
      const returned = await get(app, page.jar, `/admin/reports/${edu}/2025`);
      assert.match(returned.body, /审核退回：表二行政许可数据来源有误/);
      assert.equal((await post(app, page.jar, `/admin/reports/${edu}/2025/reopen`, {}, page.csrf)).statusCode, 303);
      const reopened = await agencyReport(ctx, eduEditor, f.siteId, edu, 2025);
      assert.equal(reopened.frozen, false);
      await saveReport(ctx, eduEditor, f.siteId, edu, 2025, {
        ...ENTRIES,
        entries: {
          ...ENTRIES.entries,
          'licensing.decisions': { value: '1519', note: '县政务服务中心审批系统（更正）' },
        },
      });
      const again = await submitReport(ctx, eduEditor, f.siteId, edu, 2025, (v) => ReportBody({ view: v }) as string);
      assert.equal(again.publicationId, first.publicationId, 'the same item');
      const resubmitted = await ctx.db
        .selectFrom('editions')
        .select(['state', 'body_html'])
        .where('id', '=', edition.id)
        .executeTakeFirstOrThrow();
      assert.equal(resubmitted.state, 'submitted');
      assert.match(resubmitted.body_html, /1519/);
    });

    test('pages: the year list, the report with links to its records, Word and Excel that match the page', async () => {
      assert.equal((await get(app, new Jar(), `/admin/reports/${civil}/2025`)).statusCode, 303, 'the public: to login');
      const eduPage = await login(app, 'edu-editor', 'edu-password-1');
      assert.equal((await get(app, eduPage.jar, `/admin/reports/${civil}/2025`)).statusCode, 403);
      assert.equal((await get(app, eduPage.jar, `/admin/reports/${civil}/2025/report.docx`)).statusCode, 403);
      assert.equal((await get(app, eduPage.jar, '/admin/reports/site/2025')).statusCode, 403);

      const staff = await login(app, 'office');
      assert.equal((await get(app, staff.jar, `/admin/reports/${civil}/1900`)).statusCode, 404);
      assert.equal((await get(app, staff.jar, `/admin/reports/${civil}/2025/figures/x'`)).statusCode, 404);
      assert.equal(
        (await get(app, staff.jar, `/admin/reports/${civil}/2025/figures/t3.nothing.total`)).statusCode,
        404,
      );
      const home = await get(app, staff.jar, '/admin');
      assert.match(home.body, /待办提醒/);
      assert.match(home.body, /年度报告：\d+ 个机构已过发布期限仍未发布2025年度报告/);
      assert.match(home.body, /依申请公开：未办结 \d+ 件，其中已超期 \d+ 件/);
      const eduHome = await get(app, eduPage.jar, '/admin');
      assert.match(
        eduHome.body,
        /年度报告：1 个机构已过发布期限仍未发布2025年度报告（青山县教育局）/,
        'staff see their own',
      );

      const list = await get(app, staff.jar, '/admin/reports');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /2025年政府信息公开工作年度报告/, 'last year by default');
      assert.match(list.body, /已过发布期限仍未发布年度报告的机构/);
      assert.match(list.body, /逾期发布/);

      // the office writes the site's report? no: it is the sum of the agencies'
      const site = await get(app, staff.jar, '/admin/reports/site/2025');
      assert.equal(site.statusCode, 200);
      assert.doesNotMatch(site.body, /name="overview"/);

      const trial = await get(app, staff.jar, `/admin/reports/${civil}/2020`);
      assert.equal(trial.statusCode, 200);
      assert.match(trial.body, /国办公开办函〔2019〕60号/);
      assert.match(trial.body, /政府集中采购/);
      assert.match(trial.body, /<th colspan="2">（六）其他处理<\/th>/, 'one row for （六） in the trial format');

      const page = await get(app, staff.jar, `/admin/reports/${civil}/2025`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<svg[^>]*role="img"/);
      const link = `/admin/reports/${civil}/2025/figures/t3.carried_in.total`;
      assert.ok(page.body.includes(`href="${link}"`), 'every figure links to its records');
      const drill = await get(app, staff.jar, link);
      assert.equal(drill.statusCode, 200);
      const numbers = await ctx.db
        .selectFrom('requests')
        .select(['id', 'tracking_no'])
        .where('id', 'in', [ids.a, ids.b])
        .execute();
      for (const n of numbers) assert.match(drill.body, new RegExp(`href="/admin/requests/${n.id}"`));
      assert.doesNotMatch(drill.body, /张三|13812345678/, 'no personal data in the list');
      assert.match(page.body, /本报告已于 2026-02-10 提交发布（已发布）/);
      const entry = await get(app, staff.jar, `/admin/reports/${civil}/2025/figures/t2.licensing.decisions`);
      assert.match(entry.body, /县政务服务中心审批系统统计/);

      const figures = pageFigures(page.body.slice(page.body.indexOf('<div class="report">'))).filter((c) =>
        /^(\d+(\.\d+)?|—)$/.test(c),
      );
      assert.equal(figures.length, 2 * 3 + 4 + 25 * 7 + 15);
      const docx = await get(app, staff.jar, `/admin/reports/${civil}/2025/report.docx`);
      assert.equal(docx.statusCode, 200);
      assert.match(String(docx.headers['content-type']), /wordprocessingml/);
      assert.equal(
        docx.headers['content-disposition'],
        `attachment; filename*=UTF-8''${encodeURIComponent(`${f.agencies[5].name}2025年政府信息公开工作年度报告.docx`)}`,
      );
      assert.equal(docx.headers['x-content-type-options'], 'nosniff');
      const html = (await mammoth.convertToHtml({ buffer: docx.rawPayload })).value;
      const cells = [...html.matchAll(/<td[^>]*>(?:<p>)?([^<]*)/g)].map((m) => m[1]);
      const fromWord = cells.filter((c) => /^(\d+(\.\d+)?|—)$/.test(c));
      assert.deepEqual(fromWord, figures, 'the Word tables hold the figures of the page, in order');
      assert.match(html, /（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）/);
      assert.match(html, /<td colspan="3"><p><strong>一、本年新收政府信息公开申请数量/);
      assert.match(html, /rowspan="8"/, '（三）不予公开 spans its eight rows');

      const xlsx = await get(app, staff.jar, `/admin/reports/${civil}/2025/report.xlsx`);
      assert.equal(xlsx.statusCode, 200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = book.getWorksheet('表三 依申请公开')!;
      // rows 2–4 are the heading, the first row of figures is 一 (row 5), columns D..J
      const row = (n: number) => Array.from({ length: 7 }, (_, i) => sheet.getCell(n, 4 + i).value);
      assert.deepEqual(row(5), [1, 0, 1, 0, 1, 0, 3]);
      assert.deepEqual(row(6), [1, 1, 0, 0, 0, 0, 2]);
      assert.equal(sheet.getCell(7, 1).value, '三、本年度办理结果');
      assert.ok(sheet.getCell(8, 1).isMerged, 'the results heading is merged down its rows');
      assert.deepEqual(
        row(4 + table3Rows('2021').length),
        [0, 1, 1, 0, 0, 0, 2],
        '四、结转下年度继续办理 as frozen at submission',
      );
    });

    test('the demo year covers every outcome row and applicant type, carries over at both ends, and adds up', async () => {
      const d = await freshDb(kind);
      try {
        const demo = testCtx(d.db, testConfig(), () => new Date('2026-12-03T02:00:00Z'));
        const fx = await demoFixture(demo, 0);
        const made = await loadDemoCases(
          demo,
          await fx.actor('office'),
          fx.siteId,
          fx.agencies.map((a) => a.id),
        );
        assert.ok(made.open >= 1, 'some cases are still on the clock');
        const r = await siteReport(demo, await fx.actor('office'), fx.siteId, 2025);
        assert.deepEqual(r.tables.imbalances, []);
        const v = (k: string) => r.tables.figures[k].value ?? 0;
        for (const col of TABLE3_COLUMNS) assert.ok(v(`t3.new.${col}`) > 0, `new applications from ${col}`);
        for (const code of OUTCOMES.keys()) assert.ok(v(`t3.${code}.total`) > 0, `outcome ${code}`);
        assert.ok(v('t3.carried_in.total') > 0 && v('t3.carried_out.total') > 0);
        for (const k of ['reconsideration', 'litigation_direct', 'litigation_after_reconsideration'])
          assert.ok(v(`t4.${k}.total`) > 0, k);
      } finally {
        await d.close();
      }
    });
  });
}
