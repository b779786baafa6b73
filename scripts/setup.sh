#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make setup: install everything the build and test pipeline needs on a
# Debian 12 machine (run as root).  Quick when everything is present:
# apt-get runs only for missing packages, `apt-get update` only then.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=setup

PACKAGES=(
	"${MDL_HEADER_METAS[@]}" "$MDL_SOURCE_PKG"
	build-essential libc6-dev libelf-dev flex bison bc cpio kmod xz-utils
	python3 perl sparse dkms busybox-static qemu-system-x86 liburing-dev
	gnuplot-nox shellcheck
)

# missing PKG...: print the packages that are not installed.
missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			printf '%s\n' "$p"
	done
}

apt_install() {
	local log
	log=$(mktemp)
	info "installing: $*"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$log" 2>&1; then
		info "apt-get install failed; running apt-get update first"
		apt-get update >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "apt-get update failed"; }
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$log" 2>&1 ||
			{ tail -n 20 "$log" >&2; die "apt-get install $* failed"; }
	fi
	rm -f "$log"
}

main() {
	local todo kver
	((EUID == 0)) || die "run as root (apt-get, dkms)"
	mapfile -t todo < <(missing "${PACKAGES[@]}")
	((${#todo[@]} == 0)) || apt_install "${todo[@]}"
	# The metas may point at a newer ABI than the one installed.
	for kver in $(debian_kvers); do
		mapfile -t todo < <(missing "linux-headers-$kver")
		((${#todo[@]} == 0)) || apt_install "${todo[@]}"
		kdir_for "$kver" >/dev/null
	done
	kernel_src >/dev/null
	info "all set: kernels $(debian_kvers | tr '\n' ' ')"
}

main "$@"
