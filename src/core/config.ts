import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

/** Off, a number of proxy hops, or the proxies' addresses and CIDR ranges (never "every client"). */
const trustProxy = z
  .string()
  .trim()
  .max(1000)
  .transform((v, c): false | number | string[] => {
    if (['', '0', 'off', 'false', 'no'].includes(v)) return false;
    if (['on', 'true', 'yes'].includes(v)) return ['127.0.0.1/8', '::1'];
    if (/^\d{1,2}$/.test(v)) return Number(v);
    const list = v
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (list.every((a) => isIP(a.split('/')[0]) !== 0 && /^[^/]+(\/\d{1,3})?$/.test(a))) return list;
    c.addIssue({
      code: 'custom',
      message: 'TRUST_PROXY: off, a number of proxy hops, or proxy addresses (CIDR allowed)',
    });
    return z.NEVER;
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public origin used in feeds, sitemaps and QR codes when the request gives none. */
  BASE_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  /** Real PostgreSQL; without it the embedded PGlite under DATA_DIR/pg is used. */
  DATABASE_URL: z.string().startsWith('postgres').optional(),
  /**
   * A streaming replica of DATABASE_URL: reads that may lag a little (public pages, lists, search rows) go there; when
   * it cannot be reached they go to the primary.
   */
  DATABASE_REPLICA_URL: z.string().startsWith('postgres').optional(),
  /** PostgreSQL: how long a connection attempt and a statement may take, and an idle open transaction may last. */
  DB_CONNECT_SECONDS: z.coerce.number().int().min(1).max(120).default(5),
  DB_STATEMENT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  DB_IDLE_IN_TRANSACTION_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** fsync on the embedded database: off trades durability for speed (tests only). */
  PGLITE_FSYNC: bool.default(true),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET 至少 32 个字符').optional(),
  /** 32 bytes as 64 hex digits: encrypts applicants' ID numbers at rest. Keep it with the backups of the database. */
  DATA_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'DATA_KEY 应为 64 位十六进制数（32 字节）')
    .optional(),
  /** SMTP server for the outbox (smtp://user:pass@host:port); without it e-mails wait in the outbox. */
  SMTP_URL: z.string().startsWith('smtp').optional(),
  MAIL_FROM: z.string().default('gongkai@localhost'),
  SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12),
  /**
   * Behind TLS-terminating reverse proxies: the proxies' addresses (`10.0.0.5,10.0.1.0/24`; `on` is a proxy on this
   * machine, `127.0.0.1/8,::1`), or a number of proxy hops to believe whoever connects (only when nothing but the
   * proxies can reach the port). Cookies become Secure. Off: X-Forwarded-* is ignored.
   */
  TRUST_PROXY: trustProxy.default(false),
  SECURE_COOKIES: bool.optional(),
  MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(200).default(20),
  /** Size limit of a bulk-import file uploaded in the back office (the command line has none). */
  IMPORT_MAX_MB: z.coerce.number().int().min(1).max(10_000).default(500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Interval of the scheduled-publishing sweep. */
  SCHEDULER_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** Login attempts per IP per minute, whatever the account. */
  LOGIN_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  /** Requests per IP per minute on all routes. */
  REQUESTS_PER_MINUTE: z.coerce.number().int().min(10).max(100_000_000).default(600),
  /** How long an instance keeps a rendered public page (0: not at all); a change shows within this time. */
  PAGE_CACHE_SECONDS: z.coerce.number().min(0).max(60).default(2),
  /**
   * Production behind nginx: public pages are written here as files for nginx to send (deploy/nginx.conf.template),
   * and rewritten when what they show changes.
   */
  PAGES_DIR: z.string().optional(),
  /** Uploaded files, when not under DATA_DIR (several instances share one folder, or S3 mounted). */
  FILES_DIR: z.string().optional(),
  /**
   * Backups taken by the running platform itself (the embedded database cannot be read by another process while it
   * runs): every BACKUP_HOURS into a dated folder here, the newest BACKUP_KEEP kept; also on demand in the back office.
   */
  BACKUP_DIR: z.string().optional(),
  BACKUP_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
});

export type Config = ReturnType<typeof loadConfig>;

/** Validates the environment once at start; refuses to start with a clear message when it is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`配置错误 (configuration error):\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const secureCookies = e.SECURE_COOKIES ?? (e.TRUST_PROXY !== false || e.NODE_ENV === 'production');
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    baseUrl: e.BASE_URL?.replace(/\/$/, ''),
    dataDir,
    filesDir: e.FILES_DIR ? path.resolve(e.FILES_DIR) : path.join(dataDir, 'files'),
    backups: e.BACKUP_DIR ? { dir: path.resolve(e.BACKUP_DIR), hours: e.BACKUP_HOURS, keep: e.BACKUP_KEEP } : null,
    /** This instance's search index (derived from the database; each instance keeps its own). */
    searchDir: path.join(dataDir, 'search'),
    databaseUrl: e.DATABASE_URL,
    replicaUrl: e.DATABASE_URL ? e.DATABASE_REPLICA_URL : undefined,
    dbTimeouts: {
      connectMs: e.DB_CONNECT_SECONDS * 1000,
      statementMs: e.DB_STATEMENT_SECONDS * 1000,
      idleInTransactionMs: e.DB_IDLE_IN_TRANSACTION_SECONDS * 1000,
    },
    pgliteDir: path.join(dataDir, 'pg'),
    pgliteFsync: e.PGLITE_FSYNC,
    sessionSecret: e.SESSION_SECRET,
    sessionHours: e.SESSION_HOURS,
    dataKey: e.DATA_KEY,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    trustProxy: e.TRUST_PROXY,
    secureCookies,
    /**
     * The session's and the CSRF secret's cookies: behind TLS with the `__Host-` prefix, which browsers accept only
     * Secure, for the whole host and from no other domain (a sibling subdomain cannot plant them).
     */
    cookieNames: secureCookies
      ? { session: '__Host-gk_session', csrf: '__Host-gk_csrf' }
      : { session: 'gk_session', csrf: 'gk_csrf' },
    maxUploadBytes: e.MAX_UPLOAD_MB * 1024 * 1024,
    importMaxBytes: e.IMPORT_MAX_MB * 1024 * 1024,
    logLevel: e.LOG_LEVEL,
    schedulerSeconds: e.SCHEDULER_SECONDS,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockMinutes: e.LOGIN_LOCK_MINUTES,
    loginPerMinute: e.LOGIN_PER_MINUTE,
    requestsPerMinute: e.REQUESTS_PER_MINUTE,
    pageCacheSeconds: e.PAGE_CACHE_SECONDS,
    pagesDir: e.PAGES_DIR ? path.resolve(e.PAGES_DIR) : undefined,
  };
}

/** A secret from the environment, or generated once and kept (mode 600) in the data folder. */
function keptSecret(config: Config, file: string, configured: string | undefined): string {
  if (configured) return configured;
  const where = path.join(config.dataDir, file);
  if (existsSync(where)) return readFileSync(where, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(where, secret, { mode: 0o600 });
  return secret;
}

/** The secret that signs cookies. */
export const sessionSecret = (config: Config) => keptSecret(config, 'session-secret', config.sessionSecret);

/** The key that encrypts personal data at rest (32 bytes). */
export const dataKey = (config: Config) => Buffer.from(keptSecret(config, 'data-key', config.dataKey), 'hex');
