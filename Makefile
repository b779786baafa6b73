# SPDX-License-Identifier: GPL-2.0
#
# mdl: build the module in place (also what DKMS calls), and the test
# pipeline.  Kbuild holds the list of objects; this file only drives it.
#
#   make [modules] [KDIR=...]   build mdl.ko (in place)
#   make install                modules_install + depmod for KDIR's kernel
#   make clean
#   make check                  set-up + lint + kunit + vmtest + vmtest-debug + dkms-check
#   make lint | kunit | vmtest | dkms-check | demo | setup
#   make bench                  mdl against its Linux peers (scripts/bench.sh)
#   make vmtest-debug           the QEMU tests on the debug kernel (KASAN, lockdep, ...)
#   make fuzz [DURATION=600]    only mdlfuzz on the debug kernel (MDL_FUZZ_ARGS=)
#   make coverage               line coverage of module/ in the debug-kernel run

KDIR ?= /lib/modules/$(shell uname -r)/build
MDL_CACHE ?= $(HOME)/.cache/mdl
export MDL_CACHE

DURATION ?= 600

KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)

.PHONY: all kdir-check modules install clean distclean check setup lint kunit vmtest \
	dkms-check demo bench vmtest-debug fuzz coverage

all: modules

kdir-check:
	@test -f $(KDIR)/Makefile || { \
		echo "KDIR=$(KDIR) is not a kernel build tree; pass KDIR=<headers dir>" >&2; \
		exit 1; }

modules: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)
	@if [ -f userspace/Makefile ]; then $(MAKE) -C userspace install; fi

clean:
	@if [ -f $(KDIR)/Makefile ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; \
	else \
		find . -path ./.git -prune -o \( -name '*.o' -o -name '*.ko' \
			-o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \) \
			-type f -print | xargs rm -f; \
		rm -f modules.order Module.symvers; \
	fi

distclean: clean
	rm -rf .build

setup:
	scripts/setup.sh

check:
	scripts/check.sh

lint:
	scripts/lint.sh

kunit:
	scripts/uml-kunit.sh

vmtest:
	scripts/vmtest.sh

dkms-check:
	scripts/dkms-check.sh

demo:
	scripts/demo.sh

bench:
	scripts/bench.sh

vmtest-debug:
	scripts/vmtest.sh --debug

fuzz:
	scripts/vmtest.sh --fuzz $(DURATION)

coverage:
	scripts/coverage.sh
