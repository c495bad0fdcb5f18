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
