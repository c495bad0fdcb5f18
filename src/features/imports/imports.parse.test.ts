import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { inspect, readRows } from './imports.parse.ts';

test('JSON lines are counted on their bytes exactly as they are read: blank lines, BOM, CR, CRLF, long lines', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gk-parse-'));
  const long = 'x'.repeat(3 * 1024 * 1024); // a line across several of the reader's chunks
  const lines = [
    '\uFEFF{"title":"甲"}',
    '',
    '   \t ',
    '\u3000\u3000',
    '{"title":"乙"}\r',
    '低保 is not JSON',
    `{"title":"${long}"}`,
    '\uFEFF',
    '{"title":"丙"}\r{"title":"丁"}\r\r',
    '\u3000{"title":"戊"}',
    '[1, 2]',
    '{"title":"己"}',
  ];
  for (const [name, text] of [
    ['lf.jsonl', lines.join('\n')],
    ['crlf.jsonl', `${lines.join('\r\n')}\r\n`],
    ['cr.jsonl', lines.join('\r')],
  ]) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    let read = 0;
    for await (const r of readRows('jsonl', file)) read = r.n;
    assert.equal(read, 9, name);
    assert.equal((await inspect('jsonl', file, true)).total, read, name);
  }
});
