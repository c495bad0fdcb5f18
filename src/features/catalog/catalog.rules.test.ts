import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { AppError } from '../../core/errors.ts';
import {
  AGENCY_CODE_PATTERN,
  assertEditable,
  assertLiveAction,
  availableActions,
  type EditionAction,
  formatIndexNo,
  INDEX_NO_PATTERN,
  nextState,
} from './catalog.rules.ts';

const now = new Date('2026-03-02T02:00:00Z');
/** A site where the two approvals need two people (the default). */
const TWO = { sameReviewerAllowed: false };
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as AppError).code;
  }
  return 'ok';
};

test('the full path: draft → submitted → reviewed → published', () => {
  let s = nextState({ state: 'draft', submittedBy: null, reviewedBy: null }, 'submit', 1, now, null, TWO);
  assert.equal(s, 'submitted');
  s = nextState({ state: s, submittedBy: 1, reviewedBy: null }, 'approve_review', 2, now, null, TWO);
  assert.equal(s, 'reviewed');
  s = nextState({ state: s, submittedBy: 1, reviewedBy: null }, 'approve_confidentiality', 3, now, null, TWO);
  assert.equal(s, 'published');
});

test('a future publication time schedules instead of publishing; a past one publishes', () => {
  const later = new Date(now.getTime() + 3600_000);
  assert.equal(
    nextState({ state: 'reviewed', submittedBy: 1, reviewedBy: null }, 'approve_confidentiality', 3, now, later, TWO),
    'scheduled',
  );
  const earlier = new Date(now.getTime() - 1);
  assert.equal(
    nextState({ state: 'reviewed', submittedBy: 1, reviewedBy: null }, 'approve_confidentiality', 3, now, earlier, TWO),
    'published',
  );
});

test('rejection at either step returns the edition to draft', () => {
  assert.equal(
    nextState({ state: 'submitted', submittedBy: 1, reviewedBy: null }, 'reject_review', 2, now, null, TWO),
    'draft',
  );
  assert.equal(
    nextState({ state: 'reviewed', submittedBy: 1, reviewedBy: null }, 'reject_confidentiality', 3, now, null, TWO),
    'draft',
  );
});

test('the submitter can never approve their own edition, at either step', () => {
  assert.equal(
    code(() =>
      nextState({ state: 'submitted', submittedBy: 7, reviewedBy: null }, 'approve_review', 7, now, null, TWO),
    ),
    'forbidden',
  );
  assert.equal(
    code(() =>
      nextState({ state: 'reviewed', submittedBy: 7, reviewedBy: null }, 'approve_confidentiality', 7, now, null, TWO),
    ),
    'forbidden',
  );
  assert.deepEqual(
    availableActions({ state: 'submitted', submittedBy: 7, reviewedBy: null }, 7, new Set(['reviewer']), TWO),
    ['reject_review'],
  );
});

test('the two approvals are given by two people unless the site allows one; the submitter never approves', () => {
  const reviewed = { state: 'reviewed' as const, submittedBy: 1, reviewedBy: 2 };
  assert.equal(
    code(() => nextState(reviewed, 'approve_confidentiality', 2, now, null, TWO)),
    'forbidden',
  );
  assert.equal(nextState(reviewed, 'approve_confidentiality', 3, now, null, TWO), 'published');
  assert.equal(
    nextState(reviewed, 'approve_confidentiality', 2, now, null, { sameReviewerAllowed: true }),
    'published',
  );
  assert.equal(
    code(() =>
      nextState({ ...reviewed, reviewedBy: 1 }, 'approve_confidentiality', 1, now, null, { sameReviewerAllowed: true }),
    ),
    'forbidden',
  );
  const both = new Set(['reviewer', 'confidentiality_reviewer']);
  assert.deepEqual(availableActions(reviewed, 2, both, TWO), ['reject_confidentiality']);
  assert.deepEqual(availableActions(reviewed, 2, both, { sameReviewerAllowed: true }), [
    'approve_confidentiality',
    'reject_confidentiality',
  ]);
  // rejecting is never refused: it only returns the edition
  assert.equal(nextState(reviewed, 'reject_confidentiality', 2, now, null, TWO), 'draft');
});

