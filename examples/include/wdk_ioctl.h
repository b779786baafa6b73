/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wdk_ioctl.h - how a process talks to the example drivers, shared by the
 * Linux glue (kernel) and the test programs (user space).
 *
 * read() and write() on /dev/<driver> become IRP_MJ_READ / IRP_MJ_WRITE
 * with the buffer as Irp->MdlAddress (direct I/O). WDK_IOC_DEVICE_CONTROL
 * is Windows' DeviceIoControl(): it carries the Windows control code and
 * the two buffers, and becomes IRP_MJ_DEVICE_CONTROL.
 */
#ifndef _WDK_IOCTL_H
#define _WDK_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct wdk_device_control - arguments of DeviceIoControl
 * @code: the Windows I/O control code (CTL_CODE)
 * @in_len: bytes at @in
 * @out_len: bytes at @out
 * @returned: set by the driver: bytes written to @out (IoStatus.Information)
 * @in: input buffer address
 * @out: output buffer address
 */
struct wdk_device_control {
	__u32 code;
	__u32 in_len;
	__u32 out_len;
	__u32 returned;
	__aligned_u64 in;
	__aligned_u64 out;
};

#define WDK_IOC_DEVICE_CONTROL	_IOWR('W', 0x40, struct wdk_device_control)

/* Windows CTL_CODE and its fields, as in the WDK. */
#define WDK_CTL_CODE(type, fn, method, access) \
	(((type) << 16) | ((access) << 14) | ((fn) << 2) | (method))
#define WDK_METHOD_BUFFERED	0
#define WDK_METHOD_IN_DIRECT	1
#define WDK_METHOD_OUT_DIRECT	2
#define WDK_METHOD_NEITHER	3
#define WDK_FILE_ANY_ACCESS	0
#define WDK_FILE_DEVICE_UNKNOWN	0x22

/* ---- direct_io example: /dev/wdm_direct_io ---------------------------- */

/* What the driver saw in the MDL of the last read or write. */
struct dio_last_mdl {
	__aligned_u64 virtual_address;	/* MmGetMdlVirtualAddress */
	__u32 byte_count;		/* MmGetMdlByteCount */
	__u32 byte_offset;		/* MmGetMdlByteOffset */
	__u32 length;			/* Parameters.Read/Write.Length */
	__u32 pad;
};

#define IOCTL_DIO_GET_LAST_MDL \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0x800, WDK_METHOD_BUFFERED, \
		     WDK_FILE_ANY_ACCESS)
/* Output buffer (METHOD_OUT_DIRECT: an MDL) filled with the stored data. */
#define IOCTL_DIO_READ_DIRECT \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0x801, WDK_METHOD_OUT_DIRECT, \
		     WDK_FILE_ANY_ACCESS)

/* Read returns the stored bytes, each plus this value (proof of the copy). */
#define DIO_READ_DELTA	1

/* ---- share example: /dev/wdm_share ------------------------------------ */

#define SHARE_PAGES	4
#define SHARE_SIZE	(SHARE_PAGES * 4096)
#define SHARE_MAGIC	0x57444d53	/* 'WDMS' */

/* IOCTL_SHARE_MAP: out = struct share_map (the user address of the pool). */
struct share_map {
	__aligned_u64 user_address;
	__u32 size;
	__u32 magic;		/* the first word the driver wrote there */
};

/* IOCTL_SHARE_SUM: out = sum of the shared bytes as the driver sees them. */
/* IOCTL_SHARE_UNMAP: in = the user address. */

/* IOCTL_SHARE_LOCK_USER / _PROCESS: in = struct share_lock, out = sum. */
struct share_lock {
	__aligned_u64 address;	/* user buffer */
	__u32 length;
	__u32 pid;		/* _PROCESS only: the process that owns it */
	__u32 write;		/* also write ~byte into every byte */
	__u32 pad;
};

/* IOCTL_SHARE_IO_SPACE: in = physical address, out = struct share_io. */
struct share_io {
	__aligned_u64 map_io_space;	/* first 8 bytes by MmMapIoSpace */
	__aligned_u64 mdl_kernel;	/* by an I/O-space MDL, KernelMode */
	__aligned_u64 user_address;	/* UserMode mapping of that MDL */
	__u32 ok;			/* all three mappings were made */
	__u32 pad;
};

/* IOCTL_SHARE_IO_UNMAP: in = the user address of IOCTL_SHARE_IO_SPACE. */

/* IOCTL_SHARE_ALLOC_PAGES: out = struct share_map of fresh pages. */

