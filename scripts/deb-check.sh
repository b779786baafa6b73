#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb-check [SUITE...]: the packages of `make deb` where they are used.
# For each Debian suite (default: $MDL_DEB_SUITES, else bookworm and trixie):
#   - a root file system made with mmdebstrap, with the suite's kernel image
#     and headers, dkms, gcc, udev and initramfs-tools (cached in
#     $MDL_CACHE/debroot/<suite>; its package index refreshed and its
#     packages upgraded when the last refresh is older than
#     MDL_DEBROOT_REFRESH seconds, default a day; 0: every run);
#   - on an overlay of it (in $MDL_BUILD/deb-check/<suite>), as a chroot:
#     `apt-get install ./*.deb` of the four packages (DKMS builds mdl.ko
#     natively there), a C program built with `pkg-config --cflags --libs
#     libmdl`, the bash completion of mdl-tools;
#   - that tree as an ext4 disk (without what the guest never reads: the
#     compilers, headers, docs, apt's lists, the kernel's own module tree),
#     booted under QEMU with the suite's kernel and a small initramfs (the
#     suite's virtio disk and ext4 modules, scripts/deb/initramfs-init);
#     scripts/deb/guest-init runs there as init: udevd started by hand,
#     modprobe, the packaged rule's node, mdlctl info / lock / share, the
#     program, rmmod and the node gone;
#   - back in the chroot, natively: apt-get purge of the packages and
#     scripts/deb/leftovers (no file, module, DKMS state or package left).
# Each step's time is shown ("time: STEP: N s"; the guest's from its uptime).
# scripts/deb-check.sh --setup [SUITE...] makes only the root file systems.
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
GUEST_TESTS=13
MDL_DEB_MEM=${MDL_DEB_MEM:-1024}
MDL_DEB_TIMEOUT=${MDL_DEB_TIMEOUT:-900}
MDL_DEBROOT_TIMEOUT=${MDL_DEBROOT_TIMEOUT:-1800}
MDL_DEBROOT_REFRESH=${MDL_DEBROOT_REFRESH:-86400}
# What the guest's disk leaves out of the root (the guest never reads it;
# the kernel's own modules: no coldplug, and the initramfs has the disk's).
DISK_HIDDEN=(usr/src usr/lib/gcc usr/share/doc usr/share/man usr/share/locale
	var/lib/apt/lists var/cache/apt boot)

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
# date (a new kernel ABI of the metas included, old ones removed) when its
# last refresh is older than MDL_DEBROOT_REFRESH seconds.
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
		touch "$root/.mdl-ok" "$root/.mdl-refreshed"
		info "$suite: root file system created in $((SECONDS - start)) s"
	elif [[ -f $root/.mdl-refreshed ]] &&
		(($(date +%s) - $(stat -c %Y "$root/.mdl-refreshed") < MDL_DEBROOT_REFRESH)); then
		info "$suite: root file system refreshed $((($(date +%s) - $(stat -c %Y "$root/.mdl-refreshed")) / 60)) min ago: no apt run (MDL_DEBROOT_REFRESH=0 forces one)"
	else
		if ! { in_root "$root" apt-get update &&
			in_root "$root" apt-get install -y --no-install-recommends "${ROOT_PACKAGES[@]}" &&
			in_root "$root" apt-get autoremove --purge -y; } >"$log" 2>&1; then
			tail -n 30 "$log"
			return 1
		fi
		touch "$root/.mdl-refreshed"
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

# guest_initramfs ROOT KVER OUT: busybox, ROOT's modules of a virtio disk
# and ext4 for KVER (decompressed, numbered in load order) and
# scripts/deb/initramfs-init as /init: the guest needs no initramfs-tools
# boot (udev, hooks, a 30 MB image: half a minute under TCG).
guest_initramfs() {
	local root=$1 kver=$2 out=$3 d m b n=0
	d=$(mktemp -d)
	mkdir -p "$d/bin" "$d/mods"
	cp /bin/busybox "$d/bin/"
	install -m 755 "$MDL_ROOT/scripts/deb/initramfs-init" "$d/init"
	while read -r m; do
		n=$((n + 1))
		b=${m##*/}
		b=$d/mods/$(printf '%02d' "$n")-${b%.ko*}.ko
		case $m in
		*.xz) xz -dc "$m" >"$b" ;;
		*.zst) zstd -qdc "$m" >"$b" ;;
		*.gz) gzip -dc "$m" >"$b" ;;
		*) cp "$m" "$b" ;;
		esac
		echo "${b##*/}"
	done < <(modprobe -d "$root" -S "$kver" --show-depends -a virtio_pci virtio_blk ext4 \
		crc32c_generic | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')
	((n > 0)) || return 1
	pack_initramfs "$d" "$out"
	rm -rf "$d"
}

