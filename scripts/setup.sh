#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make setup: install everything the build and test pipeline needs on a
# Debian 12 machine (run as root), for every kernel of scripts/kernels.list:
# the host suite's headers natively, and for every other suite a chroot
# (mmdebstrap, cached under $MDL_CACHE/chroot/<suite>) with that suite's
# compiler, sparse, dkms, kernel headers and sources.  Quick on the host when
# everything is present (apt-get runs only for missing packages, `apt-get
# update` only then); each chroot's package index is refreshed on every run,
# so that a new kernel ABI of its suite is picked up.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=setup

PACKAGES=(
	build-essential libc6-dev libelf-dev flex bison bc cpio kmod xz-utils
	python3 perl sparse dkms busybox-static qemu-system-x86 liburing-dev
	gnuplot-nox shellcheck mmdebstrap pkgconf man-db e2fsprogs
	dpkg-dev debhelper dh-dkms lintian patch
)
MDL_CHROOT_TIMEOUT=${MDL_CHROOT_TIMEOUT:-1800}

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

# suite_packages SUITE: what SUITE needs for the kernels of the list: the
# headers metas of its Debian kernels, the source packages of its UML ones
# (always: headers_fixup takes files from them).
suite_packages() {
	matrix deb | awk -v s="$1" '$3 == s { print $5 }'
	MDL_KERNELS='' matrix uml | awk -v s="$1" '$3 == s { print $4 }'
}

# headers_fixup KVER SUITE: from 6.19 on, the headers' Makefile validates
# sparse with scripts/checker-valid.sh, which Debian's headers packages lack
# (C=2 is then silently dropped): install it from the suite's kernel source.
headers_fixup() {
	local kver=$1 suite=$2 root common src
	local -a row
	root=$(suite_root "$suite")
	common=$(sed -n 's|^include \(/.*\)/Makefile$|\1|p' "$root/usr/src/linux-headers-$kver/Makefile")
	[[ -n $common ]] || common=/usr/src/linux-headers-$kver
	grep -q 'scripts/checker-valid\.sh' "$root$common/Makefile" || return 0
	[[ -x $root$common/scripts/checker-valid.sh ]] && return 0
	read -r -a row < <(MDL_KERNELS='' matrix uml | awk -v s="$suite" '$3 == s')
	((${#row[@]} == 4)) || die "$kver lacks scripts/checker-valid.sh and no uml line of $suite gives a kernel source"
	src=$(kernel_src_of "${row[3]}" "$suite")
	[[ -f $src/scripts/checker-valid.sh ]] || die "no scripts/checker-valid.sh in $src"
	info "$kver: installing scripts/checker-valid.sh (missing from its headers) from $(basename "$src")"
	install -m 755 "$src/scripts/checker-valid.sh" "$root$common/scripts/checker-valid.sh"
}

# chroot_setup SUITE: create SUITE's chroot, or refresh its package index
# and install what the list needs (a new ABI of a meta package included).
chroot_setup() {
	local suite=$1 root log start pkgs
	root=$(chroot_dir "$suite")
	log=$MDL_CACHE/chroot/$suite.log
	mapfile -t pkgs < <(printf '%s\n' "${MDL_CHROOT_PACKAGES[@]}"; suite_packages "$suite")
	cache_lock "chroot-$suite"
	start=$SECONDS
	if [[ ! -f $root/.mdl-ok ]]; then
		info "creating the $suite chroot in $root (mmdebstrap; log: $log)"
		rm -rf "$root"
		mkdir -p "$(dirname "$root")"
		run_logged "$log" with_timeout "$MDL_CHROOT_TIMEOUT" \
			mmdebstrap --variant=apt --skip=cleanup/apt/lists \
			--aptopt='Acquire::Check-Valid-Until "false"' \
			--include="$(IFS=,; printf '%s' "${pkgs[*]}")" "$suite" "$root"
		touch "$root/.mdl-ok"
		info "$suite chroot created in $((SECONDS - start)) s"
	else
		info "refreshing the $suite chroot's package index"
		run_logged "$log" in_suite "$suite" apt-get update
		run_logged "$log.install" in_suite "$suite" \
			apt-get install -y --no-install-recommends "${pkgs[@]}"
		info "$suite chroot up to date in $((SECONDS - start)) s"
	fi
}

# kernels_setup: the headers of every kernel's resolved ABI (the metas may
# point at a newer one than the one installed), and the kernel sources.
kernels_setup() {
	local i kver suite todo root line
	load_kernels
	for i in "${!MDL_K_NAME[@]}"; do
		kver=${MDL_K_KVER[$i]}
		suite=${MDL_K_SUITE[$i]}
		root=$(suite_root "$suite")
		if [[ ! -f $root/usr/src/linux-headers-$kver/Makefile ]]; then
			if is_host_suite "$suite"; then
				apt_install "linux-headers-$kver"
			else
				run_logged "$MDL_CACHE/chroot/$suite.log.headers" in_suite "$suite" \
					apt-get install -y --no-install-recommends "linux-headers-$kver"
			fi
		fi
		kdir_for "$kver" "$suite" >/dev/null
		headers_fixup "$kver" "$suite"
	done
	while read -r line; do
		read -r -a f <<<"$line"
		(kernel_src_of "${f[3]}" "${f[2]}" >/dev/null)
	done < <(matrix uml)
}

main() {
	local todo suite hostpkgs
	((EUID == 0)) || die "run as root (apt-get, dkms, chroots)"
	mapfile -t hostpkgs < <(suite_packages "$(host_suite)")
	mapfile -t todo < <(missing "${PACKAGES[@]}" "${hostpkgs[@]}")
	((${#todo[@]} == 0)) || apt_install "${todo[@]}"
	while read -r suite; do
		(chroot_setup "$suite")
	done < <(chroot_suites)
	kernels_setup
	(kernel_src >/dev/null)
	info "all set: kernels ${MDL_K_KVER[*]}"
}

main "$@"
