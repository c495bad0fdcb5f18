/**
 * The audit trail read as Chinese sentences: who did what to which thing, with the reason, the fields changed and
 * the outcome, instead of action codes and JSON. The codes are the features' (core names them as text only).
 */

/** What each action does; `{o}` is the thing it acted on (left out on the thing's own page). */
const TEMPLATES: Record<string, string> = {
  'publication.create': '新建信息{o}',
  'edition.update': '修改信息{o}的草稿',
  'edition.new': '为信息{o}创建新版本',
  'edition.submit': '提交信息{o}审核',
  'edition.withdraw_submission': '撤回信息{o}的提交',
  'edition.approve_review': '审核通过信息{o}',
  'edition.reject_review': '审核退回信息{o}',
  'edition.approve_confidentiality': '保密审查通过信息{o}',
  'edition.reject_confidentiality': '保密审查退回信息{o}',
  'edition.publish_scheduled': '按定时发布信息{o}',
  'edition.mask': '遮盖信息{o}中的个人信息',
  'publication.withdraw': '撤回已发布的信息{o}',
  'publication.unpublish': '撤销发布信息{o}',
  'attachment.add': '为信息{o}上传附件',
  'attachment.remove': '删除信息{o}的附件',
  'request.submit': '在线提交申请{o}',
  'request.register': '登记申请{o}',
  'request.reset_code': '重置申请{o}的查询码',
  'request.view_personal_data': '查看申请{o}的申请人个人信息',
  'request.view_attachment': '查看申请{o}的材料',
  'request.add_reply_file': '为申请{o}的答复添加文件',
  'request.remove_reply_file': '删除申请{o}答复中的文件',
  'request.confirm_receipt': '确认收到申请{o}',
  'request.route': '转交办理申请{o}',
  'request.request_amendment': '要求申请{o}补正',
  'request.receive_amendment': '收到申请{o}的补正',
  'request.send_consultation': '就申请{o}征求第三方意见',
  'request.answer_consultation': '收到申请{o}的第三方意见',
  'request.extend': '延长申请{o}的答复期限',
  'request.notify_fee': '通知申请{o}缴纳信息处理费',
  'request.record_fee_paid': '登记申请{o}已缴费',
  'request.decide': '对申请{o}作出答复决定',
  'request.send_reply': '送达申请{o}的答复',
  'request.close': '办结申请{o}',
  'request.add_appeal': '登记申请{o}的复议或诉讼',
  'calendar.save': '设置工作日历{o}',
  'calendar.remove': '删除工作日历条目{o}',
  'site.create': '新建站点{o}',
  'site.update': '修改站点设置',
  'site.settings': '修改站点设置',
  'agency.create': '新建机构{o}',
  'agency.update': '修改机构{o}',
  'column.create': '新建栏目{o}',
  'column.update': '修改栏目{o}',
  'user.create': '新建用户{o}',
  'user.update': '修改用户{o}',
  'user.deactivate': '停用用户{o}',
  'user.reset_password': '重置用户{o}的密码',
  'user.change_password': '修改了自己的密码',
  'api_token.create': '创建访问令牌{o}',
  'import.create': '上传批量导入文件{o}',
  'import.start': '开始批量导入{o}',
  'import.retry': '重试批量导入{o}',
  'import.done': '完成批量导入{o}',
  'report.save': '保存年度报告{o}',
  'report.submit': '发布年度报告{o}',
  'report.reopen': '重新打开年度报告{o}',
  'search.add_terms': '添加搜索词',
  'search.rebuild': '重建搜索索引',
  'personal.scan': '开始扫描已发布信息中的个人信息',
  'gazette.create': '新建政府公报{o}',
  'gazette.update': '修改政府公报{o}',
  'letter.submit': '在线提交来信{o}',
  'letter.register': '登记来信{o}',
  'letter.rate': '评价来信{o}的答复',
  'letter.reopen': '对来信{o}的答复不满意，来信重新办理',
  'letter.assign': '分办来信{o}',
  'letter.transfer': '转办来信{o}',
  'letter.extend': '延长来信{o}的答复期限',
  'letter.draft': '保存来信{o}的答复草稿',
  'letter.reply': '答复来信{o}',
  'letter.approve': '审核通过并发送来信{o}的答复',
  'letter.return': '退回来信{o}的答复',
  'letter.close': '办结来信{o}（不予答复）',
  'letter.publish': '公开来信{o}',
  'letter.unpublish': '撤销公开来信{o}',
  'mailbox.create': '新建信箱{o}',
  'mailbox.open': '开启信箱{o}',
  'mailbox.close': '关闭信箱{o}',
  'canned_reply.create': '新增答复模板{o}',
  'canned_reply.delete': '删除答复模板{o}',
  'faq.create': '新建常见问题{o}',
  'faq.update': '修改常见问题{o}',
  'faq.publish': '发布常见问题{o}',
  'faq.unpublish': '撤下常见问题{o}',
  'faq.from_letter': '由来信答复生成常见问题{o}',
  'consultation.create': '新建意见征集{o}',
  'consultation.update': '修改意见征集{o}',
  'consultation.publish': '发布意见征集{o}',
  'consultation.withdraw': '撤回意见征集{o}',
  'consultation.comment': '对意见征集{o}提出意见',
  'consultation.register_comment': '登记意见征集{o}的一条意见',
  'consultation.moderate': '审核意见征集{o}的一条意见',
  'consultation.decide': '标明意见征集{o}的一条意见的采纳情况',
  'consultation.result': '公布意见征集{o}的结果',
  'consultation.link': '为意见征集{o}关联正式文件',
  'consultation.attach': '为意见征集{o}上传附件',
  'consultation.detach': '删除意见征集{o}的附件',
  'survey.create': '新建网上调查{o}',
  'survey.update': '修改网上调查{o}',
  'survey.publish': '发布网上调查{o}',
  'survey.results': '公布网上调查{o}的结果',
  'survey.withdraw': '撤回网上调查{o}',
  'survey.register': '录入网上调查{o}的一份纸质问卷',
  'survey.export': '导出网上调查{o}的全部答卷',
  'interview.create': '新建在线访谈{o}',
  'interview.update': '修改在线访谈{o}',
  'interview.photo': '上传在线访谈{o}的嘉宾照片',
  'interview.publish': '发布在线访谈{o}的预告',
  'interview.ask': '向在线访谈{o}提问',
  'interview.register_question': '登记在线访谈{o}的一条提问',
  'interview.moderate': '审核在线访谈{o}的一条网友提问',
  'interview.start': '开始在线访谈{o}的直播',
  'interview.post': '在在线访谈{o}中发布内容',
  'interview.put_question': '在在线访谈{o}中提出网友的问题',
  'interview.end': '结束在线访谈{o}',
  'interview.summary': '填写在线访谈{o}的摘要',
  'interview.withdraw': '撤回在线访谈{o}',
  'backup.create': '备份数据库和文件{o}',
  login: '登录后台',
  'login.failed': '登录失败：用户{o}的密码不正确',
  'login.locked': '多次登录失败，用户{o}在该地址暂停登录',
};

