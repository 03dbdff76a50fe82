# shellcheck shell=bash
# Sourced by scripts/start, scripts/test and scripts/stack. Makes sure Node 24 and the pinned pnpm are on
# PATH, installing them from the npm registry into the git-ignored .tools/ folder when the machine's own
# Node is older. Needs only some Node and npm on the machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_WANTED="$(tr -d ' \n' < "$ROOT/.node-version")"
PNPM_WANTED="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$ROOT/package.json")"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

node_major() { node -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }

if [ -x "$TOOLS/node/node_modules/.bin/node" ]; then
  export PATH="$TOOLS/node/node_modules/.bin:$PATH"
fi
if [ "$(node_major)" -lt 24 ]; then
  log "Node $(node --version 2>/dev/null || echo none) is older than 24; installing node@$NODE_WANTED into .tools/node"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "node@$NODE_WANTED" >&2
  export PATH="$TOOLS/node/node_modules/.bin:$PATH"
fi

if [ -x "$TOOLS/pnpm/node_modules/.bin/pnpm" ]; then
  export PATH="$TOOLS/pnpm/node_modules/.bin:$PATH"
fi
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_WANTED" ]; then
  log "installing pnpm@$PNPM_WANTED into .tools/pnpm"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/pnpm" "pnpm@$PNPM_WANTED" >&2
  export PATH="$TOOLS/pnpm/node_modules/.bin:$PATH"
fi
# Corepack would try to fetch pnpm itself when it sees packageManager; the pinned binary above is enough.
export COREPACK_ENABLE_STRICT=0
export npm_config_nodedir="${npm_config_nodedir:-/usr}"

install_dependencies() {
  local stamp="$ROOT/node_modules/.install-stamp"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$ROOT/pnpm-lock.yaml" ]; then
    return 0
  fi
  log "installing workspace dependencies (pnpm install)"
  if [ "${CI:-}" = "true" ]; then
    (cd "$ROOT" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  else
    (cd "$ROOT" && pnpm install --reporter=append-only >&2)
  fi
  touch "$stamp"
}
