import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import type { Ctx } from '../../src/core/context.ts';
import { publishDemoReport } from '../../src/demo/demo.ts';
import { GENRES } from '../../src/features/catalog/catalog.rules.ts';
import { freshDb, testConfig, testCtx } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'gongkai-demo-2026';

describe('the portal and back office in Chromium', () => {
  let ctx: Ctx;
  let f: Fixture;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;

  before(async () => {
    const d = await freshDb('pglite');
    close = d.close;
    ctx = testCtx(d.db, testConfig({ LOGIN_PER_MINUTE: '1000', REQUESTS_PER_MINUTE: '100000' }));
    f = await demoFixture(ctx, 30);
    app = await buildApp(ctx);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await close?.();
  });

  const newPage = async (javaScript = true) =>
    (await browser.newContext({ javaScriptEnabled: javaScript, locale: 'zh-CN' })).newPage();

  /** What axe finds serious or critical on the page, one line per rule with the first places. */
  async function seriousViolations(page: Page): Promise<string[]> {
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id}: ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`,
      );
  }

  async function signIn(page: Page, username: string) {
    await page.goto(`${base}/admin/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(username.startsWith('edu') ? 'edu-password-1' : PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${base}/admin`);
  }

  async function signOut(page: Page) {
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/admin\/login/);
  }

  /** The editor writes a draft in the back office and submits it; returns the edition's page URL. */
  async function draftAndSubmit(page: Page, title: string): Promise<string> {
    await signIn(page, 'editor');
    await page.getByRole('link', { name: '新建信息' }).first().click();
    await page.locator('#f-title').fill(title);
    await page.getByLabel('发文字号').fill('青政办〔2026〕88号');
    await page.getByLabel('体裁分类').selectOption('其他文件');
    await page.getByLabel('主题分类').selectOption('综合政务');
    await page.getByLabel('正文').fill('<p>各乡镇人民政府，县政府各部门：</p><p>现将有关事项通知如下。</p>');
    await page.getByRole('group', { name: '所属栏目' }).getByLabel('其他文件').check();
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('已保存').waitFor();
    const url = page.url().replace(/\?.*/, '');
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.getByText('第 1 版：待审核').waitFor();
    await signOut(page);
    return url;
  }

  test('a draft goes through both reviews to the portal', async () => {
    const page = await newPage();
    const url = await draftAndSubmit(page, '关于开展冬季消防安全检查的通知');
    await signIn(page, 'reviewer');
    await page.getByRole('link', { name: '关于开展冬季消防安全检查的通知' }).click();
    // the reviewer reads the document as it will be published before approving it
    const copy = page.getByRole('region', { name: '全文（公开后的样子）' });
    await copy.getByText('现将有关事项通知如下。').waitFor();
    assert.equal(await copy.locator('th:has-text("发文字号") + td').textContent(), '青政办〔2026〕88号');
    await page.getByRole('button', { name: '审核通过' }).click();
    await page.getByText('第 1 版：待保密审查').waitFor();
    await signOut(page);
    await signIn(page, 'secrecy');
    await page.goto(url);
    await page.getByRole('button', { name: '保密审查通过' }).click();
    await page.getByText('第 1 版：已发布').waitFor();
    await page.getByRole('link', { name: '查看公开页面' }).click();
    await page.getByRole('heading', { level: 1, name: '关于开展冬季消防安全检查的通知' }).waitFor();
    const indexNo = await page.locator('th:has-text("索引号") + td').textContent();
    assert.match(indexNo ?? '', /^11330127MB0000002X\/\d{4}-\d{5}$/);
    // and it is listed in its column on the public site
    await page.goto(`${base}/c/qtwj`);
    assert.ok(await page.getByRole('link', { name: '关于开展冬季消防安全检查的通知' }).isVisible());
  });

  test('a rejection returns the draft to the editor with the reason', async () => {
    const page = await newPage();
    const url = await draftAndSubmit(page, '关于调整城区公交线路的通告');
    await signIn(page, 'reviewer');
    await page.goto(url);
    await page.getByLabel('审核退回理由').fill('请补充线路调整示意图');
    await page.getByRole('button', { name: '审核退回' }).click();
    await page.getByText('第 1 版：草稿').waitFor();
    await signOut(page);
    await signIn(page, 'editor');
    // the 工作台 lists it as returned, with the reason
    const returned = page.getByRole('region', { name: '被退回待修改' });
    await returned.getByRole('link', { name: '关于调整城区公交线路的通告' }).waitFor();
    assert.match((await returned.textContent()) ?? '', /已退回理由：请补充线路调整示意图/);
    await page.goto(url);
    assert.equal(await page.locator('th:has-text("退回理由") + td').textContent(), '请补充线路调整示意图');
    // submitted again, the editor may still take it back before review
    await page.getByRole('button', { name: '提交审核' }).click();
    await page.getByRole('button', { name: '撤回提交' }).click();
    await page.getByText('第 1 版：草稿').waitFor();
    assert.ok(await page.getByRole('button', { name: '提交审核' }).isVisible());
  });

  test('a withdrawn publication shows a banner with the reason, without JavaScript too', async () => {
    const pub = await ctx.db
      .selectFrom('publications')
      .select(['id'])
      .where('status', '=', 'published')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const page = await newPage();
    await signIn(page, 'office');
    const edition = await ctx.db
      .selectFrom('editions')
      .select('id')
      .where('publication_id', '=', pub.id)
      .executeTakeFirstOrThrow();
    await page.goto(`${base}/admin/editions/${edition.id}`);
    await page.getByLabel('撤回理由').fill('统计数据需要更正');
    await page.getByRole('button', { name: '撤回', exact: true }).click();
    await page.getByText('已撤回').first().waitFor();
    const reader = await newPage(false);
    await reader.goto(`${base}/p/${pub.id}`);
    const banner = reader.getByRole('note');
    assert.match((await banner.first().textContent()) ?? '', /已于 \d{4}-\d{2}-\d{2} 撤回.*撤回原因：统计数据需要更正/);
  });

  test('search from the header box, filters and an empty result, without JavaScript', async () => {
    const page = await newPage(false);
    await page.goto(`${base}/`);
    await page.getByRole('searchbox', { name: '搜索本站' }).fill('通知');
    await page.getByRole('form', { name: '站内搜索' }).getByRole('button', { name: '搜索' }).click();
    await page.waitForURL(/\/search\?q=/);
    const heading = page.getByRole('heading', { level: 2 });
    assert.match((await heading.textContent()) ?? '', /找到.*\d+ 条结果/);
    assert.ok((await page.locator('ol.hits mark').count()) > 0, 'the query words are marked');
    // narrow to the first hit's genre through the (native, script-free) filter panel
    // (a gazette issue among the hits has no genre: take the first document that has one)
    const shown = await page.locator('ol.hits .hit-facts').allTextContents();
    const genre = shown.map((text) => GENRES.find((g) => text.includes(g))).find(Boolean);
    assert.ok(genre, shown.join(' | '));
    await page.getByText('筛选条件').click();
    await page.getByLabel('体裁').selectOption(genre);
    await page.getByRole('button', { name: '搜索', exact: true }).last().click();
    await page.waitForURL(/genre=/);
    const facts = await page.locator('ol.hits .hit-facts').allTextContents();
    assert.ok(facts.length > 0);
    for (const text of facts) assert.ok(text.includes(genre), text);
    // nothing matches: the page says so in words
    await page.goto(`${base}/search?q=${encodeURIComponent('量子引力弦论')}`);
    assert.equal(await page.getByRole('heading', { name: '没有找到相关结果' }).count(), 1);
  });

  test('the 繁體 switch and the elder mode work without JavaScript', async () => {
    const page = await newPage(false);
    await page.goto(`${base}/agencies`);
    await page.getByRole('link', { name: '繁體' }).click();
    await page.getByRole('heading', { level: 1, name: '機構信息公開目錄' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-Hant');
    await page.getByRole('link', { name: '简体' }).click();
    await page.getByRole('heading', { level: 1, name: '机构信息公开目录' }).waitFor();
    // (evaluate runs through DevTools, not the page's scripts, which stay off)
    const fontSize = () => page.evaluate(() => Number.parseFloat(getComputedStyle(document.documentElement).fontSize));
    const normal = await fontSize();
    await page.getByRole('link', { name: '长者模式' }).click();
    await page.getByRole('link', { name: '退出长者模式' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('class'), 'elder');
    assert.ok((await fontSize()) >= normal * 1.3, 'large type in the elder mode');
  });

  test('a resident applies for information and follows the case without JavaScript', async () => {
    const page = await newPage(false);
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '依申请公开' }).click();
    await page.getByLabel('向哪个机关申请').selectOption({ label: '青山县民政局' });
    await page.getByLabel('姓名或名称').fill('李四');
    await page.getByLabel('联系电话').fill('13900001111');
    await page.getByLabel('证件号码').fill('11010519491231002X');
    await page.getByLabel(/所需政府信息的名称/).fill('2025年临时救助资金发放明细');
    await page.getByLabel('获取信息的方式').selectOption({ label: '网上获取' });
    const question = (await page.locator('label[for="f-captcha"]').textContent()) ?? '';
    const digits = '零一二三四五六七八九十';
    const m = /(.)加(.)等于/.exec(question)!;
    await page.getByLabel(/验证问题/).fill(String(digits.indexOf(m[1]) + digits.indexOf(m[2])));
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByRole('heading', { name: '申请已提交' }).waitFor();
    const cells = await page.locator('table.meta td strong').allTextContents();
    const [trackingNo, code] = cells;
    assert.match(trackingNo, /^\d{14}$/);
    await page.getByRole('link', { name: '查询办理进度' }).click();
    await page.getByLabel('申请编号').fill(trackingNo);
    await page.getByLabel('查询码').fill(code);
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByRole('heading', { name: '申请办理进度' }).waitFor();
    assert.match((await page.locator('main').textContent()) ?? '', /待确认收到/);
    assert.ok(!page.url().includes(code), 'the query code never goes into the address');
  });

  test('on a phone the header takes at most a quarter of the screen, in the elder mode too, with one search box', async () => {
    for (const elder of [false, true]) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
      const page = await context.newPage();
      if (elder) await page.goto(`${base}/prefs/elder/on?back=/`);
      for (const path of ['/', `/search?q=${encodeURIComponent('通知')}`]) {
        await page.goto(base + path);
        const height = await page.evaluate(
          () => document.querySelector('.site-header')!.getBoundingClientRect().height,
        );
        assert.ok(height <= 844 / 4, `${path}${elder ? ' (elder)' : ''}: header ${height}px`);
        assert.equal(await page.locator('input[type=search]:visible').count(), 1, path);
      }
      // the document tools: the text size is a cookie set by a plain link; print needs the script, which shows it
      const pub = await ctx.db
        .selectFrom('publications')
        .select('id')
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow();
      await page.goto(`${base}/p/${pub.id}`);
      await page.getByRole('link', { name: '字号大' }).click();
      await page.waitForURL(`**/p/${pub.id}`);
      assert.equal(await page.evaluate(() => document.documentElement.classList.contains('size-large')), true);
      assert.ok(await page.getByRole('button', { name: '打印' }).isVisible());
      await context.close();
    }
  });

  test('axe finds no serious or critical issue on the public pages, on a phone too', async () => {
    const pub = await ctx.db
      .selectFrom('publications')
      .select(['id'])
      .where('status', '=', 'published')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const pages = [
      '/',
      '/c/tzgg',
      '/c/zdly',
      `/p/${pub.id}`,
      '/agencies',
      `/agencies/${f.agencies[0].id}`,
      `/agencies/${f.agencies[0].id}/guide`,
      '/gazette',
      `/search?q=${encodeURIComponent('通知 安全')}`,
      `/search?q=${encodeURIComponent('量子引力弦论')}`,
      '/p/999999',
      '/apply',
      '/apply/status',
      '/admin/login',
      '/map',
      '/accessibility',
    ];
    const gazette = await ctx.db.selectFrom('gazette_issues').select('id').executeTakeFirst();
    if (gazette) pages.push(`/gazette/${gazette.id}`);
    // an annual report with its wide tables (10 and 15 columns)
    const staff = {
      editor: await f.actor('editor'),
      reviewer: await f.actor('reviewer'),
      secrecy: await f.actor('secrecy'),
    };
    pages.push(`/p/${await publishDemoReport(ctx, staff, f.siteId, f.agencies[5].id, 2025)}`);
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const page = await (await browser.newContext({ viewport, locale: 'zh-CN' })).newPage();
      for (const path of pages) {
        await page.goto(base + path);
        assert.deepEqual(await seriousViolations(page), [], `${path} at ${viewport.width}px`);
        // nothing overflows sideways on a phone
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 1, `${path} scrolls sideways by ${overflow}px at ${viewport.width}px`);
      }
    }
  });

  test('axe finds no serious or critical issue on the annual report pages of the back office', async () => {
    const page = await newPage();
    await signIn(page, 'office');
    for (const path of [
      '/admin',
      '/admin/reports?year=2025',
      `/admin/reports/${f.agencies[5].id}/2025`,
      `/admin/reports/${f.agencies[3].id}/2025`,
      '/admin/reports/site/2025',
      `/admin/reports/${f.agencies[5].id}/2025/figures/t3.new.total`,
    ]) {
      await page.goto(base + path);
      assert.deepEqual(await seriousViolations(page), [], path);
    }
  });
});
