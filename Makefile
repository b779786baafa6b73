# SPDX-License-Identifier: GPL-2.0
#
# mdl: build the module in place (also what DKMS calls), and the test
# pipeline.  Kbuild holds the list of objects; this file only drives it.
#
#   make [modules] [KDIR=...]   build mdl.ko (in place)
#   make install                modules_install + depmod for KDIR's kernel (module only)
#   make install-lib | install-tools | install-man
#                               libmdl (+ headers, .pc) | mdlctl (+ completion) | man pages
#                               (PREFIX=/usr/local DESTDIR=, see userspace/Makefile)
#   make uninstall              remove what the install targets installed
#   make deb                    Debian packages into .build/deb/ (scripts/deb.sh)
#   make deb-check              install and use them in a booted Debian guest
#   make clean
#   make check                  set-up + lint + kunit + vmtest + vmtest-debug + dkms-check
#                               + deb-check (Debian 12 and 13), then userspace check
#   make lint | kunit | vmtest | dkms-check | demo | setup
#   make readme-demo            README.md's quick start from the last demo's log
#   make doc                    doc/reference.md from the kernel-doc of the sources
#   make bench                  mdl against its Linux peers (scripts/bench.sh)
#   make vmtest-debug           the QEMU tests on the debug kernel (KASAN, lockdep, ...)
#   make fuzz [DURATION=600]    only mdlfuzz on the debug kernel (MDL_FUZZ_ARGS=)
#   make coverage               line coverage of module/ (debug-kernel run + KUnit)

KDIR ?= /lib/modules/$(shell uname -r)/build
MDL_CACHE ?= $(HOME)/.cache/mdl
export MDL_CACHE

DURATION ?= 600

KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)

.PHONY: all kdir-check modules install install-lib install-tools install-man uninstall \
	clean distclean check setup lint kunit vmtest dkms-check demo bench vmtest-debug fuzz \
	coverage deb deb-check readme-demo doc

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

install-lib install-tools install-man:
	$(MAKE) -C userspace $@

uninstall:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/updates/mdl.ko* \
		$(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/extra/mdl.ko*
	depmod -a $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)
	$(MAKE) -C userspace uninstall

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

readme-demo:
	scripts/readme-demo.sh

bench:
	scripts/bench.sh

vmtest-debug:
	scripts/vmtest.sh --debug

fuzz:
	scripts/vmtest.sh --fuzz $(DURATION)

coverage:
	scripts/coverage.sh

deb:
	scripts/deb.sh

deb-check:
	scripts/deb-check.sh

doc:
	scripts/doc.sh
