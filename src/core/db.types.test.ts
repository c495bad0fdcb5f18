import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import ts from 'typescript';
import { DATABASES, freshDb } from '../../test/support/db.ts';

/** A column as db.types.ts declares it: whether it selects null, and whether an insert may leave it out. */
interface Declared {
  nullable: boolean;
  optional: boolean;
}

/** Splits a type's text at its top-level `,` or `|`. */
function splitTop(text: string, sep: ',' | '|'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(' || c === '[' || c === '{') depth++;
    else if (c === '>' || c === ')' || c === ']' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter(Boolean);
}

/** The tables of the DB interface in db.types.ts with their columns, read from the source as written. */
function declaredTables(): Map<string, Map<string, Declared>> {
  const file = path.join(import.meta.dirname, 'db.types.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const aliases = new Map<string, string>();
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((n) => {
    if (ts.isTypeAliasDeclaration(n)) aliases.set(n.name.text, n.type.getText(source));
    if (ts.isInterfaceDeclaration(n)) interfaces.set(n.name.text, n);
  });
  const declared = (typeText: string): Declared => {
    let t = aliases.get(typeText) ?? typeText;
    let select = t;
    let insert = t;
    let generated = false;
    const m = /^(Generated|ColumnType)<([\s\S]*)>$/.exec(t);
    if (m) {
      const args = splitTop(m[2], ',');
      generated = m[1] === 'Generated';
      select = args[0];
      insert = generated ? args[0] : (args[1] ?? args[0]);
    }
    t = select;
    const members = (x: string) => splitTop(aliases.get(x) ?? x, '|');
    const nullable = members(select).includes('null');
    const optional = generated || members(insert).includes('undefined') || members(insert).includes('null');
    return { nullable, optional };
  };
  const tables = new Map<string, Map<string, Declared>>();
  for (const member of interfaces.get('DB')!.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const table = (member.name as ts.Identifier).text;
    const columns = new Map<string, Declared>();
    for (const c of interfaces.get(member.type.getText(source))!.members)
      if (ts.isPropertySignature(c) && c.type)
        columns.set((c.name as ts.Identifier).text, declared(c.type.getText(source)));
    tables.set(table, columns);
  }
  return tables;
}

for (const kind of DATABASES)
  test(`db.types.ts declares the migrated schema: every table and column, which are nullable and which have defaults (${kind})`, async () => {
    const d = await freshDb(kind);
    try {
      const { rows } = await sql<{ table: string; column: string; nullable: string; defaulted: boolean }>`
        select table_name as table, column_name as column, is_nullable as nullable,
               (column_default is not null or is_identity = 'YES') as defaulted
        from information_schema.columns
        where table_schema = 'public' and table_name <> 'schema_migrations'`.execute(d.db);
      const actual = new Map<string, Map<string, { nullable: boolean; optional: boolean }>>();
      for (const r of rows) {
        const columns = actual.get(r.table) ?? new Map();
        columns.set(r.column, { nullable: r.nullable === 'YES', optional: r.defaulted || r.nullable === 'YES' });
        actual.set(r.table, columns);
      }
      const declared = declaredTables();
      assert.deepEqual([...declared.keys()].sort(), [...actual.keys()].sort(), 'the tables');
      const differences: string[] = [];
      for (const [table, columns] of actual) {
        const typed = declared.get(table)!;
        for (const name of new Set([...columns.keys(), ...typed.keys()])) {
          const a = columns.get(name);
          const t = typed.get(name);
          if (!a || !t) differences.push(`${table}.${name}: ${a ? 'not declared' : 'not in the database'}`);
          else if (a.nullable !== t.nullable)
            differences.push(`${table}.${name}: ${a.nullable ? 'nullable' : 'not null'} in the database`);
          else if (a.optional !== t.optional)
            differences.push(`${table}.${name}: ${a.optional ? 'has a default' : 'has no default'} in the database`);
        }
      }
      assert.deepEqual(differences, []);
    } finally {
      await d.close();
    }
  });
