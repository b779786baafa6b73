#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: W=1 + sparse builds for every kernel of scripts/kernels.list
# (Debian kernels with their suite's compiler and sparse; UML kernels, which
# have KUnit, so kunit/*.c are checked too), checkpatch --strict,
# kernel-doc -Wall, doc/reference.md up to date, the layering of module/
# (module/README.md), shellcheck of the pipeline's scripts.  Any warning,
# sparse message, checkpatch ERROR / WARNING / CHECK, kernel-doc warning or
# include across the layers fails.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=lint

# checkpatch types ignored, and why:
#  CAMELCASE     the WDK's names (IoAllocateMdl, MmProbeAndLockPages, ...) are the product
#  NEW_TYPEDEFS  the WDK's typedefs (MDL, PMDL, KPROCESSOR_MODE, ...) are the product
#  COMPLEX_MACRO module/include/wdm.h only: the WDK's FORCEINLINE is a
#                storage class and an inline keyword (static __always_inline),
#                which no parentheses can enclose
#  BIT_MACRO     uapi/ only: BIT() is not available to user space
#  LINUX_VERSION_CODE, CONSTANT_COMPARISON
#                module/compat.h only: the one file where kernel versions are
#                compared (checkpatch reads LINUX_VERSION_CODE as a constant)
IGNORE_WDK=CAMELCASE,NEW_TYPEDEFS
IGNORE_WDM_H=$IGNORE_WDK,COMPLEX_MACRO
IGNORE_UAPI=BIT_MACRO
IGNORE_COMPAT=$IGNORE_WDK,LINUX_VERSION_CODE,CONSTANT_COMPARISON

PASS=0
FAIL=0
RES=

count() {
	local ok=$1 name=$2 log=${3:-}
	if ((ok)); then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		[[ -n $log ]] && sed 's/^/    /' "$log" | head -n 60 >&2
		warn "not ok: $name${log:+ (log: $log)}"
	fi
}

# lint_build NAME KDIR [ARGS...]: W=1 + sparse (all messages are errors) in a
# staged copy, with the toolchain of the suite $MDL_SUITE; W=1 only when
# LINT_SPARSE=0.
lint_build() {
	local name=$1 kdir=$2 log stage ok=1 sparse=(C=2 CF=-Wsparse-error)
	shift 2
	[[ ${LINT_SPARSE:-1} == 1 ]] || sparse=()
	log=$RES/build-$name.log
	stage=$MDL_BUILD/stage/lint-$name
	stage_sources "$stage" kunit
	in_suite "${MDL_SUITE:-$(host_suite)}" make -C "$kdir" M="$stage" -j"$MDL_JOBS" "$@" \
		W=1 "${sparse[@]}" modules >"$log" 2>&1 || ok=0
	# "C=2 specified, but sparse is not available": no sparse run at all.
	grep -Ei 'warning:|error:|sparse:|not available or not up to date' "$log" >/dev/null && ok=0
	info "W=1${sparse:+ + sparse} build for $name: $( ((ok)) && echo clean || echo FAILED)"
	count "$ok" "W=1${sparse:+ C=2} build for $name" "$( ((ok)) || echo "$log")"
}

# host_sparse_parses SRC: the host's sparse passes the kernel source SRC's
# own test of its checker, scripts/checker-valid.sh (a source without one
# tests nothing).
host_sparse_parses() {
	[[ ! -f $1/scripts/checker-valid.sh ]] ||
		[[ $(sh "$1/scripts/checker-valid.sh" sparse -m64 2>/dev/null) == 1 ]]
}

# lint_build_uml: the UML kernels have KUnit, so this also covers kunit/*.c
# (built with the host's toolchain, as the UML kernels are).
lint_build_uml() {
	local line uml
	local -a row
	"$MDL_ROOT/scripts/uml-kunit.sh" --build-only
	MDL_SUITE=$(host_suite)
	while read -r line; do
		read -r -a row <<<"$line"
		if ! uml=$(uml_dir "${row[3]}" "${row[2]}"); then
			count 0 "W=1 C=2 build for ${row[1]}: no UML kernel"
			continue
		fi
		# A kernel whose own test of the checker fails with the host's
		# sparse (7.2's headers need __typeof_unqual__, which sparse 0.6.4
		# cannot parse) would drop C=2: its UML build is checked with W=1
		# only; mdl.ko's code for that kernel gets sparse in its suite's
		# Debian kernel builds (with the suite's sparse), kunit/*.c in the
		# UML builds of older sources.
		LINT_SPARSE=1
		if ! host_sparse_parses "$(kernel_src_of "${row[3]}" "${row[2]}")"; then
			LINT_SPARSE=0
			info "${row[1]}: the host's sparse ($(sparse --version)) cannot parse its kernel source: W=1 only"
		fi
		lint_build "${row[1]}" "$uml" ARCH=um
	done < <(matrix uml)
	LINT_SPARSE=1
}