#define SHARE_IOCTL(n, m) \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0x900 + (n), (m), WDK_FILE_ANY_ACCESS)
#define IOCTL_SHARE_MAP		SHARE_IOCTL(0, WDK_METHOD_BUFFERED)
#define IOCTL_SHARE_UNMAP	SHARE_IOCTL(1, WDK_METHOD_BUFFERED)
#define IOCTL_SHARE_SUM		SHARE_IOCTL(2, WDK_METHOD_BUFFERED)
#define IOCTL_SHARE_LOCK_USER	SHARE_IOCTL(3, WDK_METHOD_BUFFERED)
#define IOCTL_SHARE_LOCK_PROCESS SHARE_IOCTL(4, WDK_METHOD_BUFFERED)
#define IOCTL_SHARE_IO_SPACE	SHARE_IOCTL(5, WDK_METHOD_BUFFERED)
#define IOCTL_SHARE_IO_UNMAP	SHARE_IOCTL(6, WDK_METHOD_BUFFERED)
#define IOCTL_SHARE_ALLOC_PAGES	SHARE_IOCTL(7, WDK_METHOD_BUFFERED)
#define IOCTL_SHARE_FREE_PAGES	SHARE_IOCTL(8, WDK_METHOD_BUFFERED)
/* out = ULONG64 bit mask of the SHARE_CHECK_* checks that passed. */
#define IOCTL_SHARE_SYSTEM_CHECKS SHARE_IOCTL(9, WDK_METHOD_BUFFERED)

#define SHARE_CHECK_RESERVED_MAP	0x01	/* mapped, outside its reservation */
#define SHARE_CHECK_RESERVED_DATA	0x02	/* same bytes as the pool */
#define SHARE_CHECK_RESERVED_TAG	0x04	/* wrong tag / too small refused */
#define SHARE_CHECK_PROTECT_RO		0x08	/* PAGE_READONLY not supported, unchanged */
#define SHARE_CHECK_PROTECT_NOACCESS	0x10	/* PAGE_NOACCESS not supported, unmapped */
#define SHARE_CHECK_PROTECT_RW		0x20	/* PAGE_READWRITE (its own) granted */
#define SHARE_CHECK_PROTECT_REFUSED	0x40	/* executable / unmapped refused */
#define SHARE_CHECK_CONTIGUOUS		0x80	/* contiguous below 4 GiB */
#define SHARE_CHECK_NONCACHED		0x100	/* uncached memory usable */
#define SHARE_CHECK_ALL			0x1ff

/* ---- pool example: /dev/wdm_pool -------------------------------------- */

#define POOL_SHARE_SIZE		1024
#define POOL_SHARE_MAGIC	0x4c4f4f50	/* 'POOL' */

/* IOCTL_POOL_SHARE: out = where the 1024-byte pool buffer is mapped. */
struct pool_share {
	__aligned_u64 user_address;
	__u32 size;
	__u32 byte_offset;	/* MmGetMdlByteOffset of the pool buffer */
};

/* IOCTL_POOL_MAP_USER: in = the caller's buffer, out = __u64 sum of it. */
struct pool_user {
	__aligned_u64 address;
	__u32 length;
	__u32 pad;
};

/*
 * IOCTL_POOL_UNSHARE: unmap and free the pool buffer. IOCTL_POOL_SUM: out =
 * __u64 sum of its bytes. IOCTL_POOL_STAMP: in = __u32 s; the driver
 * writes s + i into its i-th 32-bit word. IOCTL_POOL_LAST_MDL: out =
 * struct dio_last_mdl of the last read or write.
 */
#define POOL_IOCTL(n) \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0xa00 + (n), WDK_METHOD_BUFFERED, \
		     WDK_FILE_ANY_ACCESS)
#define IOCTL_POOL_SHARE	POOL_IOCTL(0)
#define IOCTL_POOL_UNSHARE	POOL_IOCTL(1)
#define IOCTL_POOL_SUM		POOL_IOCTL(2)
#define IOCTL_POOL_STAMP	POOL_IOCTL(3)
#define IOCTL_POOL_MAP_USER	POOL_IOCTL(4)
#define IOCTL_POOL_LAST_MDL	POOL_IOCTL(5)

/* ---- numa example: /dev/wdm_numa ------------------------------------- */

/* The routine of an IOCTL_NUMA_ALLOCATE request. */
#define NUMA_NODE_PAGES			0	/* MmAllocateNodePagesForMdlEx */
#define NUMA_PARTITION_NODE_PAGES	1	/* MmAllocatePartitionNodePagesForMdlEx */
#define NUMA_CONTIGUOUS_NODE		2	/* MmAllocateContiguousNodeMemory */
#define NUMA_CONTIGUOUS_CACHE_NODE	3	/* ...ContiguousMemorySpecifyCacheNode */

/* Memory types, as the page tables hold them (index of the type counts). */
#define NUMA_TYPE_WB		0	/* write-back */
#define NUMA_TYPE_UC		1	/* uncached (UC or UC-) */
#define NUMA_TYPE_WC		2	/* write-combined */
#define NUMA_TYPE_OTHER		3	/* anything else, or not mapped */
#define NUMA_TYPES		4

