import { z } from 'zod';
import { shanghaiTime } from '../../core/calendar.ts';
import { badInput } from '../../core/errors.ts';
import { checkbox, idList, optionalDate, optionalId, text } from '../../core/validate.ts';
import { GENRES, THEMES } from './catalog.rules.ts';

const MAX_BODY = 2_000_000;

/** A Shanghai wall-clock time from a datetime-local field, as an instant. */
const localDateTime = z
  .string()
  .trim()
  .max(25)
  .refine((s) => s === '' || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(s), '定时发布时间格式应为 年-月-日 时:分')
  .transform((s) => (s === '' ? null : shanghaiTime(s)))
  .refine((d) => d === null || !Number.isNaN(d.getTime()), '定时发布时间无效');

/** The fields of an edition as staff fill them in (web form or API). */
export const editionInput = z
  .object({
    title: text('标题', 300, 1),
    docNo: text('发文字号', 100).default(''),
    writtenOn: optionalDate('成文日期').prefault(''),
    themeCategory: z.union([z.enum(THEMES), z.literal('')], { error: '主题分类无效' }).default(''),
    genre: z.enum(GENRES, { error: '请选择有效的体裁分类' }),
    keywords: text('主题词', 200)
      .prefault('')
      .transform((s) => [...new Set(s.split(/[\s,，;；、]+/).filter(Boolean))])
      .refine((k) => k.length <= 20 && k.every((w) => w.length <= 30), '主题词最多 20 个，每个不超过 30 字'),
    summary: text('内容概述', 2000).default(''),
    disclosureMode: z.enum(['active', 'on_request', 'not_public'], { error: '公开方式无效' }).default('active'),
    nonDisclosureReason: text('不予公开理由', 500).default(''),
    validity: z.enum(['valid', 'expired', 'repealed', 'amended'], { error: '有效性无效' }).default('valid'),
    effectiveOn: optionalDate('施行日期').prefault(''),
    validityChangedOn: optionalDate('失效/废止日期').prefault(''),
    replacedById: z
      .preprocess(
        (v) => (v === '' || v === undefined ? null : v),
        z.coerce.number().int().positive().max(2_147_483_647).nullable(),
      )
      .default(null),
    bodyHtml: z.string().max(MAX_BODY, '正文过长（上限 200 万字符）').default(''),
    /** The issuing agencies (发文机关), in order; none means the publishing agency alone. */
    agencyIds: idList('发文机关', 10),
    columnIds: idList('栏目', 20).refine((a) => a.length >= 1, '请至少选择一个栏目'),
    interpretsIds: idList('解读对象', 20).default([]),
    interpretationKind: z.enum(['text', 'graphic', 'video', '']).default(''),
    videoUrl: z
      .string()
      .trim()
      .max(500, '视频链接过长')
      .refine((s) => s === '' || /^https?:\/\/[^\s<>"]+$/.test(s), '视频链接必须是 http(s) 地址')
      .default(''),
    changeNote: text('修改说明', 1000).default(''),
    scheduledAt: localDateTime.prefault(''),
  })
  .superRefine((v, ctx) => {
    if (v.disclosureMode === 'not_public' && !v.nonDisclosureReason) {
      ctx.addIssue({ code: 'custom', path: ['nonDisclosureReason'], message: '不予公开的信息必须填写理由' });
    }
    if ((v.validity === 'repealed' || v.validity === 'expired') && !v.validityChangedOn) {
      ctx.addIssue({ code: 'custom', path: ['validityChangedOn'], message: '失效或废止的文件必须填写失效/废止日期' });
    }
    if (v.genre === '政策解读' && v.interpretsIds.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['interpretsIds'], message: '政策解读必须关联至少一个被解读的文件' });
    }
    if (v.interpretationKind === 'video' && !v.videoUrl) {
      ctx.addIssue({ code: 'custom', path: ['videoUrl'], message: '视频解读必须填写视频链接' });
    }
  });

export type EditionInput = z.output<typeof editionInput>;

/** A policy chosen from the form's searchable list: its title, then `#` and its number. */
const PICKED = /#(\d{1,10})\s*$/;

/**
 * The edition form's two policy pickers as the input's ids: 解读的文件 adds the policy picked to those kept ticked,
 * and 替代文件 is the policy picked (cleared: none). Text that is not a choice from the list is refused.
 */
export function withPickedPolicies(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  const errors: Record<string, string> = {};
  const interprets = typeof body.interpretsPick === 'string' ? body.interpretsPick.trim() : '';
  if (interprets) {
    const m = PICKED.exec(interprets);
    if (m) out.interpretsIds = [...[body.interpretsIds ?? []].flat(), m[1]];
    else errors.interpretsPick = '请从列表中选择要解读的文件（输入标题或文号后选择）';
  }
  if (typeof body.replacedByPick === 'string') {
    const replaced = body.replacedByPick.trim();
    const m = PICKED.exec(replaced);
    if (!replaced) out.replacedById = '';
    else if (m) out.replacedById = m[1];
    else errors.replacedByPick = '请从列表中选择替代文件（输入标题或文号后选择）';
  }
  if (Object.keys(errors).length) throw badInput(`提交的内容有误：${Object.values(errors).join('；')}`, errors);
  return out;
}

export const reasonInput = z.object({ reason: text('理由', 500, 1) });

/** An approval: with findings of personal data, the reviewer's reason to publish them anyway. */
export const approvalInput = z.object({ personalOverride: text('确认公开的理由', 500).default('') });

/** One finding of personal data to mask (by where it is and its order there), or none: every finding. */
export const maskInput = z.object({
  place: z.enum(['title', 'summary', 'body', 'all'], { error: '遮盖位置无效' }).default('all'),
  ordinal: z.coerce.number().int().min(0).max(10_000).default(0),
});

export const gazetteInput = z.object({
  year: z.coerce.number().int().min(1949, '年份无效').max(2200, '年份无效'),
  number: z.coerce.number().int().min(1, '期号无效').max(400, '期号无效'),
  totalNumber: z
    .preprocess((v) => (v === '' || v === undefined ? null : v), z.coerce.number().int().min(1).max(100000).nullable())
    .default(null),
  issueDate: optionalDate('出版日期').refine((d) => d !== null, '请填写出版日期'),
  published: checkbox.default(false),
  entries: z
    .array(
      z.object({
        section: text('栏目', 50).default(''),
        title: text('篇目标题', 300, 1),
        publicationId: z.coerce.number().int().positive().max(2_147_483_647).nullable().default(null),
      }),
    )
    .max(300, '每期最多 300 篇'),
});

export const COLUMN_KINDS = {
  news: '工作动态',
  notice: '通知公告',
  policy: '政策文件',
  interpretation: '政策解读',
  key_area: '重点领域',
  gazette: '政府公报',
  disclosure: '政府信息公开',
  guide: '公开指南',
  system: '公开制度',
  annual_report: '年度报告',
  topic: '专题',
  other: '其他',
} as const;

export const columnInput = z.object({
  name: text('栏目名称', 50, 1),
  slug: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, '栏目路径只能包含小写字母、数字和连字符'),
  kind: z.enum(Object.keys(COLUMN_KINDS) as [keyof typeof COLUMN_KINDS], { error: '栏目类型无效' }),
  parentId: optionalId.default(null),
  description: text('栏目说明', 1000).default(''),
  sort: z.coerce.number().int().min(0).max(100000).default(0),
  visible: checkbox.default(true),
});
