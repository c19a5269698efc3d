#!/usr/bin/env bash
# Installs the Debian packages the build and the tests need, when some are missing.
# As root it uses apt-get; otherwise it lists what to install and fails.
set -euo pipefail

packages=(
  cmake g++ make git pkg-config
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev python3 python3-pytest python3-matplotlib
  pybind11-dev python3-dev
  # campaigns (app/python/mprecover/campaign): the campaign file, the table, a dask cluster
  python3-yaml python3-pandas python3-dask python3-distributed
  # the netns backend: netlink, nftables, and the tools its tests compare the host with
  libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libnftables-dev iproute2 nftables procps
  # the mptcpd policy's real daemon on netns, and its path manager plugin (addr_adv), which the
  # daemon only recommends: without it mptcpd starts and manages nothing
  mptcpd mptcpd-plugins
  # kind command's programs on netns: mptcpize makes a program's sockets MPTCP; iperf3 is the
  # one the shipped iperf3-reset scenario runs
  mptcpize iperf3
  # its NFQUEUE delay line: libnetfilter_queue over libmnl, and iptables-nft for the NFQUEUE rule
  libnetfilter-queue-dev libmnl-dev iptables
  # ns-3 3.37; its CMake package also wants these three
  libns3-dev ns3 libgsl-dev libpython3-dev
  # the JUnit report of `mprecover check --junit` (also wanted by ns-3's CMake package)
  libxml2-dev
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "mprecover needs these Debian packages, which are not installed:" >&2
  echo "  sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

echo "Installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Package lists may be missing or stale on a fresh machine: refresh them once, then install.
apt-get install -y -q --no-install-recommends "${missing[@]}" || {
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}