# overlay SUITE: (in a private mount namespace) mount the overlay of the
# suite's root at $w/root, with /proc, /sys and /dev; sets r, w and c (the
# chroot command).
overlay() {
	w=$MDL_BUILD/deb-check/$1
	r=$w/root
	mount -t overlay overlay \
		-o "lowerdir=$MDL_CACHE/debroot/$1,upperdir=$w/upper,workdir=$w/work" "$r"
	mount -t proc proc "$r/proc"
	mount -t sysfs sys "$r/sys"
	mount --rbind /dev "$r/dev"
	c=(chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
		LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive)
}

# prepare SUITE KVER: (in a private mount namespace) the packages and the
# program in an overlay of the suite's root, then that tree as disk.img.
prepare() {
	local suite=$1 kver=$2 w r size d
	local -a c
	overlay "$suite"
	mkdir -p "$r/tmp/debs" "$r/var/lib/mdl-deb-check"
	cp "${DEB_FILES[@]}" "$r/tmp/debs/"
	cp "$MDL_ROOT/scripts/deb/prog.c" "$r/tmp/prog.c"
	install -D -m 755 "$MDL_ROOT/scripts/deb/guest-init" "$r/usr/local/sbin/mdl-deb-guest"
	install -D -m 755 "$MDL_ROOT/scripts/deb/leftovers" "$r/usr/local/sbin/mdl-deb-leftovers"
	step "$suite: apt-get install ./*.deb (DKMS builds mdl.ko in the chroot)" \
		"${c[@]}" sh -c 'cd /tmp/debs && apt-get install -y --no-install-recommends ./*.deb' ||
		return 1
	step "$suite: dkms status: mdl installed for $kver" \
		dkms_installed "$kver" "${c[@]}" || true
	# shellcheck disable=SC2016  # expanded in the chroot
	step "$suite: C program built with pkg-config --cflags --libs libmdl" \
		"${c[@]}" sh -c 'pkg-config --cflags --libs libmdl &&
			gcc -O2 -Wall -Werror -o /usr/local/bin/mdl-deb-prog /tmp/prog.c \
				$(pkg-config --cflags --libs libmdl)' || true
	# shellcheck disable=SC2016  # expanded in the chroot
	step "$suite: mdl-tools' bash completion: complete -p mdlctl" \
		"${c[@]}" bash -c 'f=/usr/share/bash-completion/completions/mdlctl
			dpkg -S "$f" && . "$f" && complete -p mdlctl' || true
	# What the packages installed, for the guest to look for after the purge.
	"${c[@]}" dpkg -L "${PACKAGES[@]}" >"$r/var/lib/mdl-deb-check/files"
	"${c[@]}" sh -c 'modinfo -F signer /lib/modules/*/updates/dkms/mdl.ko* 2>/dev/null' \
		>"$RES/$suite-signer.txt" || true
	rm -rf "$r/tmp/debs" "$r/tmp/prog.c"
	# Lazily: a daemon a package script started may still hold /dev/pts.
	umount -R -l "$r/dev" "$r/sys" "$r/proc"
	cp "$r/boot/vmlinuz-$kver" "$w/vmlinuz"
	step "$suite: the guest's initramfs (busybox, virtio disk and ext4 modules)" \
		guest_initramfs "$r" "$kver" "$w/initrd.img" || return 1
	# Hidden from the disk by empty mounts over them (this namespace only).
	for d in "${DISK_HIDDEN[@]}" "lib/modules/$kver/kernel"; do
		[[ -d $r/$d ]] && mount -t tmpfs -o size=64k,mode=0755 hidden "$r/$d"
	done
	size=$(($(du -sm "$r" | cut -f1) + 256))
	step "$suite: ext4 disk of the root file system (${size} MiB)" \
		mke2fs -q -F -t ext4 -E root_owner=0:0 -d "$r" "$w/disk.img" "${size}M"
}

