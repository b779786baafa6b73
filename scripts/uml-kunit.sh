#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make kunit: run mdl_kunit.ko in User-Mode Linux kernels with KUnit, KASAN
# and lockdep, one per "uml" line of scripts/kernels.list (each built from
# its suite's linux-source).  A UML kernel is built once per (linux-source
# version, kunit/.kunitconfig) and cached under $MDL_CACHE/uml/.  Prints one
# "[kunit] NAME (VERSION, SECONDS s): N passed, N failed" line per kernel
# (the time of its module build and UML run), then the total.
#
# Usage: scripts/uml-kunit.sh [--build-only]   (MDL_KERNELS="NAME..." for some)
#
# MDL_UML_GCOV=1 (scripts/coverage.sh): a UML kernel with kernel gcov
# (cached under $MDL_CACHE/uml-gcov/), mdl.ko built for gcov; the guest
# prints the module's .gcda files after rmmod, which are unpacked into
# .build/results/kunit-coverage/NAME/gcov/ (NAME/stage names the build).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=kunit

UML_BOOT_TIMEOUT=${UML_BOOT_TIMEOUT:-300}
UML_BUILD_TIMEOUT=${UML_BUILD_TIMEOUT:-3600}

# uml_patch SRC: apply to the kernel tree SRC each patch of
# kunit/uml-patches/ that its version needs (one that applies; a patch
# already in, or written for other versions, is left out). They touch
# arch/x86/um only: the tree's other users never build that.
uml_patch() {
	local src=$1 p
	for p in "$MDL_ROOT"/kunit/uml-patches/*.patch; do
		if patch -d "$src" -p1 -R -s -f --dry-run <"$p" >/dev/null 2>&1; then
			continue
		fi
		if patch -d "$src" -p1 -N -s -f --dry-run <"$p" >/dev/null 2>&1; then
			info "patching $src: $(head -n 1 "$p")" >&2
			patch -d "$src" -p1 -N -s -f <"$p" >&2 || die "patch $p failed in $src"
		fi
	done
}

# uml_build SRC SUITE: build (or reuse) the cached UML kernel of the kernel
# source package SRC of SUITE; prints its directory.
uml_build() {
	local src uml kconf log start
	src=$(kernel_src_of "$1" "$2")
	uml=$(uml_dir "$1" "$2")
	kconf=$(uml_kunitconfig)
	cache_lock "$(uml_cache "$2")"
	uml_patch "$src"
	if [[ -f $uml/.mdl-ok && -x $uml/linux ]]; then
		info "UML kernel cached: $uml" >&2
		printf '%s\n' "$uml"
		return
	fi
	# An interrupted build is resumed, and a new configuration starts from
	# the last finished build: kbuild is incremental.
	[[ -d $uml ]] || seed_build "$uml" UML "$MDL_CACHE/$(MDL_UML_GCOV='' uml_cache "$2")"
	mkdir -p "$uml"
	log=$uml.build.log
	info "building UML kernel in $uml (takes 6-10 min on 2 cores; log: $log)" >&2
	start=$SECONDS
	# kunit.py changes directory: absolute paths only.
	(cd "$src" && run_logged "$log" with_timeout "$UML_BUILD_TIMEOUT" \
		python3 tools/testing/kunit/kunit.py build --arch=um \
		--build_dir="$uml" --kunitconfig="$kconf" --jobs="$MDL_JOBS") >&2
	check_config "$uml/.config" "$kconf" ||
		die "UML .config lacks options of $kconf (see above)"
	[[ -x $uml/linux ]] || die "no UML kernel binary in $uml"
	touch "$uml/.mdl-ok"
	prune_builds "$uml" UML
	info "UML kernel built in $((SECONDS - start)) s" >&2
	printf '%s\n' "$uml"
}

# boot_uml UML STAGE LOG: boot with hostfs root (read-only) and uml-init.sh.
boot_uml() {
	local uml=$1 stage=$2 log=$3 rc=0
	MDL_UML_STAGE=$stage with_timeout "$UML_BOOT_TIMEOUT" \
		"$uml/linux" mem=512M console=tty rootfstype=hostfs rootflags=/ ro \
		init="$MDL_ROOT/kunit/uml-init.sh" MDL_UML_STAGE="$stage" \
		${MDL_UML_GCOV:+MDL_UML_GCOV=1} \
		</dev/null >"$log" 2>&1 || rc=$?
	# UML's exit status after poweroff is not meaningful; 124/137 = timeout.
	if ((rc == 124 || rc == 137)); then
		die "UML run timed out after ${UML_BOOT_TIMEOUT}s (log: $log)"
	fi
}

# ktap_parse SRC LOG OUT: kunit.py parse from the init line on.
ktap_parse() {
	local src=$1 log=$2 out=$3
	sed -n '/as init process/,$p' "$log" |
		(cd "$src" && python3 tools/testing/kunit/kunit.py parse) >"$out" 2>&1 || true
}

# kunit_count PARSED WHAT: a count from kunit.py's "Testing complete. Ran N
# tests: passed: X, failed: Y, ..." line (leaf test cases; 0 if absent).
kunit_count() {
	local n
	n=$(sed -n "s/.*Testing complete\. Ran .*[ :]$2: \([0-9]*\).*/\1/p" "$1" | tail -n 1)
	printf '%s\n' "${n:-0}"
}

