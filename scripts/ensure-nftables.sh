#!/usr/bin/env bash
# The lab puts each region in a network namespace of its own and makes partitions with nftables rules inside
# them (lab/network). Without nftables or iproute2 the lab keeps every region on loopback and says that network
# faults are unavailable: this script never fails its caller.
set -uo pipefail

have_all() { command -v nft >/dev/null 2>&1 && command -v ip >/dev/null 2>&1; }

if have_all; then exit 0; fi

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[lab] nftables or iproute2 not found: the lab's regions share loopback and network faults are unavailable." >&2
  echo "[lab] For a network per region (Debian/Ubuntu, as root): apt-get install -y nftables iproute2" >&2
  exit 0
fi

echo "[lab] installing nftables and iproute2 from apt"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get -o DPkg::Lock::Timeout=300 update -qq \
  || ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq nftables iproute2 >/dev/null; then
  echo "[lab] apt-get could not install nftables iproute2: network faults will be unavailable." >&2
  exit 0
fi
have_all && echo "[lab] nftables installed: $(nft --version 2>&1 | head -n 1 || true)"
exit 0
