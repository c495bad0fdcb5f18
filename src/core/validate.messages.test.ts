import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseInput } from './validate.ts';

const features = path.join(path.dirname(fileURLToPath(import.meta.url)), '../features');
const HAN = /\p{Script=Han}/u;

/** Every input schema the features export (schemas, and factories of schemas such as applicationInput(today)). */
async function schemas(): Promise<[string, z.ZodType][]> {
  const found: [string, z.ZodType][] = [];
  for (const feature of readdirSync(features))
    for (const file of readdirSync(path.join(features, feature)).filter((f) => f.endsWith('.schema.ts'))) {
      const mod = (await import(path.join(features, feature, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (value instanceof z.ZodType) found.push([`${file}:${name}`, value]);
        else if (typeof value === 'function' && value.length === 1) {
          const made = (value as (a: string) => unknown)('2026-12-06');
          if (made instanceof z.ZodType) found.push([`${file}:${name}()`, made]);
        }
      }
    }
  return found;
}

test('whatever a client sends, every message of every input schema is in Chinese', async () => {
  const all = await schemas();
  assert.ok(all.length >= 10, `${all.length} schemas`);
  const keysOf = (s: z.ZodType): string[] => {
    const shape = (s as unknown as { shape?: Record<string, unknown> }).shape;
    return shape ? Object.keys(shape) : ['title', 'name', 'action', 'agencyId', 'on', 'year'];
  };
  for (const [name, schema] of all) {
    const keys = keysOf(schema);
    const inputs: unknown[] = [
      null,
      'text',
      42,
      [],
      {},
      Object.fromEntries(keys.map((k) => [k, 12345])),
      Object.fromEntries(keys.map((k) => [k, ['a', 'b']])),
      Object.fromEntries(keys.map((k) => [k, { nested: true }])),
      Object.fromEntries(keys.map((k) => [k, 'x'.repeat(5000)])),
      Object.fromEntries(keys.map((k) => [k, '-1'])),
    ];
    for (const input of inputs) {
      try {
        parseInput(schema, input);
      } catch (e) {
        const details = (e as { details?: Record<string, string> }).details ?? {};
        for (const [field, message] of Object.entries(details))
          assert.ok(HAN.test(message), `${name} ${JSON.stringify(input).slice(0, 60)} → ${field}: ${message}`);
      }
    }
  }
});
