#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make vmtest: boot Debian's own image of each kernel of scripts/kernels.list
# in QEMU with mdl.ko (built with its suite's toolchain), the extra modules
# and the user-space tests in an initramfs; check the serial log.  Prints one
# "[vmtest] KVER: N passed, N failed" line per kernel, then the total.  The
# rows of MDL_LOCKDOWN_KERNELS (default "bookworm bookworm-6.12") boot a
# second time for the lockdown cases alone (a lockdown lasts until reboot):
# "[vmtest] KVER lockdown: N passed, N failed".  Each kernel also boots once
# per mode of MDL_DMA_MODES (default "edu edu-iommu") with QEMU's edu PCI
# device, for the DMA example alone (mdl.ko, wdm_dma.ko, wdm_dma_test):
# "edu" without an IOMMU (MDL_DMA_VM_MEM MiB, default 256: all of it within
# the device's 28 address bits), "edu-iommu" on q35 behind an Intel IOMMU
# (intel_iommu=on, MDL_VM_MEM MiB), "edu-pt" with the IOMMU in passthrough
# mode (iommu=pt, MDL_DMA_VM_MEM MiB), for the rows of MDL_DMA_PT_KERNELS
# (default "all": every kernel) unless MDL_DMA_MODES names it:
# "[vmtest] KVER edu: N passed, N failed".
# The debug kernel (--debug) boots the MDL_DMA_MODES ways after its own run,
# with its checkers. MDL_DMA_ONLY=1 runs the edu boots alone.
#
# Usage: scripts/vmtest.sh                 test on every kernel of the list
#                                          (MDL_KERNELS="NAME..." for some)
#        scripts/vmtest.sh --demo [NAME]   demo run on one kernel of the list
#                                          (default bookworm-6.12)
#        scripts/vmtest.sh --debug         the tests on the debug kernel
#                                          (scripts/debug-kernel.sh): make
#                                          vmtest-debug
#        scripts/vmtest.sh --fuzz SECONDS  only mdlfuzz, on the debug kernel
#                                          (make fuzz; MDL_FUZZ_ARGS)
#        scripts/vmtest.sh --coverage      --debug with mdl.ko built for gcov;
#                                          the .gcda files are left in
#                                          .build/results/coverage/gcov/
#
# Hooks (each skipped when absent):
#   examples/Makefile   make -C <stage>/examples KDIR=<headers> \
#                            MDL_SYMVERS=<stage>/Module.symvers
#                       must build *.ko in the staged copy (the stage holds
#                       Kbuild, module/, uapi/ next to examples/); every *.ko
#                       found below examples/ goes to /mdl/extra/ and is
#                       loaded after mdl.ko in name order, unloaded in reverse.
#                       If examples/Makefile has a "vmtest-bins:" target, also
#                       make -C <stage>/examples vmtest-bins OUT=<abs dir> \
#                            CC="gcc -static"      (programs -> /tests/bin/)
#   userspace/Makefile  make -C userspace vmtest-bins OUT=<abs dir> \
#                            CC="gcc -static" KSELFTEST_DIR=<dir>
#                       installs static programs into OUT -> /tests/bin/;
#                       KSELFTEST_DIR is tools/testing/selftests of the
#                       host's kernel source (kernel_src), the selftests'
#                       kselftest harness.
#   userspace/tests/    copied to /tests/; /tests/run (executable) is run as
#                       root in /tests, PATH starting with /tests/bin, env
#                       MDL_KVER and MDL_TESTS_BIN; it prints TAP ("ok N ..." /
#                       "not ok N ..." at column 0, "# SKIP" allowed) for its
#                       root and unprivileged cases (user "nobody", uid/gid
#                       65534, in /etc/passwd: `su -s /bin/sh nobody -c CMD`;
#                       busybox's setpriv cannot change uids), may print a
#                       plan "1..N" (then exactly N results are required) and
#                       exits non-zero on failure.  /tmp is a writable tmpfs.
#   userspace/demo/     copied to /demo/; /demo/run is run in demo mode only.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=vmtest

