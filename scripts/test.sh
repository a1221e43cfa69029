#!/usr/bin/env bash
# `npm test`: every check the project has, in the order a failure is cheapest to see.
# typecheck → lint → unit and integration tests (SQLite and PostgreSQL) → production build → end-to-end in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing npm packages"
  npm install --no-audit --no-fund
fi
bash scripts/ensure-system.sh
# npm puts node_modules/.bin first on PATH: the `node` devDependency (Node 24 LTS) runs everything below.
echo "==> Node $(node --version) ($(command -v node))"

echo "==> Typecheck"
npm run typecheck --silent
echo "==> Lint"
npx eslint . --max-warnings=0
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
echo "==> Prisma schema"
npx prisma validate >/dev/null
npx tsx scripts/db-schema.ts --check
echo "==> Unit and integration tests"
npx vitest run
echo "==> Production build"
npm run build --silent >/dev/null
echo "==> End-to-end tests (Chromium)"
E2E_SKIP_BUILD=1 npx playwright test
echo "==> Secret scan of the e2e app server's log"
npx tsx scripts/scan-logs.ts --secrets tmp/e2e/secrets.json tmp/e2e/app.log
