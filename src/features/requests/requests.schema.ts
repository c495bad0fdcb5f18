import { z } from 'zod';
import { creditCodeProblem, residentIdProblem } from '../../core/identity.ts';
import { checkbox, id, optionalDate, text } from '../../core/validate.ts';
import { OPEN_STAGES, OUTCOMES } from './requests.rules.ts';

export const APPLICANT_TYPES = {
  person: '自然人',
  company: '商业企业',
  research: '科研机构',
  public_interest: '社会公益组织',
  legal_service: '法律服务机构',
  other: '其他组织',
} as const;
export const ID_TYPES = {
  resident_id: '居民身份证',
  passport: '护照',
  hk_macao: '港澳居民来往内地通行证',
  taiwan: '台湾居民来往大陆通行证',
  other: '其他有效身份证件',
} as const;
export const FORMS_WANTED = { paper: '纸质', electronic: '电子' } as const;
export const DELIVERIES = { post: '邮寄', email: '电子邮件', collect: '当面领取', online: '网上获取' } as const;
/** Art. 31: how each channel fixes the receipt date. */
export const CHANNELS = {
  online: { label: '互联网', rule: '以双方确认之日为收到申请之日' },
  in_person: { label: '当面提交', rule: '以提交之日为收到申请之日' },
  registered_mail: { label: '邮政特快专递、挂号信', rule: '以行政机关签收之日为收到申请之日' },
  letter: { label: '平常信函等无需签收的邮寄方式', rule: '以行政机关与申请人确认之日为收到申请之日' },
  fax: { label: '传真', rule: '以双方确认之日为收到申请之日' },
} as const;

const keysOf = <T extends object>(o: T) => Object.keys(o) as [keyof T & string, ...(keyof T & string)[]];
const choice = <T extends object>(o: T, label: string) => z.enum(keysOf(o), { error: `请选择${label}` });

/** A text field a form may leave out. */
const note = (label: string, max = 2000, min = 0) => text(label, max, min).default('');

/** The applicant and the request, as the public form and the staff registration both give them. */
const applicationShape = z.object({
  agencyId: id,
  applicantType: choice(APPLICANT_TYPES, '申请人类型'),
  name: text('申请人姓名或名称', 100, 1),
  idType: z.union([choice(ID_TYPES, '证件类型'), z.literal('')]).default(''),
  idNumber: note('证件号码', 30).transform((s) => s.toUpperCase()),
  orgCode: note('统一社会信用代码', 18).transform((s) => s.toUpperCase()),
  contactName: note('联系人姓名', 50),
  phone: text('联系电话', 20, 1).pipe(z.string().regex(/^[0-9+\-() ]{7,20}$/, '联系电话只能包含数字、+、- 和括号')),
  email: note('电子邮箱', 100).pipe(z.union([z.literal(''), z.email('电子邮箱格式不正确')])),
  address: note('通信地址', 200),
  postcode: note('邮政编码', 6).pipe(z.string().regex(/^(\d{6})?$/, '邮政编码应为 6 位数字')),
  description: text('所需政府信息的名称、文号或者便于查询的其他特征性描述', 2000, 5),
  formWanted: choice(FORMS_WANTED, '获取信息的载体形式'),
  delivery: choice(DELIVERIES, '获取信息的方式'),
  feeWaiver: checkbox.default(false),
  feeWaiverReason: note('减免费用的理由', 500),
});

type Application = z.output<typeof applicationShape>;

/** The checks that tie fields together; `today` bounds the birth date in a resident ID. */
function checkApplication(a: Application, ctx: z.RefinementCtx, today: string) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (a.applicantType === 'person') {
    if (!a.idType) issue('idType', '请选择证件类型');
    if (!a.idNumber) issue('idNumber', '请填写证件号码');
    else if (a.idType === 'resident_id') {
      const problem = residentIdProblem(a.idNumber, today);
      if (problem) issue('idNumber', problem);
    } else if (!/^[0-9A-Z()-]{5,30}$/.test(a.idNumber)) issue('idNumber', '证件号码只能包含字母和数字');
  } else {
    if (!a.orgCode) issue('orgCode', '请填写统一社会信用代码');
    else {
      const problem = creditCodeProblem(a.orgCode);
      if (problem) issue('orgCode', problem);
    }
    if (!a.contactName) issue('contactName', '请填写联系人姓名');
    if (a.idNumber && a.idType === 'resident_id') {
      const problem = residentIdProblem(a.idNumber, today);
      if (problem) issue('idNumber', problem);
    }
  }
  if (a.delivery === 'email' && !a.email) issue('email', '选择电子邮件方式获取时请填写电子邮箱');
  if (a.delivery === 'post' && !a.address) issue('address', '选择邮寄方式获取时请填写通信地址');
  if (a.feeWaiver && !a.feeWaiverReason) issue('feeWaiverReason', '申请减免费用时请说明理由');
}

export const applicationInput = (today: string) =>
  applicationShape.superRefine((a, ctx) => checkApplication(a, ctx, today));
export type ApplicationInput = Application;

