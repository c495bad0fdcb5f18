import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DATABASES, freshDb, testConfig, testCtx } from '../../../test/support/db.ts';
import { demoFixture, type Fixture } from '../../../test/support/fixture.ts';
import { csrfFrom, get, Jar, login, post } from '../../../test/support/http.ts';
import { buildApp } from '../../app.ts';
import { apiTokenUser, createApiToken } from '../../core/auth.ts';
import type { Ctx } from '../../core/context.ts';

const agencyForm = (extra: Record<string, string> = {}) => ({
  name: '青山县林业局',
  kind: 'department',
  code: '00000099-1',
  sort: '50',
  officeName: '青山县林业局办公室',
  officeAddress: '青山县林苑路 8 号',
  officeHours: '工作日 8:30-12:00，14:30-17:30',
  officePhone: '0591-12345678',
  officeFax: '0591-12345679',
  officeEmail: 'ly@qingshan.gov.cn',
  officePostcode: '350100',
  guideText: '本机构依申请公开的受理地址见上。',
  ...extra,
});

for (const kind of DATABASES) {
  describe(`back-office management on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let app: FastifyInstance;
    let close: () => Promise<void>;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db, testConfig({ LOGIN_PER_MINUTE: '1000', REQUESTS_PER_MINUTE: '100000' }));
      f = await demoFixture(ctx, 4);
      app = await buildApp(ctx);
    });
    after(async () => {
      await app.close();
      await close();
    });

    const lastAudit = (action: string) =>
      ctx.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', action)
        .orderBy('id', 'desc')
        .executeTakeFirst();

    test('only the office and platform admins reach the management pages; others get 403 and change nothing', async () => {
      const editor = await login(app, 'editor');
      const reviewer = await login(app, 'reviewer');
      for (const { jar, csrf } of [editor, reviewer]) {
        for (const url of [
          '/admin/site',
          '/admin/agencies',
          '/admin/users',
          '/admin/columns',
          '/admin/gazette',
          '/admin/audit',
        ]) {
          const res = await get(app, jar, url);
          assert.equal(res.statusCode, 403, url);
          assert.match(res.body, /政务公开办管理员/);
        }
        assert.equal((await get(app, jar, '/admin/sites')).statusCode, 403);
        const res = await post(app, jar, '/admin/agencies', agencyForm({ name: '越权机构' }), csrf);
        assert.equal(res.statusCode, 403);
        const created = await post(app, jar, '/admin/sites', { code: 'evil', name: '越权站点' }, csrf);
        assert.equal(created.statusCode, 403);
      }
      const rows = await ctx.db.selectFrom('agencies').select('id').where('name', '=', '越权机构').execute();
      assert.equal(rows.length, 0);
      assert.equal((await ctx.db.selectFrom('sites').select('id').where('code', '=', 'evil').execute()).length, 0);
      // the menu shows only what the role may use
      const home = await get(app, editor.jar, '/admin');
      assert.doesNotMatch(home.body, /href="\/admin\/users"/);
      const office = await login(app, 'office');
      assert.match((await get(app, office.jar, '/admin')).body, /href="\/admin\/users"/);
      // without a session, a GET goes to the login page and a POST is refused
      const anon = new Jar();
      assert.equal((await get(app, anon, '/admin/agencies')).statusCode, 303);
      assert.equal((await post(app, anon, '/admin/agencies', agencyForm(), 'x')).statusCode, 401);
    });

    test('the office adds and edits an agency; its disclosure guide shows the new details', async () => {
      const { jar, csrf } = await login(app, 'office');
      const form = await get(app, jar, '/admin/agencies/new');
      assert.equal(form.statusCode, 200);
      const res = await post(app, jar, '/admin/agencies', agencyForm({ parentId: String(f.agencies[0].id) }), csrf);
      assert.equal(res.statusCode, 303);
      const id = Number(/\/admin\/agencies\/(\d+)/.exec(res.headers.location as string)?.[1]);
      const row = await ctx.db.selectFrom('agencies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.code, '00000099-1');
      assert.equal(row.parent_id, f.agencies[0].id);
      assert.equal((await lastAudit('agency.create'))?.entity_id, String(id));

      const edited = await post(
        app,
        jar,
        `/admin/agencies/${id}`,
        agencyForm({ officePhone: '0591-87654321', parentId: '' }),
        csrf,
      );
      assert.equal(edited.statusCode, 303);
      const guide = await get(app, new Jar(), `/agencies/${id}/guide`);
      assert.match(guide.body, /0591-87654321/);
      assert.match(guide.body, /青山县林苑路 8 号/);
      const audit = await lastAudit('agency.update');
      assert.equal((audit!.before as { office_phone: string }).office_phone, '0591-12345678');

      // bad input: Chinese messages next to the fields, what was typed kept, nothing written
      const bad = await post(
        app,
        jar,
        `/admin/agencies/${id}`,
        agencyForm({ code: 'abc', officePostcode: '12' }),
        csrf,
      );
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /机构代码应为 9 位组织机构代码或 18 位统一社会信用代码/);
      assert.match(bad.body, /邮政编码应为 6 位数字/);
      assert.match(bad.body, /value="青山县林业局办公室"/);
      // a name or code already used is a conflict; an agency may not be its own ancestor
      const dup = await post(app, jar, '/admin/agencies', agencyForm({ code: '00000098-1' }), csrf);
      assert.equal(dup.statusCode, 409);
      assert.match(dup.body, /已存在/);
      const child = await post(
        app,
        jar,
        '/admin/agencies',
        agencyForm({ name: '林业站', code: '00000097-1', parentId: String(id) }),
        csrf,
      );
      const childId = Number(/\/admin\/agencies\/(\d+)/.exec(child.headers.location as string)?.[1]);
      const cycle = await post(app, jar, `/admin/agencies/${id}`, agencyForm({ parentId: String(childId) }), csrf);
      assert.equal(cycle.statusCode, 400);
      assert.match(cycle.body, /不能把机构设为它自己的下级/);
      assert.equal(
        (await ctx.db.selectFrom('agencies').select('code').where('id', '=', id).executeTakeFirstOrThrow()).code,
        '00000099-1',
      );
      // an unknown or malformed id is 404
      assert.equal((await get(app, jar, '/admin/agencies/999999')).statusCode, 404);
      assert.equal((await get(app, jar, '/admin/agencies/abc')).statusCode, 404);
    });

    test('the office creates a staff account with roles; it signs in and acts only where it holds a role', async () => {
      const { jar, csrf } = await login(app, 'office');
      const edu = f.agencies[3];
      const res = await post(
        app,
        jar,
        '/admin/users',
        {
          username: 'zhang.san',
          name: '张三',
          phone: '13800000000',
          agencyId: String(edu.id),
          password: 'zhangsan-pass-1',
          'role.editor': [String(edu.id)],
          'role.reviewer': [String(edu.id), String(f.agencies[4].id)],
        },
        csrf,
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const user = await ctx.db
        .selectFrom('users')
        .selectAll()
        .where('username', '=', 'zhang.san')
        .executeTakeFirstOrThrow();
      assert.match(user.password_hash, /^\$argon2id\$/);
      const roles = await ctx.db.selectFrom('user_roles').selectAll().where('user_id', '=', user.id).execute();
      assert.equal(roles.length, 3);
      const audit = await lastAudit('user.create');
      assert.doesNotMatch(JSON.stringify(audit?.after), /zhangsan-pass-1/);

      const list = await get(app, jar, '/admin/users');
      assert.match(list.body, /张三/);
      const zs = await login(app, 'zhang.san', 'zhangsan-pass-1');
      assert.equal((await get(app, zs.jar, '/admin/publications/new')).statusCode, 200);

      // the username must be new; the password long enough; roles only in this site's agencies
      const dup = await post(
        app,
        jar,
        '/admin/users',
        { username: 'zhang.san', name: '张三二', password: 'another-pass-1' },
        csrf,
      );
      assert.equal(dup.statusCode, 409);
      assert.match(dup.body, /已被使用/);
      const short = await post(app, jar, '/admin/users', { username: 'li.si', name: '李四', password: 'short' }, csrf);
      assert.equal(short.statusCode, 400);
      assert.match(short.body, /密码至少 10 位/);
      const foreign = await post(
        app,
        jar,
        '/admin/users',
        { username: 'li.si', name: '李四', password: 'lisi-pass-12', 'role.editor': '999999' },
        csrf,
      );
      assert.equal(foreign.statusCode, 400);
      assert.match(foreign.body, /不属于本站点/);
      assert.equal((await ctx.db.selectFrom('users').select('id').where('username', '=', 'li.si').execute()).length, 0);

      // deactivation ends the member's sessions at once and blocks new sign-ins
      const off = await post(
        app,
        jar,
        `/admin/users/${user.id}`,
        {
          name: '张三',
          phone: '13800000000',
          agencyId: String(edu.id),
          active: 'off',
          'role.editor': [String(edu.id)],
        },
        csrf,
      );
      assert.equal(off.statusCode, 303);
      assert.equal((await get(app, zs.jar, '/admin')).statusCode, 303);
      const again = new Jar();
      const page = await get(app, again, '/admin/login');
      const refused = await post(
        app,
        again,
        '/admin/login',
        { username: 'zhang.san', password: 'zhangsan-pass-1' },
        csrfFrom(page.body),
      );
      assert.equal(refused.statusCode, 401);
      assert.equal((await lastAudit('user.deactivate'))?.entity_id, String(user.id));
      const after = await ctx.db.selectFrom('user_roles').select('role').where('user_id', '=', user.id).execute();
      assert.deepEqual(
        after.map((r) => r.role),
        ['editor'],
      );
    });

    test('a password reset by the office lifts a lock and ends sessions; one changes one own password', async () => {
      const { jar, csrf } = await login(app, 'office');
      const reviewerId = (
        await ctx.db.selectFrom('users').select('id').where('username', '=', 'edu-reviewer').executeTakeFirstOrThrow()
      ).id;
      const member = await login(app, 'edu-reviewer', 'edu-password-1');
      const { token } = await createApiToken(ctx.db, reviewerId, '脚本');
      assert.equal(await apiTokenUser(ctx.db, token), reviewerId);
      // the member's logins are paused from where they are (five wrong passwords)
      await ctx.db
        .insertInto('login_failures')
        .values({ username: 'edu-reviewer', ip: '127.0.0.1', locks: 1, locked_until: new Date(Date.now() + 3600_000) })
        .execute();
      const users = await get(app, jar, '/admin/users');
      assert.match(users.body, /已锁定至/, "the office's list shows the paused account");
      const mismatch = await post(
        app,
        jar,
        `/admin/users/${reviewerId}/password`,
        { password: 'new-password-22', confirm: 'new-password-23' },
        csrf,
      );
      assert.equal(mismatch.statusCode, 400);
      assert.match(mismatch.body, /两次输入的密码不一致/);
      const ok = await post(
        app,
        jar,
        `/admin/users/${reviewerId}/password`,
        { password: 'new-password-22', confirm: 'new-password-22' },
        csrf,
      );
      assert.equal(ok.statusCode, 303);
      assert.equal((await get(app, member.jar, '/admin')).statusCode, 303, 'the old session has ended');
      assert.equal(await apiTokenUser(ctx.db, token), null, 'and so has the API token made with the old password');
      const relogged = await login(app, 'edu-reviewer', 'new-password-22');
      const second = await createApiToken(ctx.db, reviewerId, '脚本二');

      // one's own password: the current one is needed; other sessions end, this one stays
      const other = await login(app, 'edu-reviewer', 'new-password-22');
      const wrong = await post(
        app,
        relogged.jar,
        '/admin/account/password',
        { current: 'not-it-at-all', password: 'newest-password-3', confirm: 'newest-password-3' },
        relogged.csrf,
      );
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /原密码不正确/);
      const changed = await post(
        app,
        relogged.jar,
        '/admin/account/password',
        { current: 'new-password-22', password: 'newest-password-3', confirm: 'newest-password-3' },
        relogged.csrf,
      );
      assert.equal(changed.statusCode, 303);
      assert.equal((await get(app, relogged.jar, '/admin')).statusCode, 200);
      assert.equal((await get(app, other.jar, '/admin')).statusCode, 303);
      assert.equal(await apiTokenUser(ctx.db, second.token), null, "one's own new password ends one's tokens too");
      await login(app, 'edu-reviewer', 'newest-password-3');
    });

    test('the office cannot lock itself out, touch a platform admin, or grant the platform role', async () => {
      const { jar, csrf } = await login(app, 'office');
      const officeUser = await ctx.db
        .selectFrom('users')
        .select(['id', 'agency_id'])
        .where('username', '=', 'office')
        .executeTakeFirstOrThrow();
      const self = await post(
        app,
        jar,
        `/admin/users/${officeUser.id}`,
        {
          name: '陈公开',
          agencyId: String(officeUser.agency_id),
          active: 'off',
          'role.office_admin': String(officeUser.agency_id),
        },
        csrf,
      );
      assert.equal(self.statusCode, 400);
      assert.match(self.body, /不能停用自己的账号/);
      const demote = await post(
        app,
        jar,
        `/admin/users/${officeUser.id}`,
        { name: '陈公开', agencyId: String(officeUser.agency_id), active: 'on' },
        csrf,
      );
      assert.equal(demote.statusCode, 400);
      assert.match(demote.body, /不能取消自己的政务公开办管理员角色/);

      const admin = await ctx.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'admin')
        .executeTakeFirstOrThrow();
      const touch = await post(
        app,
        jar,
        `/admin/users/${admin.id}/password`,
        { password: 'x'.repeat(12), confirm: 'x'.repeat(12) },
        csrf,
      );
      assert.ok(touch.statusCode === 403 || touch.statusCode === 404, String(touch.statusCode));
      const grant = await post(
        app,
        jar,
        '/admin/users',
        { username: 'wang.wu', name: '王五', password: 'wangwu-pass-1', platformAdmin: ['off', 'on'] },
        csrf,
      );
      assert.equal(grant.statusCode, 403);
      assert.equal(
        (await ctx.db.selectFrom('users').select('id').where('username', '=', 'wang.wu').execute()).length,
        0,
      );
    });

    test('the office manages the column tree: new, edit, hide; the portal follows', async () => {
      const { jar, csrf } = await login(app, 'office');
      const res = await post(
        app,
        jar,
        '/admin/columns',
        {
          name: '农村集体经济',
          slug: 'ncjtjj',
          kind: 'key_area',
          parentId: String(f.columns.get('zdly')),
          sort: '5',
          visible: ['off', 'on'],
        },
        csrf,
      );
      assert.equal(res.statusCode, 303);
      const id = Number(/\/admin\/columns\/(\d+)/.exec(res.headers.location as string)?.[1]);
      const page = await get(app, new Jar(), '/c/ncjtjj');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /农村集体经济/);
      assert.match((await get(app, new Jar(), '/')).body, /农村集体经济/);

      const hidden = await post(
        app,
        jar,
        `/admin/columns/${id}`,
        {
          name: '农村集体经济',
          slug: 'ncjtjj',
          kind: 'key_area',
          parentId: String(f.columns.get('zdly')),
          sort: '5',
          visible: 'off',
        },
        csrf,
      );
      assert.equal(hidden.statusCode, 303);
      assert.equal((await get(app, new Jar(), '/c/ncjtjj')).statusCode, 404);

      const taken = await post(app, jar, '/admin/columns', { name: '重复', slug: 'tzgg', kind: 'notice' }, csrf);
      assert.equal(taken.statusCode, 409);
      assert.match(taken.body, /已被使用/);
      const badSlug = await post(app, jar, '/admin/columns', { name: '坏路径', slug: '通知', kind: 'notice' }, csrf);
      assert.equal(badSlug.statusCode, 400);
      assert.match(badSlug.body, /栏目路径只能包含小写字母、数字和连字符/);
      const cycle = await post(
        app,
        jar,
        `/admin/columns/${f.columns.get('zdly')}`,
        { name: '重点领域', slug: 'zdly', kind: 'key_area', parentId: String(id) },
        csrf,
      );
      assert.equal(cycle.statusCode, 400);
      assert.match(cycle.body, /不能把栏目移到它自己的下级/);
      const list = await get(app, jar, '/admin/columns');
      assert.match(list.body, /农村集体经济/);
      assert.match(list.body, /隐藏/);
    });

    test('the office publishes a gazette issue with its contents; unpublished issues stay private', async () => {
      const { jar, csrf } = await login(app, 'office');
      const pub = await ctx.db
        .selectFrom('publications')
        .select('id')
        .where('status', '=', 'published')
        .where('site_id', '=', f.siteId)
        .executeTakeFirstOrThrow();
      const form = await get(app, jar, '/admin/gazette/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<datalist id="gazette-publications">/);
      const fields = {
        year: '2026',
        number: '11',
        totalNumber: '115',
        issueDate: '2026-11-20',
        published: 'off',
        'entries.0.section': '县政府文件',
        'entries.0.title': '青山县人民政府关于公布行政规范性文件清理结果的决定',
        'entries.0.publicationId': String(pub.id),
        'entries.1.section': '',
        'entries.1.title': '',
        'entries.1.publicationId': '',
        'entries.2.section': '人事任免',
        'entries.2.title': '青山县人民政府关于张三等同志职务任免的通知',
        'entries.2.publicationId': '',
      };
      const res = await post(app, jar, '/admin/gazette', fields, csrf);
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const id = Number(/\/admin\/gazette\/(\d+)/.exec(res.headers.location as string)?.[1]);
      const entries = await ctx.db
        .selectFrom('gazette_entries')
        .selectAll()
        .where('issue_id', '=', id)
        .orderBy('position')
        .execute();
      assert.deepEqual(
        entries.map((e) => [e.section, e.publication_id]),
        [
          ['县政府文件', pub.id],
          ['人事任免', null],
        ],
      );
      assert.equal((await get(app, new Jar(), `/gazette/${id}`)).statusCode, 404, 'not yet published');

      const published = await post(app, jar, `/admin/gazette/${id}`, { ...fields, published: ['off', 'on'] }, csrf);
      assert.equal(published.statusCode, 303);
      const page = await get(app, new Jar(), `/gazette/${id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /职务任免/);
      assert.match(page.body, new RegExp(`/p/${pub.id}`));
      assert.match((await get(app, new Jar(), '/gazette?year=2026')).body, /2026年第11期（总第115期）/);

      // the same year and number twice is a conflict; a link to nothing is refused; nothing changes
      const dup = await post(app, jar, '/admin/gazette', fields, csrf);
      assert.equal(dup.statusCode, 409);
      assert.match(dup.body, /2026年第11期公报已存在/);
      const badLink = await post(
        app,
        jar,
        `/admin/gazette/${id}`,
        { ...fields, 'entries.0.publicationId': '99999999' },
        csrf,
      );
      assert.equal(badLink.statusCode, 400);
      assert.match(badLink.body, /关联的信息编号不存在/);
      const noDate = await post(app, jar, `/admin/gazette/${id}`, { ...fields, issueDate: '2026-02-30' }, csrf);
      assert.equal(noDate.statusCode, 400);
      assert.match(noDate.body, /出版日期不是有效日期/);
      assert.equal(
        (await ctx.db.selectFrom('gazette_entries').select('id').where('issue_id', '=', id).execute()).length,
        2,
      );
      assert.match((await get(app, jar, '/admin/gazette')).body, /2026年第11期/);
    });

    test('site settings: the interpretation limit and host names are the office’s to set', async () => {
      const { jar, csrf } = await login(app, 'office');
      const res = await post(
        app,
        jar,
        '/admin/site',
        { name: '青山县人民政府', hosts: 'www.qingshan.gov.cn qingshan.gov.cn', interpretationDays: '5' },
        csrf,
      );
      assert.equal(res.statusCode, 303);
      assert.match((await get(app, jar, '/admin/interpretations')).body, /发布超过 5 个工作日/);
      const bad = await post(app, jar, '/admin/site', { name: '', hosts: 'bad host!', interpretationDays: '0' }, csrf);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /请填写站点名称/);
      assert.match(bad.body, /域名格式无效/);
      assert.match(bad.body, /解读时限至少 1 个工作日/);
      // the site answers on its new host name
      const home = await app.inject({ method: 'GET', url: '/', headers: { host: 'qingshan.gov.cn' } });
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /青山县人民政府/);
      const audit = await lastAudit('site.update');
      assert.deepEqual((audit!.after as { hosts: string[] }).hosts, ['www.qingshan.gov.cn', 'qingshan.gov.cn']);
    });

    test('a platform admin creates a second site and manages it; its office sees only its own site', async () => {
      const admin = await login(app, 'admin');
      const res = await post(
        app,
        admin.jar,
        '/admin/sites',
        { code: 'dongshan', name: '东山县人民政府', hosts: 'dongshan.gov.cn' },
        admin.csrf,
      );
      assert.equal(res.statusCode, 303, res.body.slice(0, 200));
      const site = await ctx.db
        .selectFrom('sites')
        .selectAll()
        .where('code', '=', 'dongshan')
        .executeTakeFirstOrThrow();
      // the new site is now the one managed: an agency created goes there
      const agency = await post(
        app,
        admin.jar,
        '/admin/agencies',
        agencyForm({ name: '东山县人民政府办公室', code: '00000200-1', kind: 'office' }),
        admin.csrf,
      );
      assert.equal(agency.statusCode, 303);
      const row = await ctx.db
        .selectFrom('agencies')
        .selectAll()
        .where('code', '=', '00000200-1')
        .executeTakeFirstOrThrow();
      assert.equal(row.site_id, site.id);
      const officeRes = await post(
        app,
        admin.jar,
        '/admin/users',
        {
          username: 'ds.office',
          name: '东山公开办',
          agencyId: String(row.id),
          password: 'dongshan-pass-1',
          'role.office_admin': String(row.id),
        },
        admin.csrf,
      );
      assert.equal(officeRes.statusCode, 303);
      // the site answers under its prefix and its host name
      assert.equal((await get(app, new Jar(), '/s/dongshan/')).statusCode, 200);
      const byHost = await app.inject({ method: 'GET', url: '/agencies', headers: { host: 'dongshan.gov.cn' } });
      assert.match(byHost.body, /东山县人民政府办公室/);

      // the 东山 office sees its own agencies only, and cannot reach the 青山 ones
      const ds = await login(app, 'ds.office', 'dongshan-pass-1');
      const list = await get(app, ds.jar, '/admin/agencies');
      assert.match(list.body, /东山县人民政府办公室/);
      assert.doesNotMatch(list.body, /青山县教育局/);
      assert.equal((await get(app, ds.jar, `/admin/agencies/${f.agencies[3].id}`)).statusCode, 404);
      const edit = await post(app, ds.jar, `/admin/agencies/${f.agencies[3].id}`, agencyForm(), ds.csrf);
      assert.equal(edit.statusCode, 404);
      const qsUser = await ctx.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'editor')
        .executeTakeFirstOrThrow();
      assert.equal((await get(app, ds.jar, `/admin/users/${qsUser.id}`)).statusCode, 404);
      // a site admin cannot pick another site with the platform admin's cookie
      ds.jar.cookies.set('gk_admin_site', String(f.siteId));
      assert.doesNotMatch((await get(app, ds.jar, '/admin/agencies')).body, /青山县教育局/);
      // the platform admin switches back
      const sw = await post(app, admin.jar, `/admin/sites/${f.siteId}/use`, {}, admin.csrf);
      assert.equal(sw.statusCode, 303);
      assert.match((await get(app, admin.jar, '/admin/agencies')).body, /青山县教育局/);
      // a site code already used, or malformed, is refused
      const dup = await post(app, admin.jar, '/admin/sites', { code: 'dongshan', name: '重复' }, admin.csrf);
      assert.equal(dup.statusCode, 409);
      const bad = await post(app, admin.jar, '/admin/sites', { code: 'Bad Code', name: '坏代码' }, admin.csrf);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /站点代码只能包含小写字母、数字和连字符/);
    });

    test('the audit log filters by action, actor, agency and date, and shows what changed', async () => {
      const { jar } = await login(app, 'office');
      const all = await get(app, jar, '/admin/audit');
      assert.equal(all.statusCode, 200);
      assert.match(all.body, /原始记录/);
      const byAction = await get(app, jar, '/admin/audit?action=agency.');
      assert.match(byAction.body, /新建机构“[^”]+”/);
      assert.doesNotMatch(byAction.body, /提交信息《/);
      assert.match(
        byAction.body,
        /<option value="agency\." selected="">机构<\/option>|<option value="agency\." selected>机构<\/option>/,
      );
      const future = await get(app, jar, '/admin/audit?from=2100-01-01');
      assert.match(future.body, /没有符合条件的记录/);
      const junk = await get(app, jar, '/admin/audit?from=yesterday&page=-3&agencyId=x');
      assert.equal(junk.statusCode, 200);
      const login2 = await get(app, jar, '/admin/audit?action=login');
      assert.match(login2.body, /陈公开/, 'sign-ins are in the site log');
    });
  });
}
