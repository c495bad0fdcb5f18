import { createHash } from 'node:crypto';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * The rich-text editor's script (editor/editor.client.ts with TipTap), bundled by esbuild from the installed packages
 * when it is first asked for and kept for the life of the process: nothing to build at install, nothing fetched from
 * elsewhere, and it always matches the code beside it.
 */
export interface Bundle {
  code: string;
  etag: string;
}

// beside this module: TypeScript when run from the sources, JavaScript in the build (dist/)
const ENTRY = path.join(import.meta.dirname, 'editor', `editor.client${path.extname(import.meta.filename)}`);
let bundle: Promise<Bundle> | undefined;

export function editorBundle(): Promise<Bundle> {
  bundle ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    charset: 'utf8',
    legalComments: 'eof',
    write: false,
    logLevel: 'silent',
  }).then((r) => {
    const code = r.outputFiles[0].text;
    return { code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"` };
  });
  // a failed build is tried again on the next request
  bundle.catch(() => {
    bundle = undefined;
  });
  return bundle;
}
