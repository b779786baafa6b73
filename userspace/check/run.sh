#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make -C userspace check: host tests that need no module.
#   - build/host_check: libmdl argument checks, fd passing, errno table
#   - mdlctl's command line: --help, usage errors (exit 2; sizes that are
#     not one or overflow), failures (exit 1)
#   - make install into a scratch DESTDIR; a program built with pkg-config
#     against the shared and the static library; every exported symbol
#     versioned LIBMDL_1; every installed man page renders without warning;
#     the installed bash completion registers and completes
#   - README.md's quick start is the demo's (scripts/readme-demo.sh --check)
#   - README.md's routine table lists every routine of module/mdl_routines.h
#     with its doc/reference.md purpose, its benchmark table is the goals
#     table of userspace/bench/results/summary.md (scripts/readme_tables.py
#     --check)
# Prints "userspace: N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

B=${1:-build}
MDLCTL=$B/mdlctl
PASS=0
FAIL=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

result() {
	if [[ $1 == 0 ]]; then
		PASS=$((PASS + 1))
		echo "ok - $2"
	else
		FAIL=$((FAIL + 1))
		echo "not ok - $2"
	fi
}

# expect STATUS NAME CMD...: CMD exits with STATUS; output in $TMP/out, err.
expect() {
	local want=$1 name=$2 rc=0
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	[[ $rc == "$want" ]] || echo "# $name: exit status $rc, want $want"
	result "$([[ $rc == "$want" ]] && echo 0 || echo 1)" "$name"
}

# says FILE TEXT NAME: FILE contains TEXT.
says() {
	grep -qF -- "$2" "$1"
	result $? "$3"
}

is_json() {
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$1" 2>/dev/null
	result $? "$2"
}

VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' ../dkms.conf)

# abi_of_header: MAJOR.MINOR of uapi/linux/mdl.h.
abi_of_header() {
	printf '%s.%s' "$(sed -n 's/^#define MDL_ABI_MAJOR[[:space:]]*\([0-9]*\).*/\1/p' ../uapi/linux/mdl.h)" \
		"$(sed -n 's/^#define MDL_ABI_MINOR[[:space:]]*\([0-9]*\).*/\1/p' ../uapi/linux/mdl.h)"
}

host_check() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) PASS=$((PASS + 1)) ;;
		"not ok "*) FAIL=$((FAIL + 1)); echo "$line" ;;
		"# "*) echo "$line" ;;
		esac
	done < <("$B/host_check")
}

cli_help() {
	local cmd
	expect 2 "mdlctl without a command: usage, exit 2" "$MDLCTL"
	expect 0 "mdlctl --help: exit 0" "$MDLCTL" --help
	says "$TMP/out" "commands:" "mdlctl --help lists the commands"
	for cmd in info lock alloc query pfns translate share map-io stats; do
		expect 0 "mdlctl $cmd --help: exit 0" "$MDLCTL" "$cmd" --help
		says "$TMP/out" "usage: mdlctl $cmd" "mdlctl $cmd --help shows its usage"
	done
}

cli_usage_errors() {
	expect 0 "mdlctl --version: exit 0" "$MDLCTL" --version
	says "$TMP/out" "mdlctl $VERSION" "mdlctl --version prints the package version"
	says "$TMP/out" "libmdl $VERSION, ABI $(abi_of_header)" \
		"mdlctl --version prints libmdl's release and ABI"
	expect 2 "unknown command: exit 2" "$MDLCTL" frobnicate
	expect 2 "unknown global option: exit 2" "$MDLCTL" --frob info
	expect 2 "unknown command option: exit 2" "$MDLCTL" lock --frob
	expect 2 "bad size: exit 2" "$MDLCTL" lock --size 12q
	bad_sizes
	expect 2 "stray argument: exit 2" "$MDLCTL" query extra
	expect 2 "map-io without --phys: exit 2" "$MDLCTL" map-io
	says "$TMP/err" "--phys" "map-io names the missing option"
	expect 2 "share --serve with --connect: exit 2" "$MDLCTL" share --serve a --connect b
	expect 2 "bad cache type: exit 2" "$MDLCTL" alloc --cache purple
}

