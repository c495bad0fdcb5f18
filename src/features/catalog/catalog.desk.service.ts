/**
 * What needs attention on the 工作台: requests and letters past or near their deadline, comments to moderate and
 * consultations' results due, annual reports not published.
 */
import { administersSite, type Principal } from '../../core/access.ts';
import { shanghaiDate } from '../../core/calendar.ts';
import type { Ctx } from '../../core/context.ts';
import type { Site } from '../../core/db.types.ts';
import { consultationAlert, consultationCounts } from '../interaction/interaction.consultations.service.ts';
import { interviewAlert, interviewFigures } from '../interaction/interaction.interviews.service.ts';
import { letterAlert, letterReminders } from '../interaction/interaction.letters.service.ts';
import { surveyFigures } from '../interaction/interaction.surveys.service.ts';
import { reportStatus } from '../reports/reports.service.ts';
import { agencyLoads } from '../requests/requests.service.ts';

export interface Alert {
  text: string;
  href: string;
  /** Needs action now (said in the text too, never by colour alone). */
  urgent: boolean;
}

export async function dashboardAlerts(ctx: Ctx, p: Principal, site: Site): Promise<Alert[]> {
  const office = administersSite(p, site.id);
  const mine = new Set(p.roles.map((r) => r.agencyId));
  if (!office && !mine.size) return [];
  const alerts: Alert[] = [];
  const now = ctx.now();
  const load = (await agencyLoads(ctx, site)).rows.filter((a) => office || mine.has(a.agencyId));
  const sum = (k: 'open' | 'overdue' | 'dueSoon' | 'awaitingReceipt') => load.reduce((n, a) => n + a[k], 0);
  if (sum('open'))
    alerts.push({
      text: `依申请公开：未办结 ${sum('open')} 件，其中已超期 ${sum('overdue')} 件、即将到期 ${sum('dueSoon')} 件、待确认收到 ${sum('awaitingReceipt')} 件`,
      href: sum('overdue') ? '/admin/requests?stage=overdue' : '/admin/requests',
      urgent: sum('overdue') > 0,
    });
  const letters = await letterAlert(ctx, p, site.id);
  if (letters) alerts.push(letters);
  const consultations = await consultationAlert(ctx, p, site.id);
  if (consultations) alerts.push(consultations);
  const interviews = await interviewAlert(ctx, p, site.id);
  if (interviews) alerts.push(interviews);
  const year = Number(shanghaiDate(now).slice(0, 4)) - 1;
  // the dashboard needs the states only, not each report's check
  const reports = (await reportStatus(ctx, { principal: p, ip: '' }, site.id, year, { checks: false })).filter(
    (r) => r.state !== 'published',
  );
  const late = reports.filter((r) => r.late);
  if (late.length)
    alerts.push({
      text: `年度报告：${late.length} 个机构已过发布期限仍未发布${year}年度报告（${late
        .slice(0, 5)
        .map((r) => r.name)
        .join('、')}${late.length > 5 ? '等' : ''}）`,
      href: `/admin/reports?year=${year}`,
      urgent: true,
    });
  else if (reports.length)
    alerts.push({
      text: `年度报告：${reports.length} 个机构尚未发布${year}年度报告，最早的期限是 ${
        reports.map((r) => r.deadline).sort()[0]
      }`,
      href: `/admin/reports?year=${year}`,
      urgent: false,
    });
  return alerts;
}

/** One line of the 工作台's 政民互动 figures: what it counts, where it is kept, and the figures. */
export interface InteractionLine {
  label: string;
  href: string;
  figures: { label: string; n: number; urgent?: boolean }[];
}

/** The 政民互动 figures of the member's agencies (the office: the site's), each line linking to its list. */
export async function interactionFigures(ctx: Ctx, p: Principal, site: Site): Promise<InteractionLine[]> {
  if (!administersSite(p, site.id) && !p.roles.some((r) => r.agencyId !== null)) return [];
  const [letters, consultations, surveys, interviews] = await Promise.all([
    letterReminders(ctx, p, site.id),
    consultationCounts(ctx, p, site.id),
    surveyFigures(ctx, p, site.id),
    interviewFigures(ctx, p, site.id),
  ]);
  return [
    {
      label: '来信办理',
      href: '/admin/letters',
      figures: [
        { label: '未办结', n: letters.open },
        { label: '待分办', n: letters.triage },
        { label: '已超期', n: letters.overdue, urgent: letters.overdue > 0 },
      ],
    },
    {
      label: '意见征集',
      href: '/admin/consultations',
      figures: [
        { label: '征集中', n: consultations.open },
        { label: '待审核意见', n: consultations.pending },
        { label: '待公布结果', n: consultations.awaiting, urgent: consultations.late > 0 },
      ],
    },
    {
      label: '网上调查',
      href: '/admin/surveys',
      figures: [
        { label: '进行中', n: surveys.open },
        { label: '进行中的答卷', n: surveys.answers },
        { label: '已结束未公布结果', n: surveys.unpublished },
      ],
    },
    {
      label: '在线访谈',
      href: '/admin/interviews',
      figures: [
        { label: '预告', n: interviews.announced },
        { label: '直播中', n: interviews.live },
        { label: '待审核提问', n: interviews.pending },
      ],
    },
  ];
}
