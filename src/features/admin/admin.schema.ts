import { z } from 'zod';
import { checkbox, optionalId, text } from '../../core/validate.ts';
import { AGENCY_CODE_PATTERN } from '../catalog/catalog.rules.ts';

export const AGENCY_KINDS = {
  government: '人民政府',
  office: '政府办公室',
  department: '政府部门',
  township: '乡镇（街道）',
  other: '其他',
} as const;

/** The roles held in an agency (the platform admin role is held in no agency). */
export const AGENCY_ROLES = ['editor', 'reviewer', 'confidentiality_reviewer', 'office_admin'] as const;

/** An http(s) address, or nothing. */
const webAddress = (label: string) =>
  z
    .string()
    .trim()
    .max(500, `${label}过长`)
    .refine((s) => s === '' || /^https?:\/\/[^\s<>"]+$/.test(s), `${label}必须是 http(s) 地址`)
    .default('');

export const siteInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, '站点代码只能包含小写字母、数字和连字符（最多 32 个）'),
  name: text('站点名称', 100, 1),
  hosts: z
    .preprocess(
      (v) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : (v ?? [])),
      z.array(z.string().regex(/^[a-z0-9.-]{1,253}(:\d{1,5})?$/i, '域名格式无效')).max(20),
    )
    .default([]),
  /** Working days a policy may wait for its interpretation before the office is told (三同步). */
  interpretationDays: z.coerce
    .number()
    .int()
    .min(1, '解读时限至少 1 个工作日')
    .max(60, '解读时限最多 60 个工作日')
    .default(3),
  /** One person may give both approvals of an edition (small offices). */
  sameReviewerAllowed: checkbox.default(false),
  /** The footer's statutory lines. */
  sponsor: text('主办单位', 100).default(''),
  organizer: text('承办单位', 100).default(''),
  siteId: z
    .string()
    .trim()
    .regex(/^([0-9A-Z]{10})?$/i, '网站标识码为 10 位数字或字母')
    .default(''),
  icp: text('ICP 备案号', 60).default(''),
  police: text('公安机关备案号', 60).default(''),
  policeLink: webAddress('公安机关备案链接'),
  conacLink: webAddress('党政机关标识链接'),
  contact: text('联系我们', 300).default(''),
});

/** What the office can change on its own site; the code is fixed once created. */
export const siteSettingsInput = siteInput.omit({ code: true });
export type SiteSettingsInput = z.output<typeof siteSettingsInput>;

export const agencyInput = z.object({
  name: text('机构名称', 100, 1),
  parentId: optionalId.default(null),
  kind: z.enum(Object.keys(AGENCY_KINDS) as [keyof typeof AGENCY_KINDS], { error: '机构类型无效' }),
  code: z
    .string()
    .trim()
    .toUpperCase()
    .regex(AGENCY_CODE_PATTERN, '机构代码应为 9 位组织机构代码或 18 位统一社会信用代码'),
  sort: z.coerce.number().int().min(0).max(100000).default(0),
  officeName: text('公开工作机构名称', 100).default(''),
  officeAddress: text('办公地址', 200).default(''),
  officeHours: text('办公时间', 200).default(''),
  officePhone: text('联系电话', 50).default(''),
  officeFax: text('传真', 50).default(''),
  officeEmail: text('电子邮箱', 100).default(''),
  officePostcode: z
    .string()
    .trim()
    .regex(/^(\d{6})?$/, '邮政编码应为 6 位数字')
    .default(''),
  guideText: text('公开指南补充说明', 20000).default(''),
});

const ROLES = [...AGENCY_ROLES, 'platform_admin'] as const;

export const userInput = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_.-]{3,40}$/, '用户名为 3–40 位字母、数字、下划线、点或连字符'),
  name: text('姓名', 50, 1),
  phone: z
    .string()
    .trim()
    .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})?$/, '电话号码格式无效')
    .default(''),
  email: z
    .string()
    .trim()
    .max(100, '电子邮箱不能超过 100 个字符')
    .pipe(z.union([z.literal(''), z.email('电子邮箱格式不正确')]))
    .default(''),
  agencyId: optionalId.default(null),
  password: z.string().min(10, '密码至少 10 位').max(200, '密码过长'),
  roles: z
    .array(
      z
        .object({ role: z.enum(ROLES, { error: '角色无效' }), agencyId: optionalId.default(null) })
        .refine(
          (r) => (r.role === 'platform_admin') === (r.agencyId === null),
          '角色必须指定所在机构（平台管理员除外）',
        ),
    )
    .max(200, '角色最多 200 个')
    .default([]),
});

/** A staff account as the office changes it: the user name and the password are changed elsewhere. */
export const userUpdateInput = userInput.omit({ username: true, password: true }).extend({ active: checkbox });

const newPassword = z.string().min(10, '密码至少 10 位').max(200, '密码过长');

export const passwordInput = z
  .object({ password: newPassword, confirm: z.string().max(200) })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: '两次输入的密码不一致' });

export const ownPasswordInput = z
  .object({ current: z.string().max(200).default(''), password: newPassword, confirm: z.string().max(200) })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: '两次输入的密码不一致' })
  .refine((v) => v.password !== v.current, { path: ['password'], message: '新密码不能与原密码相同' });

export type AgencyInput = z.output<typeof agencyInput>;
