import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import JSZip from 'jszip';
import { sql } from 'kysely';
import { CORPUS } from '../../../bench/corpus.ts';
import { DATABASES, freshDb, testConfig, testCtx } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixture.ts';
import { get, type Jar, login, post, upload as uploadFile } from '../../../test/support/http.ts';
import { buildApp } from '../../app.ts';
import { SYSTEM } from '../../core/access.ts';
import type { Ctx } from '../../core/context.ts';
import type { Offered } from '../../core/search.ts';
import { publicationSource } from '../catalog/catalog.search.service.ts';
import { findDocuments } from '../search/search.service.ts';
import { importFile as importCli } from './imports.cli.ts';
import { inspect } from './imports.parse.ts';
import { autoMapping } from './imports.rules.ts';
import { createImport, retryImport, runImport, startImport } from './imports.service.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gk-import-test-'));
const write = (name: string, text: string) => {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
};

for (const kind of DATABASES) {
  describe(`bulk import on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db, testConfig({ REQUESTS_PER_MINUTE: '100000', LOGIN_PER_MINUTE: '1000' }));
      f = await demoFixture(ctx, 2);
      app = await buildApp(ctx);
    });
    after(async () => {
      await app.close();
      await close();
    });

    /** Creates, maps by column names and runs an import of a file. */
    const importFile = async (file: string, defaults: Record<string, unknown> = {}) => {
      const id = await createImport(ctx, SYSTEM, f.siteId, { filename: path.basename(file), path: file });
      const imp = await ctx.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const { headers } = await inspect(imp.format, file);
      await startImport(ctx, SYSTEM, f.siteId, id, {
        mapping: autoMapping(headers),
        agencyId: f.agencies[1].id,
        columnId: f.columns.get('qtwj'),
        genre: '其他文件',
        ...defaults,
      });
      await runImport(ctx, id);
      return ctx.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    };
    const searchTotal = async (q: string) =>
      (await findDocuments(ctx, { siteId: f.siteId, q, sort: 'relevance', page: 1, pageSize: 5 }, '2026-11-24')).total;

    test('the shared corpus imports whole, is published and searchable; importing it again adds nothing', async () => {
      // what the import hands the index instead of letting it read the rows back
      const offered: Offered[] = [];
      const offer = ctx.search.offer.bind(ctx.search);
      ctx.search.offer = (entries) => {
        offered.push(...entries);
        offer(entries);
      };
      const done = await importFile(CORPUS).finally(() => {
        ctx.search.offer = offer;
      });
      const lines = readFileSync(CORPUS, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, string | null>);
      assert.equal(done.status, 'done');
      assert.equal(done.total_rows, lines.length);
      assert.equal(done.imported_rows, lines.length);
      assert.equal(done.error_rows, 0);
      // each document as handed over is the document the index would have read back
      assert.equal(offered.length, lines.length);
      const readBack = await publicationSource.load(ctx.db, { ids: offered.map((o) => o.doc.id) });
      const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
      assert.deepEqual(readBack.sort(byId), offered.map((o) => o.doc).sort(byId));
      assert.deepEqual(
        offered.map((o) => o.key),
        offered.map((o) => `p:${o.doc.id}`),
      );
      // the planner's statistics are fresh after the bulk load
      const stats = await sql<{ n: number }>`select count(*)::int as n from pg_stat_user_tables
        where relname in ('publications', 'editions') and last_analyze is not null`.execute(ctx.db);
      assert.equal(stats.rows[0].n, 2);
      // a document keeps its number, date and 索引号, and is found by its document number
      const withNo = lines.find((l) => l.docNo && l.indexNo)!;
      const pub = await ctx.db
        .selectFrom('publications')
        .innerJoin('editions', 'editions.publication_id', 'publications.id')
        .select([
          'publications.index_no',
          'publications.status',
          'editions.doc_no',
          'editions.published_at',
          'editions.summary',
        ])
        .where('editions.title', '=', withNo.title)
        .executeTakeFirstOrThrow();
      assert.equal(pub.status, 'published');
      assert.equal(pub.index_no, withNo.indexNo);
      assert.equal(pub.doc_no, withNo.docNo);
      assert.match(pub.summary, new RegExp(`发布机构：${withNo.agency}`));
      const found = await findDocuments(
        ctx,
        { siteId: f.siteId, q: withNo.docNo!, sort: 'relevance', page: 1, pageSize: 5 },
        '2026-11-24',
      );
      assert.equal(found.hits[0]?.title.map((p) => p.text).join(''), withNo.title);
      // a plain-text body is stored once, as text; its page, the API and the editor show it as paragraphs
      const plain = await ctx.db
        .selectFrom('editions')
        .select(['publication_id', 'body_html', 'body_text'])
        .where('title', '=', withNo.title)
        .executeTakeFirstOrThrow();
      assert.equal(plain.body_html, '');
      const [line] = plain.body_text.split('\n');
      const escaped = line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      const paragraph = `<p>${escaped.replace(/'/g, '&#39;')}</p>`;
      const page = await app.inject({ method: 'GET', url: `/p/${plain.publication_id}` });
      assert.ok(page.body.includes(`<div class="body">${paragraph}`));
      const json = await app.inject({ method: 'GET', url: `/api/v1/sites/demo/publications/${plain.publication_id}` });
      assert.ok(json.json().bodyHtml.startsWith(paragraph));
      // the office makes itself the agency's 信息员 to start a new edition
      const office = await ctx.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'office')
        .executeTakeFirstOrThrow();
      const { agency_id } = await ctx.db
        .selectFrom('publications')
        .select('agency_id')
        .where('id', '=', plain.publication_id)
        .executeTakeFirstOrThrow();
      await ctx.db
        .insertInto('user_roles')
        .values({ user_id: office.id, role: 'editor', agency_id })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const staff = await login(app, 'office');
      const draft = await post(
        app,
        staff.jar,
        `/admin/publications/${plain.publication_id}/new-edition`,
        {},
        staff.csrf,
      );
      assert.equal(draft.statusCode, 303, draft.body);
      const form = await get(app, staff.jar, draft.headers.location as string);
      assert.ok(form.body.includes(`&lt;p>${line.slice(0, 10)}`), 'a new edition starts from the paragraphs');
      assert.ok((await searchTotal('双随机')) > 5);

      const again = await importFile(CORPUS);
      assert.equal(again.imported_rows, 0);
      assert.equal(again.duplicate_rows, lines.length);
      const count = await ctx.db
        .selectFrom('publications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('source_key', 'is not', null)
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), lines.length);
    });

    test('bad rows are reported with their reasons and not imported; the good rows are, whole', async () => {
      const file = write(
        `bad-${kind}.csv`,
        [
          '编号,标题,发布日期,发文字号,有效性,栏目,正文',
          'a1,关于公布第一批文物保护单位的通知,2021-03-05,青政〔2021〕3号,有效,通知公告,正文一',
          'a2,,2021-03-06,,有效,,没有标题',
          'a3,日期有误的通知,2021-02-30,,有效,,正文三',
          'a4,来自未来的通知,2099-01-01,,有效,,正文四',
          'a5,有效性有误的通知,2021-03-07,,作废,,正文五',
          'a6,"带逗号,和引号""的标题",2021/3/8,,废止,政策文件/其他文件,正文六',
          'a7,索引号重复的通知,2021-03-09,,有效,,正文七',
        ].join('\n'),
      );
      const done = await importFile(file);
      assert.equal(done.imported_rows, 3);
      assert.equal(done.error_rows, 4);
      const errors = await ctx.db
        .selectFrom('import_errors')
        .selectAll()
        .where('import_id', '=', done.id)
        .orderBy('row_number')
        .execute();
      assert.deepEqual(
        errors.map((e) => [e.row_number, e.field]),
        [
          [2, 'title'],
          [3, 'publishedOn'],
          [4, 'publishedOn'],
          [5, 'validity'],
        ],
      );
      assert.match(errors[1].message, /无法识别/);
      assert.match(errors[2].message, /晚于今天/);
      const six = await ctx.db
        .selectFrom('editions')
        .innerJoin('edition_columns', 'edition_columns.edition_id', 'editions.id')
        .select(['editions.validity', 'edition_columns.column_id', 'editions.published_at'])
        .where('editions.title', '=', '带逗号,和引号"的标题')
        .executeTakeFirstOrThrow();
      assert.equal(six.validity, 'repealed');
      assert.equal(six.column_id, f.columns.get('qtwj'), 'the channel path names the column');
      // nothing half-written: every imported publication has its edition, agency and column
      const orphans = await ctx.db
        .selectFrom('publications')
        .leftJoin('editions', 'editions.publication_id', 'publications.id')
        .select('publications.id')
        .where('editions.id', 'is', null)
        .execute();
      assert.equal(orphans.length, 0);
      assert.equal(await searchTotal('"第一批文物保护单位"'), 1);
    });

    test('Excel and tab-separated files import by their column names', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('导入');
      sheet.addRow(['标题', '发布日期', '正文', '发文机关']);
      sheet.addRow([
        '关于开展古树名木普查的通知',
        new Date('2022-05-10T00:00:00Z'),
        '对全县古树名木开展普查。',
        f.agencies[13].name,
      ]);
      sheet.addRow(['关于公布古树名木名录的公告', '2022年6月1日', '现将名录公布如下。', '']);
      const xlsx = path.join(tmp, `trees-${kind}.xlsx`);
      // the parts of the file in an order of its own (exceljs's own writer varies it): the shared strings and the
      // worksheet before xl/workbook.xml, which made exceljs's reader throw
      const zip = await JSZip.loadAsync(await book.xlsx.writeBuffer());
      const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml'];
      const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir && n !== 'xl/workbook.xml');
      const reordered = new JSZip();
      for (const name of [...first, ...names.filter((n) => !first.includes(n)), 'xl/workbook.xml'])
        reordered.file(name, await zip.files[name].async('uint8array'));
      writeFileSync(xlsx, await reordered.generateAsync({ type: 'nodebuffer' }));
      const done = await importFile(xlsx);
      assert.equal(done.imported_rows, 2, JSON.stringify(done));
      const agency = await ctx.db
        .selectFrom('publications')
        .innerJoin('editions', 'editions.publication_id', 'publications.id')
        .select(['publications.agency_id', 'editions.published_at'])
        .where('editions.title', '=', '关于开展古树名木普查的通知')
        .executeTakeFirstOrThrow();
      assert.equal(agency.agency_id, f.agencies[13].id, 'a known agency name is used; the default fills the blank');
      const tsv = write(
        `t-${kind}.tsv`,
        'title\tpubdate\tfileno\n关于开展候鸟保护的通告\t2023-10-01 00:00:00\t青农〔2023〕9号\n',
      );
      assert.equal((await importFile(tsv)).imported_rows, 1);
      assert.equal(await searchTotal('青农[2023]9号'), 1);
    });

    test('an interrupted import resumes where it stopped and imports no row twice', async () => {
      const rows = Array.from({ length: 1200 }, (_, i) =>
        JSON.stringify({
          id: `r${i}`,
          title: `第${i}号测绘成果公告`,
          publishedOn: '2024-04-01',
          body: `测绘成果第${i}号。`,
        }),
      );
      const file = write(`resume-${kind}.jsonl`, rows.join('\n'));
      const id = await createImport(ctx, SYSTEM, f.siteId, { filename: path.basename(file), path: file });
      await startImport(ctx, SYSTEM, f.siteId, id, {
        mapping: { sourceId: 'id', title: 'title', publishedOn: 'publishedOn', body: 'body' },
        agencyId: f.agencies[1].id,
        columnId: f.columns.get('tzgg'),
        genre: '通知公告',
      });
      // the process "dies" after its first batch is written
      await assert.rejects(
        runImport(ctx, id, () => {
          throw new Error('进程被终止');
        }),
      );
      let imp = await ctx.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(imp.status, 'failed');
      assert.equal(imp.done_rows, 500);
      assert.equal(imp.imported_rows, 500);
      await retryImport(ctx, SYSTEM, f.siteId, id);
      assert.equal(await runImport(ctx, id), true);
      imp = await ctx.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(imp.status, 'done');
      assert.equal(imp.imported_rows, 1200);
      assert.equal(imp.duplicate_rows, 0);
      // a runner that vanished mid-way (its heartbeat went stale) is taken over
      await ctx.db
        .updateTable('imports')
        .set({ status: 'running', heartbeat_at: new Date(Date.now() - 3600_000), done_rows: 100 })
        .where('id', '=', id)
        .execute();
      assert.equal(await runImport(ctx, id), true);
      imp = await ctx.db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(imp.duplicate_rows, 1100, 'rows already in are recognised, not imported again');
      const n = await ctx.db
        .selectFrom('editions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('title', 'like', '%号测绘成果公告')
        .executeTakeFirstOrThrow();
      assert.equal(Number(n.n), 1200);
      // a fresh runner never takes an import that is running with a live heartbeat
      await ctx.db
        .updateTable('imports')
        .set({ status: 'running', heartbeat_at: new Date() })
        .where('id', '=', id)
        .execute();
      assert.equal(await runImport(ctx, id), false);
    });

    test('the command line imports by agency code or name and column slug, refuses unknown ones, and resumes a file it is given again', async () => {
      const rows = Array.from({ length: 3 }, (_, i) =>
        JSON.stringify({ id: `cli${i}`, title: `第${i}号命令行导入公告`, publishedOn: '2024-05-01', body: '正文' }),
      );
      const file = write(`cli-${kind}.jsonl`, rows.join('\n'));
      const said: string[] = [];
      const log = (s: string) => said.push(s);
      await assert.rejects(importCli(ctx, [file, '--agency', '没有这个机构'], log), /机构 没有这个机构 不存在/);
      await assert.rejects(
        importCli(ctx, [file, '--agency', f.agencies[2].code, '--column', 'no-such-column'], log),
        /栏目 no-such-column 不存在/,
      );
      await assert.rejects(importCli(ctx, [file, '--site', 'nowhere'], log), /站点 nowhere 不存在/);
      const made = await ctx.db.selectFrom('imports').select('id').where('filename', '=', file).execute();
      assert.deepEqual(made, [], 'a refused run leaves no import behind');
      // an import of the same file that failed before its first batch is carried on
      const first = await createImport(ctx, SYSTEM, f.siteId, { filename: file, path: file });
      await startImport(ctx, SYSTEM, f.siteId, first, {
        mapping: { sourceId: 'id', title: 'title', publishedOn: 'publishedOn', body: 'body' },
        agencyId: f.agencies[2].id,
        columnId: f.columns.get('tzgg'),
        genre: '通知公告',
      });
      await ctx.db.updateTable('imports').set({ status: 'failed' }).where('id', '=', first).execute();
      const done = await importCli(ctx, [file], log);
      assert.equal(done.id, first, 'the unfinished import of the same file is resumed, not started again');
      assert.equal(done.status, 'done');
      assert.equal(done.imported_rows, 3);
      assert.ok(said.some((s) => s.includes(`继续导入任务 #${first}`)));
      const placed = await ctx.db
        .selectFrom('publications')
        .innerJoin('editions', 'editions.publication_id', 'publications.id')
        .innerJoin('edition_columns', 'edition_columns.edition_id', 'editions.id')
        .select(['publications.agency_id', 'edition_columns.column_id'])
        .where('editions.title', '=', '第1号命令行导入公告')
        .executeTakeFirstOrThrow();
      assert.equal(placed.agency_id, f.agencies[2].id);
      assert.equal(placed.column_id, f.columns.get('tzgg'));
      const again = await importCli(
        ctx,
        [file, '--agency', f.agencies[2].code, '--column', 'tzgg', '--genre', '通知公告'],
        log,
      );
      assert.notEqual(again.id, first, 'a finished import is not resumed: the file is imported anew');
      assert.equal(again.duplicate_rows, 3, 'by agency code and column slug, the same rows are recognised');
      const byName = write(
        `cli-name-${kind}.jsonl`,
        JSON.stringify({ id: 'cli-name', title: '按机构名称导入的公告', publishedOn: '2024-05-02', body: '正文' }),
      );
      await importCli(ctx, [byName, '--agency', f.agencies[3].name, '--column', 'tzgg', '--genre', '通知公告'], log);
      const named = await ctx.db
        .selectFrom('publications')
        .innerJoin('editions', 'editions.publication_id', 'publications.id')
        .select('publications.agency_id')
        .where('editions.title', '=', '按机构名称导入的公告')
        .executeTakeFirstOrThrow();
      assert.equal(named.agency_id, f.agencies[3].id);
    });

    test('in the back office: upload, map, follow and read the report; only the office may', async () => {
      const upload = (jar: Jar, csrf: string, name: string, data: string) =>
        uploadFile(app, jar, '/admin/imports', csrf, { name, data, type: 'text/plain' });
      const editor = await login(app, 'editor');
      assert.equal((await get(app, editor.jar, '/admin/imports')).statusCode, 403);
      assert.equal((await upload(editor.jar, editor.csrf, 'a.csv', '标题,发布日期\n甲,2020-01-01\n')).statusCode, 403);

      const { jar, csrf } = await login(app, 'office');
      const wrong = await upload(jar, csrf, 'a.pdf', '%PDF-1.4');
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /只能导入 JSONL、CSV/);
      const empty = await upload(jar, csrf, 'a.csv', '标题,发布日期\n');
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /没有数据行/);

      const res = await upload(
        jar,
        csrf,
        `web-${kind}.csv`,
        '名称,日期,内容\n关于启用新版政务服务网的通知,2025-01-02,新版政务服务网上线。\n关于,不是日期,内容\n',
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const url = res.headers.location as string;
      const mapping = await get(app, jar, url);
      assert.match(mapping.body, /确认导入字段/);
      assert.match(mapping.body, /<option value="名称" selected>名称<\/option>/);
      const missing = await post(
        app,
        jar,
        `${url}/start`,
        { 'mapping.title': '名称', 'mapping.publishedOn': '', genre: '' },
        csrf,
      );
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /请指定“发布日期”对应的列/);
      assert.match(missing.body, /请选择默认机构/);
      const started = await post(
        app,
        jar,
        `${url}/start`,
        {
          'mapping.title': '名称',
          'mapping.publishedOn': '日期',
          'mapping.body': '内容',
          agencyId: String(f.agencies[1].id),
          columnId: String(f.columns.get('tzgg')),
          genre: '通知公告',
        },
        csrf,
      );
      assert.equal(started.statusCode, 303);
      const id = Number(/\/admin\/imports\/(\d+)/.exec(url)?.[1]);
      for (let i = 0; i < 100; i++) {
        const s = await ctx.db.selectFrom('imports').select('status').where('id', '=', id).executeTakeFirstOrThrow();
        if (s.status === 'done') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const report = await get(app, jar, url);
      assert.match(report.body, /已完成：已处理 2 \/ 2 行/);
      assert.match(report.body, /“不是日期”无法识别/);
      const csv = await get(app, jar, `${url}/errors.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(csv.body, /"2","publishedOn"/);
      assert.equal(await searchTotal('新版政务服务网'), 1);
      // a started import cannot be re-mapped; another site's office cannot see it
      const again = await post(
        app,
        jar,
        `${url}/start`,
        { 'mapping.title': '名称', 'mapping.publishedOn': '日期', genre: '通知公告' },
        csrf,
      );
      assert.equal(again.statusCode, 409);
    });
  });
}
