import assert from 'node:assert/strict';
import { AppError } from '../../src/core/errors.ts';

/** Asserts that a use case refuses with this error code (and, if given, a message matching `message`). */
export async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AppError, `expected AppError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}
