/**
 * The production set-up (deploy/production.sh) in a fresh folder on ports of its own, for its test and benchmarks:
 * nginx, two compiled instances, a PostgreSQL primary and its replica, the demo site.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(import.meta.dirname, '../..');
const script = path.join(ROOT, 'deploy/production.sh');

export interface SetUp {
  /** nginx's address. */
  site: string;
  port: number;
  /** The primary's address. */
  primaryUrl: string;
  /** Where it keeps everything (`set-up/`), and room for the bench's own files. */
  work: string;
  /** The set-up's folder (instances' data, pid files and logs; `pages/`). */
  dir: string;
  /** An API token of a demo staff member. */
  token: (user: string) => string;
  /** An instance's resident memory, MB. */
  rss: (instance: number) => Promise<number>;
  stop: () => Promise<void>;
}

/** An instance's process id. */
export const pidOf = async (dir: string, instance: number) =>
  Number(await readFile(path.join(dir, `instance-${instance}.pid`), 'utf8'));

export async function startSetUp(): Promise<SetUp> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'gk-prodbench-'));
  // PostgreSQL's programs run as the postgres user, who must reach the set-up's folder
  await chmod(work, 0o711);
  const port = 24_000 + Math.floor(Math.random() * 4_000);
  const env = {
    ...process.env,
    GK_PORT: String(port),
    GK_PG_PORT: String(port + 10),
    GK_APP_PORT: String(port + 20),
    // the rate limits are for one client's abuse, not for a load from one address
    GK_REQUESTS_PER_MINUTE: '100000000',
    GK_BASE_URL: `http://127.0.0.1:${port}`,
  };
  const dir = path.join(work, 'set-up');
  execFileSync(script, ['up', dir], { env, stdio: ['ignore', 'ignore', 'inherit'], timeout: 480_000 });
  const primaryUrl = `postgres://postgres@127.0.0.1:${port + 10}/gongkai`;
  return {
    site: `http://127.0.0.1:${port}`,
    port,
    primaryUrl,
    work,
    dir,
    token: (user) =>
      execFileSync('node', ['dist/cli.js', 'token', user, '性能测试'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          DATABASE_URL: primaryUrl,
          DATA_DIR: path.join(dir, 'instance-1'),
          LOG_LEVEL: 'silent',
        },
      }).trim(),
    rss: async (instance) => {
      const status = await readFile(`/proc/${await pidOf(dir, instance)}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
    },
    stop: async () => {
      execFileSync(script, ['down', dir], { env, stdio: 'ignore' });
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** A SQL query's one value on the set-up's primary, as JSON. */
export function primaryValue<T>(s: SetUp, query: string): T {
  const out = execFileSync(
    'psql',
    ['-h', '127.0.0.1', '-p', String(s.port + 10), '-U', 'postgres', '-d', 'gongkai', '-Atc', query],
    { encoding: 'utf8' },
  );
  return JSON.parse(out) as T;
}

/** The editor's agency and the notices' column, where the benches' drafts go. */
export const draftTarget = (s: SetUp) =>
  primaryValue<{ agency: number; column: number }>(
    s,
    "select json_build_object('agency', (select a.id from agencies a join user_roles r on r.agency_id = a.id join users u on u.id = r.user_id where u.username = 'editor' order by a.id limit 1), 'column', (select id from columns where slug = 'tzgg'))",
  );
