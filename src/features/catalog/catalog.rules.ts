import type { DisclosureMode, EditionState, Validity } from '../../core/db.types.ts';
import { AppError, conflict, forbidden } from '../../core/errors.ts';

/** 体裁分类 (genre) of the statutory catalogue. */
export const GENRES = [
  '规章',
  '行政规范性文件',
  '其他文件',
  '通知公告',
  '政策解读',
  '工作动态',
  '规划计划',
  '统计信息',
  '财政信息',
  '人事信息',
  '年度报告',
  '行政许可',
  '行政处罚',
  '招标采购',
  '会议信息',
  '应急管理',
] as const;
export type Genre = (typeof GENRES)[number];

/** Genres that are policies: they expect an interpretation (三同步). */
export const POLICY_GENRES: readonly string[] = ['规章', '行政规范性文件'];

/** 主题分类 after the national government portal's theme taxonomy. */
export const THEMES = [
  '综合政务',
  '国民经济管理、国有资产监管',
  '财政、金融、审计',
  '国土资源、能源',
  '农业、林业、水利',
  '工业、交通',
  '商贸、海关、旅游',
  '市场监管、安全生产监管',
  '城乡建设、环境保护',
  '科技、教育',
  '文化、广电、新闻出版',
  '卫生、体育',
  '人口与计划生育、妇女儿童工作',
  '劳动、人事、监察',
  '公安、安全、司法',
  '民政、扶贫、救灾',
  '民族、宗教',
  '对外事务',
  '港澳台侨工作',
  '国防',
  '机构组织',
  '其他',
] as const;

export const VALIDITY_LABELS: Record<Validity, string> = {
  valid: '有效',
  expired: '失效',
  repealed: '废止',
  amended: '已修订',
};

export const DISCLOSURE_LABELS: Record<DisclosureMode, string> = {
  active: '主动公开',
  on_request: '依申请公开',
  not_public: '不予公开',
};

export const STATE_LABELS: Record<EditionState, string> = {
  draft: '草稿',
  submitted: '待审核',
  reviewed: '待保密审查',
  scheduled: '定时发布',
  published: '已发布',
  superseded: '已被新版本替代',
  withdrawn: '已撤回',
  unpublished: '已撤销发布',
};

/** What can be done to an edition in progress. */
export const EDITION_ACTIONS = [
  'submit',
  'withdraw_submission',
  'approve_review',
  'reject_review',
  'approve_confidentiality',
  'reject_confidentiality',
] as const;
export type EditionAction = (typeof EDITION_ACTIONS)[number];

export interface EditionFacts {
  state: EditionState;
  submittedBy: number | null;
  /** Who gave the first approval (审核), once given. */
  reviewedBy: number | null;
}

/** What a site decides about its reviews. */
export interface ReviewRules {
  /** One person may give both approvals (a small office); the submitter never approves either way. */
  sameReviewerAllowed: boolean;
}

export const ACTION_LABELS: Record<EditionAction, string> = {
  submit: '提交审核',
  withdraw_submission: '撤回提交',
  approve_review: '审核通过',
  reject_review: '审核退回',
  approve_confidentiality: '保密审查通过',
  reject_confidentiality: '保密审查退回',
};

/** The role an action needs in the edition's agency. */
export const ACTION_ROLE = {
  submit: 'editor',
  withdraw_submission: 'editor',
  approve_review: 'reviewer',
  reject_review: 'reviewer',
  approve_confidentiality: 'confidentiality_reviewer',
  reject_confidentiality: 'confidentiality_reviewer',
} as const satisfies Record<EditionAction, string>;

const FROM: Record<EditionAction, EditionState> = {
  submit: 'draft',
  withdraw_submission: 'submitted',
  approve_review: 'submitted',
  reject_review: 'submitted',
  approve_confidentiality: 'reviewed',
  reject_confidentiality: 'reviewed',
};

/**
 * The workflow: draft → submitted → reviewed (审核) → published or scheduled (保密审查); either rejection returns the
 * edition to draft, and its editors may take it back (撤回提交) until the first review. Separation of duties: the
 * person who submitted never approves, and the two approvals are given by two people unless the site allows one.
 * `scheduledAt` in the future makes the final approval schedule instead of publish.
 */
