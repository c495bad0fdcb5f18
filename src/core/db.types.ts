import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;
/** Calendar dates stay strings (YYYY-MM-DD): legal dates are dates in Asia/Shanghai, not instants. */
type DateString = ColumnType<string, string, string>;

export interface SitesTable {
  id: Generated<number>;
  code: string;
  name: string;
  hosts: ColumnType<string[], string[] | undefined, string[]>;
  settings: Json;
  created_at: Generated<Date>;
}

export interface AgenciesTable {
  id: Generated<number>;
  site_id: number;
  parent_id: number | null;
  name: string;
  kind: 'government' | 'office' | 'department' | 'township' | 'other';
  code: string;
  sort: Generated<number>;
  office_name: Generated<string>;
  office_address: Generated<string>;
  office_hours: Generated<string>;
  office_phone: Generated<string>;
  office_fax: Generated<string>;
  office_email: Generated<string>;
  office_postcode: Generated<string>;
  guide_text: Generated<string>;
  created_at: Generated<Date>;
}

export type Role = 'editor' | 'reviewer' | 'confidentiality_reviewer' | 'office_admin' | 'platform_admin';

export interface UsersTable {
  id: Generated<number>;
  username: string;
  name: string;
  phone: Generated<string>;
  email: Generated<string>;
  agency_id: number | null;
  password_hash: string;
  active: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Date | null;
  created_at: Generated<Date>;
}

