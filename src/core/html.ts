import sanitize from 'sanitize-html';

const options: sanitize.IOptions = {
  allowedTags: [
    'p',
    'br',
    'h2',
    'h3',
    'h4',
    'h5',
    'strong',
    'b',
    'em',
    'i',
    'u',
    's',
    'sub',
    'sup',
    'blockquote',
    'ul',
    'ol',
    'li',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'a',
    'img',
    'span',
    'div',
    'hr',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'width', 'height'],
    th: ['colspan', 'rowspan', 'scope'],
    td: ['colspan', 'rowspan'],
    p: ['style'],
    span: ['style'],
    div: ['style'],
  },
  allowedStyles: { '*': { 'text-align': [/^(left|right|center|justify)$/], 'text-indent': [/^\d+(\.\d+)?(em|px)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'] },
  allowProtocolRelative: false,
  transformTags: {
    // Word exports use h1 for the title, which the page already shows
    h1: 'h2',
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'noopener' } }),
  },
  disallowedTagsMode: 'discard',
};

/** Stored rich text: only an allow-list of tags and attributes survives; no script, no event handler. */
export const sanitizeHtml = (html: string): string => sanitize(html, options);

/** Plain text of an HTML fragment, for search and summaries. */
export function htmlToText(html: string): string {
  return sanitize(html.replace(/<\/(p|div|h\d|li|tr|br)>|<br\s*\/?>/gi, '$&\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Plain text as HTML: a paragraph a line, escaped. */
export function textHtml(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => `<p>${line.replace(/[&<>"']/g, (c) => ESCAPES[c])}</p>`)
    .join('\n');
}

/**
 * A body as stored: HTML is sanitised (and its text extracted); plain text is cleaned into lines and stored as its
 * text alone, with no HTML (a bulk import writes each body once): `shownHtml` makes its paragraphs when shown.
 */
export function bodyOf(body: string): { html: string; text: string } {
  if (/<\/?(p|div|br|table|span|h[1-6]|ul|ol|li)\b/i.test(body)) {
    const html = sanitizeHtml(body);
    return { html, text: htmlToText(html) };
  }
  const lines = body
    .split(/\r?\n/)
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .filter(Boolean);
  return { html: '', text: lines.join('\n') };
}

/** A stored body's HTML: as stored, or its text's paragraphs when it was stored as plain text (`bodyOf`). */
export const shownHtml = (e: { body_html: string; body_text: string }) => e.body_html || textHtml(e.body_text);