MDL_VM_TIMEOUT=${MDL_VM_TIMEOUT:-600}
# Rows of scripts/kernels.list that also boot once more for the lockdown
# cases alone (a lockdown lasts until reboot); "" for none.
MDL_LOCKDOWN_KERNELS=${MDL_LOCKDOWN_KERNELS-bookworm bookworm-6.12}
MDL_QEMU_ACCEL=${MDL_QEMU_ACCEL:-tcg}
MDL_VM_MEM=${MDL_VM_MEM:-1024}
MDL_DMA_MODES=${MDL_DMA_MODES-edu edu-iommu}
# Rows that also boot in the passthrough mode (its device addresses are
# physical, as without an IOMMU); "all" for every row, "" for none.
MDL_DMA_PT_KERNELS=${MDL_DMA_PT_KERNELS-all}
MDL_DMA_VM_MEM=${MDL_DMA_VM_MEM:-256}
# More QEMU arguments of the next boot (the edu device, the IOMMU).
QEMU_EXTRA=()

# build_extras KDIR STAGE LOG: build the modules of examples/ against the
# staged mdl.ko, with the kernel's suite's toolchain ($MDL_SUITE).
build_extras() {
	local kdir=$1 stage=$2 log=$3
	[[ -f $MDL_ROOT/examples/Makefile ]] || return 0
	info "building examples/"
	cp -a "$MDL_ROOT/examples" "$stage/"
	run_logged "$log" in_suite "${MDL_SUITE:-$(host_suite)}" \
		make -C "$stage/examples" KDIR="$kdir" MDL_SYMVERS="$stage/Module.symvers" modules
}

# build_userspace OUT LOG: static test programs (userspace/ and examples/),
# built once on the host for all kernels.
build_userspace() {
	local out=$1 log=$2 ex=$MDL_BUILD/stage/examples-bins src
	rm -rf "$out"
	mkdir -p "$out"
	if [[ -f $MDL_ROOT/userspace/Makefile ]]; then
		src=$(kernel_src)
		info "building static user-space test programs"
		run_logged "$log" make -C "$MDL_ROOT/userspace" vmtest-bins OUT="$out" \
			CC="gcc -static" KSELFTEST_DIR="$src/tools/testing/selftests"
	else
		info "no userspace/Makefile: no test programs"
	fi
	[[ -f $MDL_ROOT/examples/Makefile ]] || return 0
	grep -q '^vmtest-bins:' "$MDL_ROOT/examples/Makefile" || return 0
	rm -rf "$ex"
	mkdir -p "$ex"
	cp -a "$MDL_ROOT/examples/." "$ex/"
	run_logged "$log.examples" make -C "$ex" vmtest-bins OUT="$out" CC="gcc -static"
}

