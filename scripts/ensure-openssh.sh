#!/usr/bin/env bash
# The lab runs a real OpenSSH server per region (lab/sshd.ts) so the console's host commands go over SSH.
# Without OpenSSH and sudo the lab runs host commands locally instead: this script never fails its caller. The API
# hooks ask the lab's host agent through curl (lab/host-hook.sh); without it they start Node for each command.
set -uo pipefail

have_all() {
  [ -x /usr/sbin/sshd ] && command -v ssh >/dev/null 2>&1 && command -v ssh-keygen >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && command -v curl >/dev/null 2>&1
}

if have_all; then exit 0; fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[lab] OpenSSH server/client, sudo or curl not found: without the first three the lab runs host commands locally" >&2
  echo "[lab] instead of over SSH; without curl the region API's hooks start Node for each command." >&2
  echo "[lab] To install them (Debian/Ubuntu, as root): apt-get install -y openssh-server openssh-client sudo curl" >&2
  exit 0
fi

echo "[lab] installing OpenSSH server/client, sudo and curl from apt"
# Another apt run may hold the dpkg lock for a while: wait for it rather than fail.
export DEBIAN_FRONTEND=noninteractive
if ! apt-get -o DPkg::Lock::Timeout=300 update -qq \
  || ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq openssh-server openssh-client sudo curl >/dev/null; then
  echo "[lab] apt-get could not install openssh-server openssh-client sudo curl: without OpenSSH and sudo the lab runs host commands locally, without curl its API hooks start Node." >&2
  exit 0
fi

# Only the lab's own sshd processes may run: stop the system sshd the package may have started on port 22
# (in containers policy-rc.d usually prevents that; elsewhere the postinst starts it).
if command -v service >/dev/null 2>&1; then service ssh stop >/dev/null 2>&1 || true; fi
if [ -f /run/sshd.pid ]; then
  pid="$(cat /run/sshd.pid 2>/dev/null || true)"
  if [ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" = /usr/sbin/sshd ]; then
    kill "$pid" 2>/dev/null || true
  fi
  rm -f /run/sshd.pid
fi

if have_all; then
  echo "[lab] OpenSSH installed: $(/usr/sbin/sshd -V 2>&1 | head -n 1 || true)"
else
  echo "[lab] OpenSSH or sudo still missing after apt-get: the lab will run host commands locally." >&2
fi
exit 0