export interface AuditEntry {
  action: string;
  actor_name: string;
  entity_type: string;
  entity_id: string;
  before: unknown;
  after: unknown;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** The thing acted on as the sentence names it: an item by its title, a case by its number, others in quotes. */
function objectOf(e: AuditEntry, name: string): string {
  if (!name) return e.entity_id ? ` #${e.entity_id} ` : '';
  if (e.entity_type === 'publication') return `《${name}》`;
  if (e.entity_type === 'request') return ` ${name} `;
  return `“${name}”`;
}

/**
 * What was done, with its details, without who did it. `subject` names the thing (an item's title, a case's number);
 * empty on the thing's own page, where its 处理记录 needs no name.
 */
export function auditAction(e: AuditEntry, subject?: string): string {
  const before = obj(e.before);
  const after = obj(e.after);
  const issue = after.year && after.number ? `${str(after.year)}年第${str(after.number)}期` : '';
  const name =
    subject ??
    (str(after.title ?? after.name ?? after.username ?? after.trackingNo ?? before.title ?? before.name) || issue);
  const template = TEMPLATES[e.action];
  const done = template
    ? template
        .replace('{o}', subject === '' ? '' : objectOf(e, name))
        .replace(/\s+/g, ' ')
        .trim()
    : `${e.action}（${e.entity_type} #${e.entity_id}）`;
  const details: string[] = [];
  const filename = str(after.filename ?? before.filename);
  if (filename) details.push(`“${filename}”`);
  if (typeof after.edition === 'number') details.push(`（第 ${after.edition} 版）`);
  if (Array.isArray(after.changed) && after.changed.length) details.push(`，修改了${after.changed.join('、')}`);
  if (after.state === 'scheduled') details.push('，将定时发布');
  if (str(after.indexNo)) details.push(`，索引号 ${str(after.indexNo)}`);
  if (str(after.outcomeText)) details.push(`：${str(after.outcomeText)}`);
  if (str(after.masked)) details.push(`：${str(after.masked)}`);
  if (str(after.reason)) details.push(`，理由：${str(after.reason)}`);
  if (after.sameReviewer === true) details.push('（本站允许同一人完成两道审查）');
  if (str(after.personalData))
    details.push(`；确认公开疑似个人信息（${str(after.personalData)}），理由：${str(after.personalOverride)}`);
  return `${done}${details.join('')}`;
}
