/**
 * Demo applications: two years of cases taken through the real services on their own dates, covering every
 * outcome of the annual report's Table 三 and every applicant type, with cases carried over at both year ends,
 * appeals for Table 四, and open cases on the clock for the office's overview.
 */
import type { Actor } from '../core/access.ts';
import {
  addWorkdays,
  type Calendar,
  type DateStr,
  isWorkday,
  loadCalendar,
  shanghaiDate,
  workdaysBefore,
} from '../core/calendar.ts';
import type { Ctx } from '../core/context.ts';
import type { AppealKind, AppealResult, ApplicantType } from '../core/db.types.ts';
import { creditCodeCheck, residentIdCheck } from '../core/identity.ts';
import { actOnRequest } from '../features/requests/requests.actions.service.ts';
import { OUTCOMES } from '../features/requests/requests.rules.ts';
import { registerApplication } from '../features/requests/requests.service.ts';

const PEOPLE = ['张建华', '李秀英', '王志强', '刘海燕', '陈国平', '杨丽娟', '赵明', '黄晓东', '周桂兰', '吴晨'];
const ORGS: Record<Exclude<ApplicantType, 'person'>, string[]> = {
  company: ['青山县宏达建材有限公司', '浙江青溪农业科技有限公司'],
  research: ['青山县农业科学研究所', '某大学公共管理学院课题组'],
  public_interest: ['青山县环保志愿者协会', '青山县慈善总会'],
  legal_service: ['浙江青山律师事务所', '青山县法律援助中心'],
  other: ['城关镇东门村村民委员会', '青山县个体劳动者协会'],
};
const WANTED = [
  '本县2024年城乡居民最低生活保障资金发放明细（不含个人身份信息）',
  '城关镇东门村集体土地征收补偿安置方案及批复文件',
  '本县农村危房改造补助对象的审批程序和补助标准',
  '县城区主干道改造工程的立项批复和招标文件',
  '本县2025年度义务教育学校招生划片方案',
  '青溪镇污水处理厂环境影响评价报告及批复',
  '县人民医院新院区建设项目的资金来源和预算',
  '本县就业创业补贴申领条件和发放情况',
];
const TYPES: ApplicantType[] = [
  'person',
  'person',
  'company',
  'person',
  'research',
  'public_interest',
  'person',
  'legal_service',
  'other',
];

/** A resident ID of the county (3301 27), born on the given day, with its check digit. */
const residentId = (n: number) => {
  const first17 = `330127${1950 + (n % 50)}${String(1 + (n % 12)).padStart(2, '0')}${String(1 + (n % 28)).padStart(2, '0')}${String(100 + (n % 900)).padStart(3, '0')}`;
  return first17 + residentIdCheck(first17);
};
const creditCode = (n: number) => {
  const first17 = `9133012773${String(1000000 + n).slice(-7)}`;
  return first17 + creditCodeCheck(first17);
};

/** How a case goes: what happens before the decision, and what follows it. */
interface Plan {
  outcome: string;
  type: ApplicantType;
  received: DateStr;
  agencyId: number;
  appeal?: { kind: AppealKind; result: AppealResult };
  /** Decided this many working days after receipt (before any amendment or fee steps). */
  days: number;
  extend?: boolean;
}

export interface DemoCases {
  created: number;
  open: number;
}

/** Creates the demo applications of the two years before `today` and of this year so far. */
export async function loadDemoCases(ctx: Ctx, office: Actor, siteId: number, agencyIds: number[]): Promise<DemoCases> {
  const cal = await loadCalendar(ctx.db, siteId);
  const today = shanghaiDate(ctx.now());
  const year = Number(today.slice(0, 4)) - 1;
  const workday = (d: DateStr) => {
    let x = d;
    while (!isWorkday(cal, x)) x = addWorkdays(cal, x, 1).date;
    return x;
  };
  const outcomes = [...OUTCOMES.keys()];
  const handlers = agencyIds.slice(2);
  const plans: Plan[] = [];
  // the report year: every outcome at least twice, spread over the months
  const count = outcomes.length * 2 + 12;
  for (let i = 0; i < count; i++) {
    const outcome = i < outcomes.length * 2 ? outcomes[i % outcomes.length] : i % 3 === 0 ? 'partial' : 'granted';
    const received = workday(
      `${year}-${String(1 + Math.floor((i * 11) / count)).padStart(2, '0')}-${String(3 + ((i * 7) % 24)).padStart(2, '0')}`,
    );
    plans.push({
      outcome,
      type: TYPES[i % TYPES.length],
      received,
      agencyId: handlers[i % Math.min(6, handlers.length)],
      days: 4 + ((i * 5) % 14),
      extend: i % 9 === 4,
      appeal:
        i === 3
          ? { kind: 'reconsideration', result: 'upheld' }
          : i === 8
            ? { kind: 'reconsideration', result: 'corrected' }
            : i === 13
              ? { kind: 'litigation_direct', result: 'pending' }
              : i === 21
                ? { kind: 'litigation_after_reconsideration', result: 'other' }
                : undefined,
    });
  }
  // carried into the report year, and out of it
  for (const [i, d] of ['-12-08', '-12-15', '-12-22', '-12-26'].entries())
    plans.push({
      outcome: i % 2 ? 'granted' : 'unavailable_not_held',
      type: TYPES[i + 1],
      received: workday(`${year - 1}${d}`),
      agencyId: handlers[i],
      days: 15,
    });
  for (const [i, d] of ['-12-10', '-12-17', '-12-24', '-12-29'].entries())
    plans.push({
      outcome: i % 2 ? 'partial' : 'granted',
      type: TYPES[i + 2],
      received: workday(`${year}${d}`),
      agencyId: handlers[i + 1],
      days: 16,
      extend: i === 3,
    });
  // this year so far: most decided, the latest four still open on the clock (due soon, and overdue)
  for (let i = 0; i < 12; i++) {
    const received = workday(workdaysBefore(cal, today, 3 + i * 12));
    if (received.slice(0, 4) !== today.slice(0, 4)) continue;
    plans.push({
      outcome: i % 4 ? 'granted' : 'refused_process',
      type: TYPES[i % TYPES.length],
      received,
      agencyId: handlers[i % 5],
      days: i < 4 ? 40 : 12,
    });
  }

  let created = 0;
  let open = 0;
  for (const [n, plan] of plans.entries()) {
    if (await runPlan(ctx, cal, office, siteId, plan, n, today)) open++;
    created++;
  }
  return { created, open };
}

