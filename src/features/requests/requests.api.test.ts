import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DATABASES } from '../../../test/support/db.ts';
import { PERSON } from '../../../test/support/requests.ts';
import { webSuite } from '../../../test/support/web.ts';
import { createApiToken } from '../../core/auth.ts';
import { shanghaiDate } from '../../core/calendar.ts';

for (const kind of DATABASES) {
  describe(`the 依申请公开 and annual-report API on ${kind}`, () => {
    const w = webSuite(kind);
    const tokens: Record<string, string> = {};
    before(async () => {
      for (const username of ['office', 'editor', 'edu-editor']) {
        const u = await w.ctx.db
          .selectFrom('users')
          .select('id')
          .where('username', '=', username)
          .executeTakeFirstOrThrow();
        tokens[username] = (await createApiToken(w.ctx.db, u.id, '12345 对接')).token;
      }
    });

    const call = (method: 'GET' | 'POST', url: string, who?: string, payload?: unknown) =>
      w.app.inject({
        method,
        url,
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        headers: who ? { authorization: `Bearer ${tokens[who]}` } : {},
      });

    test('a case is registered, read and handled through the API with the pages’ permissions and audit', async () => {
      const today = shanghaiDate(new Date());
      const fields = { ...PERSON, agencyId: w.f.agencies[5].id, channel: 'letter', receivedOn: today };
      assert.equal((await call('POST', '/api/v1/sites/demo/requests', undefined, fields)).statusCode, 401);
      const bad = await call('POST', '/api/v1/sites/demo/requests', 'office', {
        ...fields,
        idNumber: '110105194912310021',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /校验位不正确/);
      const created = await call('POST', '/api/v1/sites/demo/requests', 'office', fields);
      assert.equal(created.statusCode, 201, created.body);
      const { trackingNo, queryCode } = created.json();
      assert.match(queryCode, /^[A-Z0-9]{8,}$/);
      const list = await call('GET', `/api/v1/sites/demo/requests?trackingNo=${trackingNo}`, 'editor');
      assert.equal(list.statusCode, 200);
      const [row] = list.json().items;
      const badStage = await call('GET', '/api/v1/sites/demo/requests?stage=everything', 'editor');
      assert.equal(badStage.statusCode, 400);
      assert.match(badStage.json().message, /办理阶段无效/);
      assert.equal(row.trackingNo, trackingNo);
      // staff of another agency: not in their list, 404 on the case and its actions
      assert.equal(
        (await call('GET', `/api/v1/sites/demo/requests?trackingNo=${trackingNo}`, 'edu-editor')).json().total,
        0,
      );
      assert.equal((await call('GET', `/api/v1/requests/${row.id}`, 'edu-editor')).statusCode, 404);
      assert.equal(
        (await call('POST', `/api/v1/requests/${row.id}/actions/confirm_receipt`, 'edu-editor', { on: today }))
          .statusCode,
        404,
      );
      const detail = await call('GET', `/api/v1/requests/${row.id}`, 'editor');
      assert.equal(detail.statusCode, 200);
      const c = detail.json();
      assert.equal(c.applicant.idNumber, PERSON.idNumber);
      assert.ok(c.deadline.due, 'the statutory clock runs from the day it was received');
      assert.ok(c.actions.includes('request_amendment'));
      const viewed = await w.ctx.db
        .selectFrom('audit_events')
        .select('actor_name')
        .where('action', '=', 'request.view_personal_data')
        .where('entity_id', '=', String(row.id))
        .execute();
      assert.ok(viewed.length >= 1, 'reading the applicant through the API is on record');
      const unknown = await call('POST', `/api/v1/requests/${row.id}/actions/delete_everything`, 'editor', {});
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.json().message, /未知的操作|提交的内容有误/);
      const noDate = await call('POST', `/api/v1/requests/${row.id}/actions/extend`, 'editor', {});
      assert.equal(noDate.statusCode, 400);
      const decided = await call('POST', `/api/v1/requests/${row.id}/actions/decide`, 'editor', {
        on: today,
        outcome: 'granted',
        reason: '',
      });
      assert.equal(decided.statusCode, 200, decided.body);
      assert.match(decided.json().letter, /政府信息公开/);
      const after = (await call('GET', `/api/v1/requests/${row.id}`, 'editor')).json();
      assert.equal(after.outcome, 'granted');
    });

    test('the annual report figures are read with a token, by agency or for the whole site', async () => {
      const year = Number(shanghaiDate(new Date()).slice(0, 4));
      assert.equal((await call('GET', `/api/v1/sites/demo/reports/${year}`)).statusCode, 401);
      const site = await call('GET', `/api/v1/sites/demo/reports/${year}`, 'office');
      assert.equal(site.statusCode, 200, site.body);
      const figures = site.json().figures as Record<string, { value: number | null; source: string }>;
      assert.ok(Object.keys(figures).some((k) => k.startsWith('t3.')));
      const agency = await call('GET', `/api/v1/sites/demo/reports/${year}?agency=${w.f.agencies[5].id}`, 'editor');
      assert.equal(agency.statusCode, 200);
      assert.equal(agency.json().agency.id, w.f.agencies[5].id);
      assert.equal((await call('GET', `/api/v1/sites/demo/reports/1800`, 'office')).statusCode, 400);
      const docs = await w.app.inject({ method: 'GET', url: '/api/docs/json' });
      for (const path of [
        '/api/v1/sites/{site}/requests',
        '/api/v1/requests/{id}/actions/{action}',
        '/api/v1/sites/{site}/reports/{year}',
      ])
        assert.ok(docs.json().paths[path], path);
    });
  });
}
