import { createCipheriv, createDecipheriv, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Encrypts personal data at rest: AES-256-GCM, a fresh nonce per value, stored as `v1:<base64 nonce|tag|data>`. */
export function seal(key: Buffer, plain: string): string {
  if (plain === '') return '';
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `v1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
}

/** Decrypts what `seal` wrote; a value altered or sealed with another key throws. */
export function unseal(key: Buffer, sealed: string): string {
  if (sealed === '') return '';
  if (!sealed.startsWith('v1:')) throw new Error('unknown sealed format');
  const raw = Buffer.from(sealed.slice(3), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

/** A keyed hash: finds equal values (an applicant's ID, a query code) without storing them. */
export const keyedHash = (key: Buffer, purpose: string, value: string) =>
  createHmac('sha256', key).update(`${purpose}\0${value}`).digest('hex');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A random code from an alphabet without look-alike characters (no 0/O, 1/I/L). */
export const randomCode = (length: number, alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ') =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
