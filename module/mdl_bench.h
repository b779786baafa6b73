/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mdl_bench.ko: the in-kernel half of `make bench` (built only with
 * `make MDL_BENCH=1`), in the style of mm/gup_test.c. Shared by the module
 * and userspace/bench/; not part of the mdl ABI.
 *
 * /sys/kernel/debug/mdl_bench (root only) takes these ioctls:
 *
 * MDL_BENCH_IOC_PIN: pin_user_pages_fast(FOLL_LONGTERM [| FOLL_WRITE]) of
 *   the whole range into a page array allocated outside the timed part,
 *   then unpin_user_pages() (or unpin_user_pages_dirty_lock() with
 *   MDL_BENCH_DIRTY): the floor a long-term pin of the range costs.
 *   With MDL_BENCH_CONVERT it also times, separately, the bookkeeping
 *   mdl.ko's MmProbeAndLockPages does around the pin: struct page pointers
 *   turned into PFNs in place after the pin, and back (and again forth) at
 *   unpin.
 * MDL_BENCH_IOC_MDL: IoAllocateMdl + MmProbeAndLockPages(UserMode) +
 *   MmUnlockPages + IoFreeMdl over the range, one MDL per 1 GiB-aligned
 *   slice of the address (as /dev/mdl does),
 *   each phase timed.
 * MDL_BENCH_IOC_POOL: ExAllocatePoolWithTag(NonPagedPool) + ExFreePool
 *   (or, with MDL_BENCH_POOL_KMALLOC, kmalloc + kfree) of @size bytes,
 *   @batch allocations live at a time, @iterations times; then the memory
 *   @live allocations of that size hold: the growth of mdl's pool arena
 *   (its pages and their descriptors), or the sum of ksize() for kmalloc.
 * MDL_BENCH_IOC_ARRAY: the two page-granular ways to allocate a large PFN
 *   array: alloc_pages_exact() (a block of the next power of two, its tail
 *   freed) and __vmalloc() (the pages needed, mapped; freed lazily), each
 *   allocation written whole as an array is, then freed.
 * MDL_BENCH_IOC_DMA: the DMA pair, on the QEMU edu PCI device when one is
 *   present (its DMA engine never runs: the device only gives the DMA API
 *   a real PCI function, behind an IOMMU where the guest has one). The
 *   range is locked once (IoAllocateMdl + MmProbeAndLockPages, or
 *   pin_user_pages_fast with MDL_BENCH_DMA_BARE), then mapped for the
 *   device to read and unmapped, once (timed as @first_ns, with
 *   sg_alloc_table_from_pages_segment for the bare half: the first list of
 *   a lock fills the entries later lists map again) and then @iterations
 *   times: GetScatterGatherList + PutScatterGatherList of the adapter
 *   IoGetDmaAdapter gave (64-bit addresses, MaximumLength the range), or
 *   dma_map_sgtable + dma_unmap_sgtable of the same pages.
 */
#ifndef _MDL_BENCH_H
#define _MDL_BENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MDL_BENCH_WRITE		0x1U		/* pin for writing */
#define MDL_BENCH_DIRTY		0x2U		/* unpin_user_pages_dirty_lock */
#define MDL_BENCH_CONVERT	0x4U		/* time mdl's PFN conversions */

/**
 * struct mdl_bench_args - one benchmark request
 * @addr: start of the caller's buffer (page-aligned)
 * @length: length in bytes (a multiple of the page size)
 * @iterations: number of repetitions, at least 1
 * @flags: MDL_BENCH_*
 * @alloc_ns: out: total time allocating MDLs (IOC_MDL)
 * @pin_ns: out: total time pinning / MmProbeAndLockPages
 * @conv_ns: out: total time turning pages into PFNs (CONVERT)
 * @unconv_ns: out: total time of the PFN/page round trip at unpin (CONVERT)
 * @unpin_ns: out: total time unpinning / MmUnlockPages
 * @free_ns: out: total time freeing MDLs (IOC_MDL)
 * @nr_pages: out: pages pinned per iteration
 * @nr_folios: out: distinct runs of pages of one folio (last iteration)
 * @pfn_sum: out: sum of the PFNs pinned (last iteration)
 * @reserved: must be 0
 */
