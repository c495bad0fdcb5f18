import type { FastifyInstance } from 'fastify';

/** Cookies kept between requests, as a browser would. */
export class Jar {
  cookies = new Map<string, string>();
  take(res: { headers: Record<string, unknown> }) {
    const set = res.headers['set-cookie'];
    for (const c of (Array.isArray(set) ? set : set ? [set] : []) as string[]) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const value = pair.slice(i + 1);
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(pair.slice(0, i));
      else this.cookies.set(pair.slice(0, i), value);
    }
  }
  get header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export const csrfFrom = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? '';

export async function get(app: FastifyInstance, jar: Jar, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { cookie: jar.header } });
  jar.take(res);
  return res;
}

export async function post(
  app: FastifyInstance,
  jar: Jar,
  url: string,
  form: Record<string, string | string[]>,
  csrf?: string,
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...form, ...(csrf !== undefined ? { _csrf: csrf } : {}) }))
    for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  const res = await app.inject({
    method: 'POST',
    url,
    payload: body.toString(),
    headers: { cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' },
  });
  jar.take(res);
  return res;
}

/** Signs in through the login form and returns the jar with the session and a fresh CSRF token. */
export async function login(
  app: FastifyInstance,
  username: string,
  password = 'gongkai-demo-2026',
): Promise<{ jar: Jar; csrf: string }> {
  const jar = new Jar();
  const page = await get(app, jar, '/admin/login');
  const res = await post(app, jar, '/admin/login', { username, password }, csrfFrom(page.body));
  if (res.statusCode !== 303) throw new Error(`login failed: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const home = await get(app, jar, '/admin');
  return { jar, csrf: csrfFrom(home.body) };
}

/** Sends one file as a browser's multipart form does (the CSRF token in the query, as the pages put it). */
export async function upload(
  app: FastifyInstance,
  jar: Jar,
  url: string,
  csrf: string,
  file: { name: string; data: Buffer | string; field?: string; type?: string },
) {
  const boundary = '----gkupload';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
    ),
    Buffer.from(file.data),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await app.inject({
    method: 'POST',
    url: `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(csrf)}`,
    payload,
    headers: { cookie: jar.header, 'content-type': `multipart/form-data; boundary=${boundary}` },
  });
  jar.take(res);
  return res;
}

/** A multipart form as a browser sends it: fields, and a file in `field` when given. */
export function multipart(
  fields: Record<string, string>,
  file: { field: string; name: string; type: string; data: Buffer } | null,
) {
  const boundary = '----gkform';
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  if (file)
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}
