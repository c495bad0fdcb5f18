import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cruise, type ICruiseResult, type IFlattenedRuleSet } from 'dependency-cruiser';
import config from '../../.dependency-cruiser.json' with { type: 'json' };

/**
 * The checks of DESIGN.md's "Shape of the code" over a source tree (`root` holds `src/`): the import arrows, by
 * dependency-cruiser with the project's rules, and what imports cannot show — SQL outside the stores, and a feature
 * naming another feature's tables. Each finding is one line, `rule: from → to`.
 */
export async function architectureFindings(root: string, owners: Record<string, string[]>): Promise<string[]> {
  const tsConfig = JSON.parse(readFileSync(path.join(process.cwd(), 'tsconfig.json'), 'utf8'));
  const { output } = await cruise(
    ['src'],
    {
      ...config.options,
      tsConfig: undefined,
      baseDir: root,
      validate: true,
      ruleSet: { forbidden: config.forbidden } as unknown as IFlattenedRuleSet,
    },
    { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
    { tsConfig: { options: tsConfig.compilerOptions } },
  );
  const result = output as ICruiseResult;
  const findings = result.summary.violations.map((v) =>
    v.rule.name === 'no-cycles'
      ? `no-cycles: ${[v.from, ...(v.cycle ?? []).map((c) => c.name)].join(' → ')}`
      : `${v.rule.name}: ${v.from} → ${v.to}`,
  );
  const sources = result.modules.map((m) => m.source).filter((s) => /^src\/.*\.tsx?$/.test(s));
  return [...new Set([...findings, ...sqlFindings(root, sources, owners)])].sort();
}

const QUERY = /\.(selectFrom|insertInto|updateTable|deleteFrom|mergeInto|replaceInto)\(|\bsql(<[^>]*>)?`/;
const TABLE_CALL =
  /\.(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*'([a-z_]+)/g;
const TABLE_SQL = /\b(?:from|join|into|update|table)\s+([a-z_]+)\b/gi;
/** Tables every feature may join for names and scoping: the installation's directory of sites and agencies. */
const DIRECTORY = new Set(['sites', 'agencies']);

const withoutComments = (code: string) => code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

function sqlFindings(root: string, sources: string[], owners: Record<string, string[]>): string[] {
  const ownerOf = new Map(Object.entries(owners).flatMap(([owner, tables]) => tables.map((t) => [t, owner])));
  const out: string[] = [];
  for (const file of sources) {
    const feature = /^src\/features\/([^/]+)\//.exec(file)?.[1];
    if (!feature) continue;
    const code = withoutComments(readFileSync(path.join(root, file), 'utf8'));
    if (!/\.store\.ts$/.test(file) && QUERY.test(code)) out.push(`sql-only-in-stores: ${file}`);
    const named = new Set([...code.matchAll(TABLE_CALL)].map((m) => m[1]));
    for (const m of code.matchAll(/\bsql(?:<[^>]*>)?`([^`]*)`/g))
      for (const t of m[1].matchAll(TABLE_SQL)) if (ownerOf.has(t[1])) named.add(t[1]);
    for (const table of named) {
      const owner = ownerOf.get(table);
      if (!DIRECTORY.has(table) && owner !== feature)
        out.push(`own-tables-only: ${file} → ${table} (${owner ?? 'no owner'})`);
    }
  }
  return out;
}
