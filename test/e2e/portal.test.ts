import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import type { Ctx } from '../../src/core/context.ts';
import { publishDemoReport } from '../../src/demo/demo.ts';
import { GENRES } from '../../src/features/catalog/catalog.rules.ts';
import { actOnEdition } from '../../src/features/catalog/catalog.service.ts';
import { freshDb, testConfig, testCtx } from '../support/db.ts';
import { demoFixture, type Fixture } from '../support/fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'gongkai-demo-2026';
const FIXTURES = path.join(import.meta.dirname, '../fixtures');
/** A small red PNG, 2 × 2 pixels. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAfJgQRoo8irwAAAABJRU5ErkJggg==',
  'base64',
);

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
    // the body in the rich-text editor, as a clerk types it
    await page.locator('.rte-content').waitFor();
    await page.getByRole('textbox', { name: '正文' }).click();
    await page.keyboard.type('各乡镇人民政府，县政府各部门：');
    await page.keyboard.press('Enter');
    await page.keyboard.type('现将有关事项通知如下。');
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

  /** Pastes HTML into the focused editor as the clipboard would hand it over from Word or WPS. */
  const paste = (page: Page, html: string) =>
    page.evaluate((h) => {
      const data = new DataTransfer();
      data.setData('text/html', h);
      data.setData('text/plain', '');
      document
        .querySelector('.rte-content')!
        .dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, html);

  /** The stored body of an item's newest edition. */
  const storedBody = async (publicationId: number) =>
    (
      await ctx.db
        .selectFrom('editions')
        .select('body_html')
        .where('publication_id', '=', publicationId)
        .orderBy('number', 'desc')
        .executeTakeFirstOrThrow()
    ).body_html;

  test('the rich-text editor keeps what Word and WPS paste as structure, and puts pictures in as attachments', async () => {
    const page = await newPage();
    page.on('dialog', (d) => d.accept(d.type() === 'prompt' ? '政务公开工作流程图' : undefined));
    await signIn(page, 'editor');
    await page.getByRole('link', { name: '新建信息' }).first().click();
    // a new item has no attachments yet: the toolbar says where pictures come from
    await page.getByText('保存草稿后可插入图片').waitFor();
    await page.locator('#f-title').fill('关于推进政务公开标准化的实施方案');
    await page.getByLabel('体裁分类').selectOption('其他文件');
    await page.getByRole('group', { name: '所属栏目' }).getByLabel('其他文件').check();
    await page.locator('.rte-content').waitFor();
    const body = page.getByRole('textbox', { name: '正文' });
    await body.click();
    await page.getByRole('button', { name: '加粗' }).click();
    await page.keyboard.type('重要提示');
    assert.equal(await page.getByRole('button', { name: '加粗' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('已保存').waitFor();
    const editionUrl = page.url().replace(/\?.*/, '');
    const editionId = Number(/editions\/(\d+)/.exec(editionUrl)![1]);
    const pub = await ctx.db
      .selectFrom('editions')
      .select('publication_id')
      .where('id', '=', editionId)
      .executeTakeFirstOrThrow();
    assert.match(await storedBody(pub.publication_id), /<strong>重要提示<\/strong>/);

    // pasted from Word below what was typed
    await body.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await paste(page, readFileSync(path.join(FIXTURES, 'word-clipboard.html'), 'utf8'));
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('已保存').waitFor();
    const fromWord = await storedBody(pub.publication_id);
    // the heading (h1 → h2), the list as a nested numbered list, the table, the bold; not fonts, colours, classes
    assert.match(fromWord, /<p><strong>重要提示<\/strong><\/p>\s*<h2>一、工作目标<\/h2>/);
    assert.match(fromWord, /<ol>\s*<li>\s*<p>完善公开目录<\/p>\s*<ul>\s*<li>\s*<p>梳理事项清单<\/p>/);
    assert.match(fromWord, /<li>\s*<p>加强政策解读<\/p>/);
    assert.match(fromWord, /<td[^>]*>\s*<p><strong>任务<\/strong><\/p>/);
    assert.match(fromWord, /到<strong>2026年底<\/strong>，全县政务公开标准化水平明显提升。/);
    assert.doesNotMatch(fromWord, /font-family|color:|class=|mso-|o:p|file:|<span|<img/);

    // the whole body replaced by what WPS pastes
    await body.click();
    await page.keyboard.press('Control+A');
    await paste(page, readFileSync(path.join(FIXTURES, 'wps-clipboard.html'), 'utf8'));
    // then a picture: uploaded as an attachment of the edition and shown in place
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: '插入图片' }).click(),
    ]);
    await chooser.setFiles({ name: '流程图.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('.rte-content img').waitFor();
    await page.getByText('已插入图片 流程图.png').waitFor();
    // a file that is not a picture is refused with the server's own message
    const [again] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: '插入图片' }).click(),
    ]);
    await again.setFiles({ name: '伪装.png', mimeType: 'image/png', buffer: Buffer.from('#!/bin/sh\n') });
    await page.getByText(/类型不被接受或与扩展名不符/).waitFor();
    // and a table made with the toolbar
    await page.keyboard.press('Control+End');
    await page.getByRole('button', { name: '插入表格' }).click();
    await page.keyboard.type('表头');
    assert.equal(await page.getByRole('button', { name: '删除表格' }).isEnabled(), true);
    assert.deepEqual(await seriousViolations(page), []);
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('已保存').waitFor();

    const stored = await storedBody(pub.publication_id);
    // WPS: its heading, its bold made with a style, its （一）（二） list as a numbered list
    assert.match(stored, /^<h3>二、保障措施<\/h3>/);
    assert.match(stored, /各单位要<strong>落实主体责任<\/strong>，按时报送。/);
    assert.match(stored, /<ol>\s*<li>\s*<p>加强组织领导<\/p>\s*<\/li>\s*<li>\s*<p>强化督促检查<\/p>/);
    assert.match(stored, /<th[^>]*>\s*<p>表头<\/p>/);
    assert.doesNotMatch(stored, /font-family|color:|class=|mso-|仿宋|<span|重要提示|（一）/);
    // the picture by its file, at the site's public address, with the alt text asked for
    const picture = /<img src="(\/s\/demo\/images\/[0-9a-f]{64})" alt="政务公开工作流程图"/.exec(stored);
    assert.ok(picture, stored);
    assert.equal(
      (await app.inject({ method: 'GET', url: picture[1] })).statusCode,
      404,
      'not public before publication',
    );
    // the reviewer sees it through the edition
    await page.goto(`${editionUrl}/preview`);
    assert.ok(await page.locator('.body img').evaluate((i: HTMLImageElement) => i.naturalWidth > 0));

    await actOnEdition(ctx, await f.actor('editor'), editionId, 'submit');
    await actOnEdition(ctx, await f.actor('reviewer'), editionId, 'approve_review');
    await actOnEdition(ctx, await f.actor('secrecy'), editionId, 'approve_confidentiality');
    await page.goto(`${base}/p/${pub.publication_id}`);
    await page.getByRole('heading', { level: 3, name: '二、保障措施' }).waitFor();
    const shown = page.getByRole('img', { name: '政务公开工作流程图' });
    assert.ok(await shown.evaluate((i: HTMLImageElement) => i.naturalWidth > 0), 'the public page shows the picture');
    assert.equal((await app.inject({ method: 'GET', url: picture[1] })).statusCode, 200);
  });

  test('without JavaScript the body is a plain HTML field, sanitised when saved', async () => {
    const page = await newPage(false);
    await signIn(page, 'editor');
    await page.getByRole('link', { name: '新建信息' }).first().click();
    await page.locator('#f-title').fill('无脚本时的正文');
    await page.getByLabel('体裁分类').selectOption('其他文件');
    await page.getByRole('group', { name: '所属栏目' }).getByLabel('其他文件').check();
    assert.equal(await page.locator('.rte').count(), 0);
    await page.getByLabel('正文').fill('<h2>标题</h2><p onclick="alert(1)">正文<script>alert(2)</script></p>');
    await page.getByRole('button', { name: '保存草稿' }).click();
    await page.getByText('已保存').waitFor();
    const editionId = Number(/editions\/(\d+)/.exec(page.url())![1]);
    const row = await ctx.db
      .selectFrom('editions')
      .select('body_html')
      .where('id', '=', editionId)
      .executeTakeFirstOrThrow();
    assert.equal(row.body_html, '<h2>标题</h2><p>正文</p>');
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

  test('a resident writes to the mailbox, the office assigns and replies, the resident reads and rates the reply; a second browser sees it published', async () => {
    const page = await newPage(false);
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: '互动交流' }).first().click();
    await page.getByRole('link', { name: '我要写信' }).first().click();
    await page.getByLabel('来信类型').selectOption({ label: '建议' });
    await page.getByLabel('标题').fill('建议延长图书馆周末开放时间');
    await page
      .getByLabel('来信内容')
      .fill('县图书馆周末下午五点闭馆，建议延长到晚上八点，方便上班族借阅。我的电话13900002222。');
    await page.getByRole('textbox', { name: /^姓名/ }).fill('周敏');
    await page.getByLabel('联系电话').fill('13900002222');
    await page.getByLabel(/同意公开本信/).check();
    const question = (await page.locator('label[for="f-captcha"]').textContent()) ?? '';
    const digits = '零一二三四五六七八九十';
    const m = /(.)加(.)等于/.exec(question)!;
    await page.getByLabel(/验证问题/).fill(String(digits.indexOf(m[1]) + digits.indexOf(m[2])));
    await page.getByRole('button', { name: '提交来信' }).click();
    await page.getByRole('heading', { name: '来信已提交' }).waitFor();
    const [trackingNo, code] = await page.locator('table.meta td strong').allTextContents();
    assert.match(trackingNo, /^\d{14}$/);

    // the office assigns it and replies, and publishes it without the writer's phone
    const staff = await newPage(false);
    await signIn(staff, 'office');
    await staff.goto(`${base}/admin/letters`);
    await staff.getByRole('link', { name: '建议延长图书馆周末开放时间' }).click();
    await staff.getByLabel('承办单位').selectOption({ label: '青山县财政局' });
    await staff.getByRole('button', { name: '分办' }).click();
    await staff.getByText('已分办').waitFor();
    await staff.getByLabel(/答复内容/).fill('经研究，自下月起县图书馆周末开放时间延长至晚上八点。感谢您的建议。');
    await staff.getByRole('button', { name: '答复', exact: true }).click();
    await staff.getByText('答复已提交').waitFor();

    await page.getByRole('link', { name: '查询办理进度' }).click();
    await page.getByLabel('信件编号').fill(trackingNo);
    await page.getByLabel('查询码').fill(code);
    await page.getByRole('button', { name: '查询' }).click();
    assert.match((await page.locator('main').textContent()) ?? '', /延长至晚上八点/);
    await page.getByLabel('满意', { exact: true }).check();
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('您的评价：满意').waitFor();
    assert.ok(!page.url().includes(code), 'the query code never goes into the address');

    await staff.reload();
    await staff.getByRole('button', { name: '公开来信' }).click();
    await staff.getByText('来信已公开').waitFor();
    const reader = await newPage(false);
    await reader.goto(`${base}/mail/letters`);
    await reader.getByRole('link', { name: '建议延长图书馆周末开放时间' }).click();
    const shown = (await reader.locator('main').textContent()) ?? '';
    assert.match(shown, /延长至晚上八点/);
    assert.match(shown, /周\*/);
    assert.doesNotMatch(shown, /13900002222|周敏/);
  });

  test('the letter form offers the knowledge base’s answers: as the title is typed, and without JavaScript before sending', async () => {
    const live = await newPage(true);
    await live.goto(`${base}/mail/jyj/write`);
    await live.getByLabel('标题').pressSequentially('孩子转学需要办理什么手续');
    const offered = live.locator('#faq-suggest');
    await offered.getByRole('heading', { name: '您的问题可能已有答复' }).waitFor();
    await offered.getByRole('link', { name: /义务教育阶段学生如何办理转学/ }).waitFor();
    assert.equal(await live.locator('input[name=faqSeen]').inputValue(), '1', 'the form need not ask again');

    const plain = await newPage(false);
    await plain.goto(`${base}/mail/jyj/write`);
    await plain.getByLabel('标题').fill('孩子转学需要办理什么手续');
    await plain.getByLabel('来信内容').fill('我家孩子明年要从外县转到本县读小学三年级，想了解需要办理什么手续。');
    await plain.getByRole('textbox', { name: /^姓名/ }).fill('钱多多');
    await plain.getByLabel('联系电话').fill('13700001111');
    const answer = async () => {
      const question = (await plain.locator('label[for="f-captcha"]').textContent()) ?? '';
      const digits = '零一二三四五六七八九十';
      const m = /(.)加(.)等于/.exec(question)!;
      await plain.getByLabel(/验证问题/).fill(String(digits.indexOf(m[1]) + digits.indexOf(m[2])));
    };
    await answer();
    await plain.getByRole('button', { name: '提交来信' }).click();
    await plain.getByRole('heading', { name: '您的问题可能已有答复' }).waitFor();
    await plain.getByText('未发送任何内容').waitFor();
    assert.equal(
      await plain.getByLabel('来信内容').inputValue(),
      '我家孩子明年要从外县转到本县读小学三年级，想了解需要办理什么手续。',
    );
    await answer();
    await plain.getByRole('button', { name: '提交来信' }).click();
    await plain.getByRole('heading', { name: '来信已提交' }).waitFor();
  });

  test('a resident comments on an article of an open draft without JavaScript; once the agency shows it, a second browser reads it', async () => {
    const page = await newPage(false);
    await page.goto(`${base}/mail`);
    await page.getByRole('link', { name: '意见征集' }).first().click();
    await page.getByRole('link', { name: /养犬管理办法/ }).click();
    await page.getByRole('link', { name: '对第六条提意见' }).click();
    assert.equal(await page.locator('#f-articleId option:checked').textContent(), '第六条');
    await page.getByLabel(/意见内容/).fill('建议明确犬链长度不超过1.5米，并在夜间为犬只佩戴反光标识。');
    await page.getByLabel(/姓名/).fill('吴思远');
    const question = (await page.locator('label[for="f-captcha"]').textContent()) ?? '';
    const digits = '零一二三四五六七八九十';
    const m = /(.)加(.)等于/.exec(question)!;
    await page.getByLabel(/验证问题/).fill(String(digits.indexOf(m[1]) + digits.indexOf(m[2])));
    await page.getByRole('button', { name: '提交意见' }).click();
    await page.getByText('意见已提交').waitFor();

    const staff = await newPage(false);
    await signIn(staff, 'office');
    await staff.goto(`${base}/admin/consultations`);
    await staff.getByRole('link', { name: /养犬管理办法/ }).click();
    const item = staff.locator('ol.comments li', { hasText: '犬链长度' });
    await item.getByRole('button', { name: '公开' }).click();
    await staff.getByText('意见已审核').waitFor();

    const reader = await newPage(false);
    await reader.goto(`${base}/consult/2`);
    const shown = (await reader.locator('main').textContent()) ?? '';
    assert.match(shown, /犬链长度不超过1\.5米/);
    assert.match(shown, /吴\*\* · .* · 针对第六条/);
    assert.doesNotMatch(shown, /吴思远/);
  });

  test('a resident answers a survey without JavaScript, once; when the results are published a second browser sees their charts', async () => {
    const digits = '零一二三四五六七八九十';
    const solveOn = async (page: Page) => {
      const m = /(.)加(.)等于/.exec((await page.locator('label[for="f-captcha"]').textContent()) ?? '')!;
      await page.getByLabel(/验证问题/).fill(String(digits.indexOf(m[1]) + digits.indexOf(m[2])));
    };
    const page = await newPage(false);
    await page.goto(`${base}/mail`);
    await page.getByRole('link', { name: '网上调查' }).first().click();
    await page.getByRole('link', { name: /民生实事项目征集调查/ }).click();
    await page.getByRole('link', { name: '参与调查' }).click();
    await solveOn(page);
    await page.getByRole('button', { name: '提交答卷' }).click();
    await page.getByText('此题为必答题').waitFor();
    await page.getByLabel('老旧小区改造').check();
    await page.getByLabel('社区养老服务中心').check();
    await page.getByLabel(/您的其他建议/).fill('希望社区养老服务中心提供助餐服务。');
    await solveOn(page);
    await page.getByRole('button', { name: '提交答卷' }).click();
    await page.getByText('答卷已提交').waitFor();
    await page.goto(`${base}/survey/2/answer`);
    await page.getByText('您已参加过本次调查').waitFor();

    const staff = await newPage(false);
    await signIn(staff, 'office');
    await staff.goto(`${base}/admin/surveys/2`);
    await staff.getByRole('button', { name: '公布调查结果' }).click();
    await staff.getByText('调查结果已公布').waitFor();

    const reader = await newPage(false);
    await reader.goto(`${base}/survey/2`);
    await reader.getByRole('heading', { name: '调查结果' }).waitFor();
    assert.equal(await reader.locator('svg[role="img"]').count(), 1);
    assert.match((await reader.locator('main').textContent()) ?? '', /共收到答卷 25 份/);
    assert.doesNotMatch(
      (await reader.locator('main').textContent()) ?? '',
      /助餐服务/,
      'written answers stay with the agency',
    );
  });

  test('an interview streams a live answer to a second browser without reloading; without JavaScript a refresh shows it', async () => {
    const staff = await newPage();
    await signIn(staff, 'office');
    await staff.goto(`${base}/admin/interviews/2`);
    await staff.getByRole('button', { name: '开始直播' }).click();
    await staff.getByText('直播已开始').waitFor();

    const viewer = await newPage();
    await viewer.goto(`${base}/interviews/2`);
    await viewer.getByText('正在直播，新内容将自动显示。').waitFor();
    const plain = await newPage(false);
    await plain.goto(`${base}/interviews/2`);

    await staff.getByLabel('发言人').selectOption({ label: '县人民医院全科医学科主任 赵磊' });
    await staff.getByLabel(/^内容/).fill('行动不便的老人签约后，家庭医生团队可以按约定上门随访。');
    await staff.getByRole('button', { name: '发布', exact: true }).click();
    await staff.getByText('已发布').first().waitFor();

    // the viewer's page shows it without reloading
    await viewer.locator('ol.stream li', { hasText: '按约定上门随访' }).waitFor({ timeout: 10_000 });
    assert.match((await viewer.locator('ol.stream').textContent()) ?? '', /全科医学科主任 赵磊/);
    // without JavaScript: the page says to refresh, and a refresh shows it
    assert.match((await plain.locator('main').textContent()) ?? '', /刷新本页/);
    await plain.getByRole('link', { name: '刷新查看最新内容' }).click();
    await plain.reload();
    await plain.locator('ol.stream li', { hasText: '按约定上门随访' }).waitFor();

    const ask = await newPage();
    await ask.goto(`${base}/interviews/2/ask`);
    assert.deepEqual(await seriousViolations(ask), [], 'the question form');
    await staff.getByRole('button', { name: '结束访谈' }).click();
    await viewer.getByText('访谈已结束，以上为文字实录。').waitFor({ timeout: 10_000 });
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
      '/mail',
      '/mail/xzxx/write',
      '/mail/status',
      '/mail/letters',
      '/mail/stats',
      '/mail/faq',
      '/consult',
      '/consult/1',
      '/consult/2',
      '/consult/2/comment',
      '/survey',
      '/survey/1',
      '/survey/2',
      '/interviews',
      '/interviews/1',
      '/interviews/2',
      '/survey/2/answer',
      `/mail/faq/${(await ctx.db.selectFrom('faqs').select('id').where('published_at', 'is not', null).executeTakeFirstOrThrow()).id}`,
      `/mail/jyj/write?title=${encodeURIComponent('孩子转学需要办理什么手续')}`,
      '/admin/login',
      '/map',
      '/accessibility',
    ];
    const letter = await ctx.db
      .selectFrom('letters')
      .select('id')
      .where('published_at', 'is not', null)
      .executeTakeFirst();
    if (letter) pages.push(`/mail/letters/${letter.id}`);
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