# bad_sizes: each size is a usage error (exit 2) that says why, and opens
# no device (a missing one would be exit 1).
bad_sizes() {
	local v why
	for v in 99999999999999999999 16E 17179869184G 0x10000000000000000 \
		-1 0x 1k1 '' ' 4K' 4KB; do
		case $v in
		-* | 0x | 1k1 | '' | ' 4K' | 4KB) why="not a size" ;;
		*) why="too large" ;;
		esac
		expect 2 "--size '$v': exit 2" "$MDLCTL" --device "$TMP/none" lock --size "$v"
		says "$TMP/err" "mdlctl lock: --size $v: $why" "--size '$v': says \"$why\""
	done
	expect 2 "--size=16E: exit 2" "$MDLCTL" --device "$TMP/none" alloc --size=16E
	says "$TMP/err" "mdlctl alloc: --size 16E: too large" "--size=16E: says too large"
	expect 2 "share --size overflow: exit 2" "$MDLCTL" share --size 99999999999999999999 --kernel
	expect 2 "pfns --count overflow: exit 2" "$MDLCTL" pfns --count 16E
	expect 2 "map-io --phys -1: exit 2" "$MDLCTL" map-io --phys -1
	says "$TMP/err" "--phys -1: not a size" "map-io --phys -1: says not a size"
}

cli_failures() {
	expect 1 "no device: exit 1" "$MDLCTL" --device "$TMP/none" info
	says "$TMP/err" "not loaded" "no device: says the module is not loaded"
	expect 1 "no device, --json: exit 1" "$MDLCTL" --json --device "$TMP/none" lock
	is_json "$TMP/out" "no device, --json: the error is JSON"
	says "$TMP/out" '"errno":2' "no device, --json: carries the errno"
	expect 1 "a device that is not /dev/mdl: exit 1" "$MDLCTL" --device /dev/null info
	says "$TMP/err" "ABI" "ENOTTY is explained as a version mismatch"
	expect 1 "--device=PATH is the device too: exit 1" "$MDLCTL" --device=/dev/null info
	says "$TMP/err" "ABI" "--device=PATH opened PATH"
	expect 2 "--device= without a path: exit 2" "$MDLCTL" --device= info
	expect 1 "stats without debugfs file: exit 1" "$MDLCTL" stats --file "$TMP/none"
	says "$TMP/err" "debugfs" "stats failure mentions debugfs"
}

cli_stats() {
	printf 'objects 2\npinned_pages 16\nmapped_pages 0\n' >"$TMP/stats"
	expect 0 "stats of a file: exit 0" "$MDLCTL" stats --file "$TMP/stats"
	says "$TMP/out" "pinned_pages:" "stats prints each key"
	expect 0 "stats --json: exit 0" "$MDLCTL" stats --json --file "$TMP/stats"
	is_json "$TMP/out" "stats --json is JSON"
	says "$TMP/out" '"pinned_pages":16' "stats --json carries the values"
}

# install into a scratch root; build a program with pkg-config against it.
install_and_link() {
	local root=$TMP/root pc
	expect 0 "make install DESTDIR PREFIX=/usr" \
		make -s install DESTDIR="$root" PREFIX=/usr B="$B"
	for f in usr/lib/libmdl.a usr/lib/libmdl.so usr/lib/libmdl.so.1 \
		usr/include/libmdl/libmdl.h usr/include/libmdl/linux/mdl.h \
		usr/lib/pkgconfig/libmdl.pc usr/bin/mdlctl \
		usr/share/bash-completion/completions/mdlctl usr/share/man/man1/mdlctl.1 \
		usr/share/man/man3/libmdl.3 usr/share/man/man4/mdl.4; do
		[[ -e $root/$f ]]
		result $? "installed $f"
	done
	completion "$root/usr/share/bash-completion/completions/mdlctl"
	readelf -d "$root/usr/lib/libmdl.so" | grep -q 'SONAME.*libmdl.so.1'
	result $? "libmdl.so has soname libmdl.so.1"
	symbol_versions "$root/usr/lib/libmdl.so"
	man_pages "$root/usr/share/man"
	[[ ! -e $root/usr/include/linux ]]
	result $? "nothing installed into the kernel's include/linux"
	# <libmdl.h> through the .pc's Cflags; <libmdl/libmdl.h> from the include
	# root alone (its ABI header found beside it).
	cat >"$TMP/prog.c" <<'PROG'
#include <errno.h>
#include <stdio.h>
#include <libmdl.h>
int main(void)
{
	struct mdl_info i;
	uint32_t major, minor;
	const char *rel = mdl_lib_version(&major, &minor);

	printf("libmdl %s, ABI %u.%u\n", rel, major, minor);
	return mdl_query(-1, &i) == -EBADF ? 0 : 1;
}
PROG
	expect 0 "<libmdl/libmdl.h> builds with the include root alone" \
		gcc -fsyntax-only -I"$root/usr/include" -x c - <<<'#include <libmdl/libmdl.h>'

	pc="env PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig pkg-config"
	# shellcheck disable=SC2046
	expect 0 "a program builds with pkg-config --cflags --libs libmdl" \
		gcc -o "$TMP/prog" "$TMP/prog.c" $($pc --cflags --libs libmdl)
	expect 0 "it runs against libmdl.so" env LD_LIBRARY_PATH="$root/usr/lib" "$TMP/prog"
	says "$TMP/out" "libmdl $VERSION, ABI $(abi_of_header)" \
		"mdl_lib_version() of libmdl.so: the package version and the header's ABI"
	# shellcheck disable=SC2046
	expect 0 "a program links libmdl.a statically" \
		gcc -static -o "$TMP/prog-static" "$TMP/prog.c" $($pc --cflags --libs --static libmdl)
	expect 0 "the static program runs" "$TMP/prog-static"
}

