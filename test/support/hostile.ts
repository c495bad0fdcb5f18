import fc from 'fast-check';

/** Hostile strings: very long, invalid Unicode, markup, SQL-like, control characters. */
export const hostile = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    "' or 1=1 --",
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    '\uD800\uDFFF\uDC00',
    '\u0000\u0001\u001f',
    '../../etc/passwd',
    '%00%ff%fe',
    '-1',
    '9999999999999999999999',
    'NaN',
    '2026-13-45',
    '１２３',
    '青政办〔2026〕',
  ),
  fc.string({ minLength: 3000, maxLength: 6000 }),
);
