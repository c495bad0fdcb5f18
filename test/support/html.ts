/** Reading the pages the app sends, as a reader sees them. */

/** The text of HTML as the page shows it (its character references decoded). */
export const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** What a page says, without its tags (a found word is marked inside a title). */
export const textOf = (html: string) => decode(html.replace(/<[^>]+>/g, ''));

/** The captcha's question on a form. */
export const question = (html: string) => decode(/验证问题：([^<]+)</.exec(html)![1]);

/** A hidden field's value ('' when there is none). */
export const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

/** The value beside a row heading of a table (信件编号, 查询码 …). */
export const cell = (html: string, label: string) =>
  decode(new RegExp(`<th scope="row">${label}</th><td[^>]*>(?:<strong>)?([^<]+)`).exec(html)?.[1] ?? '');
