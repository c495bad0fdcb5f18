#!/usr/bin/env bash
# The production set-up on one machine, in one folder: a PostgreSQL primary and a streaming replica (Debian's
# PostgreSQL server), two application instances running the compiled build, and nginx in front sending the public
# pages from files. On several machines the same parts are placed apart (README "Production").
#
#   deploy/production.sh up <folder>     build, start everything (the demo site is loaded the first time)
#   deploy/production.sh down <folder>   stop everything (the data stays in the folder)
#
# Ports: GK_PORT (nginx, 8080), GK_PG_PORT (primary; the replica the next one, 54330), GK_APP_PORT (first instance;
# the second the next one, 3101). GK_INSTANCES sets how many instances (2), GK_BASE_URL the address residents use
# (http://localhost:<GK_PORT>).
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [[ -z "$cmd" || -z "$dir" ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
repo="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
port="${GK_PORT:-8080}"
pg_port="${GK_PG_PORT:-54330}"
app_port="${GK_APP_PORT:-3101}"
instances="${GK_INSTANCES:-2}"
pg_bin="/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -n | tail -1)/bin"

# PostgreSQL's programs refuse to run as root: then they run as the postgres user, who owns the clusters' folder
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_ctl_of() { as_pg "$pg_bin/pg_ctl" -D "$dir/pg/$1" -l "$dir/pg/$1.log" -w "${@:2}"; }

wait_http() {
  for _ in $(seq 600); do
    curl -s -o /dev/null "http://127.0.0.1:$1/admin/login" && return 0
    sleep 0.5
  done
  echo "实例 $1 未能启动，见 $dir/instance-*.log" >&2
  return 1
}

up() {
  command -v nginx >/dev/null || { echo "需要 nginx：apt-get install nginx-light" >&2; exit 1; }
  echo "编译…"
  (cd "$repo" && npm run --silent build)

  # one pair of secrets for every instance: sessions and form tokens work whichever instance a request reaches
  if [[ ! -f "$dir/secrets.env" ]]; then
    umask 077
    {
      echo "SESSION_SECRET=$(node -p "require('crypto').randomBytes(32).toString('hex')")"
      echo "DATA_KEY=$(node -p "require('crypto').randomBytes(32).toString('hex')")"
    } > "$dir/secrets.env"
    umask 022
  fi

  mkdir -p "$dir/pg"
  if [[ "$(id -u)" == 0 ]]; then
    # the postgres user owns the clusters and must be able to reach them
    chmod o+x "$dir"
    chown postgres "$dir/pg"
    if ! runuser -u postgres -- test -x "$dir/pg"; then
      echo "用户 postgres 无法进入 $dir：请选择它能访问的目录（各上级目录需有 o+x 权限）" >&2
      exit 1
    fi
  fi
  local pg_opts="-c listen_addresses=127.0.0.1 -k $dir/pg"
  if [[ ! -d "$dir/pg/primary" ]]; then
    echo "创建 PostgreSQL 主库与只读副本…"
    as_pg "$pg_bin/initdb" -D "$dir/pg/primary" -U postgres --auth=trust -E UTF8 >/dev/null
    pg_ctl_of primary -o "-p $pg_port $pg_opts" start >/dev/null
    as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc 'create database gongkai'
    as_pg "$pg_bin/pg_basebackup" -D "$dir/pg/replica" -R -c fast -h 127.0.0.1 -p "$pg_port" -U postgres
  else
    pg_ctl_of primary -o "-p $pg_port $pg_opts" start >/dev/null
  fi
  pg_ctl_of replica -o "-p $((pg_port + 1)) $pg_opts" start >/dev/null

  mkdir -p "$dir/pages" "$dir/files"
  local ports=()
  for i in $(seq "$instances"); do
    local p=$((app_port + i - 1))
    ports+=("127.0.0.1:$p")
    # the first instance loads the demo site the first time (and runs the migrations); the others then join it
    local what=serve
    [[ "$i" == 1 ]] && what=demo
    (
      set -a
      # shellcheck source=/dev/null
      . "$dir/secrets.env"
      set +a
      export NODE_ENV=production PORT="$p" HOST=127.0.0.1 \
        DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/gongkai" \
        DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$((pg_port + 1))/gongkai" \
        DATA_DIR="$dir/instance-$i" FILES_DIR="$dir/files" PAGES_DIR="$dir/pages" \
        BASE_URL="${GK_BASE_URL:-http://localhost:$port}" TRUST_PROXY=on \
        SECURE_COOKIES="${GK_SECURE_COOKIES:-false}" REQUESTS_PER_MINUTE="${GK_REQUESTS_PER_MINUTE:-6000}"
      cd "$repo"
      setsid nohup node dist/cli.js "$what" >"$dir/instance-$i.log" 2>&1 &
      echo $! >"$dir/instance-$i.pid"
    )
    wait_http "$p"
  done

  local upstreams=()
  for u in "${ports[@]}"; do upstreams+=(--upstream "$u"); done
  (
    set -a
    . "$dir/secrets.env"
    set +a
    cd "$repo"
    PAGES_DIR="$dir/pages" DATA_DIR="$dir/instance-1" REQUESTS_PER_MINUTE="${GK_REQUESTS_PER_MINUTE:-6000}" \
      node dist/cli.js nginx-config "$dir/nginx" --listen "127.0.0.1:$port" "${upstreams[@]}" >/dev/null
  )
  nginx -c "$dir/nginx/nginx.conf"
  echo "Gongkai 已启动：http://localhost:$port/s/demo/ （nginx → ${#ports[@]} 个实例 → PostgreSQL 主库 $pg_port，只读副本 $((pg_port + 1))）"
  echo "停止：$0 down $dir"
}

down() {
  [[ -f "$dir/nginx/nginx.pid" ]] && nginx -c "$dir/nginx/nginx.conf" -s quit 2>/dev/null || true
  for f in "$dir"/instance-*.pid; do
    [[ -f "$f" ]] || continue
    local pid
    pid="$(cat "$f")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    rm -f "$f"
  done
  for c in replica primary; do
    [[ -f "$dir/pg/$c/postmaster.pid" ]] && pg_ctl_of "$c" -m fast stop >/dev/null || true
  done
  echo "已停止"
}

case "$cmd" in
  up) up ;;
  down) down ;;
  *) echo "用法：$0 up|down <目录>" >&2; exit 2 ;;
esac
