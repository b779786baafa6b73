#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The debug kernel: x86-64, from the extracted linux-source-6.12, configured
# as x86_64_defconfig + kvm_guest.config + scripts/vm/debug.config (KASAN,
# KFENCE, lockdep, kmemleak, UBSAN, fault injection, DMA-API debugging, gcov
# support).  Built once into the cache and kept whole, so that out-of-tree
# modules build against it (KDIR=<tree>).  Only bzImage and modules_prepare
# are built: the fragment's modules (DRM, i915) exist to select VMAP_PFN.
#
# Usage: scripts/debug-kernel.sh     build if needed; print the build tree
#
# Cache: $MDL_CACHE/debugk/<srcver>-<cfghash>/ (+ .mdl-ok, build.log,
# build-seconds); the hash covers the fragment and the compiler.  The kernel
# is <tree>/arch/x86/boot/bzImage.  An interrupted build resumes; a changed
# fragment rebuilds incrementally from the last finished tree, which is then
# removed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=${MDL_STAGE:-debug-kernel}

FRAGMENT=$MDL_ROOT/scripts/vm/debug.config

debugk_dir() {
	local ver hash
	ver=$(path_safe "$(pkg_version "$MDL_SOURCE_PKG")")
	hash=$({ cat "$FRAGMENT"; gcc --version | head -n 1; } | sha256sum | cut -c1-12)
	printf '%s\n' "$MDL_CACHE/debugk/$ver-$hash"
}

# configure SRC OUT LOG: defconfig + kvm_guest.config + the fragment, checked.
configure() {
	local src=$1 out=$2 log=$3
	run_logged "$log" make -C "$src" O="$out" x86_64_defconfig
	run_logged "$log.merge" "$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
		"$out/.config" "$src/kernel/configs/kvm_guest.config" "$FRAGMENT"
	run_logged "$log" make -C "$src" O="$out" olddefconfig
	check_config "$out/.config" "$FRAGMENT" ||
		die "the kernel configuration does not honour $FRAGMENT"
}

build() {
	local dir=$1 src start
	src=$(kernel_src)
	# An interrupted build is resumed, and a new configuration starts from
	# the last finished build: kbuild is incremental.
	[[ -d $dir ]] || seed_build "$dir" debug-kernel
	mkdir -p "$dir"
	info "building the debug kernel in $dir (cold: about 1,500 files; 83 min seen on 2 busy cores; log: $dir/build.log)" >&2
	configure "$src" "$dir" "$dir/config.log"
	start=$SECONDS
	# The kernel and what out-of-tree builds need, no in-tree module: the
	# exports of vmlinux are all of Module.symvers.
	run_logged "$dir/build.log" nice make -C "$src" O="$dir" -j"$MDL_JOBS" \
		bzImage modules_prepare
	[[ -f $dir/arch/x86/boot/bzImage && -s $dir/vmlinux.symvers ]] ||
		die "no bzImage or vmlinux.symvers in $dir"
	cp "$dir/vmlinux.symvers" "$dir/Module.symvers"
	echo "$((SECONDS - start))" >"$dir/build-seconds"
	touch "$dir/.mdl-ok"
	prune_builds "$dir" debug-kernel
	info "debug kernel built in $(cat "$dir/build-seconds") s" >&2
}

main() {
	local dir
	dir=$(debugk_dir)
	[[ -f $dir/.mdl-ok ]] || cache_lock debugk
	[[ -f $dir/.mdl-ok ]] || build "$dir"
	printf '%s\n' "$dir"
}

main "$@"
