import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { publishThroughReview } from '../../test/support/fixture.ts';
import { webSuite } from '../../test/support/web.ts';
import { saveColumn } from '../features/catalog/catalog.columns.service.ts';
import { changeLiveStatus } from '../features/catalog/catalog.service.ts';
import { publishFaq, saveFaq } from '../features/interaction/interaction.faq.service.ts';
import { actOnLetter, registerLetter } from '../features/interaction/interaction.letters.service.ts';

for (const kind of ['pglite', 'postgres'] as const)
  describe(`public pages written as files for the proxy (${kind})`, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gk-pages-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const s = webSuite(kind, { PAGES_DIR: dir, BASE_URL: 'http://gov.example.cn', PAGE_CACHE_SECONDS: '0' });
    const page = (url: string, headers: Record<string, string> = {}) =>
      s.app.inject({ method: 'GET', url, headers: { host: 'gov.example.cn', ...headers } });
    const file = (url: string, variant = 'smedium') => path.join(dir, 'gov.example.cn', url, `index.${variant}.html`);
    const sync = () => s.app.pageFiles!.sync(s.ctx.db);

    test('a page is written on its first render, each variant apart, and only where it is public and the same for all', async () => {
      await s.app.pageFiles!.open(s.app, s.ctx.db);
      const home = await page('/s/demo/');
      assert.equal(home.statusCode, 200);
      assert.equal(readFileSync(file('/s/demo'), 'utf8'), home.body);
      const hant = await page('/s/demo/c/aqsc', { cookie: 'gk_script=hant; gk_elder=1' });
      assert.equal(readFileSync(file('/s/demo/c/aqsc', 'temedium'), 'utf8'), hant.body);
      assert.ok(!existsSync(file('/s/demo/c/aqsc')), 'the 简体 variant only once asked for');

      // never a query string, a form, an error, the back office, an unknown host or an address that climbs out
      await page('/s/demo/c/aqsc?page=2');
      await page('/s/demo/apply');
      await page('/s/demo/p/999999');
      await page('/admin/login');
      await page('/s/demo/', { host: 'evil.example.com' });
      await page('/s/demo/%2e%2e/%2e%2e/etc');
      const written = readdirSync(dir, { recursive: true }).map(String).sort();
      assert.deepEqual(
        written.filter((f) => f.endsWith('.html')),
        [
          path.join('gov.example.cn', 's', 'demo', 'c', 'aqsc', 'index.temedium.html'),
          path.join('gov.example.cn', 's', 'demo', 'index.smedium.html'),
        ],
      );
    });

    test('a publication rewrites exactly the written pages it touches; unpublishing deletes its page', async () => {
      await page('/s/demo/');
      await page('/s/demo/c/aqsc');
      await page('/s/demo/agencies');
      const before = readFileSync(file('/s/demo/agencies'), 'utf8');
      const { publicationId } = await publishThroughReview(s.ctx, s.f, { title: '关于静态页面测试的通知' });
      await page(`/s/demo/p/${publicationId}`);
      assert.doesNotMatch(readFileSync(file('/s/demo/c/aqsc'), 'utf8'), /关于静态页面测试的通知/, 'not yet synced');
      const writtenBefore = s.app.pageFiles!.written;
      await sync();
      assert.match(readFileSync(file(`/s/demo/p/${publicationId}`), 'utf8'), /关于静态页面测试的通知/);
      assert.match(readFileSync(file('/s/demo/c/aqsc'), 'utf8'), /关于静态页面测试的通知/);
      assert.match(readFileSync(file('/s/demo/c/aqsc', 'temedium'), 'utf8'), /關於靜態頁面測試的通知/);
      assert.equal(readFileSync(file('/s/demo/agencies'), 'utf8'), before, 'a page it does not touch stays');
      // home, the column in two variants, the publication itself
      assert.equal(s.app.pageFiles!.written - writtenBefore, 4);

      await changeLiveStatus(s.ctx, await s.f.actor('office'), publicationId, 'unpublish', { reason: '内容有误' });
      await sync();
      assert.ok(!existsSync(file(`/s/demo/p/${publicationId}`)), 'an unpublished publication has no page file');
      assert.doesNotMatch(readFileSync(file('/s/demo/c/aqsc'), 'utf8'), /关于静态页面测试的通知/);
    });

    test('a change to the site (a column renamed) deletes its pages, written again as asked for', async () => {
      await page('/s/demo/');
      const column = await s.ctx.db
        .selectFrom('columns')
        .selectAll()
        .where('id', '=', s.f.columns.get('aqsc')!)
        .executeTakeFirstOrThrow();
      await saveColumn(s.ctx, await s.f.actor('admin'), s.f.siteId, column.id, {
        name: '安全生产专栏',
        slug: 'aqsc',
        kind: column.kind,
        parentId: column.parent_id ?? '',
        visible: 'on',
      });
      await sync();
      assert.ok(!existsSync(file('/s/demo')));
      assert.ok(!existsSync(file('/s/demo/c/aqsc', 'temedium')));
      assert.match((await page('/s/demo/c/aqsc')).body, /安全生产专栏/);
      assert.match(readFileSync(file('/s/demo/c/aqsc'), 'utf8'), /安全生产专栏/);
    });

    test("a letter's change rewrites the mailbox's pages: the lists, the statistics, the letter's own page", async () => {
      await page('/s/demo/mail');
      await page('/s/demo/mail/stats');
      await page('/s/demo/');
      const home = readFileSync(file('/s/demo'), 'utf8');
      const site = (await s.ctx.sites.byCode('demo'))!;
      const office = await s.f.actor('office');
      const letter = await registerLetter(s.ctx, office, site, 'xzxx', {
        kind: 'suggest',
        title: '建议增设公共自行车站点',
        content: '建议在县人民医院门口增设公共自行车站点，方便群众就医。',
        name: '孙文',
        phone: '13700000000',
        consent: 'on',
      });
      await actOnLetter(s.ctx, office, letter.id, 'assign', { agencyId: String(s.f.agencies[2].id) });
      await actOnLetter(s.ctx, office, letter.id, 'reply', { reply: '已安排在医院门口增设站点，预计下月投入使用。' });
      await actOnLetter(s.ctx, office, letter.id, 'publish', {
        title: '建议增设公共自行车站点',
        content: '建议在县人民医院门口增设公共自行车站点，方便群众就医。',
        reply: '已安排在医院门口增设站点，预计下月投入使用。',
      });
      await page(`/s/demo/mail/letters/${letter.id}`);
      await sync();
      assert.match(readFileSync(file('/s/demo/mail/stats'), 'utf8'), /共收到有效来信 1 件，已办理答复 1 件/);
      assert.match(readFileSync(file('/s/demo/mail'), 'utf8'), /建议增设公共自行车站点/);
      assert.equal(readFileSync(file('/s/demo'), 'utf8'), home, 'the home page is not touched');

      await actOnLetter(s.ctx, office, letter.id, 'unpublish', { reason: '来信人要求不公开' });
      await sync();
      assert.ok(!existsSync(file(`/s/demo/mail/letters/${letter.id}`)), 'an unpublished letter has no page file');
      assert.doesNotMatch(readFileSync(file('/s/demo/mail'), 'utf8'), /建议增设公共自行车站点/);
    });

    test("a knowledge-base entry's change rewrites its list, the mailbox's home and its own page", async () => {
      await page('/s/demo/mail/faq');
      const office = await s.f.actor('office');
      const faqId = await saveFaq(s.ctx, office, s.f.siteId, null, {
        topic: '交通',
        question: '公共自行车怎么办卡？',
        answer: '携带居民身份证到城关镇公共自行车服务点办理，押金200元。',
      });
      await sync();
      assert.doesNotMatch(readFileSync(file('/s/demo/mail/faq'), 'utf8'), /公共自行车怎么办卡/, 'a draft');
      await publishFaq(s.ctx, office, faqId, true);
      await page(`/s/demo/mail/faq/${faqId}`);
      await sync();
      assert.match(readFileSync(file('/s/demo/mail/faq'), 'utf8'), /公共自行车怎么办卡/);
      assert.match(readFileSync(file('/s/demo/mail'), 'utf8'), /公共自行车怎么办卡/);
      await publishFaq(s.ctx, office, faqId, false);
      await sync();
      assert.ok(!existsSync(file(`/s/demo/mail/faq/${faqId}`)), 'an entry taken back has no page file');
      assert.doesNotMatch(readFileSync(file('/s/demo/mail/faq'), 'utf8'), /公共自行车怎么办卡/);
    });
  });
