#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb-check [SUITE...]: the packages of `make deb` where they are used.
# For each Debian suite (default: $MDL_DEB_SUITES, else bookworm and trixie):
#   - a root file system made with mmdebstrap, with the suite's kernel image
#     and headers, dkms, gcc, udev and initramfs-tools (cached in
#     $MDL_CACHE/debroot/<suite>, its package index refreshed each run);
#   - on an overlay of it (in $MDL_BUILD/deb-check/<suite>), as a chroot:
#     `apt-get install ./*.deb` of the four packages (DKMS builds mdl.ko
#     natively there) and a C program built with `pkg-config --cflags
#     --libs libmdl`;
#   - that tree as an ext4 disk, booted under QEMU with the suite's kernel
#     and its own initramfs; scripts/deb/guest-init runs there as init:
#     modprobe, udev and the packaged rule, mdlctl info / lock / share, the
#     program, then apt-get purge and a search for anything left.
# Prints "deb-check: N passed, N failed".
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE="deb-check"

PASS=0
FAIL=0
RES=
DEBS=$MDL_BUILD/deb
PACKAGES=(mdl-dkms libmdl1 libmdl-dev mdl-tools)
# What the root file system holds besides the essential packages and apt.
ROOT_PACKAGES=(linux-image-amd64 linux-headers-amd64 initramfs-tools zstd dkms gcc make
	libc6-dev pkg-config udev kmod mount openssl procps)
# The guest's tests (guest-init's "ok" lines), all of which must pass.
GUEST_TESTS=14
MDL_DEB_MEM=${MDL_DEB_MEM:-1024}
MDL_DEB_TIMEOUT=${MDL_DEB_TIMEOUT:-900}
MDL_DEBROOT_TIMEOUT=${MDL_DEBROOT_TIMEOUT:-1800}

# in_root ROOT CMD...: CMD chrooted into ROOT with /proc, /sys and /dev, in
# a private mount namespace.
in_root() {
	local root=$1
	shift
	# shellcheck disable=SC2016  # expanded by the inner shell
	unshare --mount --propagation private -- /bin/sh -c '
		root=$1
		shift
		mount -t proc proc "$root/proc" && mount -t sysfs sys "$root/sys" &&
			mount --rbind /dev "$root/dev" &&
			exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
				HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' sh "$root" "$@"
}

# debroot SUITE: create the suite's root file system, or bring it up to
# date (a new kernel ABI of the metas included, old ones removed).
debroot() {
	local suite=$1 root=$MDL_CACHE/debroot/$1 log=$MDL_CACHE/debroot/$1.log start=$SECONDS
	if [[ ! -f $root/.mdl-ok ]]; then
		info "$suite: creating the root file system in $root (mmdebstrap; log: $log)"
		rm -rf "$root"
		mkdir -p "$(dirname "$root")"
		with_timeout "$MDL_DEBROOT_TIMEOUT" mmdebstrap --variant=apt --skip=cleanup/apt/lists \
			--aptopt='Acquire::Check-Valid-Until "false"' \
			--include="$(IFS=,; printf '%s' "${ROOT_PACKAGES[*]}")" "$suite" "$root" \
			>"$log" 2>&1 || { tail -n 30 "$log"; return 1; }
		touch "$root/.mdl-ok"
		info "$suite: root file system created in $((SECONDS - start)) s"
	else
		if ! { in_root "$root" apt-get update &&
			in_root "$root" apt-get install -y --no-install-recommends "${ROOT_PACKAGES[@]}" &&
			in_root "$root" apt-get autoremove --purge -y; } >"$log" 2>&1; then
			tail -n 30 "$log"
			return 1
		fi
		info "$suite: root file system up to date in $((SECONDS - start)) s"
	fi
}

