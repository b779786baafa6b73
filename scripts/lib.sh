# shellcheck shell=bash disable=SC2034  # variables are for the sourcing scripts
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for mdl's build and test scripts: paths, cache, kernel
# version resolution, source staging, logging.  Sourced, never executed.
#
# The kernels: scripts/kernels.list (one line per kernel, its suite, flavour
# and meta packages; versions resolved at run time).
#
# Cache layout ($MDL_CACHE, default ~/.cache/mdl, outside the clone):
#   chroot/<suite>/                  mmdebstrap chroot of a suite other than
#                                    the host's: its gcc, headers, dkms (+ .mdl-ok)
#   src/<debver>/linux-source-X.Y/   extracted linux-source-X.Y (+ .mdl-ok)
#   images/<kver>/                   dpkg-deb -x of linux-image-<kver>
#   uml/<debver>-<cfghash>/          UML kernel build tree (+ .mdl-ok)
#   uml-<suite>/<debver>-<cfghash>/  the same, from another suite's source
# Per-clone work area ($MDL_BUILD, default <repo>/.build, git-ignored):
#   stage/<target>/                  staged module sources, one per kernel
#   results/<stage>/                 logs of the last run of each stage

MDL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MDL_CACHE=${MDL_CACHE:-$HOME/.cache/mdl}
MDL_BUILD=${MDL_BUILD:-$MDL_ROOT/.build}
MDL_RESULTS=${MDL_RESULTS:-$MDL_BUILD/results}
MDL_JOBS=${MDL_JOBS:-$(nproc)}

MDL_KERNELS_LIST=$MDL_ROOT/scripts/kernels.list
# MDL_KERNELS="NAME..." (names of kernels.list) restricts a run to those rows.
MDL_KERNELS=${MDL_KERNELS:-}
# Packages of every chroot: the toolchain of an out-of-tree module build
# (W=1 of an out-of-tree build runs the perl kernel-doc up to 6.12), sparse,
# DKMS.
MDL_CHROOT_PACKAGES=(make gcc kmod perl sparse dkms)

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

# host_suite: the codename of the Debian release this machine runs.
host_suite() {
	sed -n 's/^VERSION_CODENAME=//p' /etc/os-release
}

# matrix [KIND]: the rows of kernels.list ("KIND NAME SUITE ..."), comments
# and blank lines dropped, of one KIND (deb, uml) if given, restricted to
# $MDL_KERNELS if set.
matrix() {
	sed -e 's/#.*//' -e 's/[[:space:]]\+/ /g' -e 's/^ //' -e 's/ $//' -e '/^$/d' \
		"$MDL_KERNELS_LIST" |
		awk -v kind="${1:-}" -v only=" $MDL_KERNELS " \
			'(kind == "" || $1 == kind) && (only == "  " || index(only, " " $2 " "))'
}

# chroot_suites: the suites of kernels.list other than the host's, in order.
chroot_suites() {
	local host
	host=$(host_suite)
	matrix | awk -v host="$host" '$3 != host && !seen[$3]++ { print $3 }'
}

is_host_suite() {
	[[ $1 == "$(host_suite)" ]]
}

chroot_dir() {
	printf '%s\n' "$MDL_CACHE/chroot/$1"
}

# suite_root SUITE: where SUITE's files are seen from the host ("" for the
# host's own suite).
suite_root() {
	is_host_suite "$1" && return 0
	chroot_dir "$1"
}

# in_suite SUITE CMD...: run CMD with SUITE's toolchain and package index:
# directly for the host's suite, otherwise in its chroot, in a private mount
# namespace with /proc (objtool reads it) and $MDL_BUILD at its own path.
in_suite() {
	local suite=$1 root
	shift
	if is_host_suite "$suite"; then
		"$@"
		return
	fi
	root=$(chroot_dir "$suite")
	[[ -f $root/.mdl-ok ]] || die "no chroot of $suite in $root; run scripts/setup.sh"
	mkdir -p "$MDL_BUILD" "$root$MDL_BUILD"
	# shellcheck disable=SC2016  # expanded by the inner shell
	unshare --mount --propagation private -- /bin/sh -c '
		root=$1 build=$2
		shift 2
		mount -t proc proc "$root/proc" &&
			mount --bind "$build" "$root$build" &&
			exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
				HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' sh "$root" "$MDL_BUILD" "$@"
}

