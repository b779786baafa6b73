#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: mdl against its Linux peers, in the same boot, on Debian's
# kernels 6.1, 6.12 and 7.2 under QEMU. Builds mdl.ko with its benchmark hook
# (make MDL_BENCH=1 -> mdl_bench.ko), userspace/bench/mdlbench (static),
# boots each kernel with $MDL_BENCH_MEM of memory (the 8 GiB case needs
# about 9 GiB), then prints the table, the ratios and PASS/MISS per goal,
# and writes bench-results/<kernel>.csv and bench-results/*.png.
# Each boot has QEMU's edu PCI device for the DMA pair; a second, short
# boot per kernel (q35, an Intel IOMMU, intel_iommu=on) runs that pair
# behind the IOMMU.
#
# Usage: scripts/bench.sh [--quick]
#   --quick            correctness only (tiny sizes, one run): part of checks
# Environment:
#   MDL_BENCH_RUNS     timed runs per case (default 5; median, min, max)
#   MDL_BENCH_ARGS     extra mdlbench arguments, comma separated
#                      (e.g. --groups,lock+pfn,--sizes,4M+64M)
#   MDL_BENCH_NAMES    kernels of scripts/kernels.list to run (default
#                      "bookworm bookworm-6.12 sid": Debian's 6.1, 6.12
#                      and 7.2; each module built in its suite)
#   MDL_BENCH_KERNELS  kernel versions to run instead (any of the list)
#   MDL_BENCH_MEM      guest memory (default 12G)
#   MDL_BENCH_TIMEOUT  seconds per boot (default 1200)
#   MDL_BENCH_IOMMU    0: no boot behind the IOMMU (default 1)
#   MDL_QEMU_ACCEL     tcg (default) or kvm where it works
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=bench

QUICK=0
[[ ${1:-} == --quick ]] && QUICK=1
MDL_BENCH_NAMES=${MDL_BENCH_NAMES:-bookworm bookworm-6.12 sid}
RUNS=${MDL_BENCH_RUNS:-5}
MEM=${MDL_BENCH_MEM:-12G}
TIMEOUT=${MDL_BENCH_TIMEOUT:-1200}
OUTDIR=$MDL_ROOT/bench-results

# host_mem_check: the guest touches up to ~9 GiB; refuse to swap the host.
host_mem_check() {
	local avail_kb need_kb=$((9 * 1024 * 1024))
	((QUICK)) && return 0
	avail_kb=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
	((avail_kb > need_kb)) ||
		die "only $((avail_kb / 1024)) MiB available; the 8 GiB case needs about 9 GiB (set MDL_BENCH_ARGS=--sizes,4M+64M+1G to shrink)"
}

# build_guest KVER RES: mdl.ko + mdl_bench.ko for KVER, packed with
# mdlbench and bench-init into RES/initrd.gz.
build_guest() {
	local kver=$1 res=$2 kdir stage root
	kdir=$(kdir_for "$kver" "$MDL_SUITE")
	stage=$MDL_BUILD/stage/bench-$kver
	build_module "$kdir" "$stage" "$res/build.log" MDL_BENCH=1
	[[ -f $stage/mdl_bench.ko ]] || die "mdl_bench.ko not built (see $res/build.log)"
	root=$res/rootfs
	rm -rf "$root"
	mkdir -p "$root"/{bin,mdl}
	cp /bin/busybox "$root/bin/busybox"
	install -m 755 "$MDL_ROOT/scripts/vm/bench-init" "$root/init"
	cp "$stage/mdl.ko" "$stage/mdl_bench.ko" "$root/mdl/"
	cp "$MDL_BUILD/bench-bin/mdlbench" "$root/bin/"
	pack_initramfs "$root" "$res/initrd.gz"
}

# check_log KVER LOG QEMU_RC: the run's own checks; dies loudly on failure.
check_log() {
	local kver=$1 log=$2 qrc=$3 bad=0 acq0 acq1 rel0 rel1
	if grep '^MDLB-CHECK,.*,FAIL,' "$log" >&2; then
		warn "$kver: data checks FAILED (above)"
		bad=1
	fi
	grep -q '^MDLB-EXIT rc=0' "$log" || { warn "$kver: mdlbench did not exit 0"; bad=1; }
	for s in 'insmod mdl' 'insmod mdl_bench' 'rmmod mdl_bench' 'rmmod mdl' end; do
		grep -q "^MDL: $s ok" "$log" || { warn "$kver: step '$s' not ok"; bad=1; }
	done
	acq0=$(sed -n 's/^MDL-VMSTAT-BEFORE: nr_foll_pin_acquired //p' "$log")
	rel0=$(sed -n 's/^MDL-VMSTAT-BEFORE: nr_foll_pin_released //p' "$log")
	acq1=$(sed -n 's/^MDL-VMSTAT-AFTER: nr_foll_pin_acquired //p' "$log")
	rel1=$(sed -n 's/^MDL-VMSTAT-AFTER: nr_foll_pin_released //p' "$log")
	if [[ -z $acq1 || $((acq1 - acq0)) != $((rel1 - rel0)) ]]; then
		warn "$kver: pins unbalanced: acquired $acq0 -> $acq1, released $rel0 -> $rel1"
		bad=1
	fi
	if grep -En "$MDL_BAD_LOG_RE" "$log" >&2; then
		warn "$kver: kernel log has warnings (above)"
		bad=1
	fi
	((qrc == 0)) || { warn "$kver: QEMU exited with status $qrc"; bad=1; }
	((bad == 0)) || die "$kver: benchmark run FAILED (serial log: $log)"
}

