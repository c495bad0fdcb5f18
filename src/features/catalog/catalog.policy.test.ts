import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Principal } from '../../core/access.ts';
import { canSeeItem, defaultOwner, editionPermissions, listScope, requireDrafter } from './catalog.policy.ts';

const TWO = { sameReviewerAllowed: false };

const member = (roles: Principal['roles'], agencyId: number | null = null): Principal => ({
  userId: 7,
  name: '测试',
  username: 't',
  agencyId,
  siteId: 1,
  roles,
});
const item = { site_id: 1, agency_id: 10, status: 'published' };

test('the office sees the whole site; others the agencies where they hold a role', () => {
  const office = member([{ role: 'office_admin', agencyId: 1, siteId: 1 }]);
  const editor = member([
    { role: 'editor', agencyId: 10, siteId: 1 },
    { role: 'reviewer', agencyId: 11, siteId: 1 },
  ]);
  assert.equal(listScope(office, 1), undefined);
  assert.deepEqual(listScope(editor, 1), [10, 11]);
  assert.equal(canSeeItem(office, item), true);
  assert.equal(canSeeItem(editor, item), true);
  assert.equal(canSeeItem(editor, { ...item, agency_id: 12 }), false);
  assert.equal(canSeeItem(office, { ...item, site_id: 2 }), false, "another site's office sees nothing here");
});

test('an edition offers only what the member may do: the submitter never approves, an editor edits drafts only', () => {
  const editorAndReviewer = member([
    { role: 'editor', agencyId: 10, siteId: 1 },
    { role: 'reviewer', agencyId: 10, siteId: 1 },
  ]);
  const submittedByMe = editionPermissions(
    editorAndReviewer,
    { state: 'submitted', submitted_by: 7, reviewed_by: null },
    item,
    false,
    TWO,
  );
  assert.deepEqual(
    submittedByMe.actions,
    ['withdraw_submission', 'reject_review'],
    'a reviewer does not approve their own submission; as its editor they may take it back',
  );
  const submittedByOther = editionPermissions(
    editorAndReviewer,
    { state: 'submitted', submitted_by: 8, reviewed_by: null },
    item,
    false,
    TWO,
  );
  assert.deepEqual(submittedByOther.actions.sort(), ['approve_review', 'reject_review', 'withdraw_submission']);
  assert.equal(submittedByOther.canEdit, false);
  const draft = editionPermissions(
    editorAndReviewer,
    { state: 'draft', submitted_by: null, reviewed_by: null },
    item,
    false,
    TWO,
  );
  assert.equal(draft.canEdit, true);
  assert.deepEqual(draft.actions, ['submit']);
  const live = editionPermissions(
    editorAndReviewer,
    { state: 'published', submitted_by: 8, reviewed_by: null },
    item,
    false,
    TWO,
  );
  assert.equal(live.canNewEdition, true);
  assert.equal(live.canWithdraw, true);
  assert.equal(
    editionPermissions(editorAndReviewer, { state: 'published', submitted_by: 8, reviewed_by: null }, item, true, TWO)
      .canNewEdition,
    false,
  );
  const secrecy = member([{ role: 'confidentiality_reviewer', agencyId: 10, siteId: 1 }]);
  const liveForSecrecy = editionPermissions(
    secrecy,
    { state: 'published', submitted_by: 8, reviewed_by: null },
    item,
    false,
    TWO,
  );
  assert.deepEqual([liveForSecrecy.canNewEdition, liveForSecrecy.canWithdraw], [false, false]);
});

test('only editors draft; a new draft belongs to their own agency when they draft there', () => {
  assert.throws(
    () => requireDrafter(member([{ role: 'reviewer', agencyId: 10, siteId: 1 }]), '新建信息'),
    /不能新建信息/,
  );
  const twoAgencies = member(
    [
      { role: 'editor', agencyId: 10, siteId: 1 },
      { role: 'editor', agencyId: 11, siteId: 1 },
    ],
    11,
  );
  assert.equal(defaultOwner(twoAgencies), 11);
  assert.equal(defaultOwner({ ...twoAgencies, agencyId: 99 }), 10);
});