export function nextState(
  e: EditionFacts,
  action: EditionAction,
  actorId: number,
  now: Date,
  scheduledAt: Date | null,
  rules: ReviewRules,
): EditionState {
  if (e.state !== FROM[action]) {
    throw conflict(`该版本当前状态为“${STATE_LABELS[e.state]}”，不能${ACTION_LABELS[action]}`);
  }
  const refusal = dutyConflict(e, action, actorId, rules);
  if (refusal) throw forbidden(refusal);
  switch (action) {
    case 'submit':
      return 'submitted';
    case 'approve_review':
      return 'reviewed';
    case 'approve_confidentiality':
      return scheduledAt && scheduledAt > now ? 'scheduled' : 'published';
    default:
      return 'draft';
  }
}

/** Why this person may not give this approval (separation of duties), or null when they may. */
function dutyConflict(e: EditionFacts, action: EditionAction, actorId: number, rules: ReviewRules): string | null {
  if (action !== 'approve_review' && action !== 'approve_confidentiality') return null;
  if (e.submittedBy === actorId) return '提交人不能审核自己提交的信息';
  if (action === 'approve_confidentiality' && e.reviewedBy === actorId && !rules.sameReviewerAllowed)
    return '审核和保密审查须由不同的人完成（本站点未允许同一人完成两道审查）';
  return null;
}

/** Whether an approval is given by the person who gave the first one (allowed by the site; recorded). */
export const sameReviewer = (e: EditionFacts, action: EditionAction, actorId: number) =>
  action === 'approve_confidentiality' && e.reviewedBy === actorId;

/** Which actions a person with these roles could take now (for showing buttons; the server checks again). */
export function availableActions(
  e: EditionFacts,
  actorId: number,
  roles: Set<string>,
  rules: ReviewRules,
): EditionAction[] {
  return (Object.keys(FROM) as EditionAction[]).filter(
    (a) => FROM[a] === e.state && roles.has(ACTION_ROLE[a]) && !dutyConflict(e, a, actorId, rules),
  );
}

/**
 * Who may mask personal data in an edition: whoever holds it now — its editors while it is a draft, the reviewer at
 * the first review, the confidentiality reviewer at the second. Once published, a new edition is made instead.
 */
export function maskingRole(state: EditionState): 'editor' | 'reviewer' | 'confidentiality_reviewer' {
  if (state === 'draft') return 'editor';
  if (state === 'submitted') return 'reviewer';
  if (state === 'reviewed') return 'confidentiality_reviewer';
  throw conflict(`该版本处于“${STATE_LABELS[state]}”状态，不能修改；已发布的信息请创建新版本后遮盖`);
}

/** Only a draft is edited; everything after submission is frozen until returned. */
export function assertEditable(state: EditionState): void {
  if (state !== 'draft') throw conflict(`该版本处于“${STATE_LABELS[state]}”状态，不能修改`);
}

export type LiveAction = 'withdraw' | 'unpublish' | 'new_edition';

/** Changes to the live publication: withdraw keeps the page with a banner; unpublish makes it 410. */
export function assertLiveAction(status: string, action: LiveAction, hasOpenEdition: boolean): void {
  if (action === 'new_edition') {
    if (status !== 'published') throw conflict('只有已发布的信息可以创建新版本');
    if (hasOpenEdition) throw conflict('该信息已有一个正在编辑或审核中的版本');
    return;
  }
  if (action === 'withdraw' && status !== 'published') throw conflict('只有已发布的信息可以撤回');
  if (action === 'unpublish' && status !== 'published' && status !== 'withdrawn') {
    throw conflict('只有已发布或已撤回的信息可以撤销发布');
  }
}

export const MAX_SERIAL = 99_999;

/** 索引号: `<agency code>/<year>-<5-digit serial>`. */
export function formatIndexNo(agencyCode: string, year: number, serial: number): string {
  if (!Number.isInteger(serial) || serial < 1 || serial > MAX_SERIAL) {
    throw new AppError('conflict', `索引号流水号超出范围（1–${MAX_SERIAL}）`);
  }
  return `${agencyCode}/${year}-${String(serial).padStart(5, '0')}`;
}

export const INDEX_NO_PATTERN = /^[0-9A-Z-]{6,30}\/\d{4}-\d{5}$/;
/** Agency codes: organisation code (9 characters, may carry a dash) or unified social credit code (18). */
export const AGENCY_CODE_PATTERN = /^([0-9A-Z]{8}-?[0-9X]|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})$/;
