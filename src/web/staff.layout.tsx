import type { PropsWithChildren } from '@kitajs/html';
import { isPlatformAdmin, type Principal, ROLE_LABELS } from '../core/access.ts';

/** The back-office menu: what each role works with (the server checks every action again). */
function navFor(p: Principal): [string, string][] {
  const has = (...roles: string[]) => p.roles.some((r) => roles.includes(r.role));
  const office = has('office_admin', 'platform_admin');
  return [
    ['/admin', '工作台'],
    ['/admin/publications', '信息管理'],
    ...(has('editor')
      ? ([
          ['/admin/publications/new', '新建信息'],
          ['/admin/import', '导入 Word'],
        ] as [string, string][])
      : []),
    ['/admin/interpretations', '待解读政策'],
    ['/admin/requests', '依申请公开'],
    ['/admin/letters', '来信办理'],
    ['/admin/faq', '常见问题'],
    ['/admin/consultations', '意见征集'],
    ['/admin/surveys', '网上调查'],
    ['/admin/interviews', '在线访谈'],
    ['/admin/reports', '年度报告'],
    ...(office
      ? ([
          ['/admin/gazette', '政府公报'],
          ['/admin/columns', '栏目'],
          ['/admin/agencies', '机构'],
          ['/admin/users', '用户'],
          ['/admin/imports', '批量导入'],
          ['/admin/search', '搜索管理'],
          ['/admin/personal', '个人信息检查'],
          ['/admin/site', '站点设置'],
          ['/admin/audit', '操作日志'],
        ] as [string, string][])
      : []),
    ...(isPlatformAdmin(p)
      ? ([
          ['/admin/sites', '站点管理'],
          ['/admin/backups', '数据备份'],
        ] as [string, string][])
      : []),
    ['/admin/account', '修改密码'],
    ['/', '访问网站'],
  ];
}

export function AdminLayout(
  props: PropsWithChildren<{
    title: string;
    principal: Principal | null;
    csrf: string;
    flash?: string;
    /** A page that follows work in progress reloads itself (no JavaScript needed). */
    refreshSeconds?: number;
  }>,
): JSX.Element {
  const p = props.principal;
  return (
    <>
      {'<!doctype html>'}
      <html lang="zh-CN">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${props.title} - 政务公开管理后台`}</title>
          <link rel="stylesheet" href="/static/site.css" />
          {props.refreshSeconds && <meta http-equiv="refresh" content={String(props.refreshSeconds)} />}
        </head>
        <body>
          <a class="skip" href="#main">
            跳到主要内容
          </a>
          <header class="site-header">
            <div class="wrap header-row">
              <a class="site-name" href="/admin">
                政务公开管理后台
              </a>
              {!!p && (
                <nav class="tools" aria-label="账号">
                  <span safe>{`${p.name}（${[...new Set(p.roles.map((r) => ROLE_LABELS[r.role]))].join('、')}）`}</span>
                  <form method="post" action="/admin/logout" class="inline-form">
                    <input type="hidden" name="_csrf" value={props.csrf} />
                    <button type="submit" class="btn secondary">
                      退出
                    </button>
                  </form>
                </nav>
              )}
            </div>
            {!!p && (
              <nav class="main-nav" aria-label="后台导航">
                <ul class="wrap">
                  {navFor(p).map(([href, label]) => (
                    <li>
                      <a href={href} safe>
                        {label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
          </header>
          <main id="main" class="wrap">
            {!!props.flash && (
              <p class="notice-ok" role="status" safe>
                {props.flash}
              </p>
            )}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

export function LoginPage(props: { csrf: string; error?: string; username?: string }): JSX.Element {
  return (
    <AdminLayout title="登录" principal={null} csrf={props.csrf}>
      <h1>工作人员登录</h1>
      {!!props.error && (
        <p class="banner" role="alert" safe>
          {props.error}
        </p>
      )}
      <form method="post" action="/admin/login" style="max-width:360px">
        <input type="hidden" name="_csrf" value={props.csrf} />
        <div class="field">
          <label for="username">用户名</label>
          <input
            type="text"
            id="username"
            name="username"
            autocomplete="username"
            required
            maxlength="40"
            value={props.username ?? ''}
          />
        </div>
        <div class="field">
          <label for="password">密码</label>
          <input
            type="password"
            id="password"
            name="password"
            autocomplete="current-password"
            required
            maxlength="200"
          />
        </div>
        <button class="btn" type="submit">
          登录
        </button>
      </form>
    </AdminLayout>
  );
}
