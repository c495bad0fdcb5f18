import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SECURITY_HEADER_LIST } from './app.ts';
import { SYSTEM } from './core/access.ts';
import { audit } from './core/audit.ts';
import { createApiToken } from './core/auth.ts';
import { backup, restore } from './core/backup.ts';
import { type Config, dataKey, loadConfig } from './core/config.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, loadDemo } from './demo/demo.ts';
import { importFile } from './features/imports/imports.cli.ts';
import { openCtx, serve } from './server.ts';
import { ErrorPage } from './web/layout.tsx';
import { writeNginxConfig } from './web/nginx.ts';

const usage = `用法：
  tsx src/cli.ts demo               载入演示站点（如尚未载入）并启动
  tsx src/cli.ts serve              启动
  tsx src/cli.ts migrate            只执行数据库迁移
  tsx src/cli.ts token <用户名> <名称>  为工作人员创建 API 访问令牌
  tsx src/cli.ts import <文件> [--site 站点代码] [--agency 默认机构名称] [--column 默认栏目路径] [--genre 默认体裁]
                                    批量导入已发布的信息（JSONL、CSV/TSV、Excel）；中断后再次运行同一命令即从中断处继续
  tsx src/cli.ts search-rebuild     从数据库重建本实例的搜索索引（运行中的实例请在后台“搜索管理”中重建）
  tsx src/cli.ts backup <目录>       备份数据库和文件到一个新的空目录（嵌入式数据库请先停止服务）
  tsx src/cli.ts restore <目录>      把备份恢复到空的数据库和数据目录，并重建搜索索引
  tsx src/cli.ts nginx-config <目录> --listen 8080 --upstream 127.0.0.1:3001 [--upstream …]
                                    在目录中写出 nginx 配置（公开页面由 nginx 从 PAGES_DIR 直接发送）`;

async function main(args: string[]) {
  const [command, ...rest] = args;
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  if (command === 'nginx-config') return nginxConfig(config, rest);
  if (
    !['demo', 'demo-load', 'serve', 'migrate', 'token', 'search-rebuild', 'import', 'backup', 'restore'].includes(
      command ?? '',
    )
  ) {
    console.log(usage);
    process.exit(command ? 2 : 0);
  }
  let ctx = await openCtx(config);
  if (command === 'migrate') {
    await ctx.db.destroy();
    console.log('数据库已是最新结构');
    return;
  }
  if (command === 'import') {
    await importFile(ctx, rest);
    await ctx.search.save();
    await ctx.db.destroy();
    return;
  }
  if (command === 'backup' || command === 'restore') {
    const [dir] = rest;
    if (!dir) throw new Error(usage);
    const started = Date.now();
    const m =
      command === 'backup'
        ? await backup(ctx.db, config.filesDir, dataKey(config), dir)
        : await restore(ctx.db, config.filesDir, dataKey(config), dir);
    const rows = Object.values(m.tables).reduce((a, b) => a + b, 0);
    if (command === 'restore') {
      await ctx.search.rebuild(ctx.db);
      await ctx.search.save();
    }
    await ctx.db.destroy();
    console.log(
      `${command === 'backup' ? '已备份到' : '已从备份恢复'} ${dir}：${Object.keys(m.tables).length} 个表 ${rows} 行，${m.files} 个文件，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`,
    );
    return;
  }
  if (command === 'search-rebuild') {
    const started = Date.now();
    await ctx.search.rebuild(ctx.db, (n) => {
      if (n % 10_000 < 2000) process.stdout.write(`\r已索引 ${n} 条`);
    });
    await ctx.search.save();
    await ctx.db.destroy();
    console.log(
      `\n搜索索引已重建：${ctx.search.backend.size} 条，用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒`,
    );
    return;
  }
  if (command === 'token') {
    const [username, name] = rest;
    if (!username || !name) throw new Error(usage);
    const user = await ctx.db.selectFrom('users').select(['id']).where('username', '=', username).executeTakeFirst();
    if (!user) throw new Error(`用户 ${username} 不存在`);
    const token = await ctx.db.transaction().execute(async (trx) => {
      const created = await createApiToken(trx, user.id, name);
      await audit(trx, SYSTEM, {
        siteId: null,
        action: 'api_token.create',
        entityType: 'user',
        entityId: user.id,
        after: { tokenId: created.id, name },
      });
      return created.token;
    });
    await ctx.db.destroy();
    console.log(token);
    return;
  }
  if (command === 'demo-load') {
    await loadDemo(ctx, { log: console.log });
    // the search index too, so that the server starts from it instead of building it
    await ctx.search.rebuild(ctx.db);
    await ctx.search.save();
    await ctx.db.destroy();
    return;
  }
  if (command === 'demo' && !(await ctx.sites.byCode('demo'))) {
    // loaded by a process of its own, which then ends: the server does not keep the memory the loading took
    console.log('正在创建演示站点（约需一分钟，只在第一次）…');
    await ctx.db.destroy();
    await loadInChild();
    ctx = await openCtx(config);
    console.log('演示站点已创建');
  }
  const address = await serve(ctx);
  const site = address.replace('127.0.0.1', 'localhost');
  console.log(
    `\nGongkai 已启动：${site}/\n  演示站点：${site}/s/demo/\n  管理后台：${site}/admin\n  接口文档：${site}/api/docs\n`,
  );
  if (command === 'demo') {
    console.log(`演示账号（密码均为 ${DEMO_PASSWORD}）：`);
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.label.padEnd(10, '　')} ${a.username}`);
  }
}

/** Runs `demo-load` in a child process (this program, as it was started) and waits for it. */
function loadInChild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], 'demo-load'], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`载入演示站点失败（退出码 ${code}）`))));
  });
}

/** Writes nginx's configuration for the instances (deploy/nginx.conf.template). */
function nginxConfig(config: Config, args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { listen: { type: 'string', default: '8080' }, upstream: { type: 'string', multiple: true } },
  });
  const [prefix] = positionals;
  if (!prefix || !values.upstream?.length) throw new Error(usage);
  if (!config.pagesDir) throw new Error('请设置 PAGES_DIR（各实例写出公开页面的目录）');
  const file = writeNginxConfig({
    prefix: path.resolve(prefix),
    listen: values.listen,
    upstreams: values.upstream,
    pagesDir: config.pagesDir,
    perMinute: config.requestsPerMinute,
    maxBodyMb: Math.ceil(Math.max(config.maxUploadBytes, config.importMaxBytes) / 1024 / 1024),
    headers: SECURITY_HEADER_LIST,
    busyPage: ErrorPage({ ctx: null, status: 429, message: '请求过于频繁，请稍后再试' }) as string,
  });
  console.log(`nginx 配置已写出：${file}\n启动：nginx -c ${file}`);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
