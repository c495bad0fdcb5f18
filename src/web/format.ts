import { shanghaiDate } from '../core/calendar.ts';

export const fmtDate = (d: Date | string | null | undefined): string =>
  d ? (typeof d === 'string' ? d : shanghaiDate(d)) : '';

const dt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
export const fmtDateTime = (d: Date | null | undefined): string => (d ? dt.format(d).replace(/\//g, '-') : '');

export function fmtSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/** A list's size as its page says it: exact, or "more than" when only the pages ahead were counted. */
export const fmtCount = (total: number, exact: boolean): string => (exact ? `共 ${total} 条` : `${total} 条以上`);
