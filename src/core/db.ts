import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { PGlite, types as pgliteTypes, type Results } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type RawBuilder,
  sql,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import type { Config } from './config.ts';
import type { DB } from './db.types.ts';
import { isDatabaseAway } from './errors.ts';

export type Db = Kysely<DB>;

const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** A promise-chain mutex: PGlite is one connection, so one caller holds it at a time. */
class Lock {
  #tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => {
      release = r;
    });
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}

class PGliteConnection implements DatabaseConnection {
  constructor(readonly client: PGlite) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Without parameters use the simple protocol, which (like pg) accepts several statements.
    const result = query.parameters.length
      ? await this.client.query<R>(query.sql, [...query.parameters])
      : ((await this.client.exec(query.sql)).at(-1) as Results<R>);
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }
  // biome-ignore lint/correctness/useYield: PGlite cannot stream; Kysely requires the method.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream results');
  }
}

/**
 * Kysely driver for PGlite that serialises connections, so that a transaction never interleaves
 * with another caller's queries on the single embedded connection.
 */
class PGliteDriver implements Driver {
  #lock = new Lock();
  #releases = new WeakMap<DatabaseConnection, () => void>();
  constructor(readonly client: PGlite) {}
  async init() {}
  async acquireConnection() {
    const release = await this.#lock.acquire();
    const connection = new PGliteConnection(this.client);
    this.#releases.set(connection, release);
    return connection;
  }
  async beginTransaction(c: DatabaseConnection) {
    await c.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(c: DatabaseConnection) {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(c: DatabaseConnection) {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(c: DatabaseConnection) {
    this.#releases.get(c)?.();
  }
  async destroy() {
    await this.client.close();
    claims.get(this.client)?.();
  }
}

/** A list as a PostgreSQL array literal (every element quoted, so any text goes). */
const arrayLiteral = (list: string[]) => `{${list.map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

/**
 * Rows as one `select` over `unnest`, a column an array parameter, for `insertInto(…).columns(…).expression(…)`:
 * a bulk insert is then one short statement (a VALUES list of thousands of parameters is parsed and planned value
 * by value, and PGlite serialises each apart; 500 rows of documents: 71 → 57 µs a row). `types` gives each
 * column's type, in the order of the insert's columns; an array column (`text[]`) goes as array literals, since
 * unnest would flatten an array of arrays.
 */
export function unnest<R>(rows: R[], types: Partial<Record<keyof R & string, string>>): RawBuilder<unknown> {
  const columns = Object.keys(types) as (keyof R & string)[];
  const isArray = (c: keyof R & string) => types[c]!.endsWith('[]');
  const params = columns.map((c) =>
    isArray(c)
      ? sql`${rows.map((r) => arrayLiteral(r[c] as string[]))}::text[]`
      : sql`${rows.map((r) => r[c])}::${sql.raw(types[c]!)}[]`,
  );
  const shown = columns.map((c) => (isArray(c) ? sql`${sql.ref(c)}::${sql.raw(types[c]!)}` : sql.ref(c)));
  return sql`select ${sql.join(shown)} from unnest(${sql.join(params)}) as u(${sql.join(columns.map((c) => sql.ref(c)))})`;
}

/** The columns an `unnest` of these column types gives, in their order (for the insert's `columns`). */
export const columnsOf = <T extends Record<string, string>>(types: T) => Object.keys(types) as (keyof T & string)[];

/** Whether a process of this machine is running. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The ends of this process's claims on embedded databases' files, by client. */
const claims = new WeakMap<PGlite, () => void>();

/**
 * Claims an embedded database's files for this process (`<dir>.pid`): PGlite is one process's, and a second one on
 * the same files (a command run while the server runs) would corrupt them. A claim whose process is gone (killed) is
 * taken over. Returns its release.
 */
export function claimDataDir(dir: string): () => void {
  const file = `${dir}.pid`;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      const release = () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {}
      };
      process.once('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8'));
      if (pid === process.pid) return () => {};
      if (pid > 0 && alive(pid))
        throw new Error(
          `嵌入式数据库 ${dir} 正由进程 ${pid} 使用，一次只能由一个进程打开：请先停止该进程（多个实例请使用 PostgreSQL）`,
        );
      unlinkSync(file);
    }
  }
}

export async function openPGlite(dir: string | undefined, fsync: boolean): Promise<PGlite> {
  if (dir) mkdirSync(dir, { recursive: true });
  const release = dir ? claimDataDir(dir) : undefined;
  // The defaults start PGlite with -F (fsync off); durable installs turn fsync on. Its shared buffers are 16 MB,
  // not PostgreSQL's 128 MB, which in WebAssembly stay resident: the server starts about 160 MB smaller (the built
  // demo server 305 → 286 MB from 32 MB), and the operating system's cache still holds the data files; public pages
  // come from the page cache, not from the database, on every request.
  const startParams = (PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams.filter(
    (p) => p !== '-F',
  );
  try {
    const client = await PGlite.create(dir ?? 'memory://', {
      startParams: [...startParams, '-c', `fsync=${fsync ? 'on' : 'off'}`, '-c', 'shared_buffers=16MB'],
      parsers: {
        [DATE_OID]: (v: string) => v,
        [INT8_OID]: (v: string) => Number(v),
        [NUMERIC_OID]: (v: string) => Number(v),
        [pgliteTypes.TIMESTAMPTZ]: (v: string) => new Date(v),
      },
    });
    if (release) claims.set(client, release);
    return client;
  } catch (e) {
    release?.();
    throw e;
  }
}

export function pgliteDb(client: PGlite): Db {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new PGliteDriver(client),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/** How long to wait for PostgreSQL before the request fails with 503 instead of hanging. */
export interface DbTimeouts {
  /** Connecting (a database that accepts but never answers). */
  connectMs: number;
  /** One statement, enforced by the server and, should the server not answer at all, by the client. */
  statementMs: number;
  /** A transaction left open while nothing happens (a stuck request holding locks). */
  idleInTransactionMs: number;
}

export const DEFAULT_DB_TIMEOUTS: DbTimeouts = { connectMs: 5_000, statementMs: 60_000, idleInTransactionMs: 60_000 };

/** A pool of connections to PostgreSQL, typed as the platform reads them, that survives dropped connections. */
function postgresPool(url: string, max: number, timeouts: DbTimeouts, name: string): pg.Pool {
  const typeParsers: Record<number, (v: string) => unknown> = {
    [DATE_OID]: (v) => v,
    [INT8_OID]: (v) => Number(v),
    [NUMERIC_OID]: (v) => Number(v),
  };
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: name,
    connectionTimeoutMillis: timeouts.connectMs,
    statement_timeout: timeouts.statementMs,
    // the client gives up a little after the server would, for a server that does not answer at all
    query_timeout: timeouts.statementMs + 2_000,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
    // a dead peer (a failover, a dropped link) is noticed without waiting for the kernel's two hours
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    idleTimeoutMillis: 30_000,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        typeParsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection the server drops (a restart, a failover, pg_terminate_backend) must not crash the process: an idle
  // one is reported by the pool, one handed out to a request by the client itself; the request fails (503) and the
  // pool makes new connections once the database is back.
  pool.on('error', (e) => console.error(`PostgreSQL connection error (${name}):`, e.message));
  pool.on('connect', (client) => {
    client.on('error', (e) => console.error(`PostgreSQL connection error (${name}):`, e.message));
  });
  return pool;
}

export function postgresDb(url: string, max = 10, timeouts: DbTimeouts = DEFAULT_DB_TIMEOUTS): Db {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: postgresPool(url, max, timeouts, 'gongkai') }) });
}

/** After a replica fails, reads stay on the primary this long before the replica is tried again. */
const REPLICA_RETRY_MS = 5_000;

/** A connection of the read database: on the replica, moved to the primary should the replica fail under it. */
class ReadConnection implements DatabaseConnection {
  constructor(
    public inner: DatabaseConnection,
    public onReplica: boolean,
    private readonly driver: ReplicaDriver,
  ) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (e) {
      if (!this.onReplica || !isDatabaseAway(e)) throw e;
      // only reads come here, so asking the primary again is safe
      await this.driver.moveToPrimary(this);
      return this.inner.executeQuery<R>(query);
    }
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/**
 * The driver of the read database (reads that may lag: public pages, lists, search rows): connections to the streaming
 * replica, or to the primary while the replica cannot be reached — a reader never sees the replica's failure.
 */
class ReplicaDriver implements Driver {
  private downUntil = 0;
  constructor(
    private readonly replica: Driver,
    private readonly primary: Driver,
  ) {}
  async init() {
    await this.primary.init();
    await this.replica.init();
  }
  /** The replica failed: reads go to the primary for a while. */
  private down(e: unknown) {
    if (Date.now() >= this.downUntil)
      console.error('PostgreSQL replica unavailable, reading from the primary:', String(e));
    this.downUntil = Date.now() + REPLICA_RETRY_MS;
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    if (Date.now() >= this.downUntil) {
      try {
        return new ReadConnection(await this.replica.acquireConnection(), true, this);
      } catch (e) {
        if (!isDatabaseAway(e)) throw e;
        this.down(e);
      }
    }
    return new ReadConnection(await this.primary.acquireConnection(), false, this);
  }
  async moveToPrimary(c: ReadConnection) {
    this.down('query failed');
    await this.replica.releaseConnection(c.inner).catch(() => {});
    c.inner = await this.primary.acquireConnection();
    c.onReplica = false;
  }
  private of(c: DatabaseConnection) {
    const r = c as ReadConnection;
    return { driver: r.onReplica ? this.replica : this.primary, inner: r.inner };
  }
  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings) {
    const { driver, inner } = this.of(c);
    await driver.beginTransaction(inner, settings);
  }
  async commitTransaction(c: DatabaseConnection) {
    const { driver, inner } = this.of(c);
    await driver.commitTransaction(inner);
  }
  async rollbackTransaction(c: DatabaseConnection) {
    const { driver, inner } = this.of(c);
    await driver.rollbackTransaction(inner);
  }
  async releaseConnection(c: DatabaseConnection) {
    const { driver, inner } = this.of(c);
    await driver.releaseConnection(inner);
  }
  async destroy() {
    await this.replica.destroy();
    await this.primary.destroy();
  }
}

/**
 * The read database over a primary and its streaming replica: reads go to the replica, or to the primary while the
 * replica is away. Its own pools (the primary's here serves only reads that fell back).
 */
export function replicaDb(primaryUrl: string, replicaUrl: string, max = 10, timeouts = DEFAULT_DB_TIMEOUTS): Db {
  const replica = new PostgresDialect({ pool: postgresPool(replicaUrl, max, timeouts, 'gongkai-replica') });
  const primary = new PostgresDialect({ pool: postgresPool(primaryUrl, max, timeouts, 'gongkai-read') });
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new ReplicaDriver(replica.createDriver(), primary.createDriver()),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/**
 * Waits (at most `timeoutMs`) until the read database has what the primary has committed so far: a page rendered
 * afterwards from the replica shows it. At once when reads are on the primary.
 */
export async function readCaughtUp(primary: Db, read: Db, timeoutMs = 5_000): Promise<void> {
  if (read === primary) return;
  const { lsn } = (await sql<{ lsn: string }>`select pg_current_wal_lsn()::text as lsn`.execute(primary)).rows[0];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await sql<{ ok: boolean | null }>`select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as ok`.execute(read);
    // null: not a replica (reads fell back to the primary)
    if (r.rows[0].ok !== false) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function openDb(config: Config): Promise<Db> {
  if (config.databaseUrl) return postgresDb(config.databaseUrl, 10, config.dbTimeouts);
  return pgliteDb(await openPGlite(config.pgliteDir, config.pgliteFsync));
}