# sources DIR...: C files and headers below DIRs (those that exist).
sources() {
	local d
	for d in "$@"; do
		[[ -d $MDL_ROOT/$d ]] || continue
		(cd "$MDL_ROOT" && find "$d" -type f \( -name '*.c' -o -name '*.h' \)) | sort
	done
}

ignore_for() {
	case $1 in
	uapi/*) echo "$IGNORE_UAPI" ;;
	module/compat.h) echo "$IGNORE_COMPAT" ;;
	module/include/wdm.h) echo "$IGNORE_WDM_H" ;;
	*) echo "$IGNORE_WDK" ;;
	esac
}

lint_checkpatch() {
	local src=$1 f log ok n=0 bad=0
	while IFS= read -r f; do
		# The examples' static test programs are user space, not kernel code.
		case $f in examples/*_test.c | examples/tap.h) continue ;; esac
		log=$RES/checkpatch-$(printf '%s' "$f" | tr '/' '_').log
		ok=1
		(cd "$MDL_ROOT" && perl "$src/scripts/checkpatch.pl" --no-tree --strict \
			--ignore "$(ignore_for "$f")" -f "$f") >"$log" 2>&1 || ok=0
		grep -Eq '^(ERROR|WARNING|CHECK):' "$log" && ok=0
		count "$ok" "checkpatch $f" "$( ((ok)) || echo "$log")"
		n=$((n + 1))
		((ok)) || bad=$((bad + 1))
	done < <(sources module kunit uapi examples)
	info "checkpatch --strict: $n files, $bad with findings"
}

lint_kerneldoc() {
	local src=$1 log=$RES/kernel-doc.log ok=1 files
	mapfile -t files < <(cd "$MDL_ROOT" && ls module/include/wdm.h module/*.c 2>/dev/null)
	((${#files[@]} > 0)) || die "no files for kernel-doc"
	(cd "$MDL_ROOT" && perl "$src/scripts/kernel-doc" -none -Wall "${files[@]}") >"$log" 2>&1 || ok=0
	[[ -s $log ]] && ok=0
	info "kernel-doc -Wall on ${#files[@]} files: $( ((ok)) && echo clean || echo FAILED)"
	count "$ok" "kernel-doc" "$( ((ok)) || echo "$log")"
}

# lint_exports: every routine mdl.ko exports is named in a KUnit suite, and
# the Windows names among them are exactly MmGetSystemRoutineAddress's table
# (module/mdl_routines.h).
lint_exports() {
	local log=$RES/exports.log ok=1 name exported table
	exported=$(sed -n 's/^EXPORT_SYMBOL_GPL(\([A-Za-z0-9_]*\));/\1/p' \
		"$MDL_ROOT"/module/*.c | sort -u)
	table=$(sed -n 's/^MDL_ROUTINE(\([A-Za-z0-9_]*\))$/\1/p' \
		"$MDL_ROOT/module/mdl_routines.h" | sort -u)
	: >"$log"
	for name in $exported; do
		grep -qw -- "$name" "$MDL_ROOT"/kunit/*.c ||
			echo "$name is exported but named in no kunit/*.c" >>"$log"
	done
	comm -23 <(grep -v '^mdl_' <<<"$exported") <(printf '%s\n' "$table") |
		sed 's/$/ is exported but not in module\/mdl_routines.h/' >>"$log"
	comm -13 <(printf '%s\n' "$exported") <(printf '%s\n' "$table") |
		sed 's/$/ is in module\/mdl_routines.h but not exported/' >>"$log"
	[[ -s $log ]] && ok=0
	info "exports: $(wc -w <<<"$exported") routines, $( ((ok)) && echo "all tested and in the routine table" || echo FAILED)"
	count "$ok" "exports named in tests and the routine table" "$( ((ok)) || echo "$log")"
}

# lint_reference: doc/reference.md is what make doc makes of the sources.
lint_reference() {
	local log=$RES/reference.log ok=1
	"$MDL_ROOT/scripts/doc.sh" --check >"$log" 2>&1 || ok=0
	info "doc/reference.md matches the kernel-doc of the sources: $( ((ok)) && echo yes ||
		echo "NO (update it: make doc)")"
	count "$ok" "doc/reference.md" "$( ((ok)) || echo "$log")"
}

# lint_layers: module/README.md's layering.  The files of the /dev/mdl
# layer are listed here; every other file of module/ (the WDK core, the
# headers below it, mdl_bench) is below that layer and never includes its
# header (mdl_obj.h) nor the ABI it implements (<linux/mdl.h>).
DEV_LAYER="module/mdl_dev.c module/mdl_fd.c module/mdl_dmabuf.c module/mdl_obj.h"
lint_layers() {
	local log=$RES/layers.log ok=1 f n=0
	: >"$log"
	while IFS= read -r f; do
		case " $DEV_LAYER " in *" $f "*) continue ;; esac
		n=$((n + 1))
		grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*("([^"]*/)?mdl_obj\.h"|<linux/mdl\.h>)' \
			"$MDL_ROOT/$f" | sed "s|^$MDL_ROOT/||; s|\$| (a /dev/mdl-layer header in a core file)|" >>"$log" || true
	done < <(sources module)
	[[ -s $log ]] && ok=0
	info "layers: $n core files, $( ((ok)) && echo "none includes a /dev/mdl-layer header" || echo FAILED)"
	count "$ok" "core files include no /dev/mdl-layer header" "$( ((ok)) || echo "$log")"
}

