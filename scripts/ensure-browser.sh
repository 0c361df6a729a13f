#!/usr/bin/env bash
# The e2e suite drives Debian's Chromium; test tools may not download browsers of their own.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[test] installing Chromium from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "[test] Chromium is missing: install it (Debian/Ubuntu: sudo apt-get install chromium) and run again" >&2
  exit 1
fi
