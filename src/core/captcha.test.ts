import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerDigits } from './captcha.ts';

test('an answer is read as digits however a Chinese input method typed it', () => {
  for (const [typed, digits] of [
    ['12', '12'],
    [' １２ ', '12'],
    ['１ ２', '12'],
    ['十二', '12'],
    ['十', '10'],
    ['二十', '20'],
    ['两', '2'],
    ['七', '7'],
    ['abc', 'abc'],
  ])
    assert.equal(answerDigits(typed), digits, typed);
});