# check_log LOG: print every forbidden kernel message; non-zero if any.
check_log() {
	local log=$1
	if grep -En "$MDL_BAD_LOG_RE" "$log"; then
		return 1
	fi
	return 0
}

# check_marker LOG NAME: uml-init.sh prints "MDL: NAME ok" on success.
check_marker() {
	grep -q "^MDL: $2 ok" "$1"
}

# check_pins LOG: nr_foll_pin_acquired == nr_foll_pin_released after tests.
check_pins() {
	local log=$1 acq rel
	acq=$(sed -n 's/^MDL-VMSTAT-AFTER: nr_foll_pin_acquired \([0-9]*\).*/\1/p' "$log")
	rel=$(sed -n 's/^MDL-VMSTAT-AFTER: nr_foll_pin_released \([0-9]*\).*/\1/p' "$log")
	[[ -n $acq && -n $rel ]] || {
		warn "no nr_foll_pin_* counters in the log"
		return 1
	}
	info "pins: acquired $acq released $rel"
	[[ $acq == "$rel" ]]
}

# run_uml NAME SRC SUITE: build the modules for one UML kernel, boot it and
# evaluate the run; adds to PASS / FAIL and SUMMARY.
run_uml() {
	local name=$1 uml src stage res log parsed ver p=$PASS f=$FAIL start=$SECONDS
	res=$RES/$name
	mkdir -p "$res"
	stage=$MDL_BUILD/stage/uml-$name
	if ! uml=$(uml_build "$2" "$3") || ! src=$(kernel_src_of "$2" "$3"); then
		warn "$name: no UML kernel"
		FAIL=$((FAIL + 1))
		SUMMARY+=("$(summary_line "[kunit] $name" 0 1)")
		return 0
	fi
	ver=$(basename "$src")
	info "$name: building mdl.ko + mdl_kunit.ko for UML ($ver)"
	if ! (build_module "$uml" "$stage" "$res/build.log" ARCH=um ${MDL_UML_GCOV:+MDL_GCOV=1}) ||
		[[ ! -f $stage/mdl_kunit.ko ]]; then
		warn "$name: mdl.ko + mdl_kunit.ko not built (log: $res/build.log)"
		FAIL=$((FAIL + 1))
		SUMMARY+=("$(summary_line "[kunit] $name (${ver#linux-source-})" 0 1)")
		return 0
	fi

	log=$res/uml.log
	parsed=$res/parsed.txt
	info "$name: booting UML (log: $log)"
	boot_uml "$uml" "$stage" "$log"
	if [[ -n ${MDL_UML_GCOV:-} ]] && ! gcov_unpack "$log" "$res" "$stage"; then
		warn "$name: no gcov data from UML (log: $log)"
		FAIL=$((FAIL + 1))
	fi
	ktap_parse "$src" "$log" "$parsed"
	grep -E '={5,} .* ={5,}|\[(FAILED|CRASHED|SKIPPED|ERROR)\]|Testing complete' "$parsed" |
		sed 's/^\[[0-9:]*\] //' | sed 's/^/  /'
	evaluate "$log" "$parsed" || true
	SUMMARY+=("$(summary_line "[kunit] $name (${ver#linux-source-}, $((SECONDS - start)) s)" \
		"$((PASS - p))" "$((FAIL - f))")")
}

main() {
	local -a row
	mapfile -t UML_ROWS < <(matrix uml)
	((${#UML_ROWS[@]} > 0)) || die "no uml kernel of scripts/kernels.list selected"
	if [[ ${1:-} == --build-only ]]; then
		for line in "${UML_ROWS[@]}"; do
			read -r -a row <<<"$line"
			(uml_build "${row[3]}" "${row[2]}" >/dev/null)
		done
		return 0
	fi
	clone_lock kunit
	RES=$(results_dir "kunit${MDL_UML_GCOV:+-coverage}")
	for line in "${UML_ROWS[@]}"; do
		read -r -a row <<<"$line"
		run_uml "${row[1]}" "${row[3]}" "${row[2]}"
	done
	printf '%s\n' "${SUMMARY[@]}"
	if ((SKIPPED > 0)); then
		printf 'kunit: %d passed, %d failed, %d skipped\n' "$PASS" "$FAIL" "$SKIPPED"
	else
		summary_line kunit "$PASS" "$FAIL"
	fi
	((FAIL == 0))
}

PASS=0
FAIL=0
SKIPPED=0
SUMMARY=()
RES=
UML_ROWS=()

# evaluate LOG PARSED: apply all checks to one kernel's run, add its counts
# to PASS / FAIL / SKIPPED (a failed check counts as one failure).
evaluate() {
	local log=$1 parsed=$2 passed failed skipped bad=0 line
	passed=$(kunit_count "$parsed" passed)
	failed=$(($(kunit_count "$parsed" failed) + $(kunit_count "$parsed" crashed) +
		$(kunit_count "$parsed" errors)))
	skipped=$(kunit_count "$parsed" skipped)
	check_marker "$log" "insmod mdl" || { warn "insmod mdl.ko failed"; bad=1; }
	check_marker "$log" "insmod mdl_kunit" || { warn "insmod mdl_kunit.ko failed"; bad=1; }
	check_marker "$log" "rmmod mdl_kunit" || { warn "rmmod mdl_kunit failed"; bad=1; }
	check_marker "$log" "rmmod mdl" || { warn "rmmod mdl failed"; bad=1; }
	check_marker "$log" "mdl areas released" ||
		{ warn "vmalloc areas of mdl.ko left after unload"; bad=1; }
	[[ $(grep -c 'still reserved at unload: released' "$log") == 1 ]] ||
		{ warn "mdl.ko did not release (and log once) the range left reserved"; bad=1; }
	# What kunit/mdl_unload_kunit.c leaves: 2 MDLs, a pool allocation, an
	# IRP, two contiguous / non-cached allocations and an I/O-space mapping;
	# kunit/mdl_newer_kunit.c a secured range (one line per kind left).
	[[ $(grep -c 'still held at unload: releasing it' "$log") == 2 ]] ||
		{ warn "mdl.ko did not release (and log once each) the 2 MDLs left"; bad=1; }
	[[ $(grep -c ' 1 pool allocations still in use at unload: freed' "$log") == 1 ]] ||
		{ warn "mdl.ko did not free (and log once) the pool allocation left"; bad=1; }
	for line in ' 1 IRPs were not freed with IoFreeIrp at unload: freed' \
		' 1 range(s) of MmSecureVirtualMemory still secured at unload: released' \
		' 2 contiguous or non-cached allocation(s) still allocated at unload: freed' \
		' 1 mapping(s) of MmMapIoSpace still mapped at unload: unmapped'; do
		[[ $(grep -cF "$line" "$log") == 1 ]] ||
			{ warn "mdl.ko did not log once:$line"; bad=1; }
	done
	check_marker "$log" "end" || { warn "init did not reach its end (crash? see $log)"; bad=1; }
	check_log "$log" || { warn "kernel log has KASAN/lockdep/WARNING/BUG reports (above)"; bad=1; }
	check_pins "$log" || { warn "unbalanced page pins"; bad=1; }
	grep -q 'Testing complete' "$parsed" || { warn "kunit.py parse found no complete run"; bad=1; }
	((passed + failed + skipped > 0)) || { warn "no test cases ran"; bad=1; }
	((bad == 0)) || info "full log: $log; parsed: $parsed"
	PASS=$((PASS + passed))
	FAIL=$((FAIL + failed + bad))
	SKIPPED=$((SKIPPED + skipped))
	((failed == 0 && bad == 0))
}

main "$@"
