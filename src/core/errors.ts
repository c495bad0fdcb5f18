/** Errors as typed codes: each maps to an HTTP status; the message is Chinese and shown to the user. */
const statusOf = {
  bad_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported: 415,
  too_many: 429,
  unavailable: 503,
  /** The file store's disk is full. */
  no_space: 507,
} as const;

export type ErrorCode = keyof typeof statusOf;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

export const badInput = (message: string, details?: Record<string, string>) =>
  new AppError('bad_input', message, details);
export const forbidden = (message = '您没有执行此操作的权限') => new AppError('forbidden', message);
export const notFound = (message = '页面不存在或已被删除') => new AppError('not_found', message);
export const conflict = (message: string) => new AppError('conflict', message);

/** PostgreSQL's and the driver's ways of saying the database is away: restarting, failing over, unreachable, hung. */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown (terminated by an administrator or a restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error/i;

/** Whether an error says the database cannot be reached now (rather than that a statement was wrong). */
export function isDatabaseAway(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object') return false;
  return (
    (typeof err.code === 'string' && UNAVAILABLE_CODES.has(err.code)) ||
    (typeof err.message === 'string' && UNAVAILABLE_MESSAGES.test(err.message))
  );
}

export const databaseAway = () => new AppError('unavailable', '系统繁忙或正在维护，请稍后再试');
