// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_dma_test: does a Windows bus-master driver's DMA reach a real device?
 * The driver (examples/dma) copies buffers memory -> QEMU's edu device ->
 * memory through its DMA adapter; this program checks every byte that
 * arrives in its own buffers, the driver's checks of its kernel buffers,
 * the device addresses it was given (within the device's 28 bits; the
 * physical ones without an IOMMU, others with one), the IRQL of its
 * callbacks, the MDLs BuildMdlFromScatterGatherList made of its lists
 * (only without an IOMMU), what the version-3 adapter reports of itself,
 * and the statuses of refused calls.
 *
 * MDL_DMA_MODE says what the guest has: "none" (edu, no IOMMU), "iommu"
 * (edu behind an Intel IOMMU), "passthrough" (the IOMMU in passthrough
 * mode: device addresses are physical); unset: no edu device is expected.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wdk_ioctl.h"
#include "tap.h"

#define S_INVALID_PARAMETER	((int32_t)0xC000000D)
#define S_INSUFFICIENT		((int32_t)0xC000009A)
#define S_BUFFER_TOO_SMALL	((int32_t)0xC0000023)
#define S_DEVICE_BUSY		((int32_t)0x80000011)
#define S_NOT_SUPPORTED		((int32_t)0xC00000BB)
#define S_NOT_IMPLEMENTED	((int32_t)0xC0000002)
#define DISPATCH_LEVEL		2
#define HIGH_LEVEL		15
#define MASK			((1ULL << 28) - 1)

static int dev, iommu;
static unsigned int high_seen;	/* elements of pages above the mask */

static const char *const methods[EDU_METHODS] = {
	"GetScatterGatherList", "BuildScatterGatherList", "MapTransfer",
	"GetScatterGatherListEx", "BuildScatterGatherListEx",
	"AllocateAdapterChannelEx + MapTransferEx",
};

static int device_io_control(unsigned int code, void *buf, unsigned int len)
{
	struct wdk_device_control dc = {
		.code = code, .in_len = len, .out_len = len,
		.in = (uintptr_t)buf, .out = (uintptr_t)buf,
	};

	return ioctl(dev, WDK_IOC_DEVICE_CONTROL, &dc);
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 13 + i * 5 + (i >> 10));
}

static size_t wrong(const unsigned char *p, size_t n, unsigned int seed)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		bad += p[i] != (unsigned char)(seed * 13 + i * 5 + (i >> 10));
	return bad;
}

/* What every transfer must show about its device addresses. */
static int addresses_ok(const struct edu_stats *s, int method, char *why, size_t len)
{
	int list_ex = method == EDU_METHOD_GET_SG_EX || method == EDU_METHOD_BUILD_SG_EX;

	if (!s->elements || s->over_mask || s->max_address > MASK) {
		snprintf(why, len, "%u elements, %u above the mask (max %#llx)",
			 s->elements, s->over_mask, (unsigned long long)s->max_address);
		return 0;
	}
	/* AllocateAdapterChannelEx without a routine: no callback may run. */
	if (method == EDU_METHOD_MAP_TRANSFER_EX ?
	    s->min_irql != HIGH_LEVEL || s->max_irql != 0 :
	    s->min_irql != DISPATCH_LEVEL || s->max_irql != DISPATCH_LEVEL) {
		snprintf(why, len, "callbacks at IRQL %u..%u", s->min_irql, s->max_irql);
		return 0;
	}
	/* Lists of physical addresses have an MDL; IOVA lists have none. */
	if (list_ex ? (iommu ? s->mdls != 0 : s->mdls == 0) : s->mdls != 0) {
		snprintf(why, len, "BuildMdlFromScatterGatherList described %u lists",
			 s->mdls);
		return 0;
	}
	/* Without an IOMMU, only a bounced (high) page has another address. */
	if (!iommu && s->elements - s->identity > s->high) {
		snprintf(why, len, "%u of %u elements translated without an IOMMU",
			 s->elements - s->identity, s->elements);
		return 0;
	}
	/* Behind the IOMMU, device addresses are IOVAs. */
	if (iommu && s->identity * 2 > s->elements) {
		snprintf(why, len, "%u of %u elements at their physical address",
			 s->identity, s->elements);
		return 0;
	}
	snprintf(why, len, "%u elements, %u at the physical address, %u high, %u lists as MDLs, e.g. phys %#llx -> device %#llx",
		 s->elements, s->identity, s->high, s->mdls,
		 (unsigned long long)s->phys_sample, (unsigned long long)s->dev_sample);
	return 1;
}