# make_initramfs STAGE BINS MODE OUT: pack the guest's root into OUT (gzip).
make_initramfs() {
	local stage=$1 bins=$2 out=$3 root ko
	root=$(dirname "$out")/rootfs
	rm -rf "$root"
	mkdir -p "$root"/{bin,etc,mdl/extra,tests/bin}
	cp /bin/busybox "$root/bin/busybox"
	install -m 755 "$MDL_ROOT/scripts/vm/init" "$root/init"
	printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/tmp:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	cp "$stage/mdl.ko" "$root/mdl/"
	if [[ -d $stage/examples ]]; then
		while IFS= read -r ko; do
			cp "$ko" "$root/mdl/extra/"
		done < <(find "$stage/examples" -name '*.ko')
	fi
	[[ -d $MDL_ROOT/userspace/tests ]] && cp -a "$MDL_ROOT/userspace/tests/." "$root/tests/"
	[[ -d $MDL_ROOT/userspace/demo ]] && cp -a "$MDL_ROOT/userspace/demo" "$root/demo"
	cp -a "$bins/." "$root/tests/bin/"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# qemu_once VMLINUZ INITRD MODE LOG: QEMU with a hard timeout; returns its status.
# no_timer_check: on a loaded host, emulation can be too slow for the early
# IO-APIC timer check, which then panics ("IO-APIC + timer doesn't work").
# The guest is a NUMA machine: two nodes, each half of the memory and one
# CPU, a socket each (two cores of one socket would share a cache across
# nodes, which the kernel warns about); mdlnodes= tells the tests how many
# nodes to expect.
qemu_once() {
	local kernel=$1 initrd=$2 mode=$3 log=$4 rc=0 half=$((MDL_VM_MEM / 2))
	with_timeout "$MDL_VM_TIMEOUT" qemu-system-x86_64 -accel "$MDL_QEMU_ACCEL" \
		-m "$MDL_VM_MEM" -smp 2,sockets=2,cores=1,threads=1 -nographic -no-reboot -monitor none \
		-object memory-backend-ram,id=mem0,size="$half"M \
		-object memory-backend-ram,id=mem1,size=$((MDL_VM_MEM - half))M \
		-numa node,nodeid=0,cpus=0,memdev=mem0 -numa node,nodeid=1,cpus=1,memdev=mem1 \
		"${QEMU_EXTRA[@]}" -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 no_timer_check mdlvm=$mode mdlnodes=2 ${MDL_VM_APPEND:-}" \
		</dev/null >"$log" 2>&1 || rc=$?
	sed -i 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g' "$log"
	return "$rc"
}

# boot_vm VMLINUZ INITRD MODE LOG: one guest run (qemu_once), booted once
# more if the kernel crashed before /init (boot_past_init).
boot_vm() {
	boot_past_init "$4" qemu_once "$@"
}

# prepare_kernel KVER BINS MODE RES: build everything (with the toolchain of
# the kernel's suite, $MDL_SUITE) and the initramfs.
prepare_kernel() {
	local kver=$1 bins=$2 mode=$3 res=$4 kdir stage
	kdir=$(kdir_for "$kver" "${MDL_SUITE:-$(host_suite)}")
	stage=$MDL_BUILD/stage/$kver
	info "$kver: building mdl.ko (${MDL_SUITE:-$(host_suite)} toolchain)"
	build_module "$kdir" "$stage" "$res/build.log"
	build_extras "$kdir" "$stage" "$res/examples.log"
	make_initramfs "$stage" "$bins" "$res/initrd.gz"
}

# --- evaluation of a test-mode serial log -----------------------------------

PASS=0
FAIL=0

result() {
	local ok=$1 name=$2
	if ((ok)); then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		warn "$KVER: not ok: $name"
	fi
}

# marker NAME: 1 if the guest printed "MDL: NAME ok".
marker() {
	grep -q "^MDL: $1 ok" "$LOG" && echo 1 || echo 0
}

section() {
	sed -n "/^$1-BEGIN/,/^$1-END/p" "$LOG"
}

pin_delta_ok() {
	local acq0 rel0 acq1 rel1
	acq0=$(sed -n 's/^MDL-VMSTAT-BEFORE: nr_foll_pin_acquired //p' "$LOG")
	rel0=$(sed -n 's/^MDL-VMSTAT-BEFORE: nr_foll_pin_released //p' "$LOG")
	acq1=$(sed -n 's/^MDL-VMSTAT-AFTER: nr_foll_pin_acquired //p' "$LOG")
	rel1=$(sed -n 's/^MDL-VMSTAT-AFTER: nr_foll_pin_released //p' "$LOG")
	[[ -n $acq0 && -n $rel0 && -n $acq1 && -n $rel1 ]] || return 1
	info "$KVER: pins acquired $acq0 -> $acq1, released $rel0 -> $rel1"
	((acq1 - acq0 == rel1 - rel0))
}

# evaluate_log QEMU_RC: count infra checks and the tests' TAP lines.
evaluate_log() {
	local qrc=$1 name tap_ok tap_fail tap_skip plan ok
	result "$(marker booted)" "booted"
	result "$(marker 'insmod mdl')" "insmod mdl.ko + /sys/module/mdl"
	for name in $(sed -n 's/^MDL: \(insmod\|rmmod\) \([^ ]*\.ko\) .*/\1 \2/p' "$LOG" | tr ' ' '@'); do
		result "$(marker "${name//@/ }")" "${name//@/ }"
	done
	if grep -q '^MDL-TESTS-BEGIN' "$LOG"; then
		tap_ok=$(section MDL-TESTS | grep -Ec '^ok [0-9]+' || true)
		tap_fail=$(section MDL-TESTS | grep -Ec '^not ok [0-9]+' || true)
		tap_skip=$(section MDL-TESTS | grep -Eic '^ok [0-9]+.*# skip' || true)
		plan=$(section MDL-TESTS | sed -n 's/^1\.\.\([0-9]*\).*/\1/p' | head -n 1)
		info "$KVER: /tests/run: $tap_ok ok ($tap_skip skipped), $tap_fail not ok${plan:+, plan $plan}"
		PASS=$((PASS + tap_ok))
		FAIL=$((FAIL + tap_fail))
		section MDL-TESTS | grep -E '^not ok' | sed "s/^/[vmtest] $KVER: /" >&2 || true
		result "$(marker 'TESTS exit status')" "/tests/run exit status"
		((tap_ok + tap_fail > 0)) || result 0 "/tests/run printed no TAP results"
		[[ -z $plan ]] || ((plan == tap_ok + tap_fail)) ||
			result 0 "/tests/run planned $plan tests, reported $((tap_ok + tap_fail))"
	else
		info "$KVER: no /tests/run in the initramfs (hook absent)"
	fi
	result "$(marker 'rmmod mdl')" "rmmod mdl + /sys/module/mdl gone"
	ok=1
	pin_delta_ok || ok=0
	result "$ok" "pins balanced"
	ok=1
	if grep -q '^MDL-DMESG-END' "$LOG"; then
		grep -En "$MDL_BAD_LOG_RE" "$LOG" | sed "s/^/[vmtest] $KVER: log line /" >&2 && ok=0
	else
		ok=0
	fi
	result "$ok" "kernel log clean"
	ok=0
	[[ $(marker end) == 1 && $qrc == 0 ]] && ok=1
	if ((qrc == 124 || qrc == 137)); then
		result 0 "QEMU timed out after ${MDL_VM_TIMEOUT}s (MDL_VM_TIMEOUT)"
	else
		result "$ok" "clean poweroff (qemu status $qrc)"
	fi
}

# run_lockdown KVER KERNEL RES: a second boot of the same initramfs in mode
# lockdown (only the lockdown cases, MDL_TEST_LOCKDOWN=1), counted apart as
# "[vmtest] KVER lockdown".
run_lockdown() {
	local kver=$1 kernel=$2 res=$3 qrc=0 p0=$PASS f0=$FAIL boot=$SECONDS
	LOG=$res/serial-lockdown.log
	info "$kver: booting QEMU for the lockdown cases (log: $LOG)"
	boot_vm "$kernel" "$res/initrd.gz" lockdown "$LOG" || qrc=$?
	KVER="$kver lockdown"
	evaluate_log "$qrc"
	KVER=$kver
	info "$kver lockdown: done: $((PASS - p0)) ok, $((FAIL - f0)) not ok (QEMU $((SECONDS - boot)) s)"
	SUMMARY+=("$(summary_line "[vmtest] $kver lockdown" "$((PASS - p0))" "$((FAIL - f0))")")
}

# run_dma KVER KERNEL RES MODE: a boot with the edu device for the DMA
# example alone, counted apart as "[vmtest] KVER MODE" (MDL_DMA_MODES).
run_dma() {
	local kver=$1 kernel=$2 res=$3 dmode=$4 qrc=0 p0=$PASS f0=$FAIL boot=$SECONDS
	local mem=$MDL_DMA_VM_MEM append=${MDL_VM_APPEND:-}
	case $dmode in
	edu) QEMU_EXTRA=(-device edu) ;;
	edu-iommu)
		QEMU_EXTRA=(-machine q35 -device intel-iommu -device edu)
		mem=$MDL_VM_MEM
		MDL_VM_APPEND="$append intel_iommu=on"
		;;
	edu-pt)
		QEMU_EXTRA=(-machine q35 -device intel-iommu -device edu)
		MDL_VM_APPEND="$append intel_iommu=on iommu=pt"
		;;
	*) die "MDL_DMA_MODES: unknown mode $dmode (edu, edu-iommu, edu-pt)" ;;
	esac
	MDL_VM_APPEND+=" mdldma=$dmode"
	LOG=$res/serial-$dmode.log
	info "$kver: booting QEMU with the edu device ($dmode, $mem MiB; log: $LOG)"
	MDL_VM_MEM=$mem boot_vm "$kernel" "$res/initrd.gz" dma "$LOG" || qrc=$?
	QEMU_EXTRA=()
	MDL_VM_APPEND=$append
	KVER="$kver $dmode"
	evaluate_log "$qrc"
	[[ $MDL_STAGE == vmtest-debug ]] && debug_checks debug
	KVER=$kver
	info "$kver $dmode: done: $((PASS - p0)) ok, $((FAIL - f0)) not ok (QEMU $((SECONDS - boot)) s)"
	SUMMARY+=("$(summary_line "[$MDL_STAGE] $kver $dmode" "$((PASS - p0))" "$((FAIL - f0))")")
}

