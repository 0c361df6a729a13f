#!/usr/bin/env bash
# The lab's global load balancer is HAProxy from the distribution (lab/balancer.ts). Without it the lab runs
# without a balancer and says so: this script never fails its caller.
set -uo pipefail

have_haproxy() { command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ]; }

if have_haproxy; then exit 0; fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[lab] HAProxy not found: the lab runs without its global load balancer and traffic generator." >&2
  echo "[lab] For the balancer (Debian/Ubuntu, as root): apt-get install -y haproxy" >&2
  exit 0
fi

echo "[lab] installing HAProxy from apt"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get -o DPkg::Lock::Timeout=300 update -qq \
  || ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq haproxy >/dev/null; then
  echo "[lab] apt-get could not install haproxy: the lab will run without a balancer." >&2
  exit 0
fi
# The package's own service (started by its postinst outside containers) is not the lab's balancer: the lab runs
# HAProxy with a configuration of its own, so stop the one just installed.
if command -v service >/dev/null 2>&1; then service haproxy stop >/dev/null 2>&1 || true; fi
have_haproxy && echo "[lab] HAProxy installed: $(haproxy -v 2>&1 | head -n 1 || true)"
exit 0