#define NUMA_MAX_NODES		8	/* counted one by one; the rest together */

/*
 * IOCTL_NUMA_ALLOCATE: in = out = struct numa_alloc. The driver allocates
 * with the routine asked, describes what it got, writes and reads back
 * every byte through its system address, frees it, and reports.
 */
struct numa_alloc {
	/* in */
	__u32 routine;		/* NUMA_* */
	__u32 node;		/* IdealNode / PreferredNode (MM_ANY_NODE_OK) */
	__u32 cache;		/* MEMORY_CACHING_TYPE, or Protect for _NODE */
	__u32 flags;		/* MmAllocate*PagesForMdlEx flags */
	__aligned_u64 bytes;
	__aligned_u64 low;	/* lowest acceptable physical address */
	__aligned_u64 high;	/* highest acceptable physical address */
	__u32 partition;	/* non-zero: pass a partition object */
	/* out */
	__u32 allocated;	/* the routine returned memory */
	__u32 pages;		/* pages it described */
	__u32 contiguous;	/* their PFNs are consecutive */
	__u32 in_range;		/* pages inside [low, high] */
	__u32 data_ok;		/* every byte written and read back */
	__u32 on_node[NUMA_MAX_NODES];	/* pages on each node */
	__u32 on_other_node;		/* pages on a node >= NUMA_MAX_NODES */
	__u32 direct_type[NUMA_TYPES];	/* pages by memory type of the direct map */
	__u32 system_type[NUMA_TYPES];	/* ... of the system address used */
	__u32 freed_type[NUMA_TYPES];	/* ... of the direct map after the free */
	__u32 cpu_node;		/* node of the CPU the request ran on */
	__u32 pad;
	__aligned_u64 first_pfn;
};

#define IOCTL_NUMA_ALLOCATE \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0xb00, WDK_METHOD_BUFFERED, \
		     WDK_FILE_ANY_ACCESS)

/* ---- dma example: /dev/wdm_dma, a bus-master driver of QEMU's edu ------ */

/* How the driver maps a transfer for the device. */
#define EDU_METHOD_GET_SG	0	/* GetScatterGatherList */
#define EDU_METHOD_BUILD_SG	1	/* CalculateScatterGatherList + BuildScatterGatherList */
#define EDU_METHOD_MAP_TRANSFER	2	/* AllocateAdapterChannel + MapTransfer */
/* The version-3 forms, with a DMA transfer context. */
#define EDU_METHOD_GET_SG_EX	3	/* GetScatterGatherListEx */
#define EDU_METHOD_BUILD_SG_EX	4	/* GetDmaTransferInfo + BuildScatterGatherListEx */
#define EDU_METHOD_MAP_TRANSFER_EX 5	/* AllocateAdapterChannelEx + MapTransferEx */
#define EDU_METHODS		6

/* What the driver saw of the device addresses of a transfer. */
struct edu_stats {
	__s32 status;		/* NTSTATUS of the request */
	__u32 elements;		/* list elements / MapTransfer pieces */
	__u32 identity;		/* ... whose device address is the physical one */
	__u32 high;		/* ... whose physical address is above the mask */
	__u32 over_mask;	/* ... whose device address is above the mask */
	__u32 max_irql;		/* highest IRQL a DMA callback ran at */
	__u32 min_irql;		/* lowest IRQL a DMA callback ran at */
	__u32 mismatches;	/* bytes the driver found wrong (kernel memory) */
	__u32 transfers;	/* device DMA operations */
	__u32 mdls;		/* lists BuildMdlFromScatterGatherList described, checked */
	__aligned_u64 max_address;	/* highest device address used */
	__aligned_u64 phys_sample;	/* a physical address of the transfer */
	__aligned_u64 dev_sample;	/* its device address */
};

/* IOCTL_EDU_COPY: src -> device -> dst, user buffers locked by the driver. */
struct edu_copy {
	__aligned_u64 src;	/* user address the device reads */
	__aligned_u64 dst;	/* user address the device writes */
	__u32 length;
	__u32 method;		/* EDU_METHOD_* */
	__u32 partial;		/* the device writes a partial MDL of dst's lock */
	__u32 repeat;		/* more copies over the same locks (at most 8) */
	struct edu_stats stats;	/* out */
};

