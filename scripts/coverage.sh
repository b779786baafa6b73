#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make coverage: the tests of make vmtest-debug on the debug kernel with
# mdl.ko built for gcov (MDL_GCOV=1); the guest hands the module's .gcda
# files out after rmmod (scripts/vm/init), and gcov reports line coverage of
# module/*.c and the functions never reached.  Annotated sources (*.gcov) go
# to .build/results/coverage/annotated/.  The last line printed is
# "coverage: P% of N lines in module/"; the exit status is the test run's.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=coverage

main() {
	local rc=0 res=$MDL_RESULTS/coverage stage gcda f n=0
	"$MDL_ROOT/scripts/vmtest.sh" --coverage || rc=$?
	[[ -f $res/stage ]] || die "the coverage run left no build (see above)"
	stage=$(cat "$res/stage")
	rm -f "$stage"/module/*.gcda
	while IFS= read -r gcda; do
		f=${gcda#"$res/gcov"}
		[[ $f == "$stage"/module/*.gcda ]] || continue
		cp "$gcda" "$f"
		n=$((n + 1))
	done < <(find "$res/gcov" -name '*.gcda')
	((n > 0)) || die "the guest gave no .gcda file of $stage/module (log: $res/serial.log)"
	info "$n .gcda files of mdl.ko"
	rm -rf "$res/annotated"
	mkdir -p "$res/annotated"
	(cd "$res/annotated" && gcov -o "$stage/module" "$stage"/module/*.c >/dev/null 2>&1) ||
		warn "annotated sources not written"
	"$MDL_ROOT/scripts/coverage_report.py" "$stage" | tee "$res/report.txt"
	return "$rc"
}

main "$@"
