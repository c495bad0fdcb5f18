import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { architectureFindings } from '../test/support/architecture.ts';

/** Which part of the code owns each table: only its owner's files name it (sites and agencies any may join). */
const OWNERS: Record<string, string[]> = {
  core: [
    'sessions',
    'api_tokens',
    'audit_events',
    'files',
    'outbox',
    'captcha_uses',
    'calendar_days',
    'search_changes',
    'search_cursors',
    'jobs',
    'login_failures',
    'rate_limits',
  ],
  admin: ['sites', 'agencies', 'users', 'user_roles'],
  catalog: [
    'columns',
    'index_serials',
    'publications',
    'editions',
    'edition_agencies',
    'edition_columns',
    'edition_interprets',
    'attachments',
    'gazette_issues',
    'gazette_entries',
    'personal_scans',
    'personal_findings',
  ],
  search: ['search_terms'],
  imports: ['imports', 'import_errors'],
  requests: ['requests', 'request_events', 'request_attachments', 'request_appeals', 'notifications'],
  reports: ['annual_reports'],
  interaction: [
    'mailboxes',
    'letters',
    'letter_events',
    'letter_attachments',
    'canned_replies',
    'faqs',
    'letter_month_counts',
    'consultations',
    'consultation_articles',
    'consultation_comments',
    'consultation_attachments',
    'surveys',
    'survey_questions',
    'survey_responses',
    'survey_answers',
    'interviews',
    'interview_questions',
    'interview_posts',
  ],
};

test('every table has an owner', () => {
  const types = readFileSync(path.join(import.meta.dirname, 'core/db.types.ts'), 'utf8');
  const dbInterface = /export interface DB \{([^}]*)\}/.exec(types)?.[1] ?? '';
  const tables = [...dbInterface.matchAll(/^\s*([a-z_]+):/gm)].map((m) => m[1]);
  assert.ok(tables.length > 20);
  const owned = new Set(Object.values(OWNERS).flat());
  assert.deepEqual(
    tables.filter((t) => !owned.has(t)),
    [],
  );
});

test('the code draws only the allowed arrows (DESIGN.md, "Shape of the code")', async () => {
  assert.deepEqual(await architectureFindings(path.join(import.meta.dirname, '..'), OWNERS), []);
});

test('each forbidden arrow is found in a tree that draws it, and the allowed ones are not', async () => {
  const found = await architectureFindings(path.join(import.meta.dirname, '../test/fixtures/architecture'), {
    letters: ['letters'],
    polls: ['poll_answers'],
  });
  assert.deepEqual(found, [
    'core-imports-no-feature: src/core/clock.ts → src/features/letters/letters.service.ts',
    'feature-imports-no-entry-point: src/features/polls/polls.store.ts → src/app.ts',
    'feature-uses-public-roles-of-others: src/features/letters/letters.service.ts → src/features/polls/polls.store.ts',
    'no-cycles: src/features/polls/polls.service.ts → src/features/polls/polls.store.ts → src/features/polls/polls.service.ts',
    'own-tables-only: src/features/letters/letters.store.ts → poll_answers (polls)',
    'routes-reach-no-store: src/features/letters/letters.routes.ts → src/features/letters/letters.store.ts',
    'rules-do-no-io: src/features/letters/letters.rules.ts → src/core/db.ts',
    'sql-only-in-stores: src/features/letters/letters.service.ts',
    'web-imports-no-feature: src/web/frame.ts → src/features/letters/letters.rules.ts',
  ]);
});
