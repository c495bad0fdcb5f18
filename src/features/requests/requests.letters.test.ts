import assert from 'node:assert/strict';
import { test } from 'node:test';
import { draftNotice, draftReply, type LetterFacts } from './requests.letters.ts';
import { OUTCOMES } from './requests.rules.ts';

const facts: LetterFacts = {
  applicant: '张三',
  trackingNo: '20260001',
  receivedOn: '2026年12月1日',
  description: '请公开2025年城乡低保资金的分配情况。',
  agency: '青山县民政局',
  outcome: 'granted',
  reason: '相关文件见附件。',
  basis: '',
  today: '2026年12月6日',
};

test('no letter doubles its punctuation or its phrases, whatever the applicant and the staff wrote', () => {
  for (const outcome of OUTCOMES.keys())
    for (const basis of ['', '《中华人民共和国政府信息公开条例》第三十六条第（二）项', '《条例》第十四条的规定。'])
      for (const reason of ['', '该信息涉及第三方商业秘密。', '请向县财政局咨询；'])
        for (const description of ['低保资金分配情况', '低保资金分配情况。', '低保资金分配情况！ ']) {
          const text = draftReply({ ...facts, outcome, basis, reason, description });
          assert.doesNotMatch(
            text,
            /[。；，！？]”[。；，]|[。；，]{2}|的规定的规定|情形情形|规定的规定/u,
            `${outcome}: ${text}`,
          );
          assert.match(text, /申请获取：“低保资金分配情况”。/u);
        }
  const notice = draftNotice({
    ...facts,
    kind: 'amendment_requested',
    on: '2026年12月3日',
    note: '请写明所需信息的文号。',
  });
  assert.doesNotMatch(notice, /。。|”。。|[。；]”[。；]/u);
  assert.match(notice, /需要补正的事项：请写明所需信息的文号。/u);
});
