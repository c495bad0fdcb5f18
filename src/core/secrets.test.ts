import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { keyedHash, randomCode, sameHash, seal, unseal } from './secrets.ts';

test('sealed values decrypt with their key only, and never show the plain text', () => {
  const key = randomBytes(32);
  const sealed = seal(key, '11010519491231002X');
  assert.ok(!sealed.includes('1101051949'));
  assert.notEqual(seal(key, '11010519491231002X'), sealed, 'a fresh nonce each time');
  assert.equal(unseal(key, sealed), '11010519491231002X');
  assert.throws(() => unseal(randomBytes(32), sealed));
  const tampered = `${sealed.slice(0, -4)}AAAA`;
  assert.throws(() => unseal(key, tampered));
  assert.equal(seal(key, ''), '');
});

test('keyed hashes match equal values per purpose and key', () => {
  const key = randomBytes(32);
  assert.ok(sameHash(keyedHash(key, 'id', 'a'), keyedHash(key, 'id', 'a')));
  assert.ok(!sameHash(keyedHash(key, 'id', 'a'), keyedHash(key, 'code', 'a')));
  assert.ok(!sameHash(keyedHash(key, 'id', 'a'), keyedHash(randomBytes(32), 'id', 'a')));
});

test('random codes have the asked length and only unambiguous characters', () => {
  for (let i = 0; i < 200; i++) assert.match(randomCode(8), /^[2-9A-HJKMNP-Z]{8}$/);
  assert.equal(new Set(Array.from({ length: 100 }, () => randomCode(8))).size, 100);
});
