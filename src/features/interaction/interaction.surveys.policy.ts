import { agencyItemPolicy } from './interaction.policy.ts';

/**
 * Who does what with a survey (interaction.policy.ts): the agency's 信息员 writes it, enters questionnaires answered
 * on paper and exports its answers; its
 * 审核人 opens it and publishes its results; the office alone withdraws it.
 */
export type SurveyAction = 'edit' | 'register' | 'export' | 'publish' | 'results' | 'withdraw';

export const {
  maySee: maySeeSurvey,
  requireAction: requireSurveyAction,
  agenciesOf: surveyAgenciesOf,
  allowed: surveyAllowed,
} = agencyItemPolicy<SurveyAction>('网上调查', {
  edit: 'editor',
  register: 'editor',
  export: 'editor',
  publish: 'reviewer',
  results: 'reviewer',
  withdraw: null,
});
