import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Edition } from '../../core/db.types.ts';
import { bodyChanges, fieldChanges } from './catalog.diff.ts';
import type { PublicPage } from './catalog.read.store.ts';

const body = (...paragraphs: string[]) => ({ body_html: paragraphs.map((p) => `<p>${p}</p>`).join(''), body_text: '' });

function page(edition: Partial<Edition>, extra: Partial<PublicPage> = {}): PublicPage {
  return {
    publication: {
      id: 1,
      site_id: 1,
      site_code: 'demo',
      index_no: null,
      status: 'published',
      status_reason: '',
      status_changed_at: null,
      first_published_at: null,
      agency_id: 1,
      agency_name: '县政府办公室',
    },
    edition: {
      title: '关于做好冬季安全生产工作的通知',
      doc_no: '青政办〔2026〕31号',
      written_on: '2026-11-20',
      genre: '其他文件',
      theme_category: '',
      keywords: [],
      summary: '',
      disclosure_mode: 'active',
      non_disclosure_reason: '',
      validity: 'valid',
      effective_on: null,
      validity_changed_on: null,
      interpretation_kind: null,
      video_url: '',
      ...edition,
    } as Edition,
    agencies: [{ id: 1, name: '县政府办公室' }],
    columns: [{ id: 1, slug: 'tzgg', name: '通知公告' }],
    attachments: [],
    interpretations: [],
    interprets: [],
    replacedBy: null,
    history: [],
    ...extra,
  };
}

describe('what a new edition changes', () => {
  test('names each changed catalogue field with both values, and nothing else', () => {
    const live = page({});
    const next = page(
      { doc_no: '青政办〔2026〕32号', validity: 'amended' },
      {
        agencies: [
          { id: 1, name: '县政府办公室' },
          { id: 2, name: '县应急管理局' },
        ],
        attachments: [{ id: 9, filename: '检查表.xlsx', size: 10, mime: 'x' }],
      },
    );
    assert.deepEqual(fieldChanges(live, next), [
      { label: '发文字号', before: '青政办〔2026〕31号', after: '青政办〔2026〕32号' },
      { label: '发文机关', before: '县政府办公室', after: '县政府办公室、县应急管理局' },
      { label: '有效性', before: '有效', after: '已修订' },
      { label: '附件', before: '', after: '检查表.xlsx' },
    ]);
    assert.deepEqual(fieldChanges(live, page({})), []);
  });

  test('the body: a rewritten paragraph marks its changed characters; added and removed ones stand whole', () => {
    const blocks = bodyChanges(
      body('各乡镇人民政府：', '一、检查时间为12月1日至12月31日。', '二、请于月底前报送。'),
      body(
        '各乡镇人民政府：',
        '一、检查时间为12月1日至1月15日。',
        '二、请于月底前报送。',
        '三、联系电话：0746-1234567。',
      ),
    );
    assert.deepEqual(blocks, [
      { kind: 'same', text: '各乡镇人民政府：' },
      {
        kind: 'changed',
        pieces: [
          { text: '一、检查时间为12月1日至1' },
          { text: '2', change: 'removed' },
          { text: '月' },
          { text: '3', change: 'removed' },
          { text: '1' },
          { text: '5', change: 'added' },
          { text: '日。' },
        ],
      },
      { kind: 'same', text: '二、请于月底前报送。' },
      { kind: 'added', text: '三、联系电话：0746-1234567。' },
    ]);
    assert.deepEqual(
      bodyChanges(body('一样'), { body_html: '', body_text: '一样' }),
      [],
      'HTML and text that read alike',
    );
  });

  test('long unchanged stretches are counted, not shown; a paragraph rewritten past the bound stands whole', () => {
    const many = Array.from({ length: 30 }, (_, i) => `第${i + 1}段。`);
    const blocks = bodyChanges(body(...many), body(...many.slice(0, 15), '新的一段。', ...many.slice(15)));
    assert.deepEqual(blocks, [
      { kind: 'skipped', count: 14 },
      { kind: 'same', text: '第15段。' },
      { kind: 'added', text: '新的一段。' },
      { kind: 'same', text: '第16段。' },
      { kind: 'skipped', count: 14 },
    ]);
    const a = '甲'.repeat(6000);
    const b = '乙'.repeat(6000);
    assert.deepEqual(bodyChanges(body(a), body(b)), [
      {
        kind: 'changed',
        pieces: [
          { text: a, change: 'removed' },
          { text: b, change: 'added' },
        ],
      },
    ]);
  });
});