test('an editor takes a submission back before the first review, not after', () => {
  const submitted = { state: 'submitted' as const, submittedBy: 1, reviewedBy: null };
  assert.equal(nextState(submitted, 'withdraw_submission', 1, now, null, TWO), 'draft');
  assert.deepEqual(availableActions(submitted, 1, new Set(['editor']), TWO), ['withdraw_submission']);
  assert.equal(
    code(() => nextState({ ...submitted, state: 'reviewed' }, 'withdraw_submission', 1, now, null, TWO)),
    'conflict',
  );
});

test('no action skips a step (property over every state and action)', () => {
  const states = [
    'draft',
    'submitted',
    'reviewed',
    'scheduled',
    'published',
    'superseded',
    'withdrawn',
    'unpublished',
  ] as const;
  const actions: EditionAction[] = [
    'submit',
    'withdraw_submission',
    'approve_review',
    'reject_review',
    'approve_confidentiality',
    'reject_confidentiality',
  ];
  const from: Record<EditionAction, string> = {
    submit: 'draft',
    withdraw_submission: 'submitted',
    approve_review: 'submitted',
    reject_review: 'submitted',
    approve_confidentiality: 'reviewed',
    reject_confidentiality: 'reviewed',
  };
  fc.assert(
    fc.property(
      fc.constantFrom(...states),
      fc.constantFrom(...actions),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 5 }),
      fc.boolean(),
      (state, action, submitter, reviewer, actor, sameReviewerAllowed) => {
        const facts = { state, submittedBy: submitter, reviewedBy: state === 'reviewed' ? reviewer : null };
        const result = code(() => nextState(facts, action, actor, now, null, { sameReviewerAllowed }));
        if (state !== from[action]) return result === 'conflict';
        if (action.startsWith('approve') && submitter === actor) return result === 'forbidden';
        if (action === 'approve_confidentiality' && reviewer === actor && !sameReviewerAllowed)
          return result === 'forbidden';
        return result === 'ok';
      },
    ),
  );
});

test('only drafts are editable', () => {
  assert.equal(
    code(() => assertEditable('draft')),
    'ok',
  );
  for (const s of ['submitted', 'reviewed', 'scheduled', 'published'] as const)
    assert.equal(
      code(() => assertEditable(s)),
      'conflict',
    );
});

test('live actions: withdraw only what is published; unpublish published or withdrawn; one open edition', () => {
  assert.equal(
    code(() => assertLiveAction('published', 'withdraw', false)),
    'ok',
  );
  assert.equal(
    code(() => assertLiveAction('withdrawn', 'withdraw', false)),
    'conflict',
  );
  assert.equal(
    code(() => assertLiveAction('withdrawn', 'unpublish', false)),
    'ok',
  );
  assert.equal(
    code(() => assertLiveAction('unpublished_draft', 'unpublish', false)),
    'conflict',
  );
  assert.equal(
    code(() => assertLiveAction('published', 'new_edition', true)),
    'conflict',
  );
  assert.equal(
    code(() => assertLiveAction('published', 'new_edition', false)),
    'ok',
  );
});

test('索引号 has the statutory format and a bounded serial', () => {
  assert.equal(formatIndexNo('000014349', 2017, 110), '000014349/2017-00110');
  assert.equal(formatIndexNo('11441700007280420Y', 2021, 50), '11441700007280420Y/2021-00050');
  assert.match(formatIndexNo('11441700007280420Y', 2021, 50), INDEX_NO_PATTERN);
  assert.equal(
    code(() => formatIndexNo('000014349', 2017, 100000)),
    'conflict',
  );
  assert.equal(
    code(() => formatIndexNo('000014349', 2017, 0)),
    'conflict',
  );
  assert.match('000014349', AGENCY_CODE_PATTERN);
  assert.match('11441700007280420Y', AGENCY_CODE_PATTERN);
  assert.doesNotMatch('abc', AGENCY_CODE_PATTERN);
});
