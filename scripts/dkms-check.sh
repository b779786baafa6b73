#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make dkms-check: add a clean copy of the DKMS source tree, build and install
# it for every Debian kernel of scripts/kernels.list, verify the module
# landed, remove it: with the host's dkms for the host suite's kernels, with
# the suite's own dkms (and compiler) inside its chroot for the others.
# Idempotent: leftovers of an earlier (failed) run are removed first.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=dkms-check

PASS=0
FAIL=0
RES=
VER=
SUITE=
ROOT=

# sx CMD...: run CMD in the suite under test (its chroot, or the host).
sx() {
	in_suite "$SUITE" "$@"
}

# cleanup: forget every registered mdl version and its sources.
cleanup() {
	local v
	for v in $(sx dkms status -m mdl 2>/dev/null | sed -n 's|^mdl[/,] *\([^,:]*\).*|\1|p' | sort -u); do
		sx dkms remove -m mdl -v "$v" --all >/dev/null 2>&1 || true
	done
	rm -rf "$ROOT/var/lib/dkms/mdl" "$ROOT/usr/src/mdl-$VER"
}

# installed_ko KVER: path of the installed module file (as the suite sees it).
installed_ko() {
	local f
	for f in /lib/modules/"$1"/updates/dkms/mdl.ko{,.xz,.zst,.gz}; do
		[[ -f $ROOT$f ]] && { printf '%s\n' "$f"; return 0; }
	done
	return 1
}

verify_installed() {
	local kver=$1 ko
	ko=$(installed_ko "$kver") || { echo "no mdl.ko under /lib/modules/$kver/updates/dkms"; return 1; }
	sx modinfo -F version "$ko" | grep -qx "$VER" || { echo "$ko: version is not $VER"; return 1; }
	sx dkms status -m mdl -v "$VER" -k "$kver" | grep -q installed
}

verify_removed() {
	local kver
	for kver in "$@"; do
		installed_ko "$kver" && { echo "mdl.ko still installed for $kver"; return 1; }
	done
	! sx dkms status -m mdl | grep -q .
}

# check_kernel KVER: build, install, verify; stops at the first failure.
check_kernel() {
	local kver=$1
	kdir_for "$kver" "$SUITE" >/dev/null
	check "dkms build $kver" sx dkms build -m mdl -v "$VER" -k "$kver" || return 1
	check "dkms install $kver" sx dkms install -m mdl -v "$VER" -k "$kver" || return 1
	check "module installed $kver" verify_installed "$kver"
}

# check_suite SUITE KVER...: the whole DKMS cycle with SUITE's dkms.
check_suite() {
	local stage=$MDL_BUILD/dkms/mdl-$VER kver start=$SECONDS
	SUITE=$1
	shift
	ROOT=$(suite_root "$SUITE")
	info "$SUITE: dkms $(sx dkms --version 2>/dev/null | sed -n '1s/^dkms[^0-9]*//p'), kernels $*"
	cleanup
	check "dkms add ($SUITE)" sx dkms add "$stage" || true
	for kver in "$@"; do
		check_kernel "$kver" || true
	done
	check "dkms remove --all ($SUITE)" sx dkms remove -m mdl -v "$VER" --all || true
	check "nothing left installed ($SUITE)" verify_removed "$@" || true
	cleanup
	info "$SUITE: done in $((SECONDS - start)) s"
}

main() {
	local stage suite i
	local -a kvers
	cache_lock dkms # /var/lib/dkms is machine-wide (and each chroot's shared)
	command -v dkms >/dev/null || die "dkms not installed; run scripts/setup.sh"
	VER=$(mdl_version)
	[[ -n $VER ]] || die "no PACKAGE_VERSION in dkms.conf"
	RES=$(results_dir dkms-check)
	load_kernels
	stage=$MDL_BUILD/dkms/mdl-$VER
	stage_sources "$stage"
	info "source tree: $(cd "$stage" && echo *) (version $VER)"
	while read -r suite; do
		kvers=()
		for i in "${!MDL_K_KVER[@]}"; do
			[[ ${MDL_K_SUITE[$i]} == "$suite" ]] && kvers+=("${MDL_K_KVER[$i]}")
		done
		check_suite "$suite" "${kvers[@]}"
	done < <(printf '%s\n' "${MDL_K_SUITE[@]}" | awk '!seen[$0]++')
	summary_line dkms-check "$PASS" "$FAIL"
	((FAIL == 0))
}

main "$@"
