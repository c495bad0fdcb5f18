/**
 * Pictures in a body. The editor inserts a picture by uploading it as an attachment of the edition; the body keeps
 * it by its file's hash, at the site's public address `/s/<site>/images/<hash>`, so that it stays the same picture
 * in every later edition (attachments are copied with a new id, never a new hash). Before publication the public
 * address answers nothing, so staff pages show the edition's own address `/admin/editions/<id>/images/<hash>`, and
 * a saved body is turned back to the public one.
 */

const HASH = '[0-9a-f]{64}';

/** A picture's address on the portal. */
export const publicImageSrc = (siteCode: string, hash: string) => `/s/${siteCode}/images/${hash}`;

/** A picture's address for staff, through the edition it belongs to. */
export const staffImageSrc = (editionId: number, hash: string) => `/admin/editions/${editionId}/images/${hash}`;

const PUBLIC = new RegExp(`(<img\\b[^>]*?\\bsrc=")/s/[^/"]+/images/(${HASH})"`, 'g');
const STAFF = new RegExp(`(<img\\b[^>]*?\\bsrc=")/admin/editions/\\d+/images/(${HASH})"`, 'g');

/** The body as staff see it before publication: its pictures through the edition. */
export const staffImages = (html: string, editionId: number): string =>
  html.replace(PUBLIC, (_all, head: string, hash: string) => `${head}${staffImageSrc(editionId, hash)}"`);

/** The body as stored: its pictures at the site's public address, whichever edition's address the editor used. */
export const publicImages = (html: string, siteCode: string): string =>
  html.replace(STAFF, (_all, head: string, hash: string) => `${head}${publicImageSrc(siteCode, hash)}"`);
