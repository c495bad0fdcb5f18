/**
 * What search covers of 互动交流: the letters the office published, the knowledge base's published entries, the
 * consultations (their drafts and results) and the interviews (their announcement, summary and transcript).
 */
import { shanghaiDate } from '../../core/calendar.ts';
import type { SearchDoc, SearchSource, ShownItem } from '../../core/search.ts';
import { searchableConsultations } from './interaction.consultations.store.ts';
import { searchableFaqs, shownFaqs } from './interaction.faq.store.ts';
import { searchableInterviews } from './interaction.interviews.store.ts';
import { LETTER_KINDS } from './interaction.letters.rules.ts';
import { searchableLetters } from './interaction.letters.store.ts';

type LetterDocRow = Awaited<ReturnType<typeof searchableLetters>>[number];

const letterDoc = (r: LetterDocRow): SearchDoc => ({
  id: r.id,
  siteId: r.site_id,
  title: r.title,
  meta: [LETTER_KINDS[r.kind], r.mailbox, r.agency ?? ''].join('\n'),
  body: `${r.content}\n${r.reply}`,
  filters: r.agency_id ? [`a:${r.agency_id}`] : [],
  date: shanghaiDate(r.published_at!),
  valid: true,
});

/** Letters published in 来信选登: their approved title and content (never the letter as written) and the reply. */
export const letterSource: SearchSource = {
  kind: 'l',
  label: '来信选登',
  async load(db, which) {
    if ('ids' in which && !which.ids.length) return [];
    return (await searchableLetters(db, which)).map(letterDoc);
  },
  async show(db, siteId, ids) {
    if (!ids.length) return [];
    return (await searchableLetters(db, { ids }))
      .filter((r) => r.site_id === siteId)
      .map(
        (r): ShownItem => ({
          id: r.id,
          title: r.title,
          path: `/mail/letters/${r.id}`,
          date: shanghaiDate(r.published_at!),
          facts: [r.mailbox, LETTER_KINDS[r.kind], r.agency ?? ''].filter(Boolean),
          text: `${r.content} 答复：${r.reply}`,
        }),
      );
  },
  async texts(db, ids) {
    if (!ids.length) return [];
    return (await searchableLetters(db, { ids })).map((r) => ({ id: r.id, text: `${r.title}${r.content}${r.reply}` }));
  },
};

type FaqDocRow = Awaited<ReturnType<typeof searchableFaqs>>[number];

const faqDoc = (r: FaqDocRow): SearchDoc => ({
  id: r.id,
  siteId: r.site_id,
  title: r.question,
  meta: [r.topic, r.agency ?? ''].join('\n'),
  body: r.answer,
  filters: r.agency_id ? [`a:${r.agency_id}`] : [],
  date: shanghaiDate(r.published_at!),
  valid: true,
});

/** The knowledge base (常见问题): each published question with its answer. */
export const faqSource: SearchSource = {
  kind: 'f',
  label: '常见问题',
  async load(db, which) {
    if ('ids' in which && !which.ids.length) return [];
    return (await searchableFaqs(db, which)).map(faqDoc);
  },
  async show(db, siteId, ids) {
    if (!ids.length) return [];
    return (await shownFaqs(db, siteId, ids)).map(
      (r): ShownItem => ({
        id: r.id,
        title: r.question,
        path: `/mail/faq/${r.id}`,
        date: shanghaiDate(r.published_at!),
        facts: [r.agency ?? '', r.topic].filter(Boolean),
        text: r.answer,
      }),
    );
  },
  async texts(db, ids) {
    if (!ids.length) return [];
    return (await searchableFaqs(db, { ids })).map((r) => ({ id: r.id, text: `${r.question}${r.answer}` }));
  },
};

type ConsultationDocRow = Awaited<ReturnType<typeof searchableConsultations>>[number];

const consultationDoc = (r: ConsultationDocRow): SearchDoc => ({
  id: r.id,
  siteId: r.site_id,
  title: r.title,
  meta: `意见征集\n${r.agency}`,
  body: `${r.draft}\n${r.explanation}\n${r.result}`,
  filters: [`a:${r.agency_id}`],
  date: r.opens_on,
  valid: true,
});

/** Drafts published for comment (意见征集), with their explanation and result. */
export const consultationSource: SearchSource = {
  kind: 'cs',
  label: '意见征集',
  async load(db, which) {
    if ('ids' in which && !which.ids.length) return [];
    return (await searchableConsultations(db, which)).map(consultationDoc);
  },
  async show(db, siteId, ids) {
    if (!ids.length) return [];
    return (await searchableConsultations(db, { ids }))
      .filter((r) => r.site_id === siteId)
      .map(
        (r): ShownItem => ({
          id: r.id,
          title: r.title,
          path: `/consult/${r.id}`,
          date: r.opens_on,
          facts: [r.agency, `征求意见 ${r.opens_on} 至 ${r.closes_on}`],
          text: `${r.explanation} ${r.draft}`,
        }),
      );
  },
  async texts(db, ids) {
    if (!ids.length) return [];
    return (await searchableConsultations(db, { ids })).map((r) => ({
      id: r.id,
      text: `${r.title}${r.draft}${r.explanation}${r.result}`,
    }));
  },
};

type InterviewDocRow = Awaited<ReturnType<typeof searchableInterviews>>[number];

const interviewDoc = (r: InterviewDocRow): SearchDoc => ({
  id: r.id,
  siteId: r.site_id,
  title: r.title,
  meta: `在线访谈\n${r.agency}`,
  body: `${r.intro}\n${r.summary}\n${r.transcript}`,
  filters: [`a:${r.agency_id}`],
  date: shanghaiDate(r.starts_at),
  valid: true,
});

/** Online interviews (在线访谈): the announcement, the summary and what was said. */
export const interviewSource: SearchSource = {
  kind: 'iv',
  label: '在线访谈',
  async load(db, which) {
    if ('ids' in which && !which.ids.length) return [];
    return (await searchableInterviews(db, which)).map(interviewDoc);
  },
  async show(db, siteId, ids) {
    if (!ids.length) return [];
    return (await searchableInterviews(db, { ids }))
      .filter((r) => r.site_id === siteId)
      .map(
        (r): ShownItem => ({
          id: r.id,
          title: r.title,
          path: `/interviews/${r.id}`,
          date: shanghaiDate(r.starts_at),
          facts: [r.agency, '在线访谈'],
          text: `${r.summary || r.intro} ${r.transcript}`,
        }),
      );
  },
  async texts(db, ids) {
    if (!ids.length) return [];
    return (await searchableInterviews(db, { ids })).map((r) => ({
      id: r.id,
      text: `${r.title}${r.intro}${r.summary}${r.transcript}`,
    }));
  },
};
