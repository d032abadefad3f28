#!/usr/bin/env bash
# Quick-start entry point for a fresh clone: installs what is missing (pinned pnpm, dependencies,
# Prisma client), then runs `pnpm <command> [args...]` (demo, test, bench, chaos, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm@$PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION" --silent >/dev/null
fi
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  echo "setup: installing dependencies"
  pnpm install --frozen-lockfile --reporter=append-only 2>&1 | tail -3
fi
if [ ! -f packages/db/src/generated/prisma/client.ts ] || [ prisma/schema.prisma -nt packages/db/src/generated/prisma/client.ts ]; then
  echo "setup: generating the Prisma client"
  pnpm db:generate >/dev/null
fi
[ -f .env ] || cp .env.example .env
cmd=${1:-test}
shift || true
exec pnpm "$cmd" "$@"