export interface UserRolesTable {
  id: Generated<number>;
  user_id: number;
  role: Role;
  agency_id: number | null;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  ip: Generated<string>;
  created_at: Generated<Date>;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AuditEventsTable {
  id: Generated<string>;
  site_id: number | null;
  at: Generated<Date>;
  actor_id: number | null;
  actor_name: Generated<string>;
  agency_id: number | null;
  ip: Generated<string>;
  action: string;
  entity_type: string;
  entity_id: Generated<string>;
  before: Json | null;
  after: Json | null;
}

export interface ColumnsTable {
  id: Generated<number>;
  site_id: number;
  parent_id: number | null;
  slug: string;
  name: string;
  kind: string;
  description: Generated<string>;
  sort: Generated<number>;
  visible: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface FilesTable {
  hash: string;
  size: ColumnType<number, number, number>;
  mime: string;
  created_at: Generated<Date>;
}

export interface IndexSerialsTable {
  agency_id: number;
  year: number;
  last_serial: number;
}

export type PublicationStatus = 'unpublished_draft' | 'published' | 'withdrawn' | 'unpublished';

export interface PublicationsTable {
  id: Generated<number>;
  site_id: number;
  agency_id: number;
  index_no: string | null;
  status: Generated<PublicationStatus>;
  status_reason: Generated<string>;
  status_changed_at: Date | null;
  first_published_at: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
  /** Where an imported publication came from; unique per site, so importing again adds nothing. */
  source_key: string | null;
}

export type EditionState =
  | 'draft'
  | 'submitted'
  | 'reviewed'
  | 'scheduled'
  | 'published'
  | 'superseded'
  | 'withdrawn'
  | 'unpublished';
export type Validity = 'valid' | 'expired' | 'repealed' | 'amended';
export type DisclosureMode = 'active' | 'on_request' | 'not_public';

export interface EditionsTable {
  id: Generated<number>;
  publication_id: number;
  number: number;
  state: EditionState;
  title: string;
  doc_no: Generated<string>;
  written_on: DateString | null;
  published_at: Date | null;
  theme_category: Generated<string>;
  genre: string;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  summary: Generated<string>;
  disclosure_mode: Generated<DisclosureMode>;
  non_disclosure_reason: Generated<string>;
  validity: Generated<Validity>;
  effective_on: DateString | null;
  validity_changed_on: DateString | null;
  replaced_by_id: number | null;
  body_html: Generated<string>;
  body_text: Generated<string>;
  interpretation_kind: 'text' | 'graphic' | 'video' | null;
  video_url: Generated<string>;
  change_note: Generated<string>;
  scheduled_at: Date | null;
  rejection_reason: Generated<string>;
  created_by: number | null;
  submitted_by: number | null;
  submitted_at: Date | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  approved_by: number | null;
  approved_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface EditionAgenciesTable {
  edition_id: number;
  agency_id: number;
  position: number;
}

export interface EditionColumnsTable {
  edition_id: number;
  column_id: number;
}

export interface EditionInterpretsTable {
  edition_id: number;
  policy_id: number;
}

export interface AttachmentsTable {
  id: Generated<number>;
  edition_id: number;
  file_hash: string;
  filename: string;
  mime: string;
  size: ColumnType<number, number, number>;
  text_content: Generated<string>;
  position: Generated<number>;
}

export interface GazetteIssuesTable {
  id: Generated<number>;
  site_id: number;
  year: number;
  number: number;
  total_number: number | null;
  issue_date: DateString;
  published: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface GazetteEntriesTable {
  id: Generated<number>;
  issue_id: number;
  position: number;
  section: Generated<string>;
  title: string;
  publication_id: number | null;
}

export interface CalendarDaysTable {
  id: Generated<number>;
  /** Null for a national entry; a site's own local entry otherwise. */
  site_id: number | null;
  day: DateString;
  kind: 'holiday' | 'workday';
  name: Generated<string>;
  updated_at: Generated<Date>;
}

export interface SearchChangesTable {
  seq: Generated<number>;
  site_id: number | null;
  key: string;
  at: Generated<Date>;
}

export interface SearchTermsTable {
  term: string;
  site_id: number | null;
  created_by: number | null;
  created_at: Generated<Date>;
}

export interface ImportsTable {
  id: Generated<number>;
  site_id: number;
  filename: string;
  file_hash: string;
  format: 'jsonl' | 'csv' | 'xlsx';
  mapping: Json;
  defaults: Json;
  status: Generated<'mapping' | 'pending' | 'running' | 'done' | 'failed'>;
  message: Generated<string>;
  total_rows: Generated<number>;
  done_rows: Generated<number>;
  imported_rows: Generated<number>;
  duplicate_rows: Generated<number>;
  error_rows: Generated<number>;
  created_by: number | null;
  created_at: Generated<Date>;
  heartbeat_at: Date | null;
  finished_at: Date | null;
}

export interface ImportErrorsTable {
  import_id: number;
  row_number: number;
  field: string;
  message: string;
}

export type RequestChannel = 'online' | 'in_person' | 'registered_mail' | 'letter' | 'fax';
export type RequestStage =
  | 'awaiting_receipt'
  | 'handling'
  | 'amendment'
  | 'consultation'
  | 'fee'
  | 'decided'
  | 'replied'
  | 'closed';
export type ApplicantType = 'person' | 'company' | 'research' | 'public_interest' | 'legal_service' | 'other';

export interface RequestsTable {
  id: Generated<number>;
  site_id: number;
  agency_id: number;
  tracking_no: string;
  query_code_hash: string;
  channel: RequestChannel;
  submitted_at: Generated<Date>;
  received_on: DateString | null;
  stage: RequestStage;
  applicant_type: ApplicantType;
  applicant_name: string;
  id_type: Generated<'' | 'resident_id' | 'passport' | 'hk_macao' | 'taiwan' | 'other'>;
  id_number_enc: Generated<string>;
  id_number_hint: Generated<string>;
  org_code: Generated<string>;
  applicant_key: string;
  contact_name: Generated<string>;
  phone: Generated<string>;
  email: Generated<string>;
  address: Generated<string>;
  postcode: Generated<string>;
  description: string;
  form_wanted: 'paper' | 'electronic';
  delivery: 'post' | 'email' | 'collect' | 'online';
  fee_waiver_requested: Generated<boolean>;
  fee_waiver_reason: Generated<string>;
  handler_id: number | null;
  due_on: DateString | null;
  due_certain: Generated<boolean>;
  clock_stopped: string | null;
  fee_method: 'count' | 'pages' | null;
  fee_amount: number | null;
  outcome: string | null;
  outcome_reason: Generated<string>;
  legal_basis: Generated<string>;
  disclosed_publication_id: number | null;
  decided_on: DateString | null;
  reply_text: Generated<string>;
  reply_sent_on: DateString | null;
  reply_method: Generated<string>;
  closed_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RequestEventsTable {
  id: Generated<number>;
  request_id: number;
  kind: string;
  on_date: DateString;
  ref: Generated<string>;
  workdays: number | null;
  note: Generated<string>;
  data: Json;
  actor_id: number | null;
  actor_name: Generated<string>;
  at: Generated<Date>;
}

export interface RequestAttachmentsTable {
  id: Generated<number>;
  request_id: number;
  file_hash: string;
  filename: string;
  mime: string;
  size: ColumnType<number, number, number>;
  /** The applicant's proof of identity, or a file disclosed with the reply. */
  kind: Generated<'proof' | 'reply'>;
  added_at: Generated<Date>;
}

export type AppealKind = 'reconsideration' | 'litigation_direct' | 'litigation_after_reconsideration';
export type AppealResult = 'upheld' | 'corrected' | 'other' | 'pending';

export interface RequestAppealsTable {
  id: Generated<number>;
  request_id: number;
  kind: AppealKind;
  filed_on: DateString;
  result: AppealResult;
  concluded_on: DateString | null;
  note: Generated<string>;
  created_at: Generated<Date>;
}

/** A stored file a mail carries. */
export interface MailFile {
  hash: string;
  filename: string;
  mime: string;
}

export interface OutboxTable {
  id: Generated<number>;
  site_id: number | null;
  to_address: string;
  subject: string;
  body: string;
  /** Sealed JSON of the values the body's `{{name}}` placeholders stand for; emptied once sent. */
  secrets: Generated<string>;
  /** Files from the store the mail carries, attached at delivery. */
  attachments: ColumnType<MailFile[], string | undefined, string>;
  created_at: Generated<Date>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: Generated<string>;
  sent_at: Date | null;
}

export interface NotificationsTable {
  id: Generated<number>;
  site_id: number;
  user_id: number;
  request_id: number | null;
  kind: string;
  message: string;
  created_at: Generated<Date>;
  read_at: Date | null;
}

export interface CaptchaUsesTable {
  nonce: string;
  expires_at: Date;
}

export interface AnnualReportsTable {
  id: Generated<number>;
  site_id: number;
  agency_id: number;
  year: number;
  overview: Generated<string>;
  problems: Generated<string>;
  other_matters: Generated<string>;
  manual: ColumnType<unknown, string | undefined, string>;
  /** What was submitted (JSON), null until the report is submitted. */
  snapshot: ColumnType<unknown | null, string | null | undefined, string | null>;
  publication_id: number | null;
  submitted_at: Date | null;
  submitted_by: number | null;
  updated_at: Generated<Date>;
  updated_by: number | null;
}

export interface SearchCursorsTable {
  name: string;
  /** bigint: the drivers give a string (PostgreSQL) or a number (PGlite). */
  seq: ColumnType<string | number, number | undefined, number>;
  holder: Generated<string>;
  lease_until: Generated<Date>;
}

export interface JobsTable {
  name: string;
  every_seconds: number;
  next_run_at: Generated<Date>;
  holder: Generated<string>;
  lease_until: Date | null;
  /** bigint: the drivers give a string (PostgreSQL) or a number (PGlite). */
  runs: ColumnType<string | number, number | undefined, number>;
  last_started_at: Date | null;
  last_finished_at: Date | null;
  last_error: Generated<string>;
}

export interface RateLimitsTable {
  key: string;
  hits: number;
  reset_at: Date;
}

export interface LoginFailuresTable {
  username: string;
  ip: string;
  failures: Generated<number>;
  locks: Generated<number>;
  locked_until: Date | null;
  updated_at: Generated<Date>;
}

export interface PersonalScansTable {
  site_id: number;
  requested_by: number | null;
  requested_at: Generated<Date>;
  after_edition_id: Generated<number>;
  scanned: Generated<number>;
  finished_at: Date | null;
}

export interface PersonalFindingsTable {
  id: Generated<string>;
  site_id: number;
  publication_id: number;
  edition_id: number;
  /** Kinds and counts, e.g. 身份证号 2 处. */
  summary: string;
  /** Where each was found and what it looks like masked, e.g. 正文：350128********1234. */
  places: string[];
  found_at: Generated<Date>;
}

export interface MailboxesTable {
  id: Generated<number>;
  site_id: number;
  name: string;
  slug: string;
  agency_id: number | null;
  intro: Generated<string>;
  position: Generated<number>;
  active: Generated<boolean>;
}

export type LetterKind = 'consult' | 'suggest' | 'complain' | 'help' | 'other';
export type LetterState = 'triage' | 'handling' | 'review' | 'replied' | 'closed';
export type LetterRating = 'satisfied' | 'basic' | 'unsatisfied';

export interface LettersTable {
  id: Generated<number>;
  site_id: number;
  mailbox_id: number;
  tracking_no: string;
  query_code_hash: string;
  kind: LetterKind;
  title: string;
  content: string;
  writer_name: string;
  phone: Generated<string>;
  email: Generated<string>;
  consent: Generated<boolean>;
  agency_id: number | null;
  state: LetterState;
  submitted_at: Generated<Date>;
  started_on: DateString | null;
  due_on: DateString | null;
  due_certain: Generated<boolean>;
  extension_days: Generated<number>;
  draft: Generated<string>;
  reply: Generated<string>;
  replied_on: DateString | null;
  reply_agency_id: number | null;
  rating: LetterRating | null;
  rating_comment: Generated<string>;
  reopened: Generated<boolean>;
  closed_kind: 'duplicate' | 'abusive' | 'invalid' | null;
  closed_reason: Generated<string>;
  merged_into: number | null;
  public_title: Generated<string>;
  public_content: Generated<string>;
  public_reply: Generated<string>;
  published_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface LetterEventsTable {
  id: Generated<number>;
  letter_id: number;
  kind: string;
  on_date: DateString;
  note: Generated<string>;
  data: Json;
  actor_id: number | null;
  actor_name: Generated<string>;
  at: Generated<Date>;
}

export interface LetterAttachmentsTable {
  id: Generated<number>;
  letter_id: number;
  file_hash: string;
  filename: string;
  mime: string;
  size: ColumnType<number, number, number>;
}

export interface CannedRepliesTable {
  id: Generated<number>;
  site_id: number;
  agency_id: number;
  title: string;
  body: string;
  created_at: Generated<Date>;
}

export interface FaqsTable {
  id: Generated<number>;
  site_id: number;
  agency_id: number | null;
  topic: Generated<string>;
  question: string;
  answer: string;
  letter_id: number | null;
  published_at: Date | null;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface LetterMonthCountsTable {
  site_id: number;
  month: string;
  by_agency: boolean;
  ref: number | null;
  received: number;
  answered: number;
  on_time: number;
  answer_days: number;
  rated: number;
  satisfied: number;
  basic: number;
  closed: number;
}

export interface ConsultationsTable {
  id: Generated<number>;
  site_id: number;
  agency_id: number;
  title: string;
  draft: string;
  explanation: Generated<string>;
  opens_on: DateString;
  closes_on: DateString;
  short_reason: Generated<string>;
  contact_required: Generated<boolean>;
  published_at: Date | null;
  result_due_on: DateString | null;
  result: Generated<string>;
  result_published_at: Date | null;
  policy_id: number | null;
  withdrawn_reason: Generated<string>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ConsultationArticlesTable {
  id: Generated<number>;
  consultation_id: number;
  position: number;
  chapter: Generated<string>;
  heading: string;
  body: string;
}

export type CommentState = 'pending' | 'shown' | 'hidden';

export interface ConsultationCommentsTable {
  id: Generated<number>;
  consultation_id: number;
  article_id: number | null;
  content: string;
  name: Generated<string>;
  contact: Generated<string>;
  state: Generated<CommentState>;
  hidden_reason: Generated<string>;
  adoption: 'adopted' | 'partly' | 'not_adopted' | null;
  adoption_reason: Generated<string>;
  submitted_at: Generated<Date>;
  moderated_by: number | null;
  moderated_at: Date | null;
}

export interface ConsultationAttachmentsTable {
  id: Generated<number>;
  consultation_id: number;
  file_hash: string;
  filename: string;
  mime: string;
  size: ColumnType<number, number, number>;
  created_at: Generated<Date>;
}

export type SurveyQuestionKind = 'single' | 'multiple' | 'text' | 'rating' | 'matrix';

export interface SurveysTable {
  id: Generated<number>;
  site_id: number;
  agency_id: number;
  title: string;
  intro: Generated<string>;
  opens_on: DateString;
  closes_on: DateString;
  published_at: Date | null;
  results_published_at: Date | null;
  withdrawn_reason: Generated<string>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SurveyQuestionsTable {
  id: Generated<number>;
  survey_id: number;
  position: number;
  kind: SurveyQuestionKind;
  prompt: string;
  required: Generated<boolean>;
  options: Json;
  rows: Json;
}

export interface SurveyResponsesTable {
  id: Generated<number>;
  survey_id: number;
  voter: string;
  address: string;
  submitted_at: Generated<Date>;
}

export interface SurveyAnswersTable {
  response_id: number;
  survey_id: number;
  question_id: number;
  row_no: number | null;
  choice: number | null;
  text: string | null;
}

export interface InterviewsTable {
  id: Generated<number>;
  site_id: number;
  agency_id: number;
  title: string;
  intro: Generated<string>;
  starts_at: Date;
  ends_at: Date;
  guests: Json;
  video_url: Generated<string>;
  summary: Generated<string>;
  published_at: Date | null;
  live_at: Date | null;
  ended_at: Date | null;
  withdrawn_reason: Generated<string>;
  created_by: number | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface InterviewQuestionsTable {
  id: Generated<number>;
  interview_id: number;
  content: string;
  name: Generated<string>;
  state: Generated<CommentState>;
  hidden_reason: Generated<string>;
  submitted_at: Generated<Date>;
  moderated_by: number | null;
  moderated_at: Date | null;
}

export type InterviewRole = 'host' | 'guest' | 'resident';

export interface InterviewPostsTable {
  id: Generated<number>;
  interview_id: number;
  seq: number;
  role: InterviewRole;
  speaker: string;
  content: string;
  image: string | null;
  question_id: number | null;
  posted_by: number | null;
  posted_at: Generated<Date>;
}

export interface DB {
  personal_scans: PersonalScansTable;
  personal_findings: PersonalFindingsTable;
  login_failures: LoginFailuresTable;
  jobs: JobsTable;
  rate_limits: RateLimitsTable;
  search_cursors: SearchCursorsTable;
  sites: SitesTable;
  agencies: AgenciesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  columns: ColumnsTable;
  files: FilesTable;
  index_serials: IndexSerialsTable;
  publications: PublicationsTable;
  editions: EditionsTable;
  edition_agencies: EditionAgenciesTable;
  edition_columns: EditionColumnsTable;
  edition_interprets: EditionInterpretsTable;
  attachments: AttachmentsTable;
  gazette_issues: GazetteIssuesTable;
  gazette_entries: GazetteEntriesTable;
  calendar_days: CalendarDaysTable;
  search_changes: SearchChangesTable;
  search_terms: SearchTermsTable;
  imports: ImportsTable;
  import_errors: ImportErrorsTable;
  requests: RequestsTable;
  request_events: RequestEventsTable;
  request_attachments: RequestAttachmentsTable;
  request_appeals: RequestAppealsTable;
  outbox: OutboxTable;
  notifications: NotificationsTable;
  captcha_uses: CaptchaUsesTable;
  annual_reports: AnnualReportsTable;
  mailboxes: MailboxesTable;
  letters: LettersTable;
  letter_events: LetterEventsTable;
  letter_attachments: LetterAttachmentsTable;
  canned_replies: CannedRepliesTable;
  faqs: FaqsTable;
  letter_month_counts: LetterMonthCountsTable;
  consultations: ConsultationsTable;
  consultation_articles: ConsultationArticlesTable;
  consultation_comments: ConsultationCommentsTable;
  consultation_attachments: ConsultationAttachmentsTable;
  surveys: SurveysTable;
  survey_questions: SurveyQuestionsTable;
  survey_responses: SurveyResponsesTable;
  survey_answers: SurveyAnswersTable;
  interviews: InterviewsTable;
  interview_questions: InterviewQuestionsTable;
  interview_posts: InterviewPostsTable;
}

export type Site = Selectable<SitesTable>;
export type LetterRow = Selectable<LettersTable>;
export type Mailbox = Selectable<MailboxesTable>;
export type FaqRow = Selectable<FaqsTable>;
export type ConsultationRow = Selectable<ConsultationsTable>;
export type SurveyRow = Selectable<SurveysTable>;
export type InterviewRow = Selectable<InterviewsTable>;
export type Agency = Selectable<AgenciesTable>;
export type User = Selectable<UsersTable>;
export type Column = Selectable<ColumnsTable>;
export type Publication = Selectable<PublicationsTable>;
export type Edition = Selectable<EditionsTable>;
export type NewEdition = Insertable<EditionsTable>;
export type Import = Selectable<ImportsTable>;
export type GazetteIssue = Selectable<GazetteIssuesTable>;
export type RequestRow = Selectable<RequestsTable>;
export type AnnualReportRow = Selectable<AnnualReportsTable>;
