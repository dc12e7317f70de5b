#!/usr/bin/env bash
# Bounded API fuzz run (issue 14): schemathesis, driven by the server's own OpenAPI document,
# against a real `ducha serve` over a small seeded city, on SQLite and (when a PostgreSQL URL is
# given) on a fresh UTF-8 PostgreSQL database.
#
#   tests/fuzz/run.sh BINARY [POSTGRES_ADMIN_URL]
#
# Per backend, three runs:
#   1. invalid data only, as a supervisor's API token: every answer must be a documented 4xx
#      (`negative_data_rejection`), never a 5xx, and the event chain's head must not move;
#   2. valid data, as the same supervisor: no 5xx, every answer's status and body as documented;
#   3. anonymous: no 5xx, answers as documented.
# Budgets are small (examples per operation, seconds per run) so the whole step stays within a
# few minutes on two cores. schemathesis (4.x, PyPI) is installed once into a venv kept under
# FUZZ_VENV (default /var/tmp/ducha-fuzz-venv) and reused.
set -euo pipefail

bin="$(realpath "$1")"
pg_admin="${2:-}"

venv="${FUZZ_VENV:-/var/tmp/ducha-fuzz-venv}"
st_version="${SCHEMATHESIS_VERSION:-4.32.5}"
examples="${FUZZ_EXAMPLES:-4}"
seed="${FUZZ_SEED:-20261206}"

if [ ! -x "$venv/bin/schemathesis" ] ||
  ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$st_version"; then
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { echo "schemathesis 4 needs Python 3.11 or later" >&2; exit 1; }
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$st_version"
fi
# Hypothesis names its filters by parsing their source with `ast`, only for display; CPython
# 3.11 can fail that parse with "AST constructor recursion depth mismatch" (a SystemError), which
# schemathesis reports as an error of the operation. A name that cannot be had is replaced.
st() {
  "$venv/bin/python" -c 'import sys
from hypothesis.internal import lambda_sources
describe = lambda_sources.lambda_description
def lambda_description(f):
    try:
        return describe(f)
    except SystemError:
        return "lambda: ..."
lambda_sources.lambda_description = lambda_description
from schemathesis.cli import schemathesis
sys.argv[0] = "schemathesis"
sys.exit(schemathesis())' "$@"
}

work="$(mktemp -d)"
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  fi
  # Out of the directory about to go: psql cannot start in a deleted one.
  cd /
  if [ -n "$pg_db" ]; then
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