# purge SUITE KVER: (in a private mount namespace) apt-get purge of the
# packages in the overlay, natively, and nothing of them left.
purge() {
	local suite=$1 kver=$2 w r
	local -a c
	overlay "$suite"
	step "$suite: apt-get purge of the packages (in the chroot)" \
		"${c[@]}" apt-get purge -y "${PACKAGES[@]}" || true
	step "$suite: nothing left: files, module, DKMS tree, modprobe, dpkg" \
		"${c[@]}" /usr/local/sbin/mdl-deb-leftovers "$kver" /var/lib/mdl-deb-check/files || true
	# The mounts go with this namespace.
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
		"deb-guest: "* | "deb-initramfs: "* | "# signer: "* | "# time: "*)
			info "$suite guest: ${line#\# }"
			;;
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
	step "$suite: root file system (mmdebstrap, kernel, headers, dkms)" debroot "$suite" ||
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
	[[ -f $w/disk.img ]] || { rm -rf "$w/root" "$w/upper" "$w/work"; return 0; }
	info "$suite: chroot part in $((SECONDS - t)) s; DKMS signer: $(cat "$RES/$suite-signer.txt")"
	t=$SECONDS
	log=$RES/$suite-guest.log
	if qemu_boot "$w/vmlinuz" "$w/initrd.img" "$MDL_DEB_MEM" \
		"" "$log" "$MDL_DEB_TIMEOUT" \
		-drive "file=$w/disk.img,format=raw,if=virtio"; then
		PASS=$((PASS + 1))
		info "ok: $suite guest booted and powered off ($((SECONDS - t)) s, ${MDL_QEMU_ACCEL:-tcg})"
	else
		FAIL=$((FAIL + 1))
		warn "not ok: $suite guest did not power off cleanly (log: $log)"
	fi
	info "time: $suite: the guest, boot to power-off: $((SECONDS - t)) s"
	guest_results "$suite" "$log"
	rm -f "$w/disk.img"
	t=$SECONDS
	printf '%s %s\n' "$PASS" "$((FAIL + 1))" >"$w/counts"
	unshare --mount --propagation private -- "$0" --purge "$suite" "$kver" \
		"$PASS" "$FAIL" || true
	read -r PASS FAIL <"$w/counts"
	rm -rf "$w/root" "$w/upper" "$w/work"
	info "time: $suite: purge part: $((SECONDS - t)) s"
	info "$suite: done in $((SECONDS - start)) s"
}

# wait_lintian: the background lintian's status, its output shown.
wait_lintian() {
	local rc=0
	wait "$LINTIAN_PID" || rc=$?
	cat "$RES/lintian.log"
	return "$rc"
}

main() {
	local suite start=$SECONDS t
	local -a suites
	((EUID == 0)) || die "run as root (mmdebstrap, chroot, mounts)"
	command -v mmdebstrap >/dev/null || die "mmdebstrap not installed; run scripts/setup.sh"
	if (($#)); then suites=("$@"); else read -r -a suites <<<"${MDL_DEB_SUITES:-bookworm trixie}"; fi
	clone_lock deb-check
	RES=$(results_dir deb-check)
	# The packages' own build-time tests are make check's userspace-check
	# stage: not run twice (DEB_BUILD_OPTIONS=nocheck); lintian still runs.
	# lintian runs beside the suites (scripts/deb.sh --lintian).
	step "make deb" env DEB_BUILD_OPTIONS="nocheck${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
		MDL_DEB_LINTIAN=later "$MDL_ROOT/scripts/deb.sh" || {
		summary_line deb-check "$PASS" "$FAIL"
		exit 1
	}
	"$MDL_ROOT/scripts/deb.sh" --lintian >"$RES/lintian.log" 2>&1 &
	LINTIAN_PID=$!
	for suite in "${suites[@]}"; do
		check_suite "$suite"
	done
	t=$SECONDS
	check "make deb's lintian: no error, no warning" wait_lintian || true
	info "time: waiting for lintian after the suites: $((SECONDS - t)) s"
	info "total $((SECONDS - start)) s"
	summary_line deb-check "$PASS" "$FAIL"
	((FAIL == 0))
}

# main_setup [SUITE...]: only the root file systems (the cold set-up).
main_setup() {
	local suite start=$SECONDS
	local -a suites
	((EUID == 0)) || die "run as root (mmdebstrap, chroot, mounts)"
	if (($#)); then suites=("$@"); else read -r -a suites <<<"${MDL_DEB_SUITES:-bookworm trixie}"; fi
	RES=$(results_dir deb-check-setup)
	for suite in "${suites[@]}"; do
		cache_lock "debroot-$suite"
		step "$suite: root file system (mmdebstrap, kernel, headers, dkms)" debroot "$suite" ||
			true
	done
	info "total $((SECONDS - start)) s"
	summary_line deb-check-setup "$PASS" "$FAIL"
	((FAIL == 0))
}

if [[ ${1:-} == --setup ]]; then
	shift
	main_setup "$@"
	exit
fi
if [[ ${1:-} == --purge ]]; then
	# Re-executed in a private mount namespace by check_suite.
	RES=$MDL_RESULTS/deb-check
	PASS=$4
	FAIL=$5
	purge "$2" "$3"
	printf '%s %s\n' "$PASS" "$FAIL" >"$MDL_BUILD/deb-check/$2/counts"
	exit 0
fi
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