static void test_user(int method, size_t offset, unsigned int length, int partial,
		      unsigned int repeat)
{
	unsigned char *src = malloc(length + 8192), *dst = malloc(length + 8192);
	struct edu_copy c = { .length = length, .method = method, .partial = partial,
			      .repeat = repeat };
	char why[200];
	size_t bad;
	int ok;

	fill(src + offset, length, method + 1);
	memset(dst, 0x5a, length + 8192);
	c.src = (uintptr_t)(src + offset);
	c.dst = (uintptr_t)(dst + 77);
	ok = !device_io_control(IOCTL_EDU_COPY, &c, sizeof(c)) && c.stats.status == 0;
	bad = wrong(dst + 77, length, method + 1);
	ok = ok && !bad && dst[76] == 0x5a && dst[77 + length] == 0x5a;
	ok = ok && addresses_ok(&c.stats, method, why, sizeof(why));
	high_seen += c.stats.high;
	tap_ok(ok, "%s: user buffers (MmProbeAndLockPages%s%s), %u bytes at offset %zu, %u device DMAs, %zu bytes wrong, status %#x: %s",
	       methods[method], partial ? ", the device writes a partial MDL of the lock" : "",
	       !repeat ? "" : method == EDU_METHOD_GET_SG ?
	       ", copied again over the same locks, the destination zeroed each time, the last time beside a second list of the source" :
	       ", copied again over the same locks, the destination zeroed each time",
	       length, offset, c.stats.transfers, bad,
	       (unsigned int)c.stats.status, why);
	free(src);
	free(dst);
}

static void test_kernel(int kind, int method, const char *what)
{
	struct edu_kernel k = { .kind = kind, .method = method, .length = 12000,
				.offset = 100 };
	char why[200] = "";
	int ok;

	ok = !device_io_control(IOCTL_EDU_KERNEL, &k, sizeof(k));
	if (ok && kind == EDU_KERNEL_HIGH && k.stats.status == S_INSUFFICIENT) {
		tap_skip("%s: MmAllocatePagesForMdlEx found no free memory above the 28-bit mask in this guest",
			 what);
		return;
	}
	high_seen += k.stats.high;
	ok = ok && k.stats.status == 0 && !k.stats.mismatches &&
	     addresses_ok(&k.stats, method, why, sizeof(why));
	if (kind == EDU_KERNEL_HIGH)
		ok = ok && k.stats.high == k.stats.elements && !k.stats.identity;
	tap_ok(ok, "%s (%s): status %#x, %u bytes wrong, %u device DMAs: %s", what,
	       methods[method], (unsigned int)k.stats.status, k.stats.mismatches,
	       k.stats.transfers, why);
}

