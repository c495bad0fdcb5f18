import { agencyItemPolicy } from './interaction.policy.ts';

/**
 * Who does what with a consultation (interaction.policy.ts): the agency's 信息员 writes it, moderates its comments,
 * records what became of each and links the final policy; its 审核人 opens it and publishes its result; the office
 * alone withdraws it.
 */
export type ConsultationAction = 'edit' | 'publish' | 'moderate' | 'decide' | 'result' | 'link' | 'withdraw';

export const {
  maySee: maySeeConsultation,
  requireAction: requireConsultationAction,
  agenciesOf: consultationAgenciesOf,
  allowed: consultationAllowed,
} = agencyItemPolicy<ConsultationAction>('意见征集', {
  edit: 'editor',
  moderate: 'editor',
  decide: 'editor',
  link: 'editor',
  publish: 'reviewer',
  result: 'reviewer',
  withdraw: null,
});
