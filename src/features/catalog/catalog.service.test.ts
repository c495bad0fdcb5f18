import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rejects } from '../../../test/support/assert.ts';
import { DATABASES, freshDb, testCtx } from '../../../test/support/db.ts';
import { demoFixture, draftFields, type Fixture } from '../../../test/support/fixture.ts';
import type { Ctx } from '../../core/context.ts';
import { updateSiteSettings } from '../admin/admin.service.ts';
import { saveGazetteIssue } from './catalog.gazette.service.ts';
import { publicPage } from './catalog.read.store.ts';
import {
  actOnEdition,
  changeLiveStatus,
  createDraft,
  publishDue,
  startNewEdition,
  updateDraft,
} from './catalog.service.ts';
import { deskSections } from './catalog.staff.service.ts';

for (const kind of DATABASES) {
  describe(`catalogue workflow on ${kind}`, () => {
    let ctx: Ctx;
    let f: Fixture;
    let close: () => Promise<void>;
    before(async () => {
      const d = await freshDb(kind);
      close = d.close;
      ctx = testCtx(d.db);
      f = await demoFixture(ctx);
    });
    after(() => close());

    const auditCount = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('a draft goes through both reviews to the portal, with a 索引号 and an audit trail', async () => {
      const [editor, reviewer, secrecy] = await Promise.all(['editor', 'reviewer', 'secrecy'].map(f.actor));
      const { publicationId, editionId } = await createDraft(ctx, editor, f.agencies[1].id, draftFields(f));
      assert.equal(await publicPage(ctx.db, f.siteId, publicationId), null, 'a draft is not public');
      await actOnEdition(ctx, editor, editionId, 'submit');
      await actOnEdition(ctx, reviewer, editionId, 'approve_review');
      assert.equal(
        await publicPage(ctx.db, f.siteId, publicationId),
        null,
        'reviewed but not yet cleared is not public',
      );
      const r = await actOnEdition(ctx, secrecy, editionId, 'approve_confidentiality');
      assert.equal(r.state, 'published');
      assert.match(r.indexNo!, new RegExp(`^${f.agencies[1].code}/\\d{4}-\\d{5}$`));
      const page = await publicPage(ctx.db, f.siteId, publicationId);
      assert.ok(page && 'edition' in page);
      assert.equal(page.edition.title, '关于做好2026年冬季安全生产工作的通知');
      assert.equal(page.publication.index_no, r.indexNo);
      const trail = await ctx.db
        .selectFrom('audit_events')
        .select(['action', 'actor_name'])
        .where('entity_type', '=', 'publication')
        .where('entity_id', '=', String(publicationId))
        .orderBy('id')
        .execute();
      assert.deepEqual(
        trail.map((t) => t.action),
        ['publication.create', 'edition.submit', 'edition.approve_review', 'edition.approve_confidentiality'],
      );
      assert.deepEqual(
        trail.map((t) => t.actor_name),
        ['李信息', '李信息', '王审核', '赵保密'],
      );
    });

    test('rejection returns to draft with the reason; the submitter cannot approve; other agencies are refused', async () => {
      const [editor, reviewer, eduReviewer, eduEditor] = await Promise.all(
        ['editor', 'reviewer', 'edu-reviewer', 'edu-editor'].map(f.actor),
      );
      const { editionId } = await createDraft(ctx, editor, f.agencies[1].id, draftFields(f));
      await rejects(createDraft(ctx, eduEditor, f.agencies[1].id, draftFields(f)), 'forbidden');
      await actOnEdition(ctx, editor, editionId, 'submit');
      await rejects(actOnEdition(ctx, eduReviewer, editionId, 'approve_review'), 'forbidden');
      await rejects(actOnEdition(ctx, reviewer, editionId, 'reject_review', {}), 'bad_input');
      await actOnEdition(ctx, reviewer, editionId, 'reject_review', { reason: '发文字号有误' });
      const e = await ctx.db
        .selectFrom('editions')
        .select(['state', 'rejection_reason'])
        .where('id', '=', editionId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(e, { state: 'draft', rejection_reason: '发文字号有误' });
      // a person with both roles who submitted may not approve their own edition
      const both = await f.actor('edu-reviewer');
      both.principal!.roles.push({ role: 'editor', agencyId: f.agencies[3].id, siteId: f.siteId });
      const own = await createDraft(
        ctx,
        both,
        f.agencies[3].id,
        draftFields(f, 3, { columnIds: [f.columns.get('jy')!] }),
      );
      await actOnEdition(ctx, both, own.editionId, 'submit');
      await rejects(actOnEdition(ctx, both, own.editionId, 'approve_review'), 'forbidden');
    });

    test('one person gives both approvals only where the site allows it, and each such approval is on record', async () => {
      const [eduEditor, eduBoth, office] = await Promise.all(['edu-editor', 'edu-reviewer', 'office'].map(f.actor));
      const draft = () =>
        createDraft(ctx, eduEditor, f.agencies[3].id, draftFields(f, 3, { columnIds: [f.columns.get('jy')!] }));
      const { editionId } = await draft();
      await actOnEdition(ctx, eduEditor, editionId, 'submit');
      await actOnEdition(ctx, eduBoth, editionId, 'approve_review');
      await rejects(actOnEdition(ctx, eduBoth, editionId, 'approve_confidentiality'), 'forbidden');
      await updateSiteSettings(ctx, office, f.siteId, { sameReviewerAllowed: true });
      try {
        assert.equal((await actOnEdition(ctx, eduBoth, editionId, 'approve_confidentiality')).state, 'published');
        const approval = await ctx.db
          .selectFrom('audit_events')
          .select('after')
          .where('action', '=', 'edition.approve_confidentiality')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        assert.equal((approval.after as { sameReviewer?: boolean }).sameReviewer, true);
        // the setting never lets the submitter approve
        const both = await f.actor('edu-reviewer');
        both.principal!.roles.push({ role: 'editor', agencyId: f.agencies[3].id, siteId: f.siteId });
        const own = await draft();
        await actOnEdition(ctx, eduEditor, own.editionId, 'submit');
        await actOnEdition(ctx, eduEditor, own.editionId, 'withdraw_submission');
        await actOnEdition(ctx, both, own.editionId, 'submit');
        await rejects(actOnEdition(ctx, both, own.editionId, 'approve_review'), 'forbidden');
      } finally {
        await updateSiteSettings(ctx, office, f.siteId, { sameReviewerAllowed: false });
      }
    });

    test('an editor takes a submission back before review; a returned draft is listed as returned with its reason', async () => {
      const [editor, reviewer, secrecy] = await Promise.all(['editor', 'reviewer', 'secrecy'].map(f.actor));
      const { editionId } = await createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1, { title: '撤回测试' }));
      await actOnEdition(ctx, editor, editionId, 'submit');
      await rejects(actOnEdition(ctx, reviewer, editionId, 'withdraw_submission'), 'forbidden');
      assert.equal((await actOnEdition(ctx, editor, editionId, 'withdraw_submission')).state, 'draft');
      await updateDraft(ctx, editor, editionId, draftFields(f, 1, { title: '撤回后修改' }));
      await actOnEdition(ctx, editor, editionId, 'submit');
      await actOnEdition(ctx, reviewer, editionId, 'approve_review');
      await rejects(actOnEdition(ctx, editor, editionId, 'withdraw_submission'), 'conflict');
      await actOnEdition(ctx, secrecy, editionId, 'reject_confidentiality', { reason: '含有个人信息' });
      const desk = await deskSections(ctx, editor.principal!, f.siteId);
      const returned = desk.find((s) => s.title === '被退回待修改')!;
      assert.deepEqual(
        returned.rows.filter((r) => r.edition_id === editionId).map((r) => [r.title, r.rejection_reason]),
        [['撤回后修改', '含有个人信息']],
      );
      const drafts = desk.find((s) => s.title === '我的草稿')!;
      assert.ok(!drafts.rows.some((r) => r.edition_id === editionId), 'a returned draft is listed once, as returned');
      // a new submission clears the mark
      await actOnEdition(ctx, editor, editionId, 'submit');
      const after = await deskSections(ctx, editor.principal!, f.siteId);
      assert.ok(!after.find((s) => s.title === '被退回待修改')!.rows.some((r) => r.edition_id === editionId));
      assert.ok(after.find((s) => s.title === '已提交待审核')!.rows.some((r) => r.edition_id === editionId));
    });

    test('the issuers default to the publishing agency; joint issuers are exactly those chosen', async () => {
      const editor = await f.actor('editor');
      const own = await createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1, { agencyIds: [] }));
      const issuers = (editionId: number) =>
        ctx.db
          .selectFrom('edition_agencies')
          .select('agency_id')
          .where('edition_id', '=', editionId)
          .orderBy('position')
          .execute()
          .then((rows) => rows.map((r) => r.agency_id));
      assert.deepEqual(await issuers(own.editionId), [f.agencies[1].id]);
      await updateDraft(
        ctx,
        editor,
        own.editionId,
        draftFields(f, 1, { agencyIds: [f.agencies[0].id, f.agencies[2].id] }),
      );
      assert.deepEqual(await issuers(own.editionId), [f.agencies[0].id, f.agencies[2].id]);
      const saved = await ctx.db
        .selectFrom('audit_events')
        .select('after')
        .where('action', '=', 'edition.update')
        .where('entity_id', '=', String(own.publicationId))
        .executeTakeFirstOrThrow();
      assert.deepEqual((saved.after as { changed: string[] }).changed, ['发文机关'], 'the audit names what changed');
    });

    test('invalid input is refused and writes nothing', async () => {
      const editor = await f.actor('editor');
      const before = await auditCount();
      const pubs = Number(
        (
          await ctx.db
            .selectFrom('publications')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      await rejects(createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1, { title: '' })), 'bad_input');
      await rejects(
        createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1, { writtenOn: '2026-02-30' })),
        'bad_input',
      );
      await rejects(
        createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1, { columnIds: [999999] })),
        'bad_input',
      );
      await rejects(
        createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1, { genre: '政策解读', interpretsIds: [] })),
        'bad_input',
      );
      await rejects(
        createDraft(ctx, editor, f.agencies[1].id, draftFields(f, 1, { disclosureMode: 'not_public' })),
        'bad_input',
      );
      assert.equal(await auditCount(), before);
      assert.equal(
        Number(
          (
            await ctx.db
              .selectFrom('publications')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
        pubs,
      );
    });

    test('stored HTML is sanitised', async () => {
      const editor = await f.actor('editor');
      const { editionId } = await createDraft(
        ctx,
        editor,
        f.agencies[1].id,
        draftFields(f, 1, {
          bodyHtml:
            '<p onclick="x()">正文<script>alert(1)</script><a href="javascript:alert(1)">链接</a><img src=x onerror=alert(1)></p>',
        }),
      );
      const e = await ctx.db
        .selectFrom('editions')
        .select(['body_html', 'body_text'])
        .where('id', '=', editionId)
        .executeTakeFirstOrThrow();
      assert.doesNotMatch(e.body_html, /script|onclick|onerror|javascript:/i);
      assert.match(e.body_html, /正文/);
      assert.equal(e.body_text, '正文链接');
    });

    test('索引号 serials are unique per agency and year under concurrent publishing, and never reused', async () => {
      const [editor, reviewer, secrecy] = await Promise.all(['editor', 'reviewer', 'secrecy'].map(f.actor));
      const agency = f.agencies[7];
      const drafts = [];
      for (let i = 0; i < 12; i++) {
        const d = await createDraft(
          ctx,
          editor,
          agency.id,
          draftFields(f, 7, { title: `财政信息 ${i}`, genre: '财政信息', columnIds: [f.columns.get('czzj')!] }),
        );
        await actOnEdition(ctx, editor, d.editionId, 'submit');
        await actOnEdition(ctx, reviewer, d.editionId, 'approve_review');
        drafts.push(d);
      }
      const results = await Promise.all(
        drafts.map((d) => actOnEdition(ctx, secrecy, d.editionId, 'approve_confidentiality')),
      );
      const serials = results.map((r) => Number(r.indexNo!.split('-').at(-1))).sort((a, b) => a - b);
      const year = Number(results[0].indexNo!.split('/')[1].slice(0, 4));
      const before = await ctx.db
        .selectFrom('index_serials')
        .select('last_serial')
        .where('agency_id', '=', agency.id)
        .where('year', '=', year)
        .executeTakeFirstOrThrow();
      assert.equal(new Set(serials).size, 12, 'no serial twice');
      assert.deepEqual(
        serials,
        Array.from({ length: 12 }, (_, i) => before.last_serial - 11 + i),
        'consecutive',
      );
      // unpublishing does not free its number: the next one continues the sequence
      const office = await f.actor('office');
      await changeLiveStatus(ctx, office, drafts[11].publicationId, 'unpublish', { reason: '重复发布' });
      const d = await createDraft(
        ctx,
        editor,
        agency.id,
        draftFields(f, 7, { title: '财政信息 补充', genre: '财政信息', columnIds: [f.columns.get('czzj')!] }),
      );
      await actOnEdition(ctx, editor, d.editionId, 'submit');
      await actOnEdition(ctx, reviewer, d.editionId, 'approve_review');
      const next = await actOnEdition(ctx, secrecy, d.editionId, 'approve_confidentiality');
      assert.equal(Number(next.indexNo!.split('-').at(-1)), before.last_serial + 1);
    });

    test('a new edition needs a change note, keeps the 索引号 and supersedes the live one only when published', async () => {
      const [editor, reviewer, secrecy] = await Promise.all(['editor', 'reviewer', 'secrecy'].map(f.actor));
      const d = await createDraft(ctx, editor, f.agencies[1].id, draftFields(f));
      for (const [a, who] of [
        ['submit', editor],
        ['approve_review', reviewer],
        ['approve_confidentiality', secrecy],
      ] as const)
        await actOnEdition(ctx, who, d.editionId, a);
      const v2 = await startNewEdition(ctx, editor, d.publicationId);
      await rejects(startNewEdition(ctx, editor, d.publicationId), 'conflict');
      await rejects(
        updateDraft(ctx, editor, v2, draftFields(f, 1, { title: '关于做好2026年冬季安全生产工作的通知（修订）' })),
        'bad_input',
      );
      await updateDraft(
        ctx,
        editor,
        v2,
        draftFields(f, 1, { title: '关于做好2026年冬季安全生产工作的通知（修订）', changeNote: '更正联系电话' }),
      );
      let page = await publicPage(ctx.db, f.siteId, d.publicationId);
      assert.ok(page && 'edition' in page);
      assert.equal(page.edition.number, 1, 'the live edition stays up while the new one is in review');
      for (const [a, who] of [
        ['submit', editor],
        ['approve_review', reviewer],
        ['approve_confidentiality', secrecy],
      ] as const)
        await actOnEdition(ctx, who, v2, a);
      page = await publicPage(ctx.db, f.siteId, d.publicationId);
      assert.ok(page && 'edition' in page);
      assert.equal(page.edition.number, 2);
      assert.equal(page.history.length, 2);
      assert.equal(page.history[1].change_note, '更正联系电话');
      const states = await ctx.db
        .selectFrom('editions')
        .select(['number', 'state'])
        .where('publication_id', '=', d.publicationId)
        .orderBy('number')
        .execute();
      assert.deepEqual(states, [
        { number: 1, state: 'superseded' },
        { number: 2, state: 'published' },
      ]);
    });

    test('withdrawal keeps the page with its reason; unpublishing makes it gone; only reviewers and the office may', async () => {
      const [editor, reviewer, secrecy, eduReviewer] = await Promise.all(
        ['editor', 'reviewer', 'secrecy', 'edu-reviewer'].map(f.actor),
      );
      const d = await createDraft(ctx, editor, f.agencies[1].id, draftFields(f));
      for (const [a, who] of [
        ['submit', editor],
        ['approve_review', reviewer],
        ['approve_confidentiality', secrecy],
      ] as const)
        await actOnEdition(ctx, who, d.editionId, a);
      await rejects(changeLiveStatus(ctx, editor, d.publicationId, 'withdraw', { reason: '错误' }), 'forbidden');
      await rejects(changeLiveStatus(ctx, eduReviewer, d.publicationId, 'withdraw', { reason: '错误' }), 'forbidden');
      await changeLiveStatus(ctx, reviewer, d.publicationId, 'withdraw', { reason: '数据有误，待更正' });
      const page = await publicPage(ctx.db, f.siteId, d.publicationId);
      assert.ok(page && 'edition' in page);
      assert.equal(page.publication.status, 'withdrawn');
      assert.equal(page.publication.status_reason, '数据有误，待更正');
      await rejects(changeLiveStatus(ctx, reviewer, d.publicationId, 'withdraw', { reason: '再次' }), 'conflict');
      await changeLiveStatus(ctx, reviewer, d.publicationId, 'unpublish', { reason: '已由新文件替代' });
      assert.deepEqual(await publicPage(ctx.db, f.siteId, d.publicationId), { gone: '已由新文件替代' });
    });

    test('a scheduled edition is published by the sweep when its time comes, once', async () => {
      const [editor, reviewer, secrecy] = await Promise.all(['editor', 'reviewer', 'secrecy'].map(f.actor));
      const d = await createDraft(
        ctx,
        editor,
        f.agencies[1].id,
        draftFields(f, 1, { scheduledAt: '2099-01-01T09:00' }),
      );
      for (const [a, who] of [
        ['submit', editor],
        ['approve_review', reviewer],
      ] as const)
        await actOnEdition(ctx, who, d.editionId, a);
      const r = await actOnEdition(ctx, secrecy, d.editionId, 'approve_confidentiality');
      assert.equal(r.state, 'scheduled');
      assert.equal(await publishDue(ctx), 0);
      const later = { ...ctx, now: () => new Date('2099-01-01T01:00:01Z') };
      const [a, b] = await Promise.all([publishDue(later), publishDue(later)]);
      assert.equal(a + b, 1, 'published exactly once');
      const page = await publicPage(ctx.db, f.siteId, d.publicationId);
      assert.ok(page && 'edition' in page);
      assert.match(page.publication.index_no!, /\/2099-00001$/);
    });

    test('interpretations link both ways; gazette issues list their documents', async () => {
      const [editor, reviewer, secrecy, office] = await Promise.all(
        ['editor', 'reviewer', 'secrecy', 'office'].map(f.actor),
      );
      const publish = async (fields: Record<string, unknown>) => {
        const d = await createDraft(ctx, editor, f.agencies[0].id, draftFields(f, 0, fields));
        for (const [a, who] of [
          ['submit', editor],
          ['approve_review', reviewer],
          ['approve_confidentiality', secrecy],
        ] as const)
          await actOnEdition(ctx, who, d.editionId, a);
        return d.publicationId;
      };
      const policy = await publish({
        title: '青山县养老服务补贴管理办法',
        genre: '行政规范性文件',
        columnIds: [f.columns.get('gfxwj')!],
      });
      const interp = await publish({
        title: '《青山县养老服务补贴管理办法》图解',
        genre: '政策解读',
        interpretsIds: [policy],
        interpretationKind: 'graphic',
        columnIds: [f.columns.get('zcjd')!],
      });
      const p = await publicPage(ctx.db, f.siteId, policy);
      const i = await publicPage(ctx.db, f.siteId, interp);
      assert.ok(p && 'edition' in p && i && 'edition' in i);
      assert.deepEqual(p.interpretations, [
        { id: interp, title: '《青山县养老服务补贴管理办法》图解', kind: 'graphic' },
      ]);
      assert.deepEqual(i.interprets, [{ id: policy, title: '青山县养老服务补贴管理办法' }]);
      await rejects(
        saveGazetteIssue(ctx, editor, f.siteId, { year: 2026, number: 12, issueDate: '2026-12-28', entries: [] }),
        'forbidden',
      );
      const issueId = await saveGazetteIssue(ctx, office, f.siteId, {
        year: 2026,
        number: 12,
        issueDate: '2026-12-28',
        published: true,
        entries: [{ section: '县政府文件', title: '青山县养老服务补贴管理办法', publicationId: policy }],
      });
      const entries = await ctx.db
        .selectFrom('gazette_entries')
        .select(['title', 'publication_id'])
        .where('issue_id', '=', issueId)
        .execute();
      assert.deepEqual(entries, [{ title: '青山县养老服务补贴管理办法', publication_id: policy }]);
    });
  });
}