# kver_of_meta META [SUITE]: ABI version a linux-{image,headers} meta package
# points at in SUITE's package index (default: the host's).
kver_of_meta() {
	local kver suite=${2:-$(host_suite)}
	kver=$(in_suite "$suite" apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: linux-\(image\|headers\)-\([0-9].*\)$/\2/p' |
		head -n 1)
	[[ -n $kver ]] || die "cannot resolve the kernel version of $1 in $suite (run scripts/setup.sh)"
	printf '%s\n' "$kver"
}

# matrix_kernels: "NAME SUITE KVER HEADERS-META" for every Debian kernel of
# the list, each resolved in its suite's package index.
matrix_kernels() {
	local kind name suite flavour hmeta imeta kver
	while read -r kind name suite flavour hmeta imeta; do
		[[ $kind == deb && -n $imeta ]] || die "bad line in $MDL_KERNELS_LIST: $kind $name"
		kver=$(kver_of_meta "$imeta" "$suite")
		[[ $kver == *-"$flavour" ]] ||
			die "$imeta of $suite resolves to $kver, not an $flavour kernel"
		printf '%s %s %s %s\n' "$name" "$suite" "$kver" "$hmeta"
	done < <(matrix deb)
}

# load_kernels: resolve the list into the arrays MDL_K_NAME, MDL_K_SUITE,
# MDL_K_KVER, MDL_K_HMETA (one element per kernel); dies if one cannot be
# resolved.
load_kernels() {
	local rows row n name
	for name in $MDL_KERNELS; do
		MDL_KERNELS='' matrix | awk -v n="$name" '$2 == n { found = 1 } END { exit !found }' ||
			die "MDL_KERNELS: no kernel named $name in $MDL_KERNELS_LIST"
	done
	mapfile -t rows < <(matrix_kernels)
	n=$(matrix deb | wc -l)
	((n > 0)) || die "no kernel of $MDL_KERNELS_LIST selected (MDL_KERNELS=$MDL_KERNELS)"
	((${#rows[@]} == n)) || die "could not resolve every kernel of $MDL_KERNELS_LIST"
	MDL_K_NAME=()
	MDL_K_SUITE=()
	MDL_K_KVER=()
	MDL_K_HMETA=()
	for row in "${rows[@]}"; do
		read -r -a f <<<"$row"
		MDL_K_NAME+=("${f[0]}")
		MDL_K_SUITE+=("${f[1]}")
		MDL_K_KVER+=("${f[2]}")
		MDL_K_HMETA+=("${f[3]}")
	done
}

# The host suite's kernel source (the first uml row of the host's suite):
# the UML kernel, checkpatch.pl and kernel-doc come from it.
MDL_SOURCE_PKG=$(MDL_KERNELS='' matrix uml | awk -v host="$(host_suite)" '$3 == host { print $4; exit }')

# matrix_table: kernels.list as the Markdown table README.md shows.
matrix_table() {
	printf '| kernel | suite | flavour | headers (meta) | image (meta) | compiler | stages |\n'
	printf '|---|---|---|---|---|---|---|\n'
	MDL_KERNELS='' matrix | awk -v host="$(host_suite)" '
		{ cc = ($3 == host) ? "host" : "suite (chroot)" }
		$1 == "deb" {
			printf "| %s | %s | %s | `%s` | `%s` | %s | lint, vmtest, dkms-check |\n",
				$2, $3, $4, $5, $6, cc
		}
		$1 == "uml" {
			printf "| %s | %s | um | | built from `%s` | host | lint, kunit |\n",
				$2, $3, $4
		}'
}

# Image metas of the host suite's kernels (make bench boots those).
mapfile -t MDL_IMAGE_METAS < <(matrix deb | awk -v host="$(host_suite)" '$3 == host { print $6 }')

# debian_kvers: the ABI versions of the host suite's kernels, one per line.
debian_kvers() {
	local meta
	for meta in "${MDL_IMAGE_METAS[@]}"; do
		kver_of_meta "$meta"
	done
}

# kdir_for KVER [SUITE]: headers tree of a Debian kernel (the path inside
# SUITE's chroot, where its builds run).
kdir_for() {
	local kdir=/usr/src/linux-headers-$1 root
	root=$(suite_root "${2:-$(host_suite)}")
	[[ -f $root$kdir/Makefile ]] ||
		die "headers for $1 not installed ($root$kdir); run scripts/setup.sh"
	printf '%s\n' "$kdir"
}

# pkg_version PKG [SUITE]: installed version of PKG (in SUITE's chroot).
pkg_version() {
	# shellcheck disable=SC2016  # a dpkg-query format, not an expansion
	in_suite "${2:-$(host_suite)}" dpkg-query -W -f='${Version}' "$1" 2>/dev/null ||
		die "package $1 not installed${2:+ in the $2 chroot}; run scripts/setup.sh"
}

# source_pkg SRC SUITE: the linux-source-X.Y package SRC is or points at.
source_pkg() {
	local dep
	dep=$(in_suite "$2" apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-source-[0-9][0-9.]*\)$/\1/p' | head -n 1)
	printf '%s\n' "${dep:-$1}"
}

# kernel_src_of SRC SUITE: path of the extracted tree of the kernel source
# package SRC (a linux-source-X.Y or the linux-source meta) installed in
# SUITE; extracts once.
kernel_src_of() {
	local suite=$2 pkg ver dir tarball root
	pkg=$(source_pkg "$1" "$suite")
	root=$(suite_root "$suite")
	ver=$(path_safe "$(pkg_version "$pkg" "$suite")")
	dir=$MDL_CACHE/src/$ver
	[[ -f $dir/.mdl-ok ]] || cache_lock src
	if [[ ! -f $dir/.mdl-ok ]]; then
		tarball=$(in_suite "$suite" dpkg -L "$pkg" | grep '\.tar\.xz$' | head -n 1)
		[[ -f $root$tarball ]] || die "no source tarball in $pkg ($suite)"
		info "extracting $root$tarball into $dir" >&2
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -xf "$root$tarball" -C "$dir"
		touch "$dir/.mdl-ok"
	fi
	local tree=("$dir"/linux-source-*/)
	[[ -d ${tree[0]} ]] || die "no linux-source-* directory in $dir"
	printf '%s\n' "${tree[0]%/}"
}

# kernel_src: the host's kernel source tree ($MDL_SOURCE_PKG).
kernel_src() {
	kernel_src_of "$MDL_SOURCE_PKG" "$(host_suite)"
}

# kernel_image KVER [SUITE]: path of the vmlinuz of a Debian kernel of SUITE,
# downloaded (apt-get download, in the suite's chroot) and unpacked (never
# installed) into the cache on first use.  Where linux-image-KVER holds no
# kernel (from 7.x it is split), the packages of that ABI it depends on are
# unpacked too, the modules excepted (the guest needs none).
kernel_image() {
	local kver=$1 suite=${2:-$(host_suite)} dir=$MDL_CACHE/images/$1 root tmp deb pkgs
	[[ -f $dir/.mdl-ok ]] || cache_lock images
	if [[ ! -f $dir/.mdl-ok ]]; then
		info "downloading linux-image-$kver ($suite)" >&2
		root=$(suite_root "$suite")
		mkdir -p "$root/tmp"
		tmp=$(mktemp -d "$root/tmp/mdl-image.XXXXXX")
		pkgs=$(in_suite "$suite" apt-cache depends "linux-image-$kver" 2>/dev/null |
			sed -n "s/^ *Depends: \(linux-[a-z]*-$kver\)\$/\1/p" | grep -v '^linux-modules-' |
			tr '\n' ' ' || true)
		in_suite "$suite" sh -c "cd '${tmp#"$root"}' && { apt-get download 'linux-image-$kver' ||
			apt-get download 'linux-image-$kver-unsigned'; } && for p in $pkgs; do
			apt-get download \"\$p\" || exit 1; done" >/dev/null 2>&1 ||
			{
				rm -rf "$tmp"
				die "apt-get download linux-image-$kver failed ($suite)"
			}
		rm -rf "$dir"
		mkdir -p "$dir"
		for deb in "$tmp"/*.deb; do
			dpkg-deb -x "$deb" "$dir"
		done
		rm -rf "$tmp"
		touch "$dir/.mdl-ok"
	fi
	for deb in "$dir/boot/vmlinuz-$kver" "$dir/usr/lib/modules/$kver/vmlinuz"; do
		[[ -f $deb ]] && { printf '%s\n' "$deb"; return 0; }
	done
	die "no vmlinuz of $kver in $dir"
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
# if the kernel has KUnit) in a fresh stage of the sources, with the
# toolchain of the suite $MDL_SUITE (default: the host's).
build_module() {
	local kdir=$1 stage=$2 log=$3
	shift 3
	stage_sources "$stage" kunit
	run_logged "$log" in_suite "${MDL_SUITE:-$(host_suite)}" \
		make -C "$kdir" M="$stage" -j"$MDL_JOBS" "$@" modules
	[[ -f $stage/mdl.ko ]] || die "mdl.ko not built in $stage"
}

# gcov_unpack LOG RES STAGE: take the base64 tar.gz of .gcda files a guest
# printed between MDL-GCOV-BEGIN and MDL-GCOV-END out of LOG (base64 may
# spell anything a log check looks for) and unpack it into RES/gcov/;
# RES/stage names the build (STAGE) the data belong to.
gcov_unpack() {
	local log=$1 res=$2
	sed -n '/^MDL-GCOV-BEGIN/,/^MDL-GCOV-END/p' "$log" | sed '1d;$d' | tr -d '\r' >"$res/gcov.b64"
	sed -i '/^MDL-GCOV-BEGIN/,/^MDL-GCOV-END/d' "$log"
	rm -rf "$res/gcov"
	mkdir -p "$res/gcov"
	printf '%s\n' "$3" >"$res/stage"
	[[ -s $res/gcov.b64 ]] && base64 -d "$res/gcov.b64" | tar -xz -C "$res/gcov"
}

# seed_build NEW WHAT [FOLDER]: copy the newest finished build (a sibling
# directory of NEW with .mdl-ok, else one in FOLDER) to NEW, so that a new
# configuration builds incrementally; none is fine.
seed_build() {
	local prev d
	mkdir -p "$(dirname "$1")"
	for d in "$(dirname "$1")" ${3:+"$3"}; do
		[[ -d $d ]] || continue
		prev=$(find "$d" -mindepth 2 -maxdepth 2 -name .mdl-ok -printf '%T@ %h\n' |
			sort -nr | head -n 1 | cut -d' ' -f2-)
		[[ -z $prev ]] || break
	done
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

# UML kernel for KUnit: cache key = linux-source version + hash of the
# kunitconfig and kunit/uml-patches/.
# With MDL_UML_GCOV=1 (make coverage), kunit/.kunitconfig plus kernel gcov,
# written to $MDL_BUILD/kunitconfig-gcov.
uml_kunitconfig() {
	local f=$MDL_BUILD/kunitconfig-gcov
	if [[ -z ${MDL_UML_GCOV:-} ]]; then
		printf '%s\n' "$MDL_ROOT/kunit/.kunitconfig"
		return
	fi
	mkdir -p "$MDL_BUILD"
	{
		cat "$MDL_ROOT/kunit/.kunitconfig"
		printf 'CONFIG_GCOV_KERNEL=y\n'
	} >"$f"
	printf '%s\n' "$f"
}

# uml_cache [SUITE]: the cache folder of the UML builds of SUITE's kernel
# source (uml/ for the host's, uml-<suite>/ for another suite's; -gcov
# appended with MDL_UML_GCOV=1), which is also the name of its cache lock.
uml_cache() {
	local suite=${1:-$(host_suite)}
	if is_host_suite "$suite"; then
		printf 'uml%s\n' "${MDL_UML_GCOV:+-gcov}"
	else
		printf 'uml-%s%s\n' "$suite" "${MDL_UML_GCOV:+-gcov}"
	fi
}

# uml_dir [SRC SUITE]: build directory of the UML kernel made from the
# kernel source package SRC of SUITE (default: $MDL_SOURCE_PKG); its key
# covers the kunitconfig and the patches of kunit/uml-patches/.
uml_dir() {
	local suite=${2:-$(host_suite)} ver hash
	ver=$(path_safe "$(pkg_version "$(source_pkg "${1:-$MDL_SOURCE_PKG}" "$suite")" "$suite")")
	hash=$(cat "$(uml_kunitconfig)" "$MDL_ROOT"/kunit/uml-patches/*.patch | sha256sum | cut -c1-12)
	printf '%s\n' "$MDL_CACHE/$(uml_cache "$suite")/$ver-$hash"
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
MDL_BAD_LOG_RE='WARNING:|BUG:|Oops|general protection|KASAN|possible circular locking|possible recursive locking|inconsistent lock state|Call Trace|UBSAN:|kernel BUG|sleeping function called from invalid context|conflicting memory types|ioremap error|invalid memtype|expected mapping type'

# with_timeout SECONDS CMD...: hard timeout (SIGTERM, then SIGKILL 10 s later).
with_timeout() {
	local secs=$1
	shift
	timeout --kill-after=10 "$secs" "$@"
}

# check NAME CMD...: run CMD with its output in $RES/<NAME>.log; count it
# in PASS or FAIL (the calling stage's counters); show the log's tail on
# failure.
check() {
	local name=$1 log
	shift
	log=$RES/$(printf '%s' "$name" | tr -c 'A-Za-z0-9.+-' '_').log
	if "$@" >"$log" 2>&1; then
		PASS=$((PASS + 1))
		info "ok: $name"
	else
		FAIL=$((FAIL + 1))
		tail -n 30 "$log" >&2
		warn "not ok: $name (log: $log)"
		return 1
	fi
}

# step NAME CMD...: check NAME CMD..., then "time: NAME: N s".
step() {
	local t=$SECONDS rc=0
	check "$@" || rc=$?
	info "time: $1: $((SECONDS - t)) s"
	return "$rc"
}

# Stage summaries: "NAME: N passed, N failed".
summary_line() {
	printf '%s: %d passed, %d failed\n' "$1" "$2" "$3"
}

# pack_initramfs ROOT OUT: pack the directory ROOT as a gzip'd newc cpio.
pack_initramfs() {
	(cd "$1" && find . | cpio -o -H newc --quiet | gzip -1) >"$2"
}

# boot_past_init LOG CMD...: run CMD, a QEMU boot with its serial console in
# LOG. A kernel that dies before it starts /init (no "MDL: booted" line)
# never ran mdl.ko or a test: under TCG, the kernel's own boot-time code
# patching on one emulated CPU can race with the other (an oops inside a
# patched instruction). Such a run is kept as LOG.before-init, reported, and
# CMD runs once more; a second such crash is the result.
boot_past_init() {
	local log=$1 rc=0
	shift
	"$@" || rc=$?
	if ! grep -q '^MDL: booted' "$log" && grep -Eq 'Kernel panic|Oops|end trace' "$log"; then
		mv "$log" "$log.before-init"
		warn "$(basename "$2"): the kernel crashed before /init, before mdl.ko was loaded ($log.before-init): booting once more"
		rc=0
		"$@" || rc=$?
	fi
	return "$rc"
}

# qemu_boot KERNEL INITRD MEM APPEND LOG SECONDS [QEMU-ARGS...]: boot a
# guest with the serial console in LOG (CRs and escape codes stripped), QEMU
# -m MEM, $MDL_QEMU_ACCEL (default tcg), a hard timeout, and QEMU-ARGS (a
# disk, for example); returns QEMU's status.
qemu_boot() {
	local kernel=$1 initrd=$2 mem=$3 append=$4 log=$5 secs=$6 rc=0
	shift 6
	with_timeout "$secs" qemu-system-x86_64 -accel "${MDL_QEMU_ACCEL:-tcg}" \
		-m "$mem" -smp "${MDL_QEMU_SMP:-2}" -nographic -no-reboot \
		-monitor none -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 $append" "$@" \
		</dev/null >"$log" 2>&1 || rc=$?
	sed -i 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$log"
	return "$rc"
}
