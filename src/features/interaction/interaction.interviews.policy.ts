import { agencyItemPolicy } from './interaction.policy.ts';

/**
 * Who does what with an interview (interaction.policy.ts): the agency's 信息员 prepares it, moderates residents'
 * questions, hosts the live stream and writes its summary; its 审核人 announces it; the office alone withdraws it.
 */
export type InterviewAction = 'edit' | 'moderate' | 'host' | 'publish' | 'withdraw';

export const {
  maySee: maySeeInterview,
  requireAction: requireInterviewAction,
  agenciesOf: interviewAgenciesOf,
  allowed: interviewAllowed,
} = agencyItemPolicy<InterviewAction>('在线访谈', {
  edit: 'editor',
  moderate: 'editor',
  host: 'editor',
  publish: 'reviewer',
  withdraw: null,
});