/** Staff register an application that came by another channel; the receipt date follows the channel's rule. */
export const registrationInput = (today: string) =>
  applicationShape
    .extend({
      channel: choice(CHANNELS, '申请渠道'),
      receivedOn: optionalDate('收到申请日期'),
    })
    .superRefine((a, ctx) => {
      checkApplication(a, ctx, today);
      if (a.receivedOn && a.receivedOn > today)
        ctx.addIssue({ code: 'custom', path: ['receivedOn'], message: '收到申请日期不能晚于今天' });
    });

const requiredDate = (label: string) => optionalDate(label).refine((d): d is string => d !== null, `请填写${label}`);

/** The staff actions' inputs, by action. */
export const actionInputs = {
  confirm_receipt: z.object({ on: requiredDate('收到申请日期') }),
  route: z.object({ agencyId: id, note: note('转办说明', 500, 1) }),
  request_amendment: z.object({ on: requiredDate('补正通知日期'), note: note('需要补正的事项', 2000, 1) }),
  receive_amendment: z.object({ on: requiredDate('收到补正日期'), note: note('补正内容', 2000) }),
  send_consultation: z.object({
    on: requiredDate('发出征求意见日期'),
    party: z.enum(['third_party', 'agency'], { error: '请选择征求意见对象' }),
    ref: text('征求意见对象名称', 100, 1),
    note: note('征求意见内容', 2000),
  }),
  answer_consultation: z.object({
    on: requiredDate('收到答复日期'),
    ref: text('征求意见对象', 100, 1),
    answer: z.enum(['agree', 'disagree', 'no_reply'], { error: '请选择答复意见' }),
    note: note('答复内容', 2000),
  }),
  extend: z.object({
    on: requiredDate('延期决定日期'),
    workdays: z.coerce
      .number({ error: '延长天数须为数字' })
      .int('延长天数须为整数')
      .min(1, '至少延长 1 个工作日')
      .max(20, '延长期限最长不得超过 20 个工作日'),
    note: note('延期理由', 1000, 1),
  }),
  notify_fee: z.object({
    on: requiredDate('收费通知日期'),
    method: z.enum(['count', 'pages'], { error: '请选择计费方式' }),
    pages: z.coerce.number({ error: '页数须为数字' }).int('页数须为整数').min(0).max(1_000_000).default(0),
    note: note('说明', 1000),
  }),
  record_fee_paid: z.object({ on: requiredDate('缴费日期') }),
  decide: z.object({
    on: requiredDate('决定日期'),
    outcome: z.string().refine((c) => OUTCOMES.has(c), '请选择办理结果'),
    reason: note('理由', 2000),
    basis: note('法律依据', 500),
    publicationId: z.union([z.literal('').transform(() => null), id]).default(null),
  }),
  send_reply: z.object({
    on: requiredDate('答复日期'),
    method: choice(DELIVERIES, '送达方式'),
    letter: text('告知书', 20_000, 10),
  }),
  close: z.object({ note: note('办结说明', 500) }),
  add_appeal: z.object({
    kind: z.enum(['reconsideration', 'litigation_direct', 'litigation_after_reconsideration'], {
      error: '请选择类别',
    }),
    filedOn: requiredDate('申请复议或起诉日期'),
    result: z.enum(['upheld', 'corrected', 'other', 'pending'], { error: '请选择结果' }),
    concludedOn: optionalDate('审结日期'),
    note: note('说明', 1000),
  }),
} as const;

/** A staff action with its input, one schema for all (the JSON API's body): `action` picks the fields. */
export const caseActionInput = z.discriminatedUnion('action', [
  actionInputs.confirm_receipt.extend({ action: z.literal('confirm_receipt') }),
  actionInputs.route.extend({ action: z.literal('route') }),
  actionInputs.request_amendment.extend({ action: z.literal('request_amendment') }),
  actionInputs.receive_amendment.extend({ action: z.literal('receive_amendment') }),
  actionInputs.send_consultation.extend({ action: z.literal('send_consultation') }),
  actionInputs.answer_consultation.extend({ action: z.literal('answer_consultation') }),
  actionInputs.extend.extend({ action: z.literal('extend') }),
  actionInputs.notify_fee.extend({ action: z.literal('notify_fee') }),
  actionInputs.record_fee_paid.extend({ action: z.literal('record_fee_paid') }),
  actionInputs.decide.extend({ action: z.literal('decide') }),
  actionInputs.send_reply.extend({ action: z.literal('send_reply') }),
  actionInputs.close.extend({ action: z.literal('close') }),
  actionInputs.add_appeal.extend({ action: z.literal('add_appeal') }),
]);
export type CaseActionInput = z.output<typeof caseActionInput>;

/** What a list of cases may be narrowed to: open ones, overdue ones, or one stage ('' for every case). */
export const CASE_LIST_STAGES = ['open', 'overdue', ...OPEN_STAGES, 'replied', 'closed', ''] as const;

export const lookupInput = z.object({
  trackingNo: text('申请编号', 40, 1),
  queryCode: text('查询码', 20, 1),
});

export const APPEAL_KINDS = {
  reconsideration: '行政复议',
  litigation_direct: '行政诉讼（未经复议直接起诉）',
  litigation_after_reconsideration: '行政诉讼（复议后起诉）',
} as const;
export const APPEAL_RESULTS = {
  upheld: '结果维持',
  corrected: '结果纠正',
  other: '其他结果',
  pending: '尚未审结',
} as const;
