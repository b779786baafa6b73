#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the User-Mode Linux KUnit run (scripts/uml-kunit.sh).  The root
# is the host's / over hostfs, read-only.  MDL_UML_STAGE (from the kernel
# command line) is the directory holding mdl.ko and mdl_kunit.ko.  Each step
# prints "MDL: <step> ok" or "MDL: <step> FAILED" for the host to check.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
bb=/bin/busybox
stage=${MDL_UML_STAGE:?MDL_UML_STAGE not set}

step() {
	name=$1
	shift
	if "$@"; then
		echo "MDL: $name ok"
	else
		echo "MDL: $name FAILED"
	fi
}

# Fold the per-CPU vmstat deltas first, or the counters lag by a few pages.
pins() {
	echo 1 >/proc/sys/vm/stat_refresh
	$bb grep '^nr_foll_pin_' /proc/vmstat | $bb sed "s/^/MDL-VMSTAT-$1: /"
}

# The vmalloc areas mdl.ko made (its ranges, hashed as /proc prints them).
mdl_areas() {
	$bb grep ' \[mdl\]' /proc/vmallocinfo | $bb cut -d' ' -f1
}

# None of the areas in $1 is still allocated (unload released them all).
areas_gone() {
	for a in $1; do
		if $bb grep -v unpurged /proc/vmallocinfo | $bb grep -q "^$a "; then
			echo "MDL-VMALLOC-LEFT: $a"
			return 1
		fi
	done
	echo "MDL-VMALLOC: $(echo "$1" | $bb wc -w) areas of mdl released at unload"
}

$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null

pins BEFORE
step "insmod mdl" $bb insmod "$stage/mdl.ko"
step "insmod mdl_kunit" $bb insmod "$stage/mdl_kunit.ko"
pins TESTS
step "rmmod mdl_kunit" $bb rmmod mdl_kunit
areas=$(mdl_areas)
step "rmmod mdl" $bb rmmod mdl
step "mdl areas released" areas_gone "$areas"
# make coverage: the module's gcov data, kept in debugfs after rmmod
# (gcov_persist), as a base64 tar.gz; the files there have no size, so they
# are copied by content first.
if [ "${MDL_UML_GCOV:-0}" = 1 ]; then
	g=/sys/kernel/debug/gcov
	$bb mount -t ramfs ramfs /tmp
	(cd "$g" && $bb find . -name '*.gcda') | while read -r f; do
		$bb mkdir -p "/tmp/gcov/${f%/*}" && $bb cat "$g/$f" >"/tmp/gcov/$f"
	done
	echo "MDL-GCOV-BEGIN"
	$bb tar -C /tmp/gcov -cz . | $bb base64
	echo "MDL-GCOV-END"
fi
pins AFTER
echo "MDL: end ok"
exec $bb poweroff -f