# run_kernel KVER SUITE BINS [NAME]: image, build, boot and evaluation of
# one kernel (and its lockdown boot when NAME is in MDL_LOCKDOWN_KERNELS); a
# build failure counts as one failure of that kernel.
run_kernel() {
	local kver=$1 suite=$2 bins=$3 name=${4:-} res kernel qrc=0 p0=$PASS f0=$FAIL start=$SECONDS boot dmode
	KVER=$kver
	MDL_SUITE=$suite
	res=$MDL_RESULTS/vmtest/$kver
	mkdir -p "$res"
	if ! kernel=$(kernel_image "$kver" "$suite") ||
		! (prepare_kernel "$kver" "$bins" test "$res"); then
		result 0 "image download or module build ($res)"
		SUMMARY+=("$(summary_line "[vmtest] $kver" "$((PASS - p0))" "$((FAIL - f0))")")
		return 0
	fi
	if [[ ${MDL_DMA_ONLY:-0} != 1 ]]; then
		LOG=$res/serial.log
		info "$kver: booting QEMU ($MDL_QEMU_ACCEL, timeout ${MDL_VM_TIMEOUT}s, log: $LOG)"
		boot=$SECONDS
		boot_vm "$kernel" "$res/initrd.gz" test "$LOG" || qrc=$?
		evaluate_log "$qrc"
		info "$kver: done: $((PASS - p0)) ok, $((FAIL - f0)) not ok" \
			"(build $((boot - start)) s, QEMU $((SECONDS - boot)) s)"
		SUMMARY+=("$(summary_line "[vmtest] $kver" "$((PASS - p0))" "$((FAIL - f0))")")
	fi
	if [[ ${MDL_DMA_ONLY:-0} != 1 && -n $name && " $MDL_LOCKDOWN_KERNELS " == *" $name "* ]]; then
		run_lockdown "$kver" "$kernel" "$res"
	fi
	for dmode in $MDL_DMA_MODES; do
		run_dma "$kver" "$kernel" "$res" "$dmode"
	done
	if [[ -n $name && ($MDL_DMA_PT_KERNELS == all ||
		" $MDL_DMA_PT_KERNELS " == *" $name "*) &&
		" $MDL_DMA_MODES " != *" edu-pt "* ]]; then
		run_dma "$kver" "$kernel" "$res" edu-pt
	fi
}

