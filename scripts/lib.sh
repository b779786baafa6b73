# shellcheck shell=bash disable=SC2034  # variables are for the sourcing scripts
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for mdl's build and test scripts: paths, cache, kernel
# version resolution, source staging, logging.  Sourced, never executed.
#
# Cache layout ($MDL_CACHE, default ~/.cache/mdl, outside the clone):
#   src/<debver>/linux-source-6.12/  extracted linux-source-6.12 (+ .mdl-ok)
#   images/<kver>/                   dpkg-deb -x of linux-image-<kver>
#   uml/<debver>-<cfghash>/          UML kernel build tree (+ .mdl-ok)
# Per-clone work area ($MDL_BUILD, default <repo>/.build, git-ignored):
#   stage/<target>/                  staged module sources, one per kernel
#   results/<stage>/                 logs of the last run of each stage

MDL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MDL_CACHE=${MDL_CACHE:-$HOME/.cache/mdl}
MDL_BUILD=${MDL_BUILD:-$MDL_ROOT/.build}
MDL_RESULTS=${MDL_RESULTS:-$MDL_BUILD/results}
MDL_JOBS=${MDL_JOBS:-$(nproc)}

# Meta packages naming the two Debian kernels the project is tested on.
MDL_IMAGE_METAS=(linux-image-amd64 linux-image-6.12-amd64)
MDL_HEADER_METAS=(linux-headers-amd64 linux-headers-6.12-amd64)
MDL_SOURCE_PKG=linux-source-6.12

# Files a module build needs (and all a DKMS source tree contains).
MDL_DKMS_FILES=(Kbuild Makefile dkms.conf module uapi)

info() { printf '[%s] %s\n' "${MDL_STAGE:-mdl}" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "${MDL_STAGE:-mdl}" "$*" >&2; }
die() {
	printf '[%s] ERROR: %s\n' "${MDL_STAGE:-mdl}" "$*" >&2
	exit 1
}

# Run "$@" with stdout+stderr to LOG; on failure show the log's tail and die.
run_logged() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		tail -n 40 "$log" >&2
		die "failed: $* (full log: $log)"
	fi
}

# results_dir NAME: fresh directory for this stage's logs.
results_dir() {
	local d=$MDL_RESULTS/$1
	rm -rf "$d"
	mkdir -p "$d"
	printf '%s\n' "$d"
}

# lock_file PATH: take an exclusive lock on PATH, held until this (sub)shell
# and the children it started exit.  The cache is shared by every clone and
# session on the machine: two builds into one directory must never race.
lock_file() {
	local fd
	mkdir -p "$(dirname "$1")"
	exec {fd}>"$1"
	if ! flock -n "$fd"; then
		info "waiting for the lock $1 (another run is using it)" >&2
		flock "$fd"
	fi
}

cache_lock() { lock_file "$MDL_CACHE/$1.lock"; }
clone_lock() { lock_file "$MDL_BUILD/$1.lock"; }

mdl_version() {
	sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$MDL_ROOT/dkms.conf"
}

# Make a Debian version usable as a path component (no ~ or :).
path_safe() {
	printf '%s\n' "${1//[~:]/_}"
}

# kver_of_meta META: ABI version a linux-{image,headers} meta package points at.
kver_of_meta() {
	local kver
	kver=$(apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: linux-\(image\|headers\)-\([0-9].*\)$/\2/p' |
		head -n 1)
	[[ -n $kver ]] || die "cannot resolve the kernel version of $1 (apt-get update?)"
	printf '%s\n' "$kver"
}

# debian_kvers: the ABI versions of the tested Debian kernels, one per line.
debian_kvers() {
	local meta
	for meta in "${MDL_IMAGE_METAS[@]}"; do
		kver_of_meta "$meta"
	done
}

# kdir_for KVER: headers tree of a Debian kernel.
kdir_for() {
	local kdir=/usr/src/linux-headers-$1
	[[ -f $kdir/Makefile ]] || die "headers for $1 not installed ($kdir); run scripts/setup.sh"
	printf '%s\n' "$kdir"
}

pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null ||
		die "package $1 not installed; run scripts/setup.sh"
}

# kernel_src: path of the extracted linux-source-6.12 tree (extracts once).
kernel_src() {
	local ver dir tarball
	ver=$(path_safe "$(pkg_version "$MDL_SOURCE_PKG")")
	dir=$MDL_CACHE/src/$ver
	[[ -f $dir/.mdl-ok ]] || cache_lock src
	if [[ ! -f $dir/.mdl-ok ]]; then
		tarball=$(dpkg -L "$MDL_SOURCE_PKG" | grep '\.tar\.xz$' | head -n 1)
		[[ -f $tarball ]] || die "no source tarball in $MDL_SOURCE_PKG"
		info "extracting $tarball into $dir" >&2
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir"
		touch "$dir/.mdl-ok"
	fi
	local tree=("$dir"/linux-source-*/)
	[[ -d ${tree[0]} ]] || die "no linux-source-* directory in $dir"
	printf '%s\n' "${tree[0]%/}"
}

