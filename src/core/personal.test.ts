import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cardNumber, creditCode, fullWidth, residentId } from '../../test/support/personal.ts';
import { findPersonalData, luhn, markPersonalHtml, maskPersonalData, maskPersonalHtml } from './personal.ts';

const kinds = (text: string) => findPersonalData(text).map((f) => [f.kind, f.masked]);

test('resident ID numbers: with their check character, spaced, full-width, old 15-digit ones; masked 6 + 4', () => {
  const id = residentId('350128', '19850317', '123');
  assert.deepEqual(kinds(`张三，身份证号${id}，户主。`), [['id', `350128********${id.slice(-4)}`]]);
  assert.deepEqual(kinds(`${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`).length, 1);
  assert.deepEqual(kinds(`李四 ${fullWidth(id)} 低保户`), [['id', `350128********${id.slice(-4)}`]]);
  assert.deepEqual(kinds('王五 350128850317123 危房改造'), [['id', '350128*****7123']]);
  // a wrong check character is still a person's number: in shape (province, birth date) or labelled as one
  const typo = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
  assert.deepEqual(kinds(`陈某 ${typo}`).length, 1);
  assert.deepEqual(kinds('序号 990101199001011234'), [], 'no such province');
  assert.deepEqual(kinds('编码 350128209912310001'), [], 'born in the future');
  assert.deepEqual(kinds('身份证号码：990101199001011234').length, 1, 'labelled as an ID');
  // any valid ID anywhere in a line of text (property)
  fc.assert(
    fc.property(
      fc.constantFrom('110101', '350128', '430102', '650102', '820000'),
      fc.date({ min: new Date('1920-01-01'), max: new Date('2025-12-31'), noInvalidDate: true }),
      fc.integer({ min: 0, max: 999 }),
      fc.constantFrom('', '，', '：', ' ', '（', '\n'),
      (area, birth, seq, sep) => {
        const n = residentId(area, birth.toISOString().slice(0, 10).replace(/-/g, ''), String(seq).padStart(3, '0'));
        const found = findPersonalData(`补助对象${sep}${n}${sep}金额500元`);
        return found.length === 1 && found[0].kind === 'id' && found[0].text === n;
      },
    ),
  );
});

test('mobile phone numbers and bank card numbers; masked 3 + 4 and 6 + 4', () => {
  assert.deepEqual(kinds('联系电话：13812345678'), [['phone', '138****5678']]);
  assert.deepEqual(kinds('手机 138 1234 5678；或 +86-139-1234-5678'), [
    ['phone', '138****5678'],
    ['phone', '139****5678'],
  ]);
  const card = cardNumber('622202', 19);
  assert.ok(luhn(card));
  assert.deepEqual(kinds(`开户行：农业银行，卡号 ${card}`), [['card', `622202*********${card.slice(-4)}`]]);
  assert.deepEqual(kinds(`卡号 ${card.replace(/(\d{4})(?=\d)/g, '$1 ')}`).length, 1);
  assert.deepEqual(
    kinds(`${card.slice(0, -1)}${(Number(card.at(-1)) + 1) % 10}`),
    [],
    'a failed Luhn check is no card',
  );
});

test('never personal: document numbers, 索引号, credit codes, statistics, landlines, hotlines, masked numbers', () => {
  const code = creditCode('91350128MA2Y1234X');
  const numericCode = creditCode('12350128003123456');
  for (const text of [
    '青政办〔2026〕12号',
    '索引号：11330127MB0000002X/2026-00001',
    `统一社会信用代码：${code}`,
    `统一社会信用代码：${numericCode}`,
    '索引号 PZ00108-3000-2012-00001',
    '全年地区生产总值 12345678 万元，增长 6.5%',
    '固定资产投资 14464872971 万元，增长 1.6%',
    '2025年12月31日，共计 136 户 412 人',
    '咨询电话：0591-24312345，传真 0591 2431 2346',
    '服务热线 12345，400-123-4567',
    '身份证号 350128********1234，电话 138****5678',
    '项目编号：350128202612310001',
    '对公账户 3501 2820 2612 3100 01',
    '坐标 119.7912345678, 25.5012345678',
  ])
    assert.deepEqual(kinds(text), [], text);
});

test('masking and marking keep everything else, in text and in HTML', () => {
  const id = residentId('350128', '19900101', '002');
  const text = `户主：陈某，${id}，电话13912345678。`;
  assert.equal(maskPersonalData(text), `户主：陈某，350128********${id.slice(-4)}，电话139****5678。`);
  const html = `<table><tr><td>陈某</td><td>${id}</td><td><b>13912345678</b></td></tr></table>`;
  assert.equal(
    maskPersonalHtml(html),
    `<table><tr><td>陈某</td><td>350128********${id.slice(-4)}</td><td><b>139****5678</b></td></tr></table>`,
  );
  assert.equal(
    markPersonalHtml('<p>电话13912345678</p>'),
    '<p>电话<mark class="personal" title="疑似手机号码">13912345678</mark></p>',
  );
  assert.equal(maskPersonalData(maskPersonalData(text)), maskPersonalData(text), 'masking twice changes nothing');
});
