/** Made-up personal numbers that pass their checks, for the personal-data guard's tests and benchmark. */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** An 18-character resident ID number with its GB 11643 check character. */
export function residentId(area: string, birth: string, seq: string): string {
  const body = `${area}${birth}${seq}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * WEIGHTS[i];
  return body + '10X98765432'[sum % 11];
}

/** A card number of `length` digits starting with `prefix`, its last digit set by the Luhn check. */
export function cardNumber(prefix: string, length: number, fill = 7): string {
  let digits = prefix;
  let k = 0;
  while (digits.length < length - 1) digits += String((fill + k++ * 3) % 10);
  for (let d = 0; d <= 9; d++) {
    const n = digits + d;
    let sum = 0;
    for (let i = 0; i < n.length; i++) {
      let x = Number(n[n.length - 1 - i]);
      if (i % 2 === 1) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
    }
    if (sum % 10 === 0) return n;
  }
  throw new Error('unreachable');
}

/** A unified social credit code (GB 32100-2015) with its check character. */
export function creditCode(body17: string): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += chars.indexOf(body17[i]) * w[i];
  return body17 + chars[(31 - (sum % 31)) % 31];
}

/** Digits as full-width characters. */
export const fullWidth = (s: string) =>
  s.replace(/[0-9X]/g, (c) => (c === 'X' ? 'Ｘ' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)));
