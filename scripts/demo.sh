#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: set up, boot the Debian 6.12 kernel in QEMU with mdl.ko (and
# userspace/demo/run if the project has one), then run the KUnit suites.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
MDL_STAGE=demo

banner() {
	printf '\n##### %s #####\n\n' "$*"
}

# The demo needs one Debian kernel and one UML kernel of the list.
export MDL_KERNELS=${MDL_KERNELS:-bookworm-6.12 uml-6.12}

main() {
	banner "1/3 set-up"
	"$MDL_ROOT/scripts/setup.sh"
	banner "2/3 mdl.ko in Debian's 6.12 kernel under QEMU"
	"$MDL_ROOT/scripts/vmtest.sh" --demo bookworm-6.12
	banner "3/3 KUnit suites under User-Mode Linux (KASAN + lockdep)"
	"$MDL_ROOT/scripts/uml-kunit.sh"
}

main "$@"
