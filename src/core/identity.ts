/**
 * Identity numbers and personal data: the 18-digit resident ID (GB 11643-1999, ISO 7064 MOD 11-2), the
 * unified social credit code (GB 32100-2015, MOD 31), and the masks lists show instead of personal data.
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
/** Province codes of resident IDs (first two digits). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83, 91,
]);

/** The check character of a resident ID from its first 17 digits. */
export function residentIdCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** Why an 18-digit resident ID number is invalid, or null when it is valid (`today` bounds the birth date). */
export function residentIdProblem(raw: string, today: string): string | null {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return '身份证号码应为 18 位，最后一位可以是数字或 X';
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return '身份证号码的地区码无效';
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const t = Date.parse(`${birth}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== birth || birth > today || birth < '1900-01-01')
    return '身份证号码中的出生日期无效';
  if (residentIdCheck(id) !== id[17]) return '身份证号码校验位不正确，请核对';
  return null;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of a unified social credit code from its first 17 characters. */
export function creditCodeCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

/** Why a unified social credit code is invalid, or null when it is valid. */
export function creditCodeProblem(raw: string): string | null {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18) return '统一社会信用代码应为 18 位';
  if ([...code].some((c) => !USCC_CHARS.includes(c)))
    return '统一社会信用代码只能由数字和大写字母组成（不含 I、O、Z、S、V）';
  if (creditCodeCheck(code) !== code[17]) return '统一社会信用代码校验位不正确，请核对';
  return null;
}

/** 张* / 欧阳** : the family name stays. Names of organisations are not personal data and are not masked. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  const keep = chars.length >= 4 ? 2 : 1;
  return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}

/** 138****5678 */
export function maskPhone(phone: string): string {
  const p = phone.trim();
  if (p.length <= 4) return '*'.repeat(p.length);
  const head = p.length >= 11 ? 3 : 0;
  return p.slice(0, head) + '*'.repeat(p.length - head - 4) + p.slice(-4);
}

/** 110***********123X : region prefix and last four. */
export function maskIdNumber(id: string): string {
  const s = id.trim();
  if (s.length <= 7) return '*'.repeat(s.length);
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}

/** a***@example.com */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 1) return email ? '***' : '';
  return `${email[0]}***${email.slice(at)}`;
}