static void test_bad_args(void)
{
	static const struct {
		int index;
		int32_t status;
		const char *what;
	} cases[] = {
		{ EDU_BAD_PAST_END, S_INVALID_PARAMETER, "Length past the MDL" },
		{ EDU_BAD_VA_OUTSIDE, S_INVALID_PARAMETER, "CurrentVa before the MDL" },
		{ EDU_BAD_TOO_LONG, S_INSUFFICIENT, "more pages than map registers" },
		{ EDU_BAD_READ_ONLY, S_INVALID_PARAMETER, "device write to a read-only lock" },
		{ EDU_BAD_FREED_ADAPTER, S_INVALID_PARAMETER, "an adapter already put" },
		{ EDU_BAD_SMALL_BUFFER, S_BUFFER_TOO_SMALL, "BuildScatterGatherList, short buffer" },
		{ EDU_BAD_ZERO_LENGTH, S_INVALID_PARAMETER, "Length 0" },
		{ EDU_BAD_SYSTEM_DMA, S_NOT_SUPPORTED, "IoGetDmaAdapter of system DMA: NULL" },
		{ EDU_BAD_CHANNEL_BUSY, S_DEVICE_BUSY, "AllocateAdapterChannel while held" },
		{ EDU_BAD_READ_ONLY_PART, S_INVALID_PARAMETER,
		  "device write to a partial MDL of a read-only lock" },
		{ EDU_BAD_EX_CONTEXT, S_INVALID_PARAMETER,
		  "GetScatterGatherListEx, transfer context not initialised" },
		{ EDU_BAD_EX_FLAGS, S_INVALID_PARAMETER, "GetScatterGatherListEx, unknown flag" },
		{ EDU_BAD_EX_FREED, S_INVALID_PARAMETER,
		  "InitializeDmaTransferContext of an adapter already put" },
		{ EDU_BAD_EX_V2_ADAPTER, S_INVALID_PARAMETER,
		  "a version-2 adapter: no version-3 entries, GetDmaAdapterInfo refuses it" },
		{ EDU_BAD_INFO_VERSION, S_NOT_SUPPORTED, "GetDmaAdapterInfo, Version 2" },
		{ EDU_BAD_MAP_EX_SMALL, S_BUFFER_TOO_SMALL,
		  "MapTransferEx, no room for an element" },
		{ EDU_BAD_CONFIGURE, S_NOT_IMPLEMENTED,
		  "ConfigureAdapterChannel: nothing to configure" },
		{ EDU_BAD_MDL_FOREIGN, S_INVALID_PARAMETER,
		  "BuildMdlFromScatterGatherList of a list the adapter did not make" },
		{ EDU_BAD_EX_COMPLETION, S_INVALID_PARAMETER,
		  "BuildScatterGatherListEx with a completion routine" },
	};
	struct edu_bad_args b = { };
	unsigned int i;
	void *ro;
	int ok;

	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b.ro = (uintptr_t)ro;
	ok = ro != MAP_FAILED && !device_io_control(IOCTL_EDU_BAD_ARGS, &b, sizeof(b));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(ok && b.status[cases[i].index] == cases[i].status,
		       "refused: %s (status %#x, expected %#x)", cases[i].what,
		       (unsigned int)b.status[cases[i].index],
		       (unsigned int)cases[i].status);
	tap_ok(ok && b.callbacks == 0, "no callback ran for a refused call (%u)", b.callbacks);
	munmap(ro, 4096);
}

