import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Principal } from './access.ts';
import { audit } from './audit.ts';
import type { Db } from './db.ts';
import { AppError } from './errors.ts';

/** The cookie that carries a staff session's token. */

export const hashPassword = (password: string) => hash(password);
export const verifyPassword = (stored: string, password: string) => verify(stored, password).catch(() => false);

/** A random secret token and the hash that is stored in its place. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: tokenHash(token) };
}
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function loadPrincipal(db: Db, userId: number): Promise<Principal | null> {
  const user = await db
    .selectFrom('users')
    .leftJoin('agencies', 'agencies.id', 'users.agency_id')
    .select(['users.id', 'users.name', 'users.username', 'users.agency_id', 'users.active', 'agencies.site_id'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!user?.active) return null;
  const roles = await db
    .selectFrom('user_roles')
    .leftJoin('agencies', 'agencies.id', 'user_roles.agency_id')
    .select(['user_roles.role', 'user_roles.agency_id', 'agencies.site_id'])
    .where('user_roles.user_id', '=', userId)
    .execute();
  return {
    userId: user.id,
    name: user.name,
    username: user.username,
    agencyId: user.agency_id,
    siteId: user.site_id,
    roles: roles.map((r) => ({ role: r.role, agencyId: r.agency_id, siteId: r.site_id })),
  };
}

export interface LoginPolicy {
  maxFailures: number;
  lockMinutes: number;
  sessionHours: number;
}

const WRONG = '用户名或密码错误';
let dummyHash: Promise<string> | undefined;
/** The longest a lock lasts, however often it came back. */
const MAX_LOCK_MINUTES = 24 * 60;

/** A lock's length: `lockMinutes`, doubling with each lock of the same name from the same address. */
const lockMinutesFor = (policy: LoginPolicy, locks: number) =>
  Math.min(MAX_LOCK_MINUTES, policy.lockMinutes * 2 ** Math.max(0, locks - 1));

const lockedMessage = (until: Date, now: Date) =>
  `登录失败次数过多，已暂停从此处登录该账号，请于 ${Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000))} 分钟后再试`;

/**
 * Checks the password. After `maxFailures` failures in a row of one account name from one address, that address may
 * not try that name for `lockMinutes`, doubling with each lock (at most a day); others are not locked out. An unknown
 * name is answered, timed and locked exactly like a known one. Returns the new session token (stored as its hash).
 */
export async function login(
  db: Db,
  policy: LoginPolicy,
  username: string,
  password: string,
  ip: string,
): Promise<{ token: string; userId: number }> {
  const now = new Date();
  const name = username.slice(0, 100);
  const tried = await db
    .selectFrom('login_failures')
    .selectAll()
    .where('username', '=', name)
    .where('ip', '=', ip)
    .executeTakeFirst();
  if (tried?.locked_until && tried.locked_until > now)
    throw new AppError('too_many', lockedMessage(tried.locked_until, now));
  const user = await db
    .selectFrom('users')
    .leftJoin('agencies', 'agencies.id', 'users.agency_id')
    .selectAll('users')
    .select('agencies.site_id')
    .where('users.username', '=', username)
    .executeTakeFirst();
  // spend the same time on an unknown name as on a real check, so that names cannot be probed by timing
  dummyHash ??= hash('gongkai-no-such-user');
  const ok = user
    ? user.active && (await verifyPassword(user.password_hash, password))
    : await verify(await dummyHash, password).then(() => false);
  if (!ok || !user) {
    const failures = (tried?.failures ?? 0) + 1;
    const lock = failures >= policy.maxFailures;
    const locks = (tried?.locks ?? 0) + (lock ? 1 : 0);
    const values = {
      failures: lock ? 0 : failures,
      locks,
      locked_until: lock ? new Date(now.getTime() + lockMinutesFor(policy, locks) * 60_000) : null,
      updated_at: now,
    };
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('login_failures')
        .values({ username: name, ip, ...values })
        .onConflict((oc) => oc.columns(['username', 'ip']).doUpdateSet(values))
        .execute();
      if (user)
        await audit(
          trx,
          { principal: null, ip },
          {
            siteId: user.site_id,
            action: lock ? 'login.locked' : 'login.failed',
            entityType: 'user',
            entityId: user.id,
            agencyId: user.agency_id,
          },
        );
    });
    throw new AppError('unauthenticated', WRONG);
  }
  const { token, hash: id } = newToken();
  await db.transaction().execute(async (trx) => {
    await clearLoginFailures(trx, name, ip);
    await trx
      .insertInto('sessions')
      .values({ id, user_id: user.id, ip, expires_at: new Date(Date.now() + policy.sessionHours * 3600_000) })
      .execute();
    await audit(
      trx,
      { principal: { userId: user.id, name: user.name } as Principal, ip },
      {
        siteId: user.site_id,
        action: 'login',
        entityType: 'user',
        entityId: user.id,
        agencyId: user.agency_id,
      },
    );
  });
  return { token, userId: user.id };
}

export async function sessionUser(db: Db, token: string): Promise<number | null> {
  const row = await db
    .selectFrom('sessions')
    .select(['user_id', 'expires_at'])
    .where('id', '=', tokenHash(token))
    .executeTakeFirst();
  return row && row.expires_at > new Date() ? row.user_id : null;
}

export async function logout(db: Db, token: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', tokenHash(token)).execute();
}

export async function apiTokenUser(db: Db, token: string): Promise<number | null> {
  const row = await db
    .updateTable('api_tokens')
    .set({ last_used_at: new Date() })
    .where('token_hash', '=', tokenHash(token))
    .where('revoked_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id ?? null;
}

/** Ends a user's sessions, all but `keepSession` (a session's id): after deactivation or a password change. */
export async function endSessions(db: Db, userId: number, keepSession?: string): Promise<void> {
  let q = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepSession) q = q.where('id', '!=', keepSession);
  await q.execute();
}

/** Revokes every API token of a user. */
export async function revokeTokens(db: Db, userId: number, at: Date): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Creates an API token for a user; returns it (shown once: only its hash is kept). */
export async function createApiToken(db: Db, userId: number, name: string): Promise<{ id: number; token: string }> {
  const { token, hash } = newToken();
  const row = await db
    .insertInto('api_tokens')
    .values({ user_id: userId, name: name.slice(0, 100), token_hash: hash })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** Forgets the failed logins of a name (from one address, or from all: when the office resets the password). */
export async function clearLoginFailures(db: Db, username: string, ip?: string): Promise<void> {
  let q = db.deleteFrom('login_failures').where('username', '=', username);
  if (ip !== undefined) q = q.where('ip', '=', ip);
  await q.execute();
}

/** Until when logins of these names are paused from some address (for the office's list of accounts). */
export async function pausedLogins(db: Db, usernames: string[]): Promise<Map<string, Date>> {
  if (!usernames.length) return new Map();
  const rows = await db
    .selectFrom('login_failures')
    .select((eb) => ['username', eb.fn.max('locked_until').as('until')])
    .where('username', 'in', usernames)
    .where('locked_until', '>', new Date())
    .groupBy('username')
    .execute();
  return new Map(rows.map((r) => [r.username, new Date(r.until as unknown as Date)]));
}
