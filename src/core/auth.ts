import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Principal } from './access.ts';
import { audit } from './audit.ts';
import type { Db } from './db.ts';
import { AppError } from './errors.ts';

/** The cookie that carries a staff session's token. */
export const SESSION_COOKIE = 'gk_session';

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

/**
 * Checks the password; after `maxFailures` failures in a row the account is locked for `lockMinutes`.
 * Returns the new session token (stored only as its hash).
 */
export async function login(
  db: Db,
  policy: LoginPolicy,
  username: string,
  password: string,
  ip: string,
): Promise<{ token: string; userId: number }> {
  const user = await db
    .selectFrom('users')
    .leftJoin('agencies', 'agencies.id', 'users.agency_id')
    .selectAll('users')
    .select('agencies.site_id')
    .where('users.username', '=', username)
    .executeTakeFirst();
  if (!user) {
    // spend the same time as a real check so that user names cannot be probed by timing
    dummyHash ??= hash('gongkai-no-such-user');
    await verify(await dummyHash, password);
    throw new AppError('unauthenticated', WRONG);
  }
  if (user.locked_until && user.locked_until > new Date()) {
    throw new AppError('too_many', `登录失败次数过多，账号已锁定，请于 ${policy.lockMinutes} 分钟后再试`);
  }
  const ok = user.active && (await verifyPassword(user.password_hash, password));
  const actor = { principal: null, ip };
  if (!ok) {
    const failures = user.failed_logins + 1;
    const lock = failures >= policy.maxFailures;
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          failed_logins: lock ? 0 : failures,
          locked_until: lock ? new Date(Date.now() + policy.lockMinutes * 60_000) : null,
        })
        .where('id', '=', user.id)
        .execute();
      await audit(trx, actor, {
        siteId: user.site_id,
        action: lock ? 'login.locked' : 'login.failed',
        entityType: 'user',
        entityId: user.id,
        agencyId: user.agency_id,
      });
    });
    throw new AppError('unauthenticated', WRONG);
  }
  const { token, hash: id } = newToken();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', user.id).execute();
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
