import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { draftFields } from '../../test/support/fixture.ts';
import { login, upload } from '../../test/support/http.ts';
import { webSuite } from '../../test/support/web.ts';
import { createDraft } from '../features/catalog/catalog.service.ts';

/** A file store on a disk of 400 KB of its own (tmpfs), filled up by uploads. Mounting needs root, as CI runs. */
const root = process.getuid?.() === 0;
const disk = mkdtempSync(path.join(os.tmpdir(), 'gk-full-'));
if (root) execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=400k', 'tmpfs', disk]);

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const pngChunk = (type: string, data: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, Buffer.from(type), data, Buffer.alloc(4)]);
};

describe('the file store’s disk full', { skip: root ? false : 'mounting a small disk needs root' }, () => {
  after(() => {
    execFileSync('umount', [disk]);
    rmSync(disk, { recursive: true, force: true });
  });
  const w = webSuite('pglite', { FILES_DIR: disk });

  test('an upload that does not fit: 507 in Chinese, no row, no part of a file; what was stored stays whole', async () => {
    const editor = await login(w.app, 'editor');
    const { editionId } = await createDraft(w.ctx, await w.f.actor('editor'), w.f.agencies[1].id, draftFields(w.f, 1));
    const sizes: number[] = [];
    let refused: Awaited<ReturnType<typeof upload>> | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      // a picture whose data is random bytes: each one different, nothing compresses it away
      const data = Buffer.concat([PNG, pngChunk('IDAT', randomBytes(100_000))]);
      const res = await upload(w.app, editor.jar, `/admin/editions/${editionId}/attachments`, editor.csrf, {
        name: `现场照片${i}.png`,
        data,
        type: 'image/png',
      });
      if (res.statusCode === 303 || res.statusCode === 200) sizes.push(data.length);
      else refused = res;
    }
    assert.ok(refused, 'the disk filled up');
    assert.equal(refused.statusCode, 507, refused.body.match(/<main[\s\S]{0,400}/)?.[0]);
    assert.match(refused.body, /服务器存储空间已满，文件未能保存/);
    assert.ok(sizes.length >= 1, 'uploads fitted before');

    const rows = await w.ctx.db
      .selectFrom('attachments')
      .select(['file_hash', 'size'])
      .where('edition_id', '=', editionId)
      .execute();
    assert.equal(rows.length, sizes.length, 'a row for every upload that was stored, none for the refused one');
    const files = readdirSync(disk, { recursive: true })
      .map(String)
      .filter((f) => statSync(path.join(disk, f)).isFile());
    assert.deepEqual(
      files.filter((f) => f.endsWith('.tmp')),
      [],
      'no part of a file left behind',
    );
    for (const row of rows) assert.equal(statSync(w.ctx.files.pathOf(row.file_hash)).size, row.size, 'stored whole');
    // and the page of the draft still opens
    assert.equal(
      (await w.app.inject({ url: `/admin/editions/${editionId}`, headers: { cookie: editor.jar.header } })).statusCode,
      200,
    );
  });
});