struct mdl_bench_args {
	__u64 addr;
	__u64 length;
	__u32 iterations;
	__u32 flags;
	__u64 alloc_ns;
	__u64 pin_ns;
	__u64 conv_ns;
	__u64 unconv_ns;
	__u64 unpin_ns;
	__u64 free_ns;
	__u64 nr_pages;
	__u64 nr_folios;
	__u64 pfn_sum;
	__u64 reserved[4];
};

/**
 * struct mdl_bench_pool - one pool-allocation benchmark request
 * @size: bytes per allocation (1 to 1 MiB)
 * @batch: allocations held at once in the timed loop (1 to 4096)
 * @iterations: rounds of @batch allocations and frees, at least 1
 * @flags: 0 for mdl's pool, MDL_BENCH_POOL_KMALLOC for kmalloc / kfree
 * @live: allocations held for the memory measurement (0: none; at most 2^20)
 * @alloc_ns: out: total time of the allocations
 * @free_ns: out: total time of the frees
 * @live_bytes: out: memory held by @live allocations
 * @reserved: must be 0
 */
struct mdl_bench_pool {
	__u64 size;
	__u32 batch;
	__u32 iterations;
	__u32 flags;
	__u32 live;
	__u64 alloc_ns;
	__u64 free_ns;
	__u64 live_bytes;
	__u64 reserved[2];
};

#define MDL_BENCH_POOL_KMALLOC	0x1U

/**
 * struct mdl_bench_dma - one DMA mapping benchmark request
 * @addr: start of the caller's buffer (page-aligned)
 * @length: its bytes (a multiple of the page size, at most 256 MiB)
 * @iterations: map + unmap rounds after the first, at least 1
 * @flags: 0 for the DMA adapter, MDL_BENCH_DMA_BARE for the DMA API
 * @first_ns: out: time of the first map + unmap (and table)
 * @map_ns: out: total time of the later maps (the list callback included)
 * @unmap_ns: out: total time of the later unmaps
 * @nr_segments: out: elements of the device's list (last iteration)
 * @translated: out: 1 when the first device address is not the physical
 *              address (an IOMMU translates), else 0
 * @reserved: must be 0
 */
struct mdl_bench_dma {
	__u64 addr;
	__u64 length;
	__u32 iterations;
	__u32 flags;
	__u64 first_ns;
	__u64 map_ns;
	__u64 unmap_ns;
	__u64 nr_segments;
	__u32 translated;
	__u32 reserved[3];
};

#define MDL_BENCH_DMA_BARE	0x1U

/**
 * struct mdl_bench_array - one PFN-array allocation benchmark request
 * @size: bytes per allocation (16 KiB to 4 MiB)
 * @iterations: allocations, each written whole and freed, at least 1
 * @flags: 0 for alloc_pages_exact(), MDL_BENCH_ARRAY_VMALLOC for __vmalloc()
 * @alloc_ns: out: total time of the allocations
 * @free_ns: out: total time of the frees
 * @reserved: must be 0
 */
struct mdl_bench_array {
	__u64 size;
	__u32 iterations;
	__u32 flags;
	__u64 alloc_ns;
	__u64 free_ns;
	__u64 reserved[2];
};

#define MDL_BENCH_ARRAY_VMALLOC	0x1U

#define MDL_BENCH_IOC_PIN	_IOWR('b', 1, struct mdl_bench_args)
#define MDL_BENCH_IOC_MDL	_IOWR('b', 2, struct mdl_bench_args)
#define MDL_BENCH_IOC_POOL	_IOWR('b', 3, struct mdl_bench_pool)
#define MDL_BENCH_IOC_DMA	_IOWR('b', 4, struct mdl_bench_dma)
#define MDL_BENCH_IOC_ARRAY	_IOWR('b', 5, struct mdl_bench_array)

#endif /* _MDL_BENCH_H */
