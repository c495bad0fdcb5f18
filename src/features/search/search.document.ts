import type { SearchDoc } from '../../core/search.ts';
import type { IndexDoc } from './search.segment.ts';
import { sketchOf } from './search.sketch.ts';
import { docNoKey, foldPhrase, indexNoKey, indexTokens, normalize } from './search.text.ts';

const DAY_MS = 86_400_000;
/** A calendar date as days since 1970-01-01. */
export const toDay = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
/** Documents in force rank slightly above repealed and expired ones. */
const VALID_PRIOR = 0.15;

/** A source's document as the engine indexes it: tokens per field, filter tokens, exact-number keys. */
export function toIndexDoc(kind: string, d: SearchDoc): IndexDoc {
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