# fuzz NAME DATABASE_URL
fuzz() {
  local name="$1" url="$2" dir="$work/$1" port base
  mkdir -p "$dir"
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  cat >"$dir/ducha.toml" <<EOF
[database]
url = "$url"
[http]
listen = "127.0.0.1:$port"
secure_cookies = false
[audit]
checkpoint_file = "$dir/checkpoints.log"
[service.evidence]
dir = "$dir/evidence"
# The seeding logs in with passwords over curl; the second factor has its own tests.
[service.auth]
twofactor_roles = []
[scheduler]
enabled = false
[log]
filter = "warn,ducha=info"
EOF
  local d=(--config "$dir/ducha.toml")
  local pw="Fuzz2026ducha"
  "$bin" "${d[@]}" unit add --name 青山市 --kind city >/dev/null
  "$bin" "${d[@]}" unit add --name 市委督查室 --kind supervision_body --parent 1 >/dev/null
  "$bin" "${d[@]}" unit add --name 东城县 --kind county --parent 1 >/dev/null
  "$bin" "${d[@]}" unit add --name 东城A1镇 --kind township --parent 3 >/dev/null
  DUCHA_PASSWORD="$pw" "$bin" "${d[@]}" user add --username sup --name 督查员 --unit 2 \
    --roles supervisor --password-env >/dev/null
  DUCHA_PASSWORD="$pw" "$bin" "${d[@]}" user add --username leader --name 市长 --unit 1 \
    --roles leader --password-env >/dev/null
  DUCHA_PASSWORD="$pw" "$bin" "${d[@]}" user add --username county --name 联络员 --unit 3 \
    --roles liaison --password-env >/dev/null

  # The log exists before the server starts: the follower below may run before the
  # background job's redirection has created it (seen on a loaded machine).
  : >"$dir/serve.log"
  "$bin" "${d[@]}" serve >>"$dir/serve.log" 2>&1 &
  server_pid=$!
  # Ready when it says so (the log is followed, not polled on a timer).
  timeout 120 grep -q -m1 "listening on" <(tail -n +1 -f "$dir/serve.log") ||
    { cat "$dir/serve.log" >&2; echo "ducha serve did not start" >&2; return 1; }

  # A little real data: two items, one dispatched to the county, through the API.
  local jar="$dir/cookies" csrf token
  login() {
    curl -sf -c "$jar" -H 'content-type: application/json' \
      -d "{\"username\":\"$1\",\"password\":\"$pw\"}" "$base/api/v1/auth/login" |
      json_field '["csrf_token"]'
  }
  api() { # METHOD PATH BODY
    curl -sf -b "$jar" -X "$1" -H "x-csrf-token: $csrf" -H 'content-type: application/json' \
      -d "$3" "$base/api/v1$2"
  }
  csrf="$(login sup)"
  local item
  for t in 老旧小区改造 河道整治; do
    item="$(api POST /items "{\"title\":\"$t\",\"source\":\"meeting\",\"category\":\"central_work\",\"deadline\":\"$(date -d '+40 days' +%F)\"}" | json_field '["id"]')"
    api POST "/items/$item/submit" '{}' >/dev/null
  done
  csrf="$(login leader)"
  api POST "/items/$item/approve" '{}' >/dev/null
  csrf="$(login sup)"
  api POST "/items/$item/dispatch" '{"assignments":[{"unit_id":3,"role":"lead"}]}' >/dev/null
  token="$(api POST /tokens '{"name":"fuzz","days":1,"scope":"write"}' | json_field '["token"]')"
  local auth=(-H "Authorization: Bearer $token")
  chain_head() { curl -sf "${auth[@]}" "$base/api/v1/audit/head"; }

  # The .xlsx import takes a raw spreadsheet body schemathesis cannot generate; its rejections
  # are covered by the API tests.
  local common=(--seed "$seed" --no-shrink --workers 2 --request-timeout 20
    --suppress-health-check all --warnings off --max-failures 20
    --exclude-path-regex '/import$')
  cd "$dir"
  local schema="$base/api/v1/openapi.json"
  local before after
  before="$(chain_head)"
  echo "--- $name: invalid data, supervisor token"
  st run "$schema" "${common[@]}" "${auth[@]}" --mode negative --phases coverage,fuzzing \
    -n "$examples" --max-time 30 \
    --checks not_a_server_error,negative_data_rejection,status_code_conformance,response_schema_conformance \
    --report ndjson --report-ndjson-path "$dir/negative.ndjson"
  after="$(chain_head)"
  if [ "$before" != "$after" ]; then
    echo "rejected input changed the event chain: $before -> $after" >&2
    return 1
  fi
  echo "event chain unchanged by rejected input: $after"
  echo "--- $name: valid data, supervisor token"
  st run "$schema" "${common[@]}" "${auth[@]}" --mode positive --phases examples,coverage,fuzzing \
    -n "$examples" --max-time 30 \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance
  echo "--- $name: anonymous"
  st run "$schema" "${common[@]}" --mode all --phases coverage,fuzzing -n 2 --max-time 15 \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance
  if grep -E "internal error|panicked" "$dir/serve.log"; then
    echo "the server logged internal errors" >&2
    return 1
  fi
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=""
}

fuzz sqlite "sqlite://$work/sqlite/ducha.db"
if [ -n "$pg_admin" ]; then
  pg_db="ducha_fuzz_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $pg_db TEMPLATE template0 ENCODING 'UTF8' \
    LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
  fuzz postgres "${pg_admin%/*}/$pg_db"
fi
echo "fuzz: done in ${SECONDS}s"
