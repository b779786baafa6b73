#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make readme-demo: README.md's quick-start blocks from the log of the last
# `make demo`:
#   - mdlctl (between "<!-- quick start:" and "<!-- end of quick start -->"):
#     what userspace/demo/run printed between MDL-QUICKSTART-BEGIN and
#     MDL-QUICKSTART-END, each of its quick commands and their output;
#   - C (between "<!-- C quick start:" and "<!-- end of C quick start -->"):
#     the source of userspace/demo/quickstart.c and what the demo printed
#     running it, between MDL-CQUICKSTART-BEGIN and MDL-CQUICKSTART-END.
#
#   scripts/readme-demo.sh [LOG]   rewrite the blocks (LOG: the demo's serial
#                                  log, default $MDL_RESULTS/demo/serial.log)
#   scripts/readme-demo.sh --check the mdlctl block holds the demo's commands,
#                                  in its order, each with output and none an
#                                  error; the C block holds quickstart.c as
#                                  it is and its run, with output and no
#                                  error (userspace check runs this)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=readme-demo

README=$MDL_ROOT/README.md
BEGIN_RE='^<!-- quick start:'
END_RE='^<!-- end of quick start -->'
C_BEGIN_RE='^<!-- C quick start:'
C_END_RE='^<!-- end of C quick start -->'
C_SRC=$MDL_ROOT/userspace/demo/quickstart.c
F='```'

# demo_commands [MARK]: the quick commands of userspace/demo/run between
# its MDL-<MARK>-BEGIN and -END lines (MARK: QUICKSTART), one a line.
demo_commands() {
	local mark=${1:-QUICKSTART}
	sed -n "/^echo \"MDL-$mark-BEGIN\"/,/^echo \"MDL-$mark-END\"/p" \
		"$MDL_ROOT/userspace/demo/run" | sed -n 's/^quick \(.*\)$/\1/p'
}

# readme_block: the lines inside the block's console fence.
readme_block() {
	sed -n "/$BEGIN_RE/,/$END_RE/p" "$README" | sed '1,2d;$d' | sed '$d'
}

# fence_of LANG: of the lines on stdin, those inside the first LANG fence.
fence_of() {
	awk -v f="\`\`\`$1" 'in_f && $0 == "```" { exit } in_f { print } $0 == f { in_f = 1 }'
}

# from_log LOG [MARK]: the lines of a demo log between MDL-<MARK>-BEGIN and
# -END (MARK: QUICKSTART), without the kernel's console lines.
from_log() {
	local mark=${2:-QUICKSTART}
	sed -n "/^MDL-$mark-BEGIN/,/^MDL-$mark-END/p" "$1" |
		sed '1d;$d; s/\r$//' | grep -Ev '^\[ *[0-9]+\.[0-9]+\] ' || true
}

# check_block LINES [MARK]: the demo's commands (of MARK, see
# demo_commands) in order, each followed by output, and no line of
# mdlctl's or quickstart's error messages.
check_block() {
	local block=$1 mark=${2:-QUICKSTART} ok=0
	if [[ $(sed -n 's/^\$ //p' <<<"$block") != "$(demo_commands "$mark")" ]]; then
		echo "the commands are not userspace/demo/run's:"
		diff <(demo_commands "$mark") <(sed -n 's/^\$ //p' <<<"$block") || true
		ok=1
	fi
	if awk '/^\$ / { if (cmd) exit 1; cmd = 1; next } { cmd = 0 } END { exit cmd }' \
		<<<"$block"; then :; else
		echo "a command without output"
		ok=1
	fi
	if grep -E '^mdlctl[a-z -]*: |^quickstart: |^su: ' <<<"$block"; then
		echo "an error message in the block (above)"
		ok=1
	fi
	return "$ok"
}

main_check() {
	local block
	if ! grep -q "$BEGIN_RE" "$README" || ! grep -q "$END_RE" "$README"; then
		die "README.md has no quick-start block"
	fi
	block=$(readme_block)
	if check_block "$block"; then
		info "README.md quick start: the commands of userspace/demo/run, each with its output"
	else
		die "README.md quick start does not match the demo (refresh it: make demo && make readme-demo)"
	fi
	if ! grep -q "$C_BEGIN_RE" "$README" || ! grep -q "$C_END_RE" "$README"; then
		die "README.md has no C quick-start block"
	fi
	block=$(sed -n "/$C_BEGIN_RE/,/$C_END_RE/p" "$README")
	if [[ $(fence_of c <<<"$block") != "$(cat "$C_SRC")" ]]; then
		diff "$C_SRC" <(fence_of c <<<"$block") || true
		die "README.md's C quick start is not userspace/demo/quickstart.c (refresh it: make demo && make readme-demo)"
	fi
	if check_block "$(fence_of console <<<"$block")" CQUICKSTART; then
		info "README.md C quick start: userspace/demo/quickstart.c and its run, with output"
	else
		die "README.md's C quick start output does not match the demo (refresh it: make demo && make readme-demo)"
	fi
}

# replace_block BEGIN END TEXT: README.md's lines between the BEGIN and END
# lines replaced by TEXT.
replace_block() {
	local tmp
	tmp=$(mktemp "$README.XXXXXX")
	# The text through the environment: awk -v would expand its backslashes.
	BLOCK=$3 awk -v b="${1#^}" -v e="${2#^}" '
		index($0, b) == 1 { print; print ENVIRON["BLOCK"]; skip = 1; next }
		index($0, e) == 1 { skip = 0 }
		!skip { print }' "$README" >"$tmp"
	chmod --reference="$README" "$tmp"
	mv "$tmp" "$README"
}

main() {
	local log=${1:-$MDL_RESULTS/demo/serial.log} block cblock
	[[ -f $log ]] || die "no demo log $log: run make demo first"
	grep -q '^MDL: DEMO exit status ok' "$log" || die "$log is not of a demo that passed"
	block=$(from_log "$log")
	[[ -n $block ]] || die "$log has no MDL-QUICKSTART block (an older demo?)"
	check_block "$block" || die "the demo's quick start in $log is not usable"
	cblock=$(from_log "$log" CQUICKSTART)
	[[ -n $cblock ]] || die "$log has no MDL-CQUICKSTART block (an older demo?)"
	check_block "$cblock" CQUICKSTART || die "the demo's C quick start in $log is not usable"
	if ! grep -q "$C_BEGIN_RE" "$README" || ! grep -q "$C_END_RE" "$README"; then
		die "README.md has no C quick-start block"
	fi
	replace_block "$BEGIN_RE" "$END_RE" "$(printf '%sconsole\n%s\n%s' "$F" "$block" "$F")"
	replace_block "$C_BEGIN_RE" "$C_END_RE" "$(printf '%sc\n%s\n%s\n\n%sconsole\n%s\n%s' \
		"$F" "$(cat "$C_SRC")" "$F" "$F" "$cblock" "$F")"
	info "README.md quick starts refreshed from $log"
}

if [[ ${1:-} == --check ]]; then
	main_check
else
	main "$@"
fi