main_test() {
	local res bins i
	SUMMARY=()
	clone_lock vmtest
	res=$(results_dir vmtest)
	bins=$MDL_BUILD/vmtest-bins
	load_kernels
	build_userspace "$bins" "$res/userspace.log"
	for i in "${!MDL_K_KVER[@]}"; do
		run_kernel "${MDL_K_KVER[$i]}" "${MDL_K_SUITE[$i]}" "$bins" "${MDL_K_NAME[$i]}"
	done
	printf '%s\n' "${SUMMARY[@]}"
	summary_line vmtest "$PASS" "$FAIL"
	((FAIL == 0 && PASS > 0))
}

# --- demo mode ---------------------------------------------------------------

main_demo() {
	local kver res bins kernel qrc=0
	clone_lock vmtest
	MDL_KERNELS=${1:-bookworm-6.12}
	load_kernels
	kver=${MDL_K_KVER[0]}
	MDL_SUITE=${MDL_K_SUITE[0]}
	res=$(results_dir demo)
	bins=$MDL_BUILD/vmtest-bins
	build_userspace "$bins" "$res/userspace.log"
	kernel=$(kernel_image "$kver" "$MDL_SUITE")
	prepare_kernel "$kver" "$bins" demo "$res"
	[[ -x $MDL_ROOT/userspace/demo/run ]] ||
		info "no userspace/demo/run: the demo only loads and unloads mdl.ko"
	info "booting Debian $kver in QEMU ($MDL_QEMU_ACCEL); serial log: $res/serial.log"
	boot_vm "$kernel" "$res/initrd.gz" demo "$res/serial.log" || qrc=$?
	echo
	echo "================ guest console (kernel $kver) ================"
	sed -n '/^MDL: booted/,/^MDL-DMESG-BEGIN/p' "$res/serial.log" | sed '$d'
	echo "================ end of guest console ================"
	echo
	if ! grep -q '^MDL: end ok' "$res/serial.log" || ((qrc != 0)); then
		die "the demo VM did not finish cleanly (status $qrc, log $res/serial.log)"
	fi
	grep -q '^MDL: rmmod mdl ok' "$res/serial.log" || die "mdl.ko did not unload"
	if [[ -x $MDL_ROOT/userspace/demo/run ]]; then
		grep -q '^MDL: DEMO exit status ok' "$res/serial.log" || die "/demo/run failed"
	fi
	if grep -En "$MDL_BAD_LOG_RE" "$res/serial.log"; then
		die "kernel log has warnings (above)"
	fi
}

