import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A PostgreSQL cluster of the test's own on a free port (Debian's server binaries), to stop, kill, pause and start
 * without touching the shared server. Runs the binaries as `postgres` when the tests run as root.
 */
export interface OwnCluster {
  port: number;
  url: (db?: string) => string;
  start(): void;
  /** Stops at once, as a crash or a failover would (`-m immediate`). */
  crash(): void;
  /** Freezes every process of the cluster: connections are accepted by the kernel and never answered. */
  pause(): void;
  resume(): void;
  remove(): void;
}

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/**
 * A new cluster, or with `replicaOf` a streaming replica of one (pg_basebackup of it, following it read-only).
 */
export function ownCluster(opts: { replicaOf?: OwnCluster } = {}): OwnCluster {
  const bin = binDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gk-cluster-'));
  chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, all] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', `${bin}/${cmd}`, ...args]]
      : [`${bin}/${cmd}`, args];
    execFileSync(file, all, { stdio: 'pipe' });
  };
  if (opts.replicaOf)
    run('pg_basebackup', [
      '-D',
      data,
      '-R',
      '-c',
      'fast',
      '-h',
      '127.0.0.1',
      '-p',
      String(opts.replicaOf.port),
      '-U',
      'postgres',
    ]);
  else run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const pids = () => {
    const main = Number(readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = spawnSync('pgrep', ['-P', String(main)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number);
    return [main, ...children];
  };
  const cluster: OwnCluster = {
    port,
    url: (db = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${db}`,
    start: () =>
      run('pg_ctl', [
        '-D',
        data,
        '-w',
        '-l',
        path.join(dir, 'log'),
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        'start',
      ]),
    crash: () => run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']),
    pause: () => {
      for (const pid of pids()) process.kill(pid, 'SIGSTOP');
    },
    resume: () => {
      for (const pid of pids()) process.kill(pid, 'SIGCONT');
    },
    remove: () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