int main(void)
{
	const char *mode = getenv("MDL_DMA_MODE");
	struct edu_info info = { };
	int m;

	if (!mode || !*mode) {
		tap_plan(1);
		tap_skip("no edu device in this guest: the edu boots of vmtest run this test");
		return tap_exit();
	}
	iommu = !strcmp(mode, "iommu");
	tap_plan(2 + EDU_METHODS * 2 + 1 + 2 + 12 + 1 + EDU_BADS + 1);
	dev = open("/dev/wdm_dma", O_RDWR);
	if (dev < 0 || device_io_control(IOCTL_EDU_INFO, &info, sizeof(info))) {
		tap_ok(0, "open /dev/wdm_dma and IOCTL_EDU_INFO: %s", strerror(errno));
		return tap_exit();
	}
	tap_ok(info.ident == 0x010000ed && info.map_registers == 4 && info.alignment >= 1,
	       "edu %#x bound (IOMMU: %s): %u map registers for 3 pages, %u-bit adapter, alignment %u",
	       info.ident, mode, info.map_registers,
	       info.address_bits, info.alignment);
	tap_ok(info.adapter_version == 3 && info.operations_size == 0xe0 &&
	       info.info_status == 0 && info.info_limit == info.map_registers &&
	       info.info_width == 28 && info.info_flags == 1 &&
	       info.transfer_status == 0 && info.transfer_size_ok &&
	       info.transfer_registers == info.transfer_pages &&
	       (info.transfer_pages == 2 || info.transfer_pages == 3),
	       "version-3 adapter: Version %u, table Size %#x; GetDmaAdapterInfo status %#x, limit %u, width %u, flags %#x; GetDmaTransferInfo of 5000 bytes status %#x, %u map registers, %u pages, list size %s CalculateScatterGatherList's",
	       info.adapter_version, info.operations_size,
	       (unsigned int)info.info_status, info.info_limit, info.info_width,
	       info.info_flags, (unsigned int)info.transfer_status,
	       info.transfer_registers, info.transfer_pages,
	       info.transfer_size_ok ? "matches" : "differs from");
	for (m = 0; m < EDU_METHODS; m++) {
		test_user(m, 0x123, 20000, 0, 0);
		test_user(m, 4000, 300, 0, 0);	/* across a page boundary */
	}
	test_user(EDU_METHOD_GET_SG, 0x123, 20000, 1, 0);
	/* Whole-MDL lists of one lock, mapped again and again. */
	test_user(EDU_METHOD_GET_SG, 4000, 300, 0, 3);
	test_user(EDU_METHOD_GET_SG_EX, 200, 3000, 0, 3);
	test_kernel(EDU_KERNEL_POOL, EDU_METHOD_GET_SG, "pool (MmBuildMdlForNonPagedPool)");
	test_kernel(EDU_KERNEL_PAGES, EDU_METHOD_BUILD_SG, "MmAllocatePagesForMdlEx pages");
	test_kernel(EDU_KERNEL_HIGH, EDU_METHOD_MAP_TRANSFER,
		    "MmAllocatePagesForMdlEx pages above the mask");
	test_kernel(EDU_KERNEL_CHAIN, EDU_METHOD_GET_SG, "a chain of three MDLs");
	test_kernel(EDU_KERNEL_CHAIN, EDU_METHOD_MAP_TRANSFER, "a chain of three MDLs");
	test_kernel(EDU_KERNEL_PARTIAL, EDU_METHOD_BUILD_SG, "a partial MDL (IoBuildPartialMdl)");
	test_kernel(EDU_KERNEL_COMMON, EDU_METHOD_GET_SG, "a common buffer, both ways");
	test_kernel(EDU_KERNEL_POOL, EDU_METHOD_GET_SG_EX, "pool (MmBuildMdlForNonPagedPool)");
	test_kernel(EDU_KERNEL_PAGES, EDU_METHOD_MAP_TRANSFER_EX, "MmAllocatePagesForMdlEx pages");
	test_kernel(EDU_KERNEL_CHAIN, EDU_METHOD_BUILD_SG_EX, "a chain of three MDLs");
	test_kernel(EDU_KERNEL_PARTIAL, EDU_METHOD_MAP_TRANSFER_EX,
		    "a partial MDL (IoBuildPartialMdl)");
	test_kernel(EDU_KERNEL_COMMON, EDU_METHOD_BUILD_SG_EX,
		    "an AllocateCommonBufferEx buffer below the mask, both ways");
	/* The 1024 MiB guest behind the IOMMU: pages the device cannot reach. */
	if (!iommu)
		tap_skip("all memory of this guest is within the 28-bit mask");
	else if (!high_seen)
		tap_skip("no page above the mask came to the device in this run (MmAllocatePagesForMdlEx found none above it either)");
	else
		tap_ok(1, "%u elements of pages above the mask reached through IOVAs", high_seen);
	test_bad_args();
	close(dev);
	return tap_exit();
}
