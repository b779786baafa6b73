#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mdlctl against the real module, in the guest: TAP lines numbered from $1.
#   mdlctl.sh --count      the number of checks
#   mdlctl.sh FIRST        run them (as root; some run as nobody via su)
COUNT=19
[ "$1" = --count ] && { echo "$COUNT"; exit 0; }
n=$(($1 - 1))
bin=${MDL_TESTS_BIN:-/tests/bin}
ctl=$bin/mdlctl
out=/tmp/mdlctl.out
err=/tmp/mdlctl.err
failed=0

check() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - mdlctl: $2"
	else
		echo "not ok $n - mdlctl: $2"
		sed 's/^/# /' "$out" "$err" | head -n 20
		failed=1
	fi
}

# run WANT CMD...: CMD's exit status is WANT (output in $out, $err).
run() {
	want=$1
	shift
	"$@" >"$out" 2>"$err"
	[ "$?" -eq "$want" ]
}

# shellcheck disable=SC2317  # called through run
as_nobody() {
	su -s /bin/sh nobody -c "$*"
}

# field KEY [ROLE]: the value printed after "KEY:" (by ROLE in share).
field() {
	sed -n "s/^${2:+\[$2 pid [0-9]*\] }$1: *//p" "$out" | head -n 1
}

# words STRING: how many words.
words() {
	set -- $1
	echo $#
}

run 0 "$ctl" info && [ "$(field module_abi)" = "$(field mdlctl_abi)" ] &&
	[ -n "$(field module_abi)" ] &&
	case " $(field feature_names) " in *" lock-user "*" handles "*) true ;; *) false ;; esac
check $? "info shows the module's ABI, mdlctl's own, and its feature names"
run 0 "$ctl" --json info && grep -q '^{.*"max_bytes":[0-9]*.*}$' "$out"
check $? "--json info is one JSON object"
run 0 "$ctl" lock --size 12K --offset 100 && [ "$(words "$(field pfns)")" -eq 4 ]
check $? "lock of 12K at offset 100 lists 4 PFNs"
run 0 "$ctl" lock --read-only && [ "$(field access)" = read-only ]
check $? "lock --read-only gives a read-only MDL"
run 0 "$ctl" alloc --kernel --contiguous --size 16K && [ "$(field kind)" = pages ]
check $? "alloc --contiguous describes kernel pages"
run 0 "$ctl" share --message "ping 42" &&
	[ "$(field pfns writer)" = "$(field pfns reader)" ] &&
	[ "$(field read reader)" = "ping 42" ] &&
	[ "$(field reply_seen writer)" = "$(field replied reader)" ]
check $? "share: same PFNs, the reader reads, the writer sees the reply"
run 0 "$ctl" share --kernel --message "kernel 7" &&
	[ "$(field pfns writer)" = "$(field pfns reader)" ] &&
	[ "$(field read reader)" = "kernel 7" ] && [ "$(field pread reader)" = "kernel 7" ]
check $? "share --kernel: same PFNs, read through mmap and pread"
rm -f /tmp/mdlctl.sock
"$ctl" share --serve /tmp/mdlctl.sock --message "two" >/tmp/mdlctl.w 2>&1 &
writer=$!
run 0 "$ctl" share --connect /tmp/mdlctl.sock && wait "$writer" &&
	[ "$(field read reader)" = two ]
check $? "share --serve / --connect: two separately started processes"
run 0 "$ctl" --json share && [ "$(grep -c '^{"role":' "$out")" -eq 2 ]
check $? "share --json: one object per process"
run 0 "$ctl" translate --size 8K && [ "$(words "$(field physical)")" -eq 2 ] &&
	! field physical | grep -qw 0x0
check $? "translate: two resident pages, no zero address"
run 0 "$ctl" stats && [ -n "$(field pinned_pages)" ]
check $? "stats lists pinned_pages"
run 0 "$ctl" --json stats && grep -q '^{"objects":[0-9]*,.*}$' "$out"
check $? "stats --json: one object with the counters"
run 1 "$ctl" map-io --phys 0x100000 && grep -q "System RAM" "$err"
check $? "map-io of System RAM refused, explained"
run 1 as_nobody "$ctl" pfns && grep -q CAP_SYS_ADMIN "$err"
check $? "pfns as nobody: exit 1, names CAP_SYS_ADMIN"
run 0 as_nobody "$ctl" lock && grep -q "hidden" "$out"
check $? "lock as nobody works, PFNs hidden"
run 1 as_nobody "$ctl" translate && grep -q CAP_SYS_ADMIN "$err"
check $? "translate as nobody: exit 1, names CAP_SYS_ADMIN"
run 1 as_nobody "$ctl" map-io --phys 0x40000000 && grep -q CAP_SYS_RAWIO "$err"
check $? "map-io as nobody: exit 1, names CAP_SYS_RAWIO"
run 1 as_nobody "ulimit -l 16; $ctl lock --size 1M" && grep -q RLIMIT_MEMLOCK "$err"
check $? "lock over RLIMIT_MEMLOCK: exit 1, names the limit"
run 1 as_nobody "$ctl" stats && grep -q root "$err"
check $? "stats as nobody: exit 1, says root"
exit "$failed"
