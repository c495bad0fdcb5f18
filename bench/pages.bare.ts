/**
 * The reference for `bench/pages.ts`: a bare Fastify server that answers each page's path with the same bytes
 * from memory (what the application could reach at best). Reads the pages from the JSON file named by argv[2] and
 * prints its address.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const pages = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, { type: string; body: string }>;
const app = Fastify({ logger: false });
for (const [url, page] of Object.entries(pages)) {
  const body = Buffer.from(page.body);
  app.get(url, async (_req, reply) => reply.type(page.type).send(body));
}
console.log(await app.listen({ host: '127.0.0.1', port: 0 }));