# newest_kver ROOT: the newest kernel whose image is in ROOT.
newest_kver() {
	local f
	f=$(find "$1/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sort -V | tail -n 1)
	[[ -n $f ]] || return 1
	printf '%s\n' "${f#vmlinuz-}"
}

# dkms_installed KVER CHROOT-CMD...: DKMS says mdl is installed for KVER.
dkms_installed() {
	local kver=$1 st
	shift
	st=$("$@" dkms status -m mdl -k "$kver")
	printf '%s\n' "$st"
	grep -q ': installed' <<<"$st"
}

# prepare SUITE KVER: (in a private mount namespace) the packages and the
# program in an overlay of the suite's root, then that tree as disk.img.
prepare() {
	local suite=$1 kver=$2 base=$MDL_CACHE/debroot/$1 w=$MDL_BUILD/deb-check/$1 r size
	r=$w/root
	mount -t overlay overlay -o "lowerdir=$base,upperdir=$w/upper,workdir=$w/work" "$r"
	mkdir -p "$r/tmp/debs" "$r/var/lib/mdl-deb-check"
	cp "${DEB_FILES[@]}" "$r/tmp/debs/"
	cp "$MDL_ROOT/scripts/deb/prog.c" "$r/tmp/prog.c"
	install -D -m 755 "$MDL_ROOT/scripts/deb/guest-init" "$r/usr/local/sbin/mdl-deb-guest"
	mount -t proc proc "$r/proc"
	mount -t sysfs sys "$r/sys"
	mount --rbind /dev "$r/dev"
	local -a c=(chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
	check "$suite: apt-get install ./*.deb (DKMS builds mdl.ko in the chroot)" \
		"${c[@]}" sh -c 'cd /tmp/debs && apt-get install -y --no-install-recommends ./*.deb' ||
		return 1
	check "$suite: dkms status: mdl installed for $kver" \
		dkms_installed "$kver" "${c[@]}" || true
	# shellcheck disable=SC2016  # expanded in the chroot
	check "$suite: C program built with pkg-config --cflags --libs libmdl" \
		"${c[@]}" sh -c 'pkg-config --cflags --libs libmdl &&
			gcc -O2 -Wall -Werror -o /usr/local/bin/mdl-deb-prog /tmp/prog.c \
				$(pkg-config --cflags --libs libmdl)' || true
	# What the packages installed, for the guest to look for after the purge.
	"${c[@]}" dpkg -L "${PACKAGES[@]}" >"$r/var/lib/mdl-deb-check/files"
	"${c[@]}" sh -c 'modinfo -F signer /lib/modules/*/updates/dkms/mdl.ko* 2>/dev/null' \
		>"$RES/$suite-signer.txt" || true
	rm -rf "$r/tmp/debs" "$r/tmp/prog.c"
	# apt's binary caches, so that the guest's apt-get does not build them
	# from the package lists under emulation.
	"${c[@]}" apt-cache gencaches >/dev/null
	umount -R "$r/dev" "$r/sys" "$r/proc"
	cp "$r/boot/vmlinuz-$kver" "$w/vmlinuz"
	cp "$r/boot/initrd.img-$kver" "$w/initrd.img"
	size=$(($(du -sm "$r" | cut -f1) + 768))
	check "$suite: ext4 disk of the root file system (${size} MiB)" \
		mke2fs -q -F -t ext4 -E root_owner=0:0 -d "$r" "$w/disk.img" "${size}M"
}

# guest_results SUITE LOG: count the guest's lines and its kernel log.
guest_results() {
	local suite=$1 log=$2 line n=0
	while IFS= read -r line; do
		case $line in
		"ok - "*)
			PASS=$((PASS + 1))
			n=$((n + 1))
			info "ok: $suite guest: ${line#ok - }"
			;;
		"not ok - "*)
			FAIL=$((FAIL + 1))
			n=$((n + 1))
			warn "not ok: $suite guest: ${line#not ok - }"
			;;
		"deb-guest: "* | "# signer: "*) info "$suite guest: ${line#\# }" ;;
		esac
	done <"$log"
	if grep -q '^deb-guest: done' "$log" && ((n == GUEST_TESTS)); then
		PASS=$((PASS + 1))
		info "ok: $suite guest ran all $GUEST_TESTS tests"
	else
		FAIL=$((FAIL + 1))
		warn "not ok: $suite guest ran $n of $GUEST_TESTS tests (log: $log)"
		tail -n 40 "$log" >&2
	fi
	if grep '^# dmesg: ' "$log" | grep -E "$MDL_BAD_LOG_RE"; then
		FAIL=$((FAIL + 1))
		warn "not ok: $suite kernel log has a problem (log: $log)"
	else
		PASS=$((PASS + 1))
		info "ok: $suite kernel log clean"
	fi
}

