import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { creditCodeProblem, maskEmail, maskIdNumber, maskName, maskPhone, residentIdProblem } from './identity.ts';

const TODAY = '2026-12-03';

test('a resident ID is checked by its checksum, region and birth date', () => {
  assert.equal(residentIdProblem('11010519491231002X', TODAY), null);
  assert.equal(residentIdProblem('11010519491231002x', TODAY), null, 'lower-case x is accepted');
  assert.match(residentIdProblem('110105194912310021', TODAY)!, /校验位/);
  assert.match(residentIdProblem('1101051949123100', TODAY)!, /18 位/);
  assert.match(residentIdProblem('99010519491231002X', TODAY)!, /地区码/);
  assert.match(residentIdProblem('110105194902300020', TODAY)!, /出生日期/, '30 February');
  assert.match(residentIdProblem('110105203001010020', TODAY)!, /出生日期/, 'born in the future');
});

test('changing any one digit of a valid resident ID is detected', () => {
  const valid = '11010519491231002X';
  fc.assert(
    fc.property(fc.integer({ min: 14, max: 16 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
      const digit = (Number(valid[pos]) + delta) % 10;
      const changed = valid.slice(0, pos) + digit + valid.slice(pos + 1);
      assert.notEqual(residentIdProblem(changed, TODAY), null);
    }),
  );
});

test('a unified social credit code is checked by its MOD 31 check character', () => {
  assert.equal(creditCodeProblem('91350100M000100Y43'), null);
  assert.equal(creditCodeProblem('91110000600037341L'), null);
  assert.equal(creditCodeProblem('91440300708461136t'), null, 'lower case is folded');
  assert.match(creditCodeProblem('911100001000131014')!, /校验位/);
  assert.match(creditCodeProblem('9135010')!, /18 位/);
  assert.match(creditCodeProblem('91350100M000100I43')!, /不含 I/);
});

test('masks keep only what identifies a record to its handler', () => {
  assert.equal(maskName('张三'), '张*');
  assert.equal(maskName('王小明'), '王**');
  assert.equal(maskName('欧阳建国'), '欧阳**');
  assert.equal(maskPhone('13812345678'), '138****5678');
  assert.equal(maskPhone('0591-8765432'), '059*****5432');
  assert.equal(maskPhone('5432'), '****');
  assert.equal(maskIdNumber('11010519491231002X'), '110***********002X');
  assert.equal(maskEmail('zhang@example.com'), 'z***@example.com');
  assert.equal(maskEmail(''), '');
});
