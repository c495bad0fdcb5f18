/**
 * The personal-data guard on an edition (RULES.md §2, §9): where in the title, summary, body and attachments' text
 * personal data was found, and the edition's text with it masked. Pure; the services read and write.
 */
import { htmlToText, shownHtml } from '../../core/html.ts';
import {
  type FindingInContext,
  findPersonalHtml,
  findPersonalInText,
  maskPersonalData,
  maskPersonalHtml,
  PERSONAL_LABELS,
  type PersonalKind,
} from '../../core/personal.ts';

export type PersonalPlace = 'title' | 'summary' | 'body' | 'attachment';

export const PLACE_LABELS: Record<PersonalPlace, string> = {
  title: '标题',
  summary: '内容概述',
  body: '正文',
  attachment: '附件',
};

export interface PlacedFinding extends FindingInContext {
  place: PersonalPlace;
  /** Its order among the findings of its place (what a mask of one finding names). */
  ordinal: number;
  /** The attachment it is in. */
  filename?: string;
}

interface EditionText {
  title: string;
  summary: string;
  body_html: string;
  body_text: string;
}

const placed = (place: PersonalPlace, found: FindingInContext[], filename?: string): PlacedFinding[] =>
  found.map((f, ordinal) => ({ ...f, place, ordinal, ...(filename ? { filename } : {}) }));

/** Every finding of an edition: title, summary, body, then each attachment's text. */
export function editionFindings(e: EditionText, attachments: { filename: string; text_content: string }[]) {
  return [
    ...placed('title', findPersonalInText(e.title)),
    ...placed('summary', findPersonalInText(e.summary)),
    ...placed('body', findPersonalHtml(shownHtml(e))),
    ...attachments.flatMap((a) => placed('attachment', findPersonalInText(a.text_content), a.filename)),
  ];
}

/** "身份证号 2 处、手机号码 1 处". */
export function findingsSummary(findings: { kind: PersonalKind }[]): string {
  const counts = new Map<PersonalKind, number>();
  for (const f of findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${PERSONAL_LABELS[k]} ${n} 处`).join('、');
}

/**
 * The edition's title, summary and body with personal data masked: every finding, or the one named by its place and
 * order. Attachments are files: they are replaced, not masked here.
 */
export function maskedText(
  e: EditionText,
  one?: { place: 'title' | 'summary' | 'body'; ordinal: number },
): { title: string; summary: string; body_html: string; body_text: string } {
  const pick = (place: string) => (n: number) => !one || (one.place === place && one.ordinal === n);
  const html = maskPersonalHtml(shownHtml(e), pick('body'));
  return {
    title: maskPersonalData(e.title, pick('title')),
    summary: maskPersonalData(e.summary, pick('summary')),
    body_html: html,
    body_text: htmlToText(html),
  };
}
