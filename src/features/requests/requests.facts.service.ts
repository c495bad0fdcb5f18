import type { Ctx } from '../../core/context.ts';
import { appealsFiled, caseSummaries, casesTouching, trackingNumbers } from './requests.facts.store.ts';

/** What other features may know of the requests: the annual report's facts, case numbers and summaries. */

/** The cases and appeals that can touch the dates `start`..`end` (see `casesTouching`), each with its agency. */
export async function requestFacts(ctx: Ctx, siteId: number, agencyId: number | null, start: string, end: string) {
  const [cases, appeals] = await Promise.all([
    casesTouching(ctx.db, siteId, agencyId, start, end),
    appealsFiled(ctx.db, siteId, agencyId, start, end),
  ]);
  return {
    cases: cases.map((r) => ({
      id: r.id,
      agencyId: r.agency_id,
      applicantType: r.applicant_type,
      receivedOn: r.received_on,
      decidedOn: r.decided_on,
      outcome: r.outcome,
    })),
    appeals: appeals.map((r) => ({
      requestId: r.request_id,
      agencyId: r.agency_id,
      kind: r.kind,
      filedOn: r.filed_on,
      result: r.result,
      concludedOn: r.concluded_on,
    })),
  };
}

/** The tracking numbers (受理编号) of the cases, by id. */
export async function caseNumbers(ctx: Ctx, ids: number[]): Promise<Record<number, string>> {
  if (!ids.length) return {};
  return Object.fromEntries((await trackingNumbers(ctx.db, ids)).map((r) => [r.id, r.tracking_no]));
}

/** The cases by id, as staff may list them anywhere: without the applicant's personal data. */
export const caseList = (ctx: Ctx, ids: number[]) => (ids.length ? caseSummaries(ctx.db, ids) : Promise.resolve([]));