run_kernel() {
	local kver=$1 res kernel log qrc=0 args start
	res=$RESDIR/$kver
	mkdir -p "$res"
	kernel=$(kernel_image "$kver" "$MDL_SUITE")
	info "$kver: building mdl.ko + mdl_bench.ko"
	build_guest "$kver" "$res"
	if ((QUICK)); then
		args=--quick
	else
		args=--runs,$RUNS${MDL_BENCH_ARGS:+,$MDL_BENCH_ARGS}
	fi
	log=$res/serial.log
	info "$kver: booting QEMU (-m $MEM, $MDL_QEMU_ACCEL_NAME, edu, mdlbench ${args//,/ }; log: $log)"
	start=$SECONDS
	boot_past_init "$log" qemu_boot "$kernel" "$res/initrd.gz" "$MEM" \
		"mdlb_args=$args" "$log" "$TIMEOUT" -device edu || qrc=$?
	info "$kver: guest done in $((SECONDS - start)) s"
	check_log "$kver" "$log" "$qrc"
	if ((!QUICK)) && [[ ${MDL_BENCH_IOMMU:-1} != 0 ]] && group_selected dma; then
		# The DMA pair behind an Intel IOMMU: device addresses are IOVAs.
		qrc=0
		info "$kver: booting QEMU (q35, intel-iommu, edu; mdlbench --groups dma; log: $res/iommu.log)"
		start=$SECONDS
		boot_past_init "$res/iommu.log" qemu_boot "$kernel" "$res/initrd.gz" 2G \
			"intel_iommu=on mdlb_args=--runs,$RUNS,--groups,dma" \
			"$res/iommu.log" "$TIMEOUT" -machine q35 -device intel-iommu \
			-device edu || qrc=$?
		info "$kver: guest done in $((SECONDS - start)) s"
		check_log "$kver" "$res/iommu.log" "$qrc"
		grep -q '^MDLB,dma_iommu,' "$res/iommu.log" ||
			die "$kver: the IOMMU boot measured no translated DMA (log: $res/iommu.log)"
		cat "$res/iommu.log" >>"$log"
	fi
	((QUICK)) && {
		info "$kver: $(grep -c '^MDLB-CHECK,.*,ok,' "$log") data checks ok"
		return 0
	}
	mkdir -p "$OUTDIR"
	python3 "$MDL_ROOT/scripts/bench_report.py" csv "$kver" "$log" >"$OUTDIR/$kver.csv"
	cp "$log" "$OUTDIR/$kver.serial.log"
}

# group_selected NAME: MDL_BENCH_ARGS names no --groups, or names NAME.
group_selected() {
	local a=",${MDL_BENCH_ARGS:-},"
	[[ $a != *,--groups,* ]] && return 0
	a=${a#*,--groups,}
	a="+${a%%,*}+"
	[[ $a == *+"$1"+* ]]
}

# bench_kernels: "SUITE KVER" of each kernel to run: MDL_BENCH_KERNELS
# (versions), else the kernels of kernels.list named in MDL_BENCH_NAMES.
bench_kernels() {
	local name suite kver hmeta want=" ${MDL_BENCH_KERNELS:-} " names=" $MDL_BENCH_NAMES "
	while read -r name suite kver hmeta; do
		if [[ -n ${MDL_BENCH_KERNELS:-} ]]; then
			[[ $want == *" $kver "* ]] || continue
		else
			[[ $names == *" $name "* ]] || continue
		fi
		printf '%s %s\n' "$suite" "$kver"
	done < <(MDL_KERNELS='' matrix_kernels) | awk '!seen[$2]++'
}

main() {
	local kvers=() lines line kver start=$SECONDS
	clone_lock bench
	MDL_QEMU_ACCEL_NAME=${MDL_QEMU_ACCEL:-tcg}
	host_mem_check
	RESDIR=$(results_dir bench)
	mapfile -t lines < <(bench_kernels)
	((${#lines[@]} > 0)) || die "no kernel to run (MDL_BENCH_KERNELS='${MDL_BENCH_KERNELS:-}', MDL_BENCH_NAMES='$MDL_BENCH_NAMES')"
	for line in "${lines[@]}"; do
		kvers+=("${line#* }")
	done
	info "building userspace/bench/mdlbench (static)"
	rm -rf "$MDL_BUILD/bench-bin"
	run_logged "$RESDIR/mdlbench-build.log" make -C "$MDL_ROOT/userspace/bench" \
		B="$MDL_BUILD/bench-obj" OUT="$MDL_BUILD/bench-bin"
	for line in "${lines[@]}"; do
		MDL_SUITE=${line%% *}
		run_kernel "${line#* }"
	done
	if ((QUICK)); then
		summary_line bench-quick "${#kvers[@]}" 0
		return 0
	fi
	python3 "$MDL_ROOT/scripts/bench_report.py" report "$OUTDIR" "${kvers[@]}"
	info "make bench: $((SECONDS - start)) s wall (command: make bench${MDL_BENCH_RUNS:+ MDL_BENCH_RUNS=$MDL_BENCH_RUNS})"
}

main "$@"