# lint_shell: the pipeline's own scripts.
lint_shell() {
	local log=$RES/shellcheck.log ok=1
	(cd "$MDL_ROOT" && shellcheck -x scripts/*.sh .ci/run &&
		shellcheck -s sh scripts/vm/init kunit/uml-init.sh scripts/deb/initramfs-init userspace/demo/run &&
		shellcheck -s bash scripts/deb/guest-init scripts/deb/leftovers userspace/mdlctl/mdlctl.bash-completion) \
		>"$log" 2>&1 || ok=0
	info "shellcheck of the pipeline scripts: $( ((ok)) && echo clean || echo FAILED)"
	count "$ok" "shellcheck" "$( ((ok)) || echo "$log")"
}

# lint_readme_matrix: README.md's kernel table is the one kernels.list gives.
lint_readme_matrix() {
	local log=$RES/readme-kernels.log ok=1
	diff -u <(sed -n '/^<!-- kernels.list:/,/^<!-- end of kernels.list -->/p' \
		"$MDL_ROOT/README.md" | sed '1d;$d') <(matrix_table) >"$log" 2>&1 || ok=0
	info "README.md kernel table matches scripts/kernels.list: $( ((ok)) && echo yes ||
		echo "NO (update it: scripts/lint.sh --kernel-table)")"
	count "$ok" "README.md kernel table" "$( ((ok)) || echo "$log")"
}

main() {
	local src i kdir
	clone_lock lint
	command -v sparse >/dev/null || die "sparse not installed; run scripts/setup.sh"
	command -v shellcheck >/dev/null || die "shellcheck not installed; run scripts/setup.sh"
	RES=$(results_dir lint)
	src=$(kernel_src)
	load_kernels
	for i in "${!MDL_K_KVER[@]}"; do
		MDL_SUITE=${MDL_K_SUITE[$i]}
		if ! kdir=$(kdir_for "${MDL_K_KVER[$i]}" "$MDL_SUITE"); then
			count 0 "W=1 C=2 build for ${MDL_K_KVER[$i]}: no headers"
			continue
		fi
		lint_build "${MDL_K_KVER[$i]}" "$kdir"
	done
	lint_build_uml
	lint_checkpatch "$src"
	lint_kerneldoc "$src"
	lint_reference
	lint_exports
	lint_layers
	lint_shell
	lint_readme_matrix
	summary_line lint "$PASS" "$FAIL"
	((FAIL == 0))
}

if [[ ${1:-} == --kernel-table ]]; then
	matrix_table
	exit 0
fi
main "$@"
