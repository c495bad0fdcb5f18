import { type IndexDoc, sketchOf } from './search.engine.ts';
import { docNoKey, foldPhrase, indexNoKey, indexTokens, normalize } from './search.text.ts';

/** What a source says about one of its documents, for the index. */
export interface SourceDoc {
  id: number;
  siteId: number;
  title: string;
  /** Document number, keywords, summary, agencies: ranked between the title and the body. */
  meta: string;
  body: string;
  /** Filter tokens: `a:<agency>`, `c:<column>`, `g:<genre>`, `t:<theme>`, `v:<validity>`. */
  filters: string[];
  docNo?: string;
  indexNo?: string;
  /** The date shown and sorted by, YYYY-MM-DD. */
  date: string;
  /** Valid (not repealed or expired) documents rank slightly higher. */
  valid: boolean;
}

const DAY_MS = 86_400_000;
/** A calendar date as days since 1970-01-01. */
export const toDay = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
/** Documents in force rank slightly above repealed and expired ones. */
const VALID_PRIOR = 0.15;

/** A source's document as the engine indexes it: tokens per field, filter tokens, exact-number keys. */
export function toIndexDoc(kind: string, d: SourceDoc): IndexDoc {
  const exact: string[] = [];
  const docNo = d.docNo ? docNoKey(d.docNo) : null;
  if (docNo) exact.push(`n:${docNo}`);
  const indexNo = d.indexNo ? indexNoKey(d.indexNo) : null;
  if (indexNo) exact.push(`i:${indexNo}`);
  const title = normalize(d.title);
  const body = normalize(d.body);
  return {
    key: `${kind}:${d.id}`,
    title: indexTokens(title, true),
    meta: indexTokens(d.meta),
    body: indexTokens(body, true),
    filters: [`s:${d.siteId}`, `k:${kind}`, ...d.filters].map((f) => f.replace(/\s+/g, ' ')),
    exact,
    day: toDay(d.date),
    prior: d.valid ? VALID_PRIOR : 0,
    // phrases are confirmed in the title and the text, as one
    sketch: sketchOf(foldPhrase(title + body, true)),
  };
}
