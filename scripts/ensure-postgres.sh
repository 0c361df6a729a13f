#!/usr/bin/env bash
# The integration tests and the lab run real PostgreSQL 15 servers.
set -euo pipefail
bin="${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}"
if [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[test] installing PostgreSQL 15 server binaries from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
else
  echo "[test] PostgreSQL 15 server binaries not found in $bin: install them (Debian/Ubuntu: sudo apt-get install postgresql-15) or set PG_BIN_DIR" >&2
  exit 1
fi
