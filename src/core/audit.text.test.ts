import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AuditEntry, auditAction } from './audit.text.ts';

/** As the log reads a row: who (its own column), then what. */
const auditSentence = (e: AuditEntry, subject?: string) => `${e.actor_name || '系统'}${auditAction(e, subject)}`;

const entry = (action: string, entity_type: string, after: unknown = null, before: unknown = null) => ({
  action,
  actor_name: '王审核',
  entity_type,
  entity_id: '42',
  before,
  after,
});

test('the steps of 政民互动 read as sentences too', () => {
  assert.equal(
    auditSentence(entry('interview.start', 'interview', { title: '县教育局局长谈招生' })),
    '王审核开始在线访谈“县教育局局长谈招生”的直播',
  );
  assert.equal(
    auditSentence(entry('survey.withdraw', 'survey', { title: '公交调查', reason: '重复' })),
    '王审核撤回网上调查“公交调查”，理由：重复',
  );
});

test('each entry reads as a sentence: who, what, which thing, with its details', () => {
  assert.equal(
    auditSentence(
      entry('edition.approve_review', 'publication', { state: 'reviewed', edition: 2 }),
      '关于冬季供暖的通知',
    ),
    '王审核审核通过信息《关于冬季供暖的通知》（第 2 版）',
  );
  assert.equal(
    auditSentence(
      entry('edition.reject_confidentiality', 'publication', { edition: 1, reason: '含有个人信息' }),
      '名单',
    ),
    '王审核保密审查退回信息《名单》（第 1 版），理由：含有个人信息',
  );
  assert.equal(
    auditAction(
      entry('edition.update', 'publication', { title: 'X', edition: 1, changed: ['标题', '正文', '发文机关'] }),
      '',
    ),
    '修改信息的草稿（第 1 版），修改了标题、正文、发文机关',
    "on the item's own page the item is not named again",
  );
  assert.equal(
    auditAction(
      entry('edition.approve_confidentiality', 'publication', {
        state: 'published',
        edition: 1,
        indexNo: '11330127MB0000002X/2026-00001',
        personalData: '手机号码 1 处',
        personalOverride: '清算组联系人电话，依法公告',
      }),
      '',
    ),
    '保密审查通过信息（第 1 版），索引号 11330127MB0000002X/2026-00001；确认公开疑似个人信息（手机号码 1 处），理由：清算组联系人电话，依法公告',
  );
  assert.equal(
    auditSentence(
      entry('request.decide', 'request', { on: '2026-03-02', outcome: 'granted', outcomeText: '予以公开' }),
      '2026-0007',
    ),
    '王审核对申请 2026-0007 作出答复决定：予以公开',
  );
  assert.equal(
    auditSentence(entry('attachment.add', 'publication', { filename: '名单.pdf', size: 10 })),
    '王审核为信息 #42 上传附件“名单.pdf”',
  );
  assert.equal(
    auditSentence(entry('user.create', 'user', { username: 'li', name: '李信息' })),
    '王审核新建用户“李信息”',
  );
  assert.equal(
    auditSentence(entry('column.update', 'column')),
    '王审核修改栏目 #42',
    'a thing without a known name by its number',
  );
  assert.equal(auditSentence({ ...entry('search.rebuild', 'search_index'), actor_name: '' }), '系统重建搜索索引');
  assert.equal(
    auditSentence(entry('something.new', 'thing')),
    '王审核something.new（thing #42）',
    'an unknown code is shown as it is',
  );
});
