#!/usr/bin/env bash
# Makes sure a machine of this project's kind has what the tests need beyond npm packages:
# Debian's Chromium for Playwright, and a running PostgreSQL server. Idempotent; prints what it does.
set -euo pipefail

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> Installing Debian's Chromium for end-to-end tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install it (sudo apt-get install chromium) or set CHROMIUM_PATH." >&2
    exit 1
  fi
fi

pg_url="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
if ! node -e "const c=new (require('pg').Client)({connectionString:process.argv[1]});c.connect().then(()=>c.end()).catch(()=>process.exit(1))" "$pg_url" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "==> Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 1 30); do
      node -e "const c=new (require('pg').Client)({connectionString:process.argv[1]});c.connect().then(()=>c.end()).catch(()=>process.exit(1))" "$pg_url" 2>/dev/null && break
      sleep 1
    done
  fi
  node -e "const c=new (require('pg').Client)({connectionString:process.argv[1]});c.connect().then(()=>c.end()).catch(e=>{console.error('PostgreSQL is not reachable at '+process.argv[1]+': '+e.message);process.exit(1)})" "$pg_url"
fi