# --- the debug kernel: vmtest-debug, fuzz, coverage -------------------------

# What only the debug kernel's checkers print (beyond MDL_BAD_LOG_RE).
MDL_DEBUG_BAD_LOG_RE='Bad page|BUG: KFENCE|unreferenced object 0x|suspected memory leak|kmemleak: .*(disabled|[Ee]rror|[Ff]ailed)|DMA-API: .*(device driver|out of memory|disabl)|INFO: |blocked for more than|detected stall'
MDL_DEBUG_VM_MEM=${MDL_DEBUG_VM_MEM:-3072}
MDL_DEBUG_VM_TIMEOUT=${MDL_DEBUG_VM_TIMEOUT:-3600}

# section_tap NAME: "ok not-ok" counts of the TAP lines in section NAME.
section_tap() {
	local ok bad
	ok=$(section "$1" | grep -Ec '^ok [0-9]+' || true)
	bad=$(section "$1" | grep -Ec '^not ok [0-9]+' || true)
	printf '%s %s\n' "$ok" "$bad"
}

# debug_checks MODE: what the debug kernel adds to evaluate_log.
debug_checks() {
	local mode=$1 ok leaks ok_n bad_n
	result "$(marker 'fault injection set up')" "fault injection set up (fail-nth)"
	result "$(marker 'kmemleak set up')" "kmemleak set up"
	ok=0
	if grep -q '^MDL-STATS-END' "$LOG"; then
		ok=1
		section MDL-STATS | grep -Ev '^MDL-STATS-|^[a-z_]+ 0$' |
			sed "s/^/[$MDL_STAGE] debugfs counter not zero before rmmod: /" >&2 && ok=0
	fi
	result "$ok" "mdl's debugfs counters zero before rmmod"
	ok=0
	if [[ $(marker 'kmemleak scan') == 1 ]]; then
		leaks=$(section MDL-KMEMLEAK | grep -c '^unreferenced object' || true)
		info "$KVER: kmemleak after rmmod: $leaks unreferenced objects"
		((leaks == 0)) && ok=1
		((leaks == 0)) || section MDL-KMEMLEAK | sed "s/^/[$MDL_STAGE] /" >&2
	fi
	result "$ok" "kmemleak: no leak after rmmod"
	[[ $mode == fuzz ]] || return 0
	if ! grep -q '^MDL-FUZZ-END' "$LOG"; then
		result 0 "mdlfuzz ran to its end"
		return 0
	fi
	read -r ok_n bad_n < <(section_tap MDL-FUZZ)
	info "$KVER: mdlfuzz: $ok_n ok, $bad_n not ok; $(section MDL-FUZZ | grep -Eim1 'seed' || true)"
	PASS=$((PASS + ok_n))
	FAIL=$((FAIL + bad_n))
	section MDL-FUZZ | grep -E '^not ok' | sed "s/^/[$MDL_STAGE] /" >&2 || true
	result "$(marker 'FUZZ exit status')" "mdlfuzz exit status"
}

