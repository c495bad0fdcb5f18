import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Principal } from '../../core/access.ts';
import { actionsFor, canSee, requireActor, requireRegistrar } from './requests.policy.ts';

const member = (roles: Principal['roles']): Principal => ({
  userId: 3,
  name: '测试',
  username: 't',
  agencyId: null,
  siteId: 1,
  roles,
});
const request = { site_id: 1, agency_id: 20 };

test("a case is seen by its agency's staff and the office, handled by its editors, extended with a reviewer's approval", () => {
  const editor = member([{ role: 'editor', agencyId: 20, siteId: 1 }]);
  const reviewer = member([{ role: 'reviewer', agencyId: 20, siteId: 1 }]);
  const office = member([{ role: 'office_admin', agencyId: 1, siteId: 1 }]);
  const stranger = member([{ role: 'editor', agencyId: 21, siteId: 1 }]);
  assert.deepEqual(
    [editor, reviewer, office, stranger].map((p) => canSee(p, request)),
    [true, true, true, false],
  );
  assert.deepEqual(actionsFor(editor, request, ['decide', 'extend']), ['decide']);
  assert.deepEqual(actionsFor(reviewer, request, ['decide', 'extend']), ['extend']);
  assert.deepEqual(actionsFor(office, request, ['decide', 'extend']), ['decide', 'extend']);
  assert.throws(() => requireActor(editor, request, 'extend'), /延期答复须经/);
  assert.throws(() => requireActor(reviewer, request, 'decide'), /只有承办机构的信息员/);
  assert.doesNotThrow(() => requireActor(office, request, 'extend'));
  assert.throws(() => requireRegistrar(stranger, 1, 20), /登记申请/);
  assert.doesNotThrow(() => requireRegistrar(editor, 1, 20));
});
