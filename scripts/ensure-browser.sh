#!/usr/bin/env bash
# The e2e suite drives Debian's headless Chromium shell (the bench's Lighthouse the full Chromium); test tools may
# not download browsers of their own.
set -euo pipefail
missing=()
[ -x /usr/lib/chromium/chromium-headless-shell ] || missing+=(chromium-headless-shell)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[test] installing ${missing[*]} from apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "[test] missing: ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]}); install and run again" >&2
  exit 1
fi
