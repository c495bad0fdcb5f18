import { cleanText } from '../core/text.ts';

const map: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Escapes text for XML, dropping the characters XML 1.0 forbids. */
export const xmlEscape = (s: string) => cleanText(s).replace(/[&<>"']/g, (c) => map[c]);

/** An Atom 1.0 feed. */
export function atomFeed(f: {
  id: string;
  title: string;
  link: string;
  updated: Date;
  entries: { id: string; title: string; link: string; updated: Date; summary: string }[];
}): string {
  const entries = f.entries
    .map(
      (e) =>
        `<entry><id>${xmlEscape(e.id)}</id><title>${xmlEscape(e.title)}</title><link href="${xmlEscape(e.link)}"/><updated>${e.updated.toISOString()}</updated><summary>${xmlEscape(e.summary)}</summary></entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>${xmlEscape(f.id)}</id><title>${xmlEscape(f.title)}</title><link rel="alternate" href="${xmlEscape(f.link)}"/><updated>${f.updated.toISOString()}</updated>
${entries}
</feed>`;
}