/** Takes one case as far as its plan goes by `today`; true when it is still open. */
async function runPlan(
  ctx: Ctx,
  cal: Calendar,
  office: Actor,
  siteId: number,
  plan: Plan,
  n: number,
  today: DateStr,
): Promise<boolean> {
  const at = (d: DateStr): Ctx => ({ ...ctx, now: () => new Date(`${d}T02:00:00Z`) });
  const later = (d: DateStr, days: number) => addWorkdays(cal, d, days).date;
  const person = plan.type === 'person';
  const name = plan.type === 'person' ? PEOPLE[n % PEOPLE.length] : ORGS[plan.type][n % 2];
  const { id } = await registerApplication(at(plan.received), office, siteId, {
    agencyId: plan.agencyId,
    channel: (['online', 'online', 'in_person', 'registered_mail', 'letter', 'fax'] as const)[n % 6],
    receivedOn: plan.received,
    applicantType: plan.type,
    name,
    idType: person ? 'resident_id' : '',
    idNumber: person ? residentId(n) : '',
    orgCode: person ? '' : creditCode(n),
    contactName: person ? '' : PEOPLE[(n + 3) % PEOPLE.length],
    phone: `1380571${String(1000 + n).slice(-4)}`,
    email: '',
    address: `青山县城关镇人民路${10 + n}号`,
    postcode: '311700',
    description: WANTED[n % WANTED.length],
    formWanted: n % 2 ? 'paper' : 'electronic',
    delivery: n % 2 ? 'post' : 'collect',
  });
  let day = plan.received;
  /** The action `after` days on, unless that is past today (null: the case stops where it is). */
  const step = async (after: number, action: Parameters<typeof actOnRequest>[3], input: Record<string, unknown>) => {
    const on = later(day, after);
    if (on > today) return null;
    day = on;
    return actOnRequest(at(on), office, id, action, { on, ...input });
  };
  const o = plan.outcome;
  if (o === 'other_no_amendment' || o === 'unavailable_unclear') {
    if (!(await step(3, 'request_amendment', { note: '请明确所需信息的具体名称、文号或者形成时间。' }))) return true;
    if (
      o === 'unavailable_unclear' &&
      !(await step(5, 'receive_amendment', { note: '申请人补充了所需信息的大致形成时间。' }))
    )
      return true;
  }
  if (
    o === 'other_no_fee' &&
    !(await step(4, 'notify_fee', { method: 'pages', pages: 120, note: '所需材料约 120 页。' }))
  )
    return true;
  if (o === 'refused_third_party') {
    if (
      !(await step(3, 'send_consultation', {
        party: 'third_party',
        ref: '青山县宏达建材有限公司',
        note: '申请公开的信息涉及商业秘密。',
      }))
    )
      return true;
    if (
      !(await step(6, 'answer_consultation', {
        ref: '青山县宏达建材有限公司',
        answer: 'disagree',
        note: '不同意公开。',
      }))
    )
      return true;
  }
  if (plan.extend && !(await step(12, 'extend', { workdays: 10, note: '申请内容涉及多个部门，需要协调。' })))
    return true;
  const wait = o === 'other_no_amendment' || o === 'other_no_fee' ? 21 : plan.days;
  const reason = o.startsWith('granted') ? '' : `经审查，${OUTCOMES.get(o)!.label.replace(/^\d\./, '')}。`;
  const decided = await step(wait, 'decide', { outcome: o, reason });
  if (!decided) return true;
  if (!(await step(1, 'send_reply', { method: 'post', letter: decided.letter }))) return false;
  if (!(await step(2, 'close', { note: '' }))) return false;
  if (plan.appeal) {
    const filed = later(day, 20);
    if (filed <= today) {
      const concluded = plan.appeal.result === 'pending' ? null : later(filed, 40);
      const known = concluded !== null && concluded <= today;
      await actOnRequest(at(filed), office, id, 'add_appeal', {
        kind: plan.appeal.kind,
        filedOn: filed,
        result: known ? plan.appeal.result : 'pending',
        concludedOn: known ? concluded : '',
        note: '',
      });
    }
  }
  return false;
}
