#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: set-up, then every test stage in order; stops at the first
# failing stage.  Prints each stage's time and a final summary.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=check

STAGES=(setup lint kunit vmtest vmtest-debug dkms-check deb-check)
NAMES=()
TIMES=()
STATUS=()
TOTAL_PASS=0
TOTAL_FAIL=0

# The host tests, and a host build of the selftests (on the host's kernel
# source's kselftest harness).
userspace_check() {
	local src
	src=$(kernel_src)
	make -C "$MDL_ROOT/userspace" check KSELFTEST_DIR="$src/tools/testing/selftests"
}

# run_stage NAME CMD...: run one stage, output to console and a log file.
run_stage() {
	local name=$1 start rc=0 log
	shift
	log=$MDL_RESULTS/check/$name.log
	printf '\n===== %s =====\n' "$name"
	start=$SECONDS
	"$@" 2>&1 | tee "$log" || rc=$?
	NAMES+=("$name")
	TIMES+=("$((SECONDS - start))")
	STATUS+=("$( ((rc == 0)) && echo ok || echo FAILED)")
	return "$rc"
}

# stage_counts LOG: "passed failed" from the stage's closing line, if any.
stage_counts() {
	sed -n 's/^[a-z-]*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$1" | tail -n 1
}

print_summary() {
	local i counts p f
	printf '\n===== summary =====\n'
	for i in "${!NAMES[@]}"; do
		counts=$(stage_counts "$MDL_RESULTS/check/${NAMES[$i]}.log")
		read -r p f <<<"${counts:-0 0}"
		# A stage that failed without a failing count still is a failure.
		[[ ${STATUS[$i]} == ok ]] || ((f > 0)) || f=1
		TOTAL_PASS=$((TOTAL_PASS + p))
		TOTAL_FAIL=$((TOTAL_FAIL + f))
		printf '  %-16s %-7s %5d s  %s\n' "${NAMES[$i]}" "${STATUS[$i]}" "${TIMES[$i]}" \
			"${counts:+($p passed, $f failed)}"
	done
	printf '  %-16s %-7s %5d s\n' total "" "$SECONDS"
}

# The root file systems of deb-check (mmdebstrap, or apt's daily refresh:
# mostly downloads and dpkg, minutes on a cold cache) are made in the
# background from the end of set-up on, beside the compiler-bound stages;
# the deb-check stage waits for them (and would redo an unfinished one).
DEBROOT_PID=
start_debroots() {
	[[ " ${STAGES[*]} " == *" deb-check "* ]] || return 0
	info "deb-check's root file systems: made in the background" \
		"(log: $MDL_RESULTS/check/deb-check-setup.log)"
	"$MDL_ROOT/scripts/deb-check.sh" --setup >"$MDL_RESULTS/check/deb-check-setup.log" 2>&1 &
	DEBROOT_PID=$!
}

wait_debroots() {
	local t=$SECONDS
	[[ -n $DEBROOT_PID ]] || return 0
	wait "$DEBROOT_PID" || warn "deb-check's background set-up failed" \
		"(log: $MDL_RESULTS/check/deb-check-setup.log); the stage makes the roots itself"
	DEBROOT_PID=
	info "deb-check's root file systems ready (waited $((SECONDS - t)) s)"
}

# The debug kernel of vmtest-debug (about 20 minutes to build on a cold
# cache) is built in the background from the end of set-up on, at a lower
# priority than the stages (debug-kernel.sh runs make under nice), on what
# CPU they leave; vmtest-debug waits for it (and resumes an unfinished one).
DEBUGK_PID=
start_debugk() {
	[[ " ${STAGES[*]} " == *" vmtest-debug "* ]] || return 0
	info "the debug kernel: built in the background" \
		"(log: $MDL_RESULTS/check/debug-kernel.log)"
	"$MDL_ROOT/scripts/debug-kernel.sh" >"$MDL_RESULTS/check/debug-kernel.log" 2>&1 &
	DEBUGK_PID=$!
}

wait_debugk() {
	local t=$SECONDS
	[[ -n $DEBUGK_PID ]] || return 0
	wait "$DEBUGK_PID" || warn "the debug kernel's background build failed" \
		"(log: $MDL_RESULTS/check/debug-kernel.log); vmtest-debug builds it itself"
	DEBUGK_PID=
	info "the debug kernel ready (waited $((SECONDS - t)) s)"
}

main() {
	local stage failed=
	rm -rf "$MDL_RESULTS/check"
	mkdir -p "$MDL_RESULTS/check"
	trap 'for p in $DEBROOT_PID $DEBUGK_PID; do kill "$p" 2>/dev/null || true; done' EXIT
	for stage in "${STAGES[@]}"; do
		[[ $stage == deb-check ]] && wait_debroots
		[[ $stage == vmtest-debug ]] && wait_debugk
		run_stage "$stage" make -s -C "$MDL_ROOT" "$stage" || { failed=$stage; break; }
		[[ $stage == setup ]] && start_debroots && start_debugk
	done
	if [[ -z $failed && -f $MDL_ROOT/userspace/Makefile ]]; then
		run_stage userspace-check userspace_check || failed=userspace-check
	fi
	print_summary
	if [[ -n $failed ]]; then
		printf 'FAILED at stage "%s" (log: %s)\n' "$failed" "$MDL_RESULTS/check/$failed.log"
		summary_line check "$TOTAL_PASS" "$TOTAL_FAIL"
		exit 1
	fi
	echo "all stages passed"
	summary_line check "$TOTAL_PASS" "$TOTAL_FAIL"
}

main "$@"