# completion FILE: the installed bash completion registers for mdlctl and
# completes its commands and a command's options.
completion() {
	# shellcheck disable=SC2016  # expanded by the inner shell
	expect 0 "bash completion: complete -p mdlctl after sourcing it" \
		bash -c 'source "$1" && complete -p mdlctl' sh "$1"
	says "$TMP/out" "-F _mdlctl mdlctl" "bash completion: mdlctl completes with _mdlctl"
	# shellcheck disable=SC2016  # expanded by the inner shell
	expect 0 "bash completion: mdlctl l<TAB>, mdlctl lock --s<TAB>" bash -c '
		source "$1"
		COMP_WORDS=(mdlctl l) && COMP_CWORD=1 && _mdlctl && echo "cmds: ${COMPREPLY[*]}"
		COMP_WORDS=(mdlctl lock --s) && COMP_CWORD=2 && _mdlctl &&
			echo "opts: ${COMPREPLY[*]}"' \
		sh "$1"
	says "$TMP/out" "cmds: lock" "bash completion: l completes to lock"
	says "$TMP/out" "opts: --size" "bash completion: lock --s completes to --size"
}

# symbol_versions LIB: every function the header declares is exported as
# NAME@@LIBMDL_1, and nothing else but the version node is.
symbol_versions() {
	local want got
	want=$(sed -n 's/^[a-z].*[ *]\(mdl_[a-z_]*\)(.*/\1@@LIBMDL_1/p' include/libmdl/libmdl.h | sort)
	got=$(readelf --dyn-syms -W "$1" | awk '$5 == "GLOBAL" && $7 != "UND" { print $8 }' |
		grep -vx 'LIBMDL_1\(@@LIBMDL_1\)\?' | sort)
	[[ -n $want && $want == "$got" ]] || diff <(echo "$want") <(echo "$got") | sed 's/^/# /'
	result "$([[ -n $want && $want == "$got" ]] && echo 0 || echo 1)" \
		"libmdl.so exports the header's functions, each versioned LIBMDL_1"
}

# man_pages MANDIR: each installed page (aliases included) renders with
# man -l, without a warning of man, groff or the .so resolution.
man_pages() {
	local p n=0 out
	for p in "$1"/man*/*.[0-9]; do
		n=$((n + 1))
		out=$(cd "$1" && LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l \
			"${p#"$1"/}" 2>&1 >/dev/null)
		[[ -z $out ]] || printf '# %s: %s\n' "${p##*/}" "$out"
		result "$([[ -z $out ]] && echo 0 || echo 1)" "man -l ${p##*/} renders without warning"
	done
	((n >= 8))
	result $? "at least 8 man pages installed ($n)"
}

# readme_quickstart: README.md's quick starts are the demo's (its commands, in
# order, each with output): scripts/readme-demo.sh --check.
readme_quickstart() {
	local rc=0
	../scripts/readme-demo.sh --check >"$TMP/out" 2>&1 || rc=$?
	((rc == 0)) || sed 's/^/# /' "$TMP/out"
	result "$rc" "README.md's quick starts (mdlctl, C) are the demo's, each command with output"
}

# readme_tables: README.md's routine table is what mdl_routines.h and
# doc/reference.md give, its benchmark table summary.md's goals:
# scripts/readme_tables.py --check.
readme_tables() {
	local rc=0
	python3 ../scripts/readme_tables.py --check >"$TMP/out" 2>&1 || rc=$?
	((rc == 0)) || sed 's/^/# /' "$TMP/out"
	result "$rc" "README.md's routine and benchmark tables are what their sources give"
}

host_check
cli_help
cli_usage_errors
cli_failures
cli_stats
install_and_link
readme_quickstart
readme_tables
echo "userspace: $PASS passed, $FAIL failed"
((FAIL == 0))