/* IOCTL_EDU_KERNEL: the driver's own memory through the device, checked. */
#define EDU_KERNEL_POOL		0	/* ExAllocatePool2 + MmBuildMdlForNonPagedPool */
#define EDU_KERNEL_PAGES	1	/* MmAllocatePagesForMdlEx */
#define EDU_KERNEL_CHAIN	2	/* a chain of three pool MDLs (Next) */
#define EDU_KERNEL_PARTIAL	3	/* IoBuildPartialMdl of a pool MDL */
#define EDU_KERNEL_COMMON	4	/* AllocateCommonBuffer, both ways */
#define EDU_KERNEL_HIGH		5	/* MmAllocatePagesForMdlEx above the mask */
#define EDU_KERNELS		6

struct edu_kernel {
	__u32 kind;		/* EDU_KERNEL_* */
	__u32 method;		/* EDU_METHOD_* */
	__u32 length;
	__u32 offset;		/* of the transfer in the buffer */
	struct edu_stats stats;	/* out */
};

/* IOCTL_EDU_BAD_ARGS: the statuses of refused calls, in EDU_BAD_* order. */
#define EDU_BAD_PAST_END	0	/* Length past the MDL */
#define EDU_BAD_VA_OUTSIDE	1	/* CurrentVa before the MDL */
#define EDU_BAD_TOO_LONG	2	/* more pages than map registers */
#define EDU_BAD_READ_ONLY	3	/* device write to a read-only lock */
#define EDU_BAD_FREED_ADAPTER	4	/* an adapter already put */
#define EDU_BAD_SMALL_BUFFER	5	/* BuildScatterGatherList, short buffer */
#define EDU_BAD_ZERO_LENGTH	6	/* Length 0 */
#define EDU_BAD_SYSTEM_DMA	7	/* IoGetDmaAdapter, Master FALSE: NULL */
#define EDU_BAD_CHANNEL_BUSY	8	/* AllocateAdapterChannel while held */
#define EDU_BAD_READ_ONLY_PART	9	/* device write to a part of a read-only lock */
#define EDU_BAD_EX_CONTEXT	10	/* GetScatterGatherListEx, context not initialised */
#define EDU_BAD_EX_FLAGS	11	/* GetScatterGatherListEx, unknown flag */
#define EDU_BAD_EX_FREED	12	/* InitializeDmaTransferContext, adapter put */
#define EDU_BAD_EX_V2_ADAPTER	13	/* GetDmaAdapterInfo of a version-2 adapter */
#define EDU_BAD_INFO_VERSION	14	/* GetDmaAdapterInfo, Version 2 */
#define EDU_BAD_MAP_EX_SMALL	15	/* MapTransferEx, no room for an element */
#define EDU_BAD_CONFIGURE	16	/* ConfigureAdapterChannel */
#define EDU_BAD_MDL_FOREIGN	17	/* BuildMdlFromScatterGatherList, foreign list */
#define EDU_BAD_EX_COMPLETION	18	/* BuildScatterGatherListEx, completion routine */
#define EDU_BADS		19

struct edu_bad_args {
	__aligned_u64 ro;	/* a read-only user page */
	__s32 status[EDU_BADS];	/* out */
	__u32 callbacks;	/* out: DMA callbacks that ran (must be 0) */
};

/* IOCTL_EDU_INFO: the adapter. */
struct edu_info {
	__u32 map_registers;	/* NumberOfMapRegisters */
	__u32 address_bits;	/* DmaAddressWidth asked */
	__u32 alignment;	/* GetDmaAlignment */
	__u32 ident;		/* the device's identification register */
	__u32 adapter_version;	/* DMA_ADAPTER.Version */
	__u32 operations_size;	/* DMA_OPERATIONS.Size */
	__s32 info_status;	/* GetDmaAdapterInfo */
	__u32 info_limit;	/* ... ScatterGatherLimit */
	__u32 info_width;	/* ... DmaAddressWidth */
	__u32 info_flags;	/* ... Flags */
	__s32 transfer_status;	/* GetDmaTransferInfo (V2), 5000 bytes of pool */
	__u32 transfer_registers;	/* ... MapRegisterCount */
	__u32 transfer_pages;	/* ... LogicalPageCount */
	__u32 transfer_size_ok;	/* ... ScatterGatherListSize == CalculateScatterGatherList's */
};

#define IOCTL_EDU_COPY \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0xc00, WDK_METHOD_BUFFERED, \
		     WDK_FILE_ANY_ACCESS)
#define IOCTL_EDU_KERNEL \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0xc01, WDK_METHOD_BUFFERED, \
		     WDK_FILE_ANY_ACCESS)
#define IOCTL_EDU_BAD_ARGS \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0xc02, WDK_METHOD_BUFFERED, \
		     WDK_FILE_ANY_ACCESS)
#define IOCTL_EDU_INFO \
	WDK_CTL_CODE(WDK_FILE_DEVICE_UNKNOWN, 0xc03, WDK_METHOD_BUFFERED, \
		     WDK_FILE_ANY_ACCESS)

#endif /* _WDK_IOCTL_H */
