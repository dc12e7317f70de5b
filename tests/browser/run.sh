#!/usr/bin/env bash
# Browser tests: seeds a fresh demo city into a temporary directory, serves it with the given
# `ducha` binary on a free local port (plain HTTP, scheduler off so the data stays as seeded),
# waits until the login page answers, runs the scenarios with Node's test runner against
# Debian's Chromium, and always stops the server. Screenshots and the server's log are left in
# $ARTEFACTS (default target/browser-artefacts at the repository root).
#
# usage: tests/browser/run.sh [DUCHA_BINARY] [SCENARIO_FILE…]
#   DUCHA_BINARY   default $CARGO_TARGET_DIR/debug/ducha (or target/debug/ducha)
#   SCENARIO_FILE  default every scenarios/*.test.mjs
# environment: ARTEFACTS, CHROMIUM (default /usr/bin/chromium), DUCHA_AS_OF (default 2026-11-27)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

bin="${1:-${CARGO_TARGET_DIR:-$root/target}/debug/ducha}"
[ "$#" -gt 0 ] && shift
artefacts="${ARTEFACTS:-$root/target/browser-artefacts}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
as_of="${DUCHA_AS_OF:-2026-11-27}"

die() { echo "browser tests: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no ducha binary at $bin (build it with: cargo build -p ducha)"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
[ -x "$CHROMIUM" ] || die "no Chromium at $CHROMIUM (apt-get install chromium fonts-noto-cjk)"
command -v node >/dev/null || die "node is not installed"
[ -d "$here/node_modules/playwright-core" ] || die "run: (cd tests/browser && npm ci)"

mkdir -p "$artefacts"
artefacts="$(cd "$artefacts" && pwd)"
rm -f "$artefacts"/*.png "$artefacts"/server.log
work="$(mktemp -d)"
server=""
stop_server() {
  [ -n "$server" ] || return 0
  kill "$server" 2>/dev/null || true
  # SIGTERM makes ducha write its last checkpoint and exit; give it a bounded time.
  for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
}
trap 'stop_server; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

echo "seeding the demo city as of $as_of …"
"$bin" demo --seed-only --data-dir "$work/city" --as-of "$as_of" >"$work/seed.log" 2>&1 \
  || { cat "$work/seed.log" >&2; die "seeding failed"; }

free_port() {
  node -e 'const s = require("net").createServer();
           s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# A port found free can be taken before ducha binds it: try again on another one then.
for attempt in 1 2 3; do
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  cat >"$work/ducha.toml" <<EOF
[database]
url = "sqlite://$work/city/ducha-demo.db"

[http]
listen = "127.0.0.1:$port"
# Plain HTTP: a Secure cookie would never come back to http://127.0.0.1.
secure_cookies = false

[audit]
checkpoint_file = "$work/city/chain-checkpoints.log"

[service.notify]
base_url = "$base"

[scheduler]
# The pages must show the city exactly as seeded, whatever today's date is.
enabled = false

[service.evidence]
# Where the seeding stored the demo's evidence files (as ducha demo serves them).
dir = "$work/city/evidence"

[service.assessment]
# For the same reason the seeded open month stays open to appeal whatever today's date is
# (the window itself is tested in the API tests).
appeal_days = 2000

[service.auth]
# As ducha demo serves the city: the printed accounts log in with the password alone and
# are shared by every scenario. A real deployment keeps the defaults (two-factor login for
# admins and supervisors, three sessions per user); scenarios/twofactor.test.mjs enrols a user.
twofactor_roles = []
max_sessions_per_user = 0
EOF
  # Only this file configures the server, whatever DUCHA_* variables the caller has set.
  (
    while read -r v; do unset "$v"; done < <(compgen -e | grep '^DUCHA_' || true)
    # Relative default paths (data/…) land in the temporary directory.
    cd "$work"
    NO_COLOR=1 exec "$bin" serve --config "$work/ducha.toml"
  ) >>"$artefacts/server.log" 2>&1 &
  server=$!
  if node "$here/wait-ready.mjs" "$base/login" "$server" 60; then
    break
  fi
  stop_server
  if [ "$attempt" -eq 3 ]; then
    tail -n 20 "$artefacts/server.log" >&2
    die "the server did not start"
  fi
done
echo "serving the demo city at $base (log: $artefacts/server.log)"

cd "$here"
if [ "$#" -eq 0 ]; then set -- scenarios/*.test.mjs; fi
status=0
DUCHA_BASE_URL="$base" ARTEFACTS="$artefacts" node --test "$@" || status=$?
stop_server
echo "browser test artefacts: $artefacts"
exit "$status"
