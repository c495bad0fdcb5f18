import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { backendContract, CONTRACT_CORPUS, contractQuery } from './search.contract.ts';
import { LocalBackend } from './search.local.ts';

backendContract('local (in memory)', async () => new LocalBackend(null));

test('the local backend saves at a checkpoint and reopens there; other words make it rebuild', async () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'gk-local-')), 'search');
  const first = new LocalBackend(dir);
  assert.equal(await first.open(['低保']), null, 'nothing saved yet');
  await first.apply(CONTRACT_CORPUS, []);
  await first.checkpoint(42);
  await first.close();
  const reopened = new LocalBackend(dir);
  assert.equal(await reopened.open(['低保']), 42);
  assert.equal(reopened.size, CONTRACT_CORPUS.length);
  assert.ok((await reopened.search(contractQuery('低保'))).total > 0);
  await reopened.close();
  const otherWords = new LocalBackend(dir);
  assert.equal(await otherWords.open(['低保', '三公经费']), null, 'cut with other words: rebuilt');
  await otherWords.close();
});

test('checkpoints asked for at once (the minute save during a rebuild) both succeed and leave one readable index', async () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'gk-local-')), 'search');
  const backend = new LocalBackend(dir);
  await backend.open([]);
  await backend.apply(CONTRACT_CORPUS.slice(0, 5), []);
  const a = backend.checkpoint(1);
  await backend.apply(CONTRACT_CORPUS.slice(5), []);
  const b = backend.checkpoint(2);
  await Promise.all([a, b]);
  await backend.close();
  const reopened = new LocalBackend(dir);
  assert.equal(await reopened.open([]), 2);
  assert.equal(reopened.size, CONTRACT_CORPUS.length);
  await reopened.close();
});
