/**
 * A mixed load held for minutes against the production set-up: `npm run bench:soak [-- --minutes 10] [--rate 100]`.
 *
 * Through nginx to two instances, at a stated rate of requests a second (test/support/load.ts): residents browsing
 * (the home page, columns and their later pages, publications, agencies' catalogues) and searching; residents applying
 * through the public form; staff creating and editing drafts over the API. Prints every minute each instance's
 * memory and the answers by status, and at the end the failures (5xx, connection errors: must be none) and the
 * memory at start and end.
 */
import { parseArgs } from 'node:util';
import { failuresOf, mixedLoad } from '../test/support/load.ts';
import { draftTarget, startSetUp } from '../test/support/production.ts';

const { values: args } = parseArgs({
  options: { minutes: { type: 'string', default: '10' }, rate: { type: 'string', default: '100' } },
});
console.log('启动生产部署（nginx + 2 个实例 + PostgreSQL 主库与只读副本）…');
const s = await startSetUp();
try {
  const target = draftTarget(s);
  const memory = async () => `${await s.rss(1)} / ${await s.rss(2)} MB`;
  const start = await memory();
  console.log(
    `混合负载 ${args.minutes} 分钟，每秒 ${args.rate} 个请求（页面 80%、搜索 15%、申请 3%、工作人员编辑 2%）；实例内存 ${start}`,
  );
  const statuses = await mixedLoad({
    site: s.site,
    rate: Number(args.rate),
    seconds: Number(args.minutes) * 60,
    editor: { token: s.token('editor'), ...target },
    everyMinute: async (seconds) => console.log(`  ${Math.round(seconds / 60)} 分钟：${await memory()}`),
  });
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const failures = failuresOf(statuses);
  console.log(`\n共 ${total} 个请求：${JSON.stringify(Object.fromEntries(statuses))}`);
  console.log(
    `5xx 与连接错误：${failures.reduce((a, [, n]) => a + n, 0)} ${JSON.stringify(Object.fromEntries(failures))}`,
  );
  console.log(`实例内存（RSS，实例 1 / 实例 2）：开始 ${start}，结束 ${await memory()}`);
} finally {
  await s.stop();
}