# kernel_image KVER: path of the vmlinuz of a Debian kernel, downloaded and
# unpacked (never installed) into the cache on first use.
kernel_image() {
	local kver=$1 dir=$MDL_CACHE/images/$1 tmp deb
	[[ -f $dir/.mdl-ok ]] || cache_lock images
	if [[ ! -f $dir/.mdl-ok ]]; then
		info "downloading linux-image-$kver" >&2
		tmp=$(mktemp -d)
		(cd "$tmp" && apt-get download "linux-image-$kver" >/dev/null 2>&1) ||
			(cd "$tmp" && apt-get download "linux-image-$kver-unsigned" >/dev/null) ||
			die "apt-get download linux-image-$kver failed"
		deb=("$tmp"/*.deb)
		rm -rf "$dir"
		mkdir -p "$dir"
		dpkg-deb -x "${deb[0]}" "$dir"
		rm -rf "$tmp"
		touch "$dir/.mdl-ok"
	fi
	[[ -f $dir/boot/vmlinuz-$kver ]] || die "no vmlinuz-$kver in $dir"
	printf '%s\n' "$dir/boot/vmlinuz-$kver"
}

# stage_sources DEST [EXTRA...]: fresh copy of the module sources in DEST, so
# that builds for different kernels never share object files.
stage_sources() {
	local dest=$1 f
	shift
	rm -rf "$dest"
	mkdir -p "$dest"
	for f in "${MDL_DKMS_FILES[@]}" "$@"; do
		[[ -e $MDL_ROOT/$f ]] || continue
		cp -a "$MDL_ROOT/$f" "$dest/"
	done
}

# build_module KDIR STAGE LOG [MAKEARGS...]: build mdl.ko (and mdl_kunit.ko
# if the kernel has KUnit) in a fresh stage of the sources.
build_module() {
	local kdir=$1 stage=$2 log=$3
	shift 3
	stage_sources "$stage" kunit
	run_logged "$log" make -C "$kdir" M="$stage" -j"$MDL_JOBS" "$@" modules
	[[ -f $stage/mdl.ko ]] || die "mdl.ko not built in $stage"
}

# seed_build NEW WHAT: copy the newest finished build (a sibling directory
# of NEW with .mdl-ok) to NEW, so that a new configuration builds
# incrementally; none is fine.
seed_build() {
	local prev
	mkdir -p "$(dirname "$1")"
	prev=$(find "$(dirname "$1")" -mindepth 2 -maxdepth 2 -name .mdl-ok -printf '%T@ %h\n' |
		sort -nr | head -n 1 | cut -d' ' -f2-)
	[[ -n $prev ]] || return 0
	info "starting from the previous $2 build $prev" >&2
	cp -a "$prev" "$1"
	rm -f "$1/.mdl-ok"
}

# prune_builds KEEP WHAT: remove the sibling builds of KEEP (and their logs).
prune_builds() {
	local d
	for d in "$(dirname "$1")"/*/; do
		d=${d%/}
		[[ $d == "$1" ]] && continue
		info "removing old $2 build $d" >&2
		rm -rf "$d" "$d.build.log"
	done
}

# UML kernel for KUnit: cache key = linux-source version + kunitconfig hash.
uml_kunitconfig() { printf '%s\n' "$MDL_ROOT/kunit/.kunitconfig"; }

uml_dir() {
	local ver hash
	ver=$(path_safe "$(pkg_version "$MDL_SOURCE_PKG")")
	hash=$(sha256sum "$(uml_kunitconfig)" | cut -c1-12)
	printf '%s\n' "$MDL_CACHE/uml/$ver-$hash"
}

# check_config CONFIG FRAGMENT: every "CONFIG_X=y|m" line of FRAGMENT is in
# CONFIG, and no "# CONFIG_X is not set" option of FRAGMENT is enabled.
check_config() {
	local config=$1 fragment=$2 line opt missing=0
	while IFS= read -r line; do
		if [[ $line =~ ^CONFIG_[A-Z0-9_]+=[ym]$ ]]; then
			grep -qx "$line" "$config" && continue
		elif [[ $line =~ ^#\ (CONFIG_[A-Z0-9_]+)\ is\ not\ set$ ]]; then
			opt=${BASH_REMATCH[1]}
			grep -Eq "^$opt=[ym]$" "$config" || continue
		else
			continue
		fi
		printf '[%s] ERROR: "%s" not honoured in %s\n' "${MDL_STAGE:-mdl}" "$line" "$config" >&2
		missing=1
	done <"$fragment"
	return "$missing"
}

# Patterns that must never appear in a kernel log of a test run.
MDL_BAD_LOG_RE='WARNING:|BUG:|Oops|general protection|KASAN|possible circular locking|possible recursive locking|inconsistent lock state|Call Trace|UBSAN:|kernel BUG|sleeping function called from invalid context'

# with_timeout SECONDS CMD...: hard timeout (SIGTERM, then SIGKILL 10 s later).
with_timeout() {
	local secs=$1
	shift
	timeout --kill-after=10 "$secs" "$@"
}

# Stage summaries: "NAME: N passed, N failed".
summary_line() {
	printf '%s: %d passed, %d failed\n' "$1" "$2" "$3"
}

# pack_initramfs ROOT OUT: pack the directory ROOT as a gzip'd newc cpio.
pack_initramfs() {
	(cd "$1" && find . | cpio -o -H newc --quiet | gzip -1) >"$2"
}

# qemu_boot KERNEL INITRD MEM APPEND LOG SECONDS: boot a guest with the
# serial console in LOG (CRs and escape codes stripped), QEMU -m MEM,
# $MDL_QEMU_ACCEL (default tcg), a hard timeout; returns QEMU's status.
qemu_boot() {
	local kernel=$1 initrd=$2 mem=$3 append=$4 log=$5 secs=$6 rc=0
	with_timeout "$secs" qemu-system-x86_64 -accel "${MDL_QEMU_ACCEL:-tcg}" \
		-m "$mem" -smp "${MDL_QEMU_SMP:-2}" -nographic -no-reboot \
		-monitor none -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 $append" \
		</dev/null >"$log" 2>&1 || rc=$?
	sed -i 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$log"
	return "$rc"
}
