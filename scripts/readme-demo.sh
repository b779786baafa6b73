#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make readme-demo: README.md's quick-start block (between "<!-- quick
# start:" and "<!-- end of quick start -->") from the log of the last
# `make demo`: what userspace/demo/run printed between MDL-QUICKSTART-BEGIN
# and MDL-QUICKSTART-END, each of its quick commands and their output.
#
#   scripts/readme-demo.sh [LOG]   rewrite the block (LOG: the demo's serial
#                                  log, default $MDL_RESULTS/demo/serial.log)
#   scripts/readme-demo.sh --check the block holds the demo's commands, in
#                                  its order, each with output and none an
#                                  error (userspace check runs this)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=readme-demo

README=$MDL_ROOT/README.md
BEGIN_RE='^<!-- quick start:'
END_RE='^<!-- end of quick start -->'

# demo_commands: the quick commands of userspace/demo/run, one a line.
demo_commands() {
	sed -n 's/^quick \(.*\)$/\1/p' "$MDL_ROOT/userspace/demo/run"
}

# readme_block: the lines inside the block's console fence.
readme_block() {
	sed -n "/$BEGIN_RE/,/$END_RE/p" "$README" | sed '1,2d;$d' | sed '$d'
}

# from_log LOG: the quick-start lines of a demo log, without the kernel's
# console lines.
from_log() {
	sed -n '/^MDL-QUICKSTART-BEGIN/,/^MDL-QUICKSTART-END/p' "$1" |
		sed '1d;$d; s/\r$//' | grep -Ev '^\[ *[0-9]+\.[0-9]+\] ' || true
}

# check_block LINES: the demo's commands in order, each followed by output,
# and no line of mdlctl's error messages.
check_block() {
	local block=$1 ok=0
	if [[ $(sed -n 's/^\$ //p' <<<"$block") != "$(demo_commands)" ]]; then
		echo "the commands are not userspace/demo/run's:"
		diff <(demo_commands) <(sed -n 's/^\$ //p' <<<"$block") || true
		ok=1
	fi
	if awk '/^\$ / { if (cmd) exit 1; cmd = 1; next } { cmd = 0 } END { exit cmd }' \
		<<<"$block"; then :; else
		echo "a command without output"
		ok=1
	fi
	if grep -E '^mdlctl[a-z -]*: |^su: ' <<<"$block"; then
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
}

main() {
	local log=${1:-$MDL_RESULTS/demo/serial.log} block tmp
	[[ -f $log ]] || die "no demo log $log: run make demo first"
	grep -q '^MDL: DEMO exit status ok' "$log" || die "$log is not of a demo that passed"
	block=$(from_log "$log")
	[[ -n $block ]] || die "$log has no MDL-QUICKSTART block (an older demo?)"
	check_block "$block" || die "the demo's quick start in $log is not usable"
	tmp=$(mktemp "$README.XXXXXX")
	# The block through the environment: awk -v would expand its backslashes.
	BLOCK=$block awk -v b="${BEGIN_RE#^}" -v e="${END_RE#^}" '
		index($0, b) == 1 {
			print; print "```console"; print ENVIRON["BLOCK"]; print "```"; skip = 1; next
		}
		index($0, e) == 1 { skip = 0 }
		!skip { print }' "$README" >"$tmp"
	chmod --reference="$README" "$tmp"
	mv "$tmp" "$README"
	info "README.md quick start refreshed from $log"
}

if [[ ${1:-} == --check ]]; then
	main_check
else
	main "$@"
fi
