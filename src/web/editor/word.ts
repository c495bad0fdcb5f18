/**
 * What is pasted from Word or WPS, made into plain structure before the editor reads it: their lists are paragraphs
 * with a typed marker (`mso-list`), made into real lists here; their Office-only elements, comments, empty
 * paragraphs and pictures that point at the writer's own disk go. Headings, lists, tables and bold stay; every other
 * format goes (fonts, colours, sizes, italics, underlines, links, classes, styles). Runs in the browser.
 */

/** A list paragraph's level, from Word's `mso-list:l0 level2 lfo1`. */
const LIST_STYLE = /mso-list:\s*l\d+\s+level(\d+)/i;
/** Markers of numbered items: 1. 1) (1) a. i. 一、 （一） ① … */
const NUMBERED =
  /^(\(?\d+[.)．、]?|[a-zA-Z][.)]|[ivxlcdm]+[.)]|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|[①-⑳])$/i;

const isListParagraph = (el: Element | null): el is HTMLElement =>
  el !== null && el.tagName === 'P' && LIST_STYLE.test(el.getAttribute('style') ?? '');

/** The marker Word writes before a list item's text (inside a span styled `mso-list:Ignore`), removed. */
function takeMarker(p: Element): string {
  const marker = [...p.querySelectorAll('span')].find((s) => /mso-list:\s*ignore/i.test(s.getAttribute('style') ?? ''));
  const text = (marker?.textContent ?? '').replace(/\s|\u00a0/g, '');
  marker?.remove();
  return text;
}

/** Turns each run of Word list paragraphs into a (nested) list. */
function makeLists(doc: Document): void {
  const paragraphs = [...doc.body.querySelectorAll('p')].filter(isListParagraph);
  // whether each one continues the list of the paragraph before it, read before anything moves
  const continues = paragraphs.map((p) => isListParagraph(p.previousElementSibling));
  let open: { list: HTMLElement; level: number }[] = [];
  paragraphs.forEach((p, i) => {
    const level = Number(LIST_STYLE.exec(p.getAttribute('style') ?? '')![1]);
    const ordered = NUMBERED.test(takeMarker(p));
    if (!continues[i]) open = [];
    while (open.length && open[open.length - 1].level > level) open.pop();
    if (!open.length || open[open.length - 1].level < level) {
      const list = doc.createElement(ordered ? 'ol' : 'ul');
      const parentItem = open.length ? open[open.length - 1].list.lastElementChild : null;
      if (parentItem) parentItem.append(list);
      else p.before(list);
      open.push({ list, level });
    }
    const item = doc.createElement('li');
    item.append(...p.childNodes);
    open[open.length - 1].list.append(item);
    p.remove();
  });
}

/** Removes comments (Word's conditional ones among them) under a node. */
function dropComments(root: Node): void {
  const walker = root.ownerDocument!.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
  const comments: Node[] = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  for (const c of comments) c.parentNode?.removeChild(c);
}

export function cleanPastedHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  dropComments(doc.body);
  // Office's own elements (o:p, v:shape, w:…) and what is never content
  for (const el of [...doc.body.querySelectorAll('*')])
    if (el.tagName.includes(':') || ['STYLE', 'SCRIPT', 'META', 'LINK', 'XML', 'TITLE'].includes(el.tagName))
      el.remove();
  makeLists(doc);
  // a picture must be uploaded to be kept: one pasted from the writer's disk or as inline data cannot be shown
  for (const img of [...doc.body.querySelectorAll('img')])
    if (!/^(https?:|\/)/i.test(img.getAttribute('src') ?? '')) img.remove();
  // bold kept, whether as a tag or as a style (WPS); every other format goes: the styles, classes, fonts,
  // italics, underlines and links (Word's links are mostly its own table of contents)
  for (const el of [...doc.body.querySelectorAll<HTMLElement>('[style]')])
    if (/font-weight:\s*(bold|[6-9]00)/i.test(el.getAttribute('style') ?? '') && !el.closest('b, strong, th')) {
      const strong = doc.createElement('strong');
      strong.append(...el.childNodes);
      el.append(strong);
    }
  for (const el of [...doc.body.querySelectorAll('*')]) {
    el.removeAttribute('style');
    el.removeAttribute('class');
  }
  for (const el of [...doc.body.querySelectorAll('span, font, i, em, u, s, strike, del, ins, a')])
    el.replaceWith(...el.childNodes);
  // the page's title is its own heading: a document's first level becomes the body's first
  for (const h of [...doc.body.querySelectorAll('h1, h6')]) {
    const to = doc.createElement(h.tagName === 'H1' ? 'h2' : 'h5');
    to.append(...h.childNodes);
    h.replaceWith(to);
  }
  // paragraphs Word leaves empty for spacing
  for (const p of [...doc.body.querySelectorAll('p')])
    if (!p.querySelector('img') && !(p.textContent ?? '').replace(/[\s\u00a0]/g, '')) p.remove();
  return doc.body.innerHTML;
}
