import { randomInt } from 'node:crypto';
import type { Db } from './db.ts';
import { badInput } from './errors.ts';
import { keyedHash, randomCode, sameHash } from './secrets.ts';
import { foldWidth } from './text.ts';

/**
 * A captcha that needs no outside service and no picture: a sum written in Chinese numerals, which a screen
 * reader reads aloud as well as it shows (RULES.md §6: a non-visual alternative). The answer travels signed
 * in the form; a solved challenge is recorded so that it works once.
 */
export interface Challenge {
  question: string;
  token: string;
}

const NUMERALS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const VALID_MINUTES = 30;

const sign = (key: Buffer, body: string) => keyedHash(key, 'captcha', body);

export function newChallenge(key: Buffer, now: Date): Challenge {
  const a = randomInt(1, 11);
  const b = randomInt(1, 10);
  const nonce = randomCode(16);
  const expires = now.getTime() + VALID_MINUTES * 60_000;
  const body = `${nonce}.${expires}.${keyedHash(key, `captcha-answer.${nonce}`, String(a + b))}`;
  return {
    question: `${NUMERALS[a]}加${NUMERALS[b]}等于多少？（请填写阿拉伯数字）`,
    token: `${body}.${sign(key, body)}`,
  };
}

const CHINESE_DIGITS: Record<string, number> = {
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/**
 * An answer as typed, as digits: full-width digits from a Chinese input method, spaces, and a number written in
 * Chinese (十二, 二十) are all read as the number.
 */
export function answerDigits(answer: string): string {
  const s = foldWidth(answer).replace(/\s+/g, '');
  const m = /^([一二两三四五六七八九])?十([一二三四五六七八九])?$/.exec(s);
  if (m) return String((m[1] ? CHINESE_DIGITS[m[1]] : 1) * 10 + (m[2] ? CHINESE_DIGITS[m[2]] : 0));
  if (/^[零一二两三四五六七八九]$/.test(s)) return String(CHINESE_DIGITS[s]);
  return s;
}

/** Refuses a wrong, expired, forged or already used answer with a 400. */
export async function checkChallenge(db: Db, key: Buffer, token: string, answer: string, now: Date): Promise<void> {
  const parts = token.split('.');
  if (parts.length !== 4 || token.length > 300)
    throw badInput('验证码无效，请刷新页面后重试', { captcha: '验证码无效' });
  const [nonce, expires, answerHash, signature] = parts;
  if (!sameHash(signature, sign(key, `${nonce}.${expires}.${answerHash}`)))
    throw badInput('验证码无效，请刷新页面后重试', { captcha: '验证码无效' });
  if (Number(expires) < now.getTime()) throw badInput('验证码已过期，请重新计算新的题目', { captcha: '验证码已过期' });
  if (!sameHash(answerHash, keyedHash(key, `captcha-answer.${nonce}`, answerDigits(answer))))
    throw badInput('验证码答案不正确', { captcha: '答案不正确' });
  await db.deleteFrom('captcha_uses').where('expires_at', '<', now).execute();
  const used = await db
    .insertInto('captcha_uses')
    .values({ nonce, expires_at: new Date(Number(expires)) })
    .onConflict((oc) => oc.doNothing())
    .returning('nonce')
    .executeTakeFirst();
  if (!used) throw badInput('该验证码已使用过，请计算新的题目', { captcha: '验证码已使用' });
}
