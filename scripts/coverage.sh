#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make coverage: line coverage of module/*.c reached by the tests, with
# mdl.ko built for gcov (MDL_GCOV=1) in two runs of the same sources:
#   kunit         mdl_kunit.ko under User-Mode Linux with kernel gcov
#                 (scripts/uml-kunit.sh, MDL_UML_GCOV=1, the host suite's
#                 UML kernel only): the WDK routines only drivers call
#   vmtest-debug  the tests of make vmtest-debug on the debug kernel
#                 (scripts/vmtest.sh --coverage): /dev/mdl as programs
#                 use it, as root and as uid 65534, and the example drivers
# Each guest hands the module's .gcda files out after rmmod (gcov_persist
# keeps them in debugfs); gcov reports line coverage of module/*.c, per run
# and merged, and the functions never reached.  Annotated sources (*.gcov)
# go to .build/results/coverage/annotated/{vmtest-debug,kunit}/.  The last line
# printed is "coverage: P% of N lines in module/"; the exit status is
# non-zero when a test run failed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=coverage

# take_gcda RES: copy the .gcda files of RES/gcov/ (paths as the guest's
# debugfs named them, i.e. the build's absolute paths) beside the objects
# of the stage RES/stage names; prints that stage.
take_gcda() {
	local res=$1 stage gcda f n=0
	[[ -f $res/stage ]] || die "the run left no build ($res)"
	stage=$(cat "$res/stage")
	rm -f "$stage"/module/*.gcda
	while IFS= read -r gcda; do
		f=${gcda#"$res/gcov"}
		[[ $f == "$stage"/module/*.gcda ]] || continue
		cp "$gcda" "$f"
		n=$((n + 1))
	done < <(find "$res/gcov" -name '*.gcda' 2>/dev/null)
	((n > 0)) || die "no .gcda file of $stage/module from $res"
	info "$n .gcda files of mdl.ko from $res" >&2
	printf '%s\n' "$stage"
}

# annotate DIR STAGE: gcov's annotated sources of one run in DIR (the
# sources of mdl.ko that build compiled).
annotate() {
	local gcno srcs=()
	rm -rf "$1"
	mkdir -p "$1"
	for gcno in "$2"/module/*.gcno; do
		srcs+=("${gcno%.gcno}.c")
	done
	(cd "$1" && gcov -o "$2/module" "${srcs[@]}" >/dev/null 2>&1) ||
		warn "annotated sources not written to $1"
}

main() {
	local rc=0 res=$MDL_RESULTS/coverage kres=$MDL_RESULTS/kunit-coverage uml start=$SECONDS
	local dstage kstage
	uml=$(MDL_KERNELS='' matrix uml | awk -v host="$(host_suite)" '$3 == host { print $2; exit }')
	[[ -n $uml ]] || die "no uml row of the host's suite in scripts/kernels.list"
	# The short run first: both builds are staged from the tree minutes
	# apart, and the report refuses builds of different sources.
	MDL_UML_GCOV=1 MDL_KERNELS=$uml "$MDL_ROOT/scripts/uml-kunit.sh" || rc=$?
	kstage=$(take_gcda "$kres/$uml")
	"$MDL_ROOT/scripts/vmtest.sh" --coverage || rc=$?
	dstage=$(take_gcda "$res")
	annotate "$res/annotated/vmtest-debug" "$dstage"
	annotate "$res/annotated/kunit" "$kstage"
	info "wall time of the coverage runs: $((SECONDS - start)) s"
	"$MDL_ROOT/scripts/coverage_report.py" "vmtest-debug=$dstage" "kunit=$kstage" |
		tee "$res/report.txt"
	return "$rc"
}

main "$@"
