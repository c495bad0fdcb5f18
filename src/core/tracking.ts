/**
 * What a resident is given to follow something they sent without an account (an application, a letter): a tracking
 * number and a query code. The code is kept only as a keyed hash; the pair opens the thing's status page.
 */
import { randomInt } from 'node:crypto';
import type { DateStr } from './calendar.ts';
import { keyedHash, randomCode, sameHash } from './secrets.ts';

/** A new query code (8 characters without look-alikes). */
export const newQueryCode = () => randomCode(8);

/** A tracking number: the day and six random digits (the caller retries on the rare clash). */
export const newTrackingNo = (today: DateStr) =>
  `${today.replaceAll('-', '')}${String(randomInt(1_000_000)).padStart(6, '0')}`;

/** The keyed hash a query code is kept as; `purpose` keeps the hashes of different things apart. */
export const queryCodeHash = (key: Buffer, purpose: string, trackingNo: string, code: string) =>
  keyedHash(key, purpose, `${trackingNo}:${code.trim().toUpperCase()}`);

/** Whether a code given matches the hash kept. */
export const queryCodeMatches = (key: Buffer, purpose: string, trackingNo: string, code: string, hash: string) =>
  sameHash(hash, queryCodeHash(key, purpose, trackingNo, code));