# check_suite SUITE: the whole cycle on one suite.
check_suite() {
	local suite=$1 w=$MDL_BUILD/deb-check/$1 kver start=$SECONDS t log
	cache_lock "debroot-$suite" # held to the end: the overlays' lower layer
	check "$suite: root file system (mmdebstrap, kernel, headers, dkms)" debroot "$suite" ||
		return 0
	kver=$(newest_kver "$MDL_CACHE/debroot/$suite") || die "no kernel in the $suite root"
	info "$suite: kernel $kver"
	rm -rf "$w"
	mkdir -p "$w/upper" "$w/work" "$w/root"
	printf '%s %s\n' "$PASS" "$((FAIL + 1))" >"$w/counts"
	t=$SECONDS
	unshare --mount --propagation private -- "$0" --prepare "$suite" "$kver" \
		"$PASS" "$FAIL" || true
	read -r PASS FAIL <"$w/counts"
	rm -rf "$w/root" "$w/upper" "$w/work"
	[[ -f $w/disk.img ]] || return 0
	info "$suite: chroot part in $((SECONDS - t)) s; DKMS signer: $(cat "$RES/$suite-signer.txt")"
	t=$SECONDS
	log=$RES/$suite-guest.log
	if qemu_boot "$w/vmlinuz" "$w/initrd.img" "$MDL_DEB_MEM" \
		"root=/dev/vda rw init=/usr/local/sbin/mdl-deb-guest" "$log" "$MDL_DEB_TIMEOUT" \
		-drive "file=$w/disk.img,format=raw,if=virtio"; then
		PASS=$((PASS + 1))
		info "ok: $suite guest booted and powered off ($((SECONDS - t)) s, ${MDL_QEMU_ACCEL:-tcg})"
	else
		FAIL=$((FAIL + 1))
		warn "not ok: $suite guest did not power off cleanly (log: $log)"
	fi
	guest_results "$suite" "$log"
	rm -f "$w/disk.img"
	info "$suite: done in $((SECONDS - start)) s"
}

main() {
	local suite start=$SECONDS
	local -a suites
	((EUID == 0)) || die "run as root (mmdebstrap, chroot, mounts)"
	command -v mmdebstrap >/dev/null || die "mmdebstrap not installed; run scripts/setup.sh"
	if (($#)); then suites=("$@"); else read -r -a suites <<<"${MDL_DEB_SUITES:-bookworm trixie}"; fi
	clone_lock deb-check
	RES=$(results_dir deb-check)
	check "make deb" "$MDL_ROOT/scripts/deb.sh" || {
		summary_line deb-check "$PASS" "$FAIL"
		exit 1
	}
	for suite in "${suites[@]}"; do
		check_suite "$suite"
	done
	info "total $((SECONDS - start)) s"
	summary_line deb-check "$PASS" "$FAIL"
	((FAIL == 0))
}

if [[ ${1:-} == --prepare ]]; then
	# Re-executed in a private mount namespace by check_suite.
	RES=$MDL_RESULTS/deb-check
	PASS=$4
	FAIL=$5
	mapfile -t DEB_FILES < <(for p in "${PACKAGES[@]}"; do
		compgen -G "$DEBS/${p}_*.deb"
	done)
	((${#DEB_FILES[@]} == ${#PACKAGES[@]})) || die "not every package is in $DEBS"
	prepare "$2" "$3" || rm -f "$MDL_BUILD/deb-check/$2/disk.img"
	printf '%s %s\n' "$PASS" "$FAIL" >"$MDL_BUILD/deb-check/$2/counts"
	exit 0
fi
main "$@"
