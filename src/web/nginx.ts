import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PUBLIC_CACHE_HEADERS } from './page.cache.ts';

/** The repository's deploy folder: the nginx template and what it includes. */
const DEPLOY_DIR = path.resolve(import.meta.dirname, '../../deploy');
/** The application's own static files (served at /static/ by the application, or by nginx from disk). */
export const STATIC_DIR = path.resolve(import.meta.dirname, 'static');

export interface NginxOptions {
  /** nginx's own folder: its configuration, pid, logs and temporary files. */
  prefix: string;
  /** `8080`, `127.0.0.1:8080`. */
  listen: string;
  /** The instances, `127.0.0.1:3001`. */
  upstreams: string[];
  /** PAGES_DIR of the instances. */
  pagesDir: string;
  /** Requests a client may make a minute (REQUESTS_PER_MINUTE). */
  perMinute: number;
  /** The largest upload, MB. */
  maxBodyMb: number;
  /** The application's security headers, to send with the pages nginx sends itself. */
  headers: [string, string][];
  accessLog?: string;
  /** The page a client over the limit gets (the application's own error page). */
  busyPage: string;
}

/** nginx's directive for a header (the values are helmet's: no quote, backslash or variable to escape). */
function addHeader([name, value]: [string, string]): string {
  if (/["\\$]/.test(value)) throw new Error(`header ${name} cannot be written into nginx.conf as it is`);
  return `      add_header ${name} "${value}" always;`;
}

/** Writes nginx.conf (from deploy/nginx.conf.template) and what it includes into `prefix`; returns its path. */
export function writeNginxConfig(o: NginxOptions): string {
  for (const d of ['tmp/body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi'])
    mkdirSync(path.join(o.prefix, d), { recursive: true });
  const values: Record<string, string> = {
    PREFIX: o.prefix,
    LISTEN: o.listen,
    UPSTREAMS: o.upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=2s;`).join('\n'),
    PAGES_DIR: o.pagesDir,
    STATIC_DIR: STATIC_DIR,
    MAX_BODY_MB: String(o.maxBodyMb),
    RATE_PER_MINUTE: String(o.perMinute),
    // a page and its parts at once, as a browser asks for them
    RATE_BURST: String(Math.max(20, Math.ceil(o.perMinute / 6))),
    ACCESS_LOG: o.accessLog ?? 'off',
    PAGE_HEADERS: Object.entries(PUBLIC_CACHE_HEADERS).map(addHeader).join('\n'),
    SECURITY_HEADERS: o.headers.map(addHeader).join('\n'),
  };
  const config = readFileSync(path.join(DEPLOY_DIR, 'nginx.conf.template'), 'utf8').replace(
    /\{\{([A-Z_]+)\}\}/g,
    (_, k: string) => {
      if (!(k in values)) throw new Error(`nginx.conf.template: unknown {{${k}}}`);
      return values[k];
    },
  );
  writeFileSync(path.join(o.prefix, 'proxy.conf'), readFileSync(path.join(DEPLOY_DIR, 'proxy.conf')));
  writeFileSync(path.join(o.prefix, 'busy.html'), o.busyPage);
  const file = path.join(o.prefix, 'nginx.conf');
  writeFileSync(file, config);
  return file;
}