# main_debug debug|fuzz SECONDS|coverage: build (or take from the cache) the
# debug kernel, mdl.ko and the examples against it, boot, evaluate.
main_debug() {
	local mode=$1 secs=${2:-${MDL_FUZZ_SECONDS:-60}} kdir kernel stage res bins qrc=0 start
	local vmmode=test name=vmtest-debug gcov='' ok dmode
	case $mode in
	fuzz) vmmode=fuzz name=fuzz ;;
	coverage) name=coverage gcov=1 ;;
	esac
	[[ $secs =~ ^[0-9]+$ ]] || die "the fuzz duration must be a number of seconds, not \"$secs\""
	MDL_STAGE=$name
	clone_lock vmtest
	res=$(results_dir "$name")
	bins=$MDL_BUILD/vmtest-bins
	build_userspace "$bins" "$res/userspace.log"
	if [[ $mode == fuzz && ! -x $bins/mdlfuzz ]]; then
		die "no mdlfuzz among the test programs ($bins): userspace/fuzz/ must build a static mdlfuzz in make -C userspace vmtest-bins"
	fi
	kdir=$("$MDL_ROOT/scripts/debug-kernel.sh")
	kernel=$kdir/arch/x86/boot/bzImage
	KVER=$(cat "$kdir/include/config/kernel.release")
	stage=$MDL_BUILD/stage/debugk
	info "$KVER: building mdl.ko${gcov:+ with gcov profiling} against $kdir"
	build_module "$kdir" "$stage" "$res/build.log" ${gcov:+MDL_GCOV=1}
	build_extras "$kdir" "$stage" "$res/examples.log"
	make_initramfs "$stage" "$bins" "$res/initrd.gz"
	MDL_VM_MEM=$MDL_DEBUG_VM_MEM
	MDL_VM_TIMEOUT=$MDL_DEBUG_VM_TIMEOUT
	[[ $mode == fuzz ]] && MDL_VM_TIMEOUT=$((MDL_DEBUG_VM_TIMEOUT + secs))
	# Emulation is 10 to 50 times slower than hardware, KASAN and lockdep
	# slower still: the lockup and stall detectors get thresholds to match.
	MDL_VM_APPEND="watchdog_thresh=60 rcupdate.rcu_cpu_stall_timeout=120"
	MDL_VM_APPEND+=" mdldebug=1 mdlfuzz=$secs${gcov:+ mdlgcov=1}"
	[[ -n ${MDL_FUZZ_ARGS:-} ]] && MDL_VM_APPEND+=" mdlfuzzargs=${MDL_FUZZ_ARGS// /+}"
	MDL_BAD_LOG_RE="$MDL_BAD_LOG_RE|$MDL_DEBUG_BAD_LOG_RE"
	LOG=$res/serial.log
	start=$SECONDS
	if [[ $mode != debug || ${MDL_DMA_ONLY:-0} != 1 ]]; then
		info "$KVER: booting QEMU ($MDL_QEMU_ACCEL, ${MDL_VM_MEM} MiB, timeout ${MDL_VM_TIMEOUT}s, log: $LOG)"
		boot_vm "$kernel" "$res/initrd.gz" "$vmmode" "$LOG" || qrc=$?
		if [[ -n $gcov ]]; then
			ok=0
			gcov_unpack "$LOG" "$res" "$stage" && ok=1
			result "$ok" "gcov data copied out of the guest"
		fi
		evaluate_log "$qrc"
		debug_checks "$mode"
		info "$KVER: QEMU $((SECONDS - start)) s"
	fi
	SUMMARY=()
	if [[ $mode == debug ]]; then
		for dmode in $MDL_DMA_MODES; do
			run_dma "$KVER" "$kernel" "$res" "$dmode"
		done
		KVER=$(cat "$kdir/include/config/kernel.release")
	fi
	((${#SUMMARY[@]} == 0)) || printf '%s\n' "${SUMMARY[@]}"
	summary_line "$name" "$PASS" "$FAIL"
	((FAIL == 0 && PASS > 0))
}

if [[ ${1:-} == --demo ]]; then
	shift
	MDL_STAGE=demo
	main_demo "$@"
elif [[ ${1:-} == --debug ]]; then
	main_debug debug
elif [[ ${1:-} == --fuzz ]]; then
	main_debug fuzz "${2:-}"
elif [[ ${1:-} == --coverage ]]; then
	main_debug coverage
else
	main_test
fi
