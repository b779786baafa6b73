/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdm.h - the Windows Driver Kit MDL interface, for Linux kernel code.
 *
 * A Windows driver's memory code (IoAllocateMdl, MmProbeAndLockPages,
 * MmGetSystemAddressForMdlSafe, MmMapLockedPagesSpecifyCache,
 * MmGetPhysicalAddress, MmMapIoSpace, ...) compiles against this header with
 * its Windows names, types, flag values and MDL layout, and links against the
 * symbols exported by mdl.ko.
 *
 * Include this header after every Linux header: it gives PAGE_ALIGN() its
 * Windows meaning (round down) and defines the IN / OUT / OPTIONAL
 * annotations.
 *
 * Context rules: Windows IRQL levels become "may sleep" (PASSIVE_LEVEL and
 * APC_LEVEL) and "atomic context allowed" (DISPATCH_LEVEL). Each routine
 * says which it is. Linux has no structured exceptions: every routine that
 * raises on Windows has a status-returning "Try" form here, and the Windows
 * form leaves the MDL unchanged on failure (for example MDL_PAGES_LOCKED
 * stays clear) and logs the reason once.
 */
#ifndef _MDL_WDM_H
#define _MDL_WDM_H

#include <linux/types.h>
#include <linux/mm.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>

/* ------------------------------------------------------------------ */
/* Basic Windows types (LLP64: LONG and ULONG are 32 bits).           */
/* ------------------------------------------------------------------ */

typedef void VOID;
typedef void *PVOID;
typedef void *HANDLE;
typedef char CHAR, *PCHAR;
typedef char CCHAR;
typedef unsigned char UCHAR, *PUCHAR;
typedef s16 SHORT, CSHORT;
typedef u16 USHORT;
typedef s32 LONG, *PLONG;
typedef u32 ULONG, *PULONG;
typedef s64 LONGLONG, LONG64;
typedef u64 ULONGLONG, ULONG64, *PULONG64;
typedef long LONG_PTR;
typedef unsigned long ULONG_PTR, *PULONG_PTR;
typedef ULONG_PTR SIZE_T, *PSIZE_T;
typedef u8 BOOLEAN, *PBOOLEAN;
typedef ULONG LOGICAL;
typedef LONG NTSTATUS;
typedef ULONG_PTR PFN_NUMBER, *PPFN_NUMBER;
typedef u64 POOL_FLAGS;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif
#ifndef NTAPI
#define NTAPI
#endif

#define MAXULONG	0xffffffffU

/**
 * union _LARGE_INTEGER - a 64-bit value seen whole or as two halves
 * @LowPart: low 32 bits
 * @HighPart: high 32 bits
 * @u: the same halves, named for old code
 * @u.LowPart: low 32 bits
 * @u.HighPart: high 32 bits
 * @QuadPart: the whole value
 */
typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	};
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;

/* ------------------------------------------------------------------ */
/* NTSTATUS values used by the MDL routines.                          */
/* ------------------------------------------------------------------ */

#define NT_SUCCESS(Status)		((NTSTATUS)(Status) >= 0)

#define STATUS_SUCCESS			((NTSTATUS)0x00000000L)
#define STATUS_PENDING			((NTSTATUS)0x00000103L)
#define STATUS_UNSUCCESSFUL		((NTSTATUS)0xC0000001L)
#define STATUS_NOT_IMPLEMENTED		((NTSTATUS)0xC0000002L)
#define STATUS_ACCESS_VIOLATION		((NTSTATUS)0xC0000005L)
#define STATUS_INVALID_PARAMETER	((NTSTATUS)0xC000000DL)
#define STATUS_INVALID_DEVICE_REQUEST	((NTSTATUS)0xC0000010L)
#define STATUS_NO_MEMORY		((NTSTATUS)0xC0000017L)
#define STATUS_CONFLICTING_ADDRESSES	((NTSTATUS)0xC0000018L)
#define STATUS_NOT_MAPPED_VIEW		((NTSTATUS)0xC0000019L)
#define STATUS_ACCESS_DENIED		((NTSTATUS)0xC0000022L)
#define STATUS_INVALID_PAGE_PROTECTION	((NTSTATUS)0xC0000045L)
#define STATUS_INSUFFICIENT_RESOURCES	((NTSTATUS)0xC000009AL)
#define STATUS_WORKING_SET_QUOTA	((NTSTATUS)0xC00000A1L)
#define STATUS_NOT_SUPPORTED		((NTSTATUS)0xC00000BBL)
#define STATUS_INVALID_PARAMETER_1	((NTSTATUS)0xC00000EFL)
#define STATUS_INVALID_PARAMETER_2	((NTSTATUS)0xC00000F0L)
#define STATUS_INVALID_PARAMETER_3	((NTSTATUS)0xC00000F1L)
#define STATUS_INVALID_PARAMETER_4	((NTSTATUS)0xC00000F2L)
#define STATUS_INVALID_ADDRESS		((NTSTATUS)0xC0000141L)
#define STATUS_INVALID_CID		((NTSTATUS)0xC000000BL)

/* ------------------------------------------------------------------ */
/* Enumerations.                                                      */
/* ------------------------------------------------------------------ */

typedef CCHAR KPROCESSOR_MODE;
#define KernelMode	((KPROCESSOR_MODE)0)
#define UserMode	((KPROCESSOR_MODE)1)

typedef enum _LOCK_OPERATION {
	IoReadAccess = 0,
	IoWriteAccess = 1,
	IoModifyAccess = 2,
} LOCK_OPERATION;

typedef enum _MEMORY_CACHING_TYPE {
	MmNotMapped = -1,
	MmNonCached = 0,
	MmCached = 1,
	MmWriteCombined = 2,
	MmFrameBufferCached = 2,
	MmHardwareCoherentCached = 3,
	MmNonCachedUnordered = 4,
	MmUSWCCached = 5,
	MmMaximumCacheType = 6,
} MEMORY_CACHING_TYPE;

typedef enum _MM_PAGE_PRIORITY {
	LowPagePriority = 0,
	NormalPagePriority = 16,
	HighPagePriority = 32,
} MM_PAGE_PRIORITY;

/* Flags that may be ORed into an MM_PAGE_PRIORITY argument. */
#define MdlMappingNoWrite	0x80000000U
#define MdlMappingNoExecute	0x40000000U

typedef enum _POOL_TYPE {
	NonPagedPool = 0,
	NonPagedPoolExecute = 0,
	PagedPool = 1,
	NonPagedPoolMustSucceed = 2,
	NonPagedPoolCacheAligned = 4,
	PagedPoolCacheAligned = 5,
	NonPagedPoolNx = 512,
} POOL_TYPE;

/* ExAllocatePool2 flags. */
#define POOL_FLAG_UNINITIALIZED		0x0000000000000002ULL
#define POOL_FLAG_CACHE_ALIGNED		0x0000000000000008ULL
#define POOL_FLAG_RAISE_ON_FAILURE	0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED		0x0000000000000040ULL
#define POOL_FLAG_NON_PAGED_EXECUTE	0x0000000000000080ULL
#define POOL_FLAG_PAGED			0x0000000000000100ULL

/* MmAllocatePagesForMdlEx flags. */
#define MM_DONT_ZERO_ALLOCATION			0x00000001
#define MM_ALLOCATE_FROM_LOCAL_NODE_ONLY	0x00000002
#define MM_ALLOCATE_FULLY_REQUIRED		0x00000004
#define MM_ALLOCATE_NO_WAIT			0x00000008
#define MM_ALLOCATE_PREFER_CONTIGUOUS		0x00000010
#define MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS	0x00000020
#define MM_ALLOCATE_FAST_LARGE_PAGES		0x00000040
#define MM_ALLOCATE_TRIM_IF_NECESSARY		0x00000080
#define MM_ALLOCATE_AND_HOT_REMOVE		0x00000100

/* MmFreePagesFromMdlEx flags. */
#define MM_FREE_MDL_PAGES_ZERO			0x00000001

/*
 * Page protections (MmProtectMdlSystemAddress, MmMapIoSpaceEx). x86 Linux
 * names a pgprot_t PAGE_READONLY: ported code gets the Windows value.
 */
#undef PAGE_READONLY
#define PAGE_NOACCESS		0x01
#define PAGE_READONLY		0x02
#define PAGE_READWRITE		0x04
#define PAGE_WRITECOPY		0x08
#define PAGE_EXECUTE		0x10
#define PAGE_EXECUTE_READ	0x20
#define PAGE_EXECUTE_READWRITE	0x40
#define PAGE_EXECUTE_WRITECOPY	0x80
#define PAGE_GUARD		0x100
#define PAGE_NOCACHE		0x200
#define PAGE_WRITECOMBINE	0x400

/* ------------------------------------------------------------------ */
/* The MDL.                                                           */
/* ------------------------------------------------------------------ */

/* A process object: on Linux a reference to a task (the thread group leader). */
struct _EPROCESS;
typedef struct _EPROCESS *PEPROCESS;

/**
 * struct _MDL - Memory Descriptor List header (WDK x64 layout, 48 bytes)
 * @Next: next MDL of a chain (for example an IRP's buffers)
 * @Size: sizeof(MDL) + page count * sizeof(PFN_NUMBER), truncated to CSHORT
 * @MdlFlags: MDL_* flags
 * @Process: process whose pages a user-mode lock describes, or NULL
 * @MappedSystemVa: system address of the buffer when MDL_MAPPED_TO_SYSTEM_VA
 *                  or MDL_SOURCE_IS_NONPAGED_POOL is set
 * @StartVa: page-aligned virtual address of the buffer's first page
 * @ByteCount: length of the buffer in bytes
 * @ByteOffset: offset of the buffer in its first page
 *
 * The PFN array (one PFN_NUMBER per page the buffer spans) follows the
 * header: MmGetMdlPfnArray(Mdl) == (PPFN_NUMBER)(Mdl + 1).
 */
typedef struct _MDL {
	struct _MDL *Next;
	CSHORT Size;
	CSHORT MdlFlags;
	struct _EPROCESS *Process;
	PVOID MappedSystemVa;
	PVOID StartVa;
	ULONG ByteCount;
	ULONG ByteOffset;
} MDL, *PMDL, *PMDLX;

static_assert(sizeof(MDL) == 48, "MDL header must have the WDK x64 size");
static_assert(offsetof(MDL, Size) == 0x08, "MDL.Size offset");
static_assert(offsetof(MDL, MdlFlags) == 0x0A, "MDL.MdlFlags offset");
static_assert(offsetof(MDL, Process) == 0x10, "MDL.Process offset");
static_assert(offsetof(MDL, MappedSystemVa) == 0x18, "MDL.MappedSystemVa offset");
static_assert(offsetof(MDL, StartVa) == 0x20, "MDL.StartVa offset");
static_assert(offsetof(MDL, ByteCount) == 0x28, "MDL.ByteCount offset");
static_assert(offsetof(MDL, ByteOffset) == 0x2C, "MDL.ByteOffset offset");

#define MDL_MAPPED_TO_SYSTEM_VA		0x0001
#define MDL_PAGES_LOCKED		0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL	0x0004
#define MDL_ALLOCATED_FIXED_SIZE	0x0008
#define MDL_PARTIAL			0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED	0x0020
#define MDL_IO_PAGE_READ		0x0040
#define MDL_WRITE_OPERATION		0x0080
#define MDL_LOCKED_PAGE_TABLES		0x0100
#define MDL_PARENT_MAPPED_SYSTEM_VA	MDL_LOCKED_PAGE_TABLES
#define MDL_FREE_EXTRA_PTES		0x0200
#define MDL_DESCRIBES_AWE		0x0400
#define MDL_IO_SPACE			0x0800
#define MDL_NETWORK_HEADER		0x1000
#define MDL_MAPPING_CAN_FAIL		0x2000
#define MDL_PAGE_CONTENTS_INVARIANT	0x4000
#define MDL_ALLOCATED_MUST_SUCCEED	MDL_PAGE_CONTENTS_INVARIANT
#define MDL_INTERNAL			0x8000

/* The largest buffer one MDL describes (Windows 7 and later). */
#define MDL_MAX_BYTE_COUNT		((ULONG)(0x100000000ULL - PAGE_SIZE))

/**
 * struct _IRP - the part of an I/O request packet that MDL code uses
 * @Type: object type (unused here)
 * @Size: size of the packet
 * @MdlAddress: first MDL of the request's buffer chain
 * @Flags: request flags
 * @AssociatedIrp: system buffer of a buffered request
 * @AssociatedIrp.SystemBuffer: buffered-I/O copy of the caller's buffer
 * @IoStatus: completion status and information
 * @IoStatus.Status: completion status
 * @IoStatus.Information: bytes transferred
 * @RequestorMode: KernelMode or UserMode
 * @UserBuffer: caller's buffer of a METHOD_NEITHER request
 */
typedef struct _IRP {
	CSHORT Type;
	USHORT Size;
	PMDL MdlAddress;
	ULONG Flags;
	union {
		PVOID SystemBuffer;
	} AssociatedIrp;
	struct {
		NTSTATUS Status;
		ULONG_PTR Information;
	} IoStatus;
	KPROCESSOR_MODE RequestorMode;
	PVOID UserBuffer;
} IRP, *PIRP;

/**
 * struct _MM_PHYSICAL_ADDRESS_LIST - one physical range of an I/O-space MDL
 * @PhysicalAddress: start of the range
 * @NumberOfBytes: length of the range
 */
typedef struct _MM_PHYSICAL_ADDRESS_LIST {
	PHYSICAL_ADDRESS PhysicalAddress;
	SIZE_T NumberOfBytes;
} MM_PHYSICAL_ADDRESS_LIST, *PMM_PHYSICAL_ADDRESS_LIST;

/**
 * union _FILE_SEGMENT_ELEMENT - one page of a MmProbeAndLockSelectedPages list
 * @Buffer: page-aligned user address of the page
 * @Alignment: the same value as an integer
 */
typedef union _FILE_SEGMENT_ELEMENT {
	PVOID Buffer;
	ULONGLONG Alignment;
} FILE_SEGMENT_ELEMENT, *PFILE_SEGMENT_ELEMENT;

/* ------------------------------------------------------------------ */
/* Macros (atomic context allowed).                                   */
/* ------------------------------------------------------------------ */

/*
 * PAGE_ALIGN rounds DOWN on Windows and UP on Linux: ported code gets the
 * Windows meaning. Linux code that includes this header uses ALIGN().
 */
#undef PAGE_ALIGN
#define PAGE_ALIGN(Va)		((PVOID)((ULONG_PTR)(Va) & ~(PAGE_SIZE - 1)))
#define BYTE_OFFSET(Va)		((ULONG)((ULONG_PTR)(Va) & (PAGE_SIZE - 1)))
#define ROUND_TO_PAGES(Size)	(((ULONG_PTR)(Size) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define BYTES_TO_PAGES(Size)	((ULONG)(ROUND_TO_PAGES(Size) >> PAGE_SHIFT))
#define ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size) \
	((ULONG)((BYTE_OFFSET(Va) + (ULONG_PTR)(Size) + PAGE_SIZE - 1) >> PAGE_SHIFT))
#define COMPUTE_PAGES_SPANNED(Va, Size)	ADDRESS_AND_SIZE_TO_SPAN_PAGES(Va, Size)

/**
 * MmGetMdlVirtualAddress() - virtual address of the buffer an MDL describes
 * @Mdl: the MDL
 *
 * Context: any; atomic context allowed.
 * Return: StartVa + ByteOffset.
 */
static inline PVOID MmGetMdlVirtualAddress(PMDL Mdl)
{
	return (PVOID)((PUCHAR)Mdl->StartVa + Mdl->ByteOffset);
}

/**
 * MmGetMdlByteCount() - length of the buffer an MDL describes
 * @Mdl: the MDL
 *
 * Context: any; atomic context allowed.
 * Return: ByteCount.
 */
static inline ULONG MmGetMdlByteCount(PMDL Mdl)
{
	return Mdl->ByteCount;
}

/**
 * MmGetMdlByteOffset() - offset of the buffer within its first page
 * @Mdl: the MDL
 *
 * Context: any; atomic context allowed.
 * Return: ByteOffset.
 */
static inline ULONG MmGetMdlByteOffset(PMDL Mdl)
{
	return Mdl->ByteOffset;
}

/**
 * MmGetMdlBaseVa() - page-aligned start of the buffer
 * @Mdl: the MDL
 *
 * Context: any; atomic context allowed.
 * Return: StartVa.
 */
static inline PVOID MmGetMdlBaseVa(PMDL Mdl)
{
	return Mdl->StartVa;
}

/**
 * MmGetMdlPfnArray() - the MDL's page frame numbers
 * @Mdl: the MDL
 *
 * Context: any; atomic context allowed.
 * Return: the PFN array that follows the MDL header.
 */
static inline PPFN_NUMBER MmGetMdlPfnArray(PMDL Mdl)
{
	return (PPFN_NUMBER)(Mdl + 1);
}

/**
 * MmInitializeMdl() - initialise a caller-allocated MDL
 * @Mdl: memory of at least MmSizeOfMdl(BaseVa, Length) bytes
 * @BaseVa: start of the buffer
 * @Length: length of the buffer in bytes
 *
 * Sets Next, Size, MdlFlags, StartVa, ByteOffset and ByteCount; leaves
 * Process and MappedSystemVa alone, as the WDK macro does.
 *
 * Context: any; atomic context allowed.
 */
static inline void MmInitializeMdl(PMDL Mdl, PVOID BaseVa, SIZE_T Length)
{
	Mdl->Next = NULL;
	Mdl->Size = (CSHORT)(sizeof(MDL) +
		sizeof(PFN_NUMBER) * ADDRESS_AND_SIZE_TO_SPAN_PAGES(BaseVa, Length));
	Mdl->MdlFlags = 0;
	Mdl->StartVa = PAGE_ALIGN(BaseVa);
	Mdl->ByteOffset = BYTE_OFFSET(BaseVa);
	Mdl->ByteCount = (ULONG)Length;
}

/* ------------------------------------------------------------------ */
/* Allocation of MDLs (may sleep).                                    */
/* ------------------------------------------------------------------ */

/**
 * IoAllocateMdl() - allocate and initialise an MDL for a buffer
 * @VirtualAddress: start of the buffer (user or kernel address)
 * @Length: length in bytes, 1 to MDL_MAX_BYTE_COUNT
 * @SecondaryBuffer: with @Irp: FALSE sets Irp->MdlAddress, TRUE appends the
 *                   MDL to the end of the Irp's MDL chain
 * @ChargeQuota: ignored, as on current Windows
 * @Irp: optional I/O request packet to attach the MDL to
 *
 * The MDL describes the buffer but locks nothing: call MmProbeAndLockPages or
 * MmBuildMdlForNonPagedPool next. Free it with IoFreeMdl.
 *
 * Context: may sleep.
 * Return: the MDL, or NULL for a zero, too large or wrapping range, or when
 * memory is short.
 */
PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
		   BOOLEAN ChargeQuota, PIRP Irp);

/**
 * IoFreeMdl() - free one MDL (not its chain)
 * @Mdl: an MDL from IoAllocateMdl or MmCreateMdl
 *
 * A mapped partial MDL is unmapped first. An MDL that is still locked or
 * mapped is a caller error: it is logged once, and the lock and mapping are
 * released so that nothing leaks. Pointers that mdl.ko did not allocate are
 * refused (logged once, nothing freed).
 *
 * Context: may sleep.
 */
void IoFreeMdl(PMDL Mdl);

/**
 * MmSizeOfMdl() - bytes needed for an MDL describing a buffer
 * @Base: start of the buffer
 * @Length: length of the buffer in bytes
 *
 * Context: any; atomic context allowed.
 * Return: sizeof(MDL) + pages spanned * sizeof(PFN_NUMBER).
 */
SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length);

/**
 * MmCreateMdl() - the old MDL allocator
 * @MemoryDescriptorList: caller memory to initialise, or NULL to allocate
 * @Base: start of the buffer
 * @Length: length of the buffer in bytes
 *
 * Context: may sleep.
 * Return: the initialised MDL, or NULL on a bad range or when memory is short.
 */
PMDL MmCreateMdl(PMDL MemoryDescriptorList, PVOID Base, SIZE_T Length);

/**
 * IoBuildPartialMdl() - describe a sub-range of a locked or built MDL
 * @SourceMdl: locked, non-paged, I/O-space or partial MDL
 * @TargetMdl: MDL large enough for the sub-range (for example IoAllocateMdl
 *             of the same range)
 * @VirtualAddress: start of the sub-range, inside the source's buffer
 * @Length: length of the sub-range; 0 means "to the end of the source"
 *
 * Copies the PFNs of the sub-range, sets MDL_PARTIAL and inherits the
 * source's MDL_SOURCE_IS_NONPAGED_POOL, MDL_MAPPED_TO_SYSTEM_VA, MDL_IO_SPACE
 * and MDL_IO_PAGE_READ flags, Process and (offset) MappedSystemVa. A range
 * outside the source, or a target too small, is refused (logged once, target
 * unchanged). The source must stay locked while the target is used.
 *
 * Context: any; atomic context allowed.
 */
void IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress,
		       ULONG Length);

/* ------------------------------------------------------------------ */
/* Locking pages (may sleep).                                         */
/* ------------------------------------------------------------------ */

/**
 * MmTryProbeAndLockPages() - lock an MDL's pages and fill its PFN array
 * @Mdl: an MDL not yet locked
 * @AccessMode: UserMode checks that the buffer is the current process's
 *              user memory; KernelMode also accepts kernel addresses
 *              (direct map, vmalloc and module memory)
 * @Operation: IoReadAccess, or IoWriteAccess / IoModifyAccess (the pages are
 *             made writable, copy-on-write broken, and marked dirty on unlock)
 *
 * User memory is pinned with pin_user_pages_fast(FOLL_LONGTERM): the pages
 * stay resident and in place until MmUnlockPages. This is MmProbeAndLockPages
 * without the structured exception: it returns the status Windows would raise.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS; STATUS_ACCESS_VIOLATION for an address that is not
 * mapped with the requested access; STATUS_INVALID_PARAMETER for an MDL that
 * is already locked or built, too small for its range, or a bad argument;
 * STATUS_INSUFFICIENT_RESOURCES when memory is short. On failure the MDL is
 * unchanged and MDL_PAGES_LOCKED stays clear.
 */
NTSTATUS MmTryProbeAndLockPages(PMDL Mdl, KPROCESSOR_MODE AccessMode,
				LOCK_OPERATION Operation);

/**
 * MmProbeAndLockPages() - lock an MDL's pages (Windows form)
 * @Mdl: an MDL not yet locked
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * As MmTryProbeAndLockPages(). Windows raises an exception on failure; here
 * the failure is logged once and the MDL stays unlocked: test
 * (Mdl->MdlFlags & MDL_PAGES_LOCKED) afterwards, or call the Try form where
 * the Windows code had __try / __except.
 *
 * Context: may sleep.
 */
void MmProbeAndLockPages(PMDL Mdl, KPROCESSOR_MODE AccessMode,
			 LOCK_OPERATION Operation);

/**
 * MmTryProbeAndLockProcessPages() - lock pages of another process
 * @Mdl: an MDL not yet locked, describing an address of @Process
 * @Process: the process (from PsLookupProcessByProcessId or
 *           PsGetCurrentProcess)
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * Context: may sleep.
 * Return: as MmTryProbeAndLockPages(); STATUS_INVALID_PARAMETER for a process
 * that has exited.
 */
NTSTATUS MmTryProbeAndLockProcessPages(PMDL Mdl, PEPROCESS Process,
				       KPROCESSOR_MODE AccessMode,
				       LOCK_OPERATION Operation);

/**
 * MmProbeAndLockProcessPages() - lock pages of another process (Windows form)
 * @Mdl: an MDL not yet locked
 * @Process: the process whose address space @Mdl describes
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * As MmTryProbeAndLockProcessPages(); failure is logged once and leaves
 * MDL_PAGES_LOCKED clear.
 *
 * Context: may sleep.
 */
void MmProbeAndLockProcessPages(PMDL Mdl, PEPROCESS Process,
				KPROCESSOR_MODE AccessMode,
				LOCK_OPERATION Operation);

/**
 * MmTryProbeAndLockSelectedPages() - lock a list of user pages
 * @Mdl: an MDL not yet locked, whose page count is the segment count
 * @SegmentArray: one page-aligned user address per page of @Mdl
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * Context: may sleep.
 * Return: as MmTryProbeAndLockPages().
 */
NTSTATUS MmTryProbeAndLockSelectedPages(PMDL Mdl,
					PFILE_SEGMENT_ELEMENT SegmentArray,
					KPROCESSOR_MODE AccessMode,
					LOCK_OPERATION Operation);

/**
 * MmProbeAndLockSelectedPages() - lock a list of user pages (Windows form)
 * @Mdl: an MDL not yet locked
 * @SegmentArray: one page-aligned user address per page of @Mdl
 * @AccessMode: KernelMode or UserMode
 * @Operation: IoReadAccess, IoWriteAccess or IoModifyAccess
 *
 * As MmTryProbeAndLockSelectedPages(); failure is logged once and leaves
 * MDL_PAGES_LOCKED clear.
 *
 * Context: may sleep.
 */
void MmProbeAndLockSelectedPages(PMDL Mdl, PFILE_SEGMENT_ELEMENT SegmentArray,
				 KPROCESSOR_MODE AccessMode,
				 LOCK_OPERATION Operation);

/**
 * MmUnlockPages() - unlock the pages of a locked MDL
 * @Mdl: an MDL locked by one of the MmProbeAndLock routines
 *
 * Releases a system mapping made on the MDL (MmGetSystemAddressForMdlSafe),
 * unpins the pages, and marks them dirty when the lock was for writing.
 * An MDL that is not locked is refused (logged once, nothing changes).
 *
 * Context: may sleep.
 */
void MmUnlockPages(PMDL Mdl);

/**
 * MmTryBuildMdlForNonPagedPool() - describe non-paged kernel memory
 * @Mdl: an MDL over kmalloc, page allocator, vmalloc or module memory
 *
 * Fills the PFN array, sets MDL_SOURCE_IS_NONPAGED_POOL and MappedSystemVa
 * (StartVa + ByteOffset). Such an MDL is never locked, unlocked, or unmapped.
 *
 * Context: any; atomic context allowed.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER for a stack buffer, a
 * user address, an address that is not mapped, an MDL too small, or one
 * already locked or built. On failure the MDL is unchanged.
 */
NTSTATUS MmTryBuildMdlForNonPagedPool(PMDL Mdl);

/**
 * MmBuildMdlForNonPagedPool() - describe non-paged kernel memory (Windows form)
 * @Mdl: an MDL over non-paged kernel memory
 *
 * As MmTryBuildMdlForNonPagedPool(); failure is logged once and leaves
 * MDL_SOURCE_IS_NONPAGED_POOL clear.
 *
 * Context: any; atomic context allowed.
 */
void MmBuildMdlForNonPagedPool(PMDL Mdl);

/**
 * MmAdvanceMdl() - move the start of an MDL forward
 * @Mdl: a locked or built MDL
 * @NumberOfBytes: bytes to move, less than MmGetMdlByteCount(Mdl)
 *
 * Whole pages passed over leave the PFN array and, for a locked MDL, are
 * unlocked.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS, or STATUS_INVALID_PARAMETER_2 when @NumberOfBytes
 * is not less than the byte count; STATUS_INVALID_PARAMETER for an MDL that
 * is mapped or neither locked nor built.
 */
NTSTATUS MmAdvanceMdl(PMDL Mdl, ULONG NumberOfBytes);

/* ------------------------------------------------------------------ */
/* Mappings (may sleep).                                              */
/* ------------------------------------------------------------------ */

/**
 * MmMapLockedPagesSpecifyCache() - map an MDL's pages
 * @MemoryDescriptorList: a locked, non-paged, partial, allocated or
 *                        I/O-space MDL
 * @AccessMode: KernelMode maps into system space (vmap); UserMode maps into
 *              the current process
 * @CacheType: MmCached, MmNonCached, MmWriteCombined, ...; pages from
 *             MmAllocatePagesForMdlEx are always mapped with the cache type
 *             they were allocated with (x86 forbids two types for one page)
 * @RequestedAddress: must be NULL for KernelMode; a user address hint for
 *                    UserMode
 * @BugCheckOnFailure: never obeyed: a failure returns NULL. A TRUE value is
 *                     logged once.
 * @Priority: an MM_PAGE_PRIORITY, optionally ORed with MdlMappingNoWrite
 *            (read-only mapping) and MdlMappingNoExecute (mappings are always
 *            non-executable on Linux)
 *
 * A kernel mapping sets MDL_MAPPED_TO_SYSTEM_VA (and, for a partial MDL,
 * MDL_PARTIAL_HAS_BEEN_MAPPED) and MappedSystemVa; MmUnmapLockedPages,
 * MmUnlockPages, MmPrepareMdlForReuse or IoFreeMdl release it. A user mapping
 * keeps the pages alive while it exists and is removed by
 * MmUnmapLockedPages in the same process or when the process exits. It is
 * one shared VMA that cannot be split, moved, inherited by fork or made
 * executable. kmalloc (slab) memory is never mapped into a process (pool
 * memory of ExAllocatePool* is, whatever its size: it is page-backed), and
 * user pages locked for IoReadAccess are mapped only with MdlMappingNoWrite.
 *
 * Context: may sleep.
 * Device memory has one memory type: while MmMapIoSpace*, a mapping of
 * an I/O-space MDL or an MDL fd of MDL_IOC_MAP_IO_SPACE gives a device page
 * a type (cached, uncached or write-combined), a mapping of it with another
 * type is refused.
 *
 * Return: the mapping of the buffer's first byte (base + ByteOffset), or
 * NULL for an MDL that is not locked, already mapped, unknown priority bits,
 * device memory mapped with another memory type, or when address space or
 * memory is short.
 */
PVOID MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
				   KPROCESSOR_MODE AccessMode,
				   MEMORY_CACHING_TYPE CacheType,
				   PVOID RequestedAddress,
				   ULONG BugCheckOnFailure, ULONG Priority);

/**
 * MmMapLockedPages() - map an MDL's pages, cached (old form)
 * @MemoryDescriptorList: a locked MDL
 * @AccessMode: KernelMode or UserMode
 *
 * MmMapLockedPagesSpecifyCache(Mdl, AccessMode, MmCached, NULL, FALSE,
 * HighPagePriority). Windows bugchecks on failure; here it returns NULL.
 *
 * Context: may sleep.
 * Return: the mapped address of the buffer, or NULL.
 */
PVOID MmMapLockedPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode);

/**
 * MmUnmapLockedPages() - remove a mapping made by MmMapLockedPages*
 * @BaseAddress: the address the map call returned
 * @MemoryDescriptorList: the MDL that was mapped
 *
 * A user mapping is removed only in the process that made it; anything else
 * is refused (logged once, no address space touched).
 *
 * Context: may sleep.
 */
void MmUnmapLockedPages(PVOID BaseAddress, PMDL MemoryDescriptorList);

/**
 * MmGetSystemAddressForMdlSafe() - system address of an MDL's buffer
 * @Mdl: a locked, non-paged, partial or allocated MDL
 * @Priority: MM_PAGE_PRIORITY, optionally ORed with MdlMapping* flags
 *
 * Context: may sleep when it must create the mapping.
 * Return: MappedSystemVa when the MDL is mapped or non-paged, else a new
 * cached kernel mapping (released with the MDL's lock); NULL on failure.
 */
static inline PVOID MmGetSystemAddressForMdlSafe(PMDL Mdl, ULONG Priority)
{
	if (Mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))
		return Mdl->MappedSystemVa;
	return MmMapLockedPagesSpecifyCache(Mdl, KernelMode, MmCached, NULL,
					    FALSE, Priority);
}

/**
 * MmPrepareMdlForReuse() - release what a partial MDL holds before reuse
 * @Mdl: an MDL about to be rebuilt by IoBuildPartialMdl
 *
 * Unmaps a partial MDL that has MDL_PARTIAL_HAS_BEEN_MAPPED; anything else
 * is left as it is. A macro in the WDK; a function here.
 *
 * Context: may sleep.
 */
void MmPrepareMdlForReuse(PMDL Mdl);

/**
 * MmProtectMdlSystemAddress() - change the protection of a system mapping
 * @MemoryDescriptorList: an MDL mapped to system space by mdl.ko
 * @NewProtect: PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE or a
 *              PAGE_EXECUTE* value (executable is refused: kernel mappings
 *              stay non-executable)
 *
 * A mapping keeps the address and the protection it was made with: no
 * kernel exports to modules a way to change the protection of a mapping in
 * place. The protection the mapping already has is granted (PAGE_READWRITE
 * for a writable mapping, PAGE_READONLY for one made with
 * MdlMappingNoWrite); a change is refused and the mapping left as it was.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS, STATUS_NOT_MAPPED_VIEW when the MDL has no system
 * mapping of its own, STATUS_INVALID_PAGE_PROTECTION for other values,
 * STATUS_NOT_SUPPORTED for a change of protection (every kernel).
 */
NTSTATUS MmProtectMdlSystemAddress(PMDL MemoryDescriptorList, ULONG NewProtect);

/**
 * MmAllocateMappingAddress() - reserve system address space
 * @NumberOfBytes: size of the range
 * @PoolTag: non-zero tag that later calls must repeat
 *
 * The range is a vmalloc-space area whose PTEs exist but are not present
 * (the zero page with PAGE_NONE): get_vm_area() is not exported to modules.
 * Ranges still reserved when mdl.ko is unloaded are released then.
 *
 * Context: may sleep.
 * Return: the reserved range, or NULL.
 */
PVOID MmAllocateMappingAddress(SIZE_T NumberOfBytes, ULONG PoolTag);

/**
 * MmFreeMappingAddress() - release a range from MmAllocateMappingAddress
 * @BaseAddress: the reserved range (it must not be mapped)
 * @PoolTag: the tag given at reservation; a mismatch is refused
 *
 * Context: may sleep.
 */
void MmFreeMappingAddress(PVOID BaseAddress, ULONG PoolTag);

/**
 * MmMapLockedPagesWithReservedMapping() - map an MDL into a reserved range
 * @MappingAddress: range from MmAllocateMappingAddress
 * @PoolTag: the tag given at reservation
 * @MemoryDescriptorList: a locked, non-paged, partial or allocated MDL
 * @CacheType: cache type of the mapping
 *
 * No kernel exports to modules a way to map pages into an existing range:
 * the MDL gets a system mapping of its own (vmap) at another address, and
 * the reservation is busy until MmUnmapReservedMapping. Unlike Windows, the
 * returned address is outside the reservation (use the return value, never
 * @MappingAddress, to reach the buffer), and the mapping allocates, so it
 * can fail when memory is short. It counts as the MDL's system mapping
 * (MmUnlockPages, IoFreeMdl and MmFreePagesFromMdl release it too). The
 * cache type is the pages' own where it was set at allocation.
 *
 * Context: may sleep.
 * Return: the buffer's address (mapping base + ByteOffset), or NULL if the
 * range is too small, already in use, the tag does not match, the MDL is not
 * mappable, or memory is short.
 */
PVOID MmMapLockedPagesWithReservedMapping(PVOID MappingAddress, ULONG PoolTag,
					  PMDL MemoryDescriptorList,
					  MEMORY_CACHING_TYPE CacheType);

/**
 * MmUnmapReservedMapping() - unmap an MDL from a reserved range
 * @BaseAddress: the reserved range
 * @PoolTag: the tag given at reservation
 * @MemoryDescriptorList: the MDL that was mapped there
 *
 * Context: may sleep.
 */
void MmUnmapReservedMapping(PVOID BaseAddress, ULONG PoolTag,
			    PMDL MemoryDescriptorList);

/* ------------------------------------------------------------------ */
/* Physical pages, I/O space and contiguous memory.                   */
/* ------------------------------------------------------------------ */

/**
 * MmAllocatePagesForMdl() - allocate physical pages described by a new MDL
 * @LowAddress: lowest acceptable physical address
 * @HighAddress: highest acceptable physical address
 * @SkipBytes: 0, or the stride between acceptable ranges (a multiple of
 *             PAGE_SIZE)
 * @TotalBytes: bytes to allocate
 *
 * The pages are zeroed and not mapped. Free them with MmFreePagesFromMdl and
 * the MDL with ExFreePool.
 *
 * Context: may sleep.
 * Return: the MDL, possibly describing fewer bytes than asked (check
 * MmGetMdlByteCount), or NULL.
 */
PMDL MmAllocatePagesForMdl(PHYSICAL_ADDRESS LowAddress,
			   PHYSICAL_ADDRESS HighAddress,
			   PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes);

/**
 * MmAllocatePagesForMdlEx() - allocate physical pages, with options
 * @LowAddress: lowest acceptable physical address
 * @HighAddress: highest acceptable physical address
 * @SkipBytes: 0, or the stride between acceptable ranges; with
 *             MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, the chunk size (a power
 *             of two of pages, at most the page allocator's largest block)
 * @TotalBytes: bytes to allocate
 * @CacheType: cache type later mappings of the pages use (x86: the pages'
 *             direct-map attribute is set to it until they are freed)
 * @Flags: MM_DONT_ZERO_ALLOCATION, MM_ALLOCATE_FULLY_REQUIRED,
 *         MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, MM_ALLOCATE_PREFER_CONTIGUOUS,
 *         MM_ALLOCATE_NO_WAIT, MM_ALLOCATE_FROM_LOCAL_NODE_ONLY,
 *         MM_ALLOCATE_FAST_LARGE_PAGES (as PREFER_CONTIGUOUS),
 *         MM_ALLOCATE_TRIM_IF_NECESSARY; MM_ALLOCATE_AND_HOT_REMOVE is refused
 *
 * Addresses are unsigned: HighAddress -1 means any. Linux cannot allocate
 * from an arbitrary physical range: the zone below HighAddress is used
 * (DMA, DMA32) and pages outside the acceptable ranges are set aside while
 * others are taken, a bounded number of times, so a narrow range may give
 * a shorter MDL. The PFN array doubles as the page array; pages come from
 * the bulk allocator or split high-order blocks, never one kmalloc per page.
 *
 * Context: may sleep (unless MM_ALLOCATE_NO_WAIT).
 * Return: the MDL (shorter than asked unless MM_ALLOCATE_FULLY_REQUIRED), or
 * NULL; unknown flags are refused.
 */
PMDL MmAllocatePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
			     PHYSICAL_ADDRESS HighAddress,
			     PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes,
			     MEMORY_CACHING_TYPE CacheType, ULONG Flags);

/**
 * MmFreePagesFromMdl() - free the pages of MmAllocatePagesForMdl*
 * @MemoryDescriptorList: the MDL; free it afterwards with ExFreePool
 *
 * A system mapping of the MDL is released first.
 *
 * Context: may sleep.
 */
void MmFreePagesFromMdl(PMDL MemoryDescriptorList);

/**
 * MmFreePagesFromMdlEx() - free the pages of MmAllocatePagesForMdl*, with options
 * @MemoryDescriptorList: the MDL; free it afterwards with ExFreePool
 * @Flags: 0 or MM_FREE_MDL_PAGES_ZERO (zero the pages before freeing)
 *
 * Context: may sleep.
 */
void MmFreePagesFromMdlEx(PMDL MemoryDescriptorList, ULONG Flags);

/**
 * MmAllocateMdlForIoSpace() - MDL describing device memory
 * @PhysicalAddressList: page-aligned physical ranges
 * @NumberOfEntries: number of ranges
 * @NewMdl: receives the MDL (MDL_IO_SPACE; free with ExFreePool)
 *
 * No struct page is assumed for the ranges. The MDL has no memory type of
 * its own: each mapping of it takes the one it asks for, and is refused
 * when a live mapping gives one of its pages another (see
 * MmMapLockedPagesSpecifyCache()).
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS, STATUS_INVALID_PARAMETER_1/_2 for bad ranges,
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS MmAllocateMdlForIoSpace(PMM_PHYSICAL_ADDRESS_LIST PhysicalAddressList,
				 SIZE_T NumberOfEntries, PMDL *NewMdl);

/**
 * MmMapIoSpace() - map a physical range into system space
 * @PhysicalAddress: start of the range
 * @NumberOfBytes: length of the range
 * @CacheType: MmNonCached (ioremap), MmWriteCombined (ioremap_wc) or
 *             MmCached (ioremap_cache); System RAM is mapped with memremap
 *             and stays cached whatever the type (x86 PAT forbids an
 *             uncached alias of the direct map)
 *
 * A range that is partly RAM, or beyond the CPU's physical address width,
 * is refused. Each mapping is recorded so that MmUnmapIoSpace undoes it
 * with the matching call. Device memory has one memory type: a range of it
 * that a live mapping of mdl.ko (MmMapIoSpace*, a mapping of an I/O-space
 * MDL, an MDL fd of MDL_IOC_MAP_IO_SPACE) gives another type is refused
 * before anything is mapped, without a log line (NULL).
 *
 * Context: may sleep.
 * Return: the address of @PhysicalAddress, or NULL.
 */
PVOID MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
		   MEMORY_CACHING_TYPE CacheType);

/**
 * MmMapIoSpaceEx() - map a physical range with a page protection
 * @PhysicalAddress: start of the range
 * @NumberOfBytes: length of the range
 * @Protect: PAGE_READWRITE or PAGE_READONLY, ORed with PAGE_NOCACHE or
 *           PAGE_WRITECOMBINE (neither: cached)
 *
 * As MmMapIoSpace(): device memory another live mapping gives another
 * memory type is refused (NULL).
 *
 * Context: may sleep.
 * Return: the address of @PhysicalAddress, or NULL.
 */
PVOID MmMapIoSpaceEx(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
		     ULONG Protect);

/**
 * MmUnmapIoSpace() - unmap a range from MmMapIoSpace / MmMapIoSpaceEx
 * @BaseAddress: the address returned by the map call
 * @NumberOfBytes: the length given to the map call
 *
 * Context: may sleep.
 */
void MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes);

/**
 * MmAllocateContiguousMemory() - physically contiguous, cached memory
 * @NumberOfBytes: size
 * @HighestAcceptableAddress: highest acceptable physical address
 *
 * Context: may sleep.
 * Return: the system address, or NULL.
 */
PVOID MmAllocateContiguousMemory(SIZE_T NumberOfBytes,
				 PHYSICAL_ADDRESS HighestAcceptableAddress);

/**
 * MmAllocateContiguousMemorySpecifyCache() - physically contiguous memory
 * @NumberOfBytes: size
 * @LowestAcceptableAddress: lowest acceptable physical address
 * @HighestAcceptableAddress: highest acceptable physical address
 * @BoundaryAddressMultiple: 0, or a power of two the block must not cross
 * @CacheType: cache type of the returned mapping
 *
 * One block of the page allocator (at most its largest order, 4 MiB on
 * x86-64), zeroed, returned at its direct-map address. Non-cached and
 * write-combined types change the direct map's attribute of the pages (x86
 * PAT allows no cached alias) until they are freed. Addresses are unsigned:
 * HighestAcceptableAddress -1 means any.
 *
 * Context: may sleep.
 * Return: the system address, or NULL.
 */
PVOID MmAllocateContiguousMemorySpecifyCache(SIZE_T NumberOfBytes,
					     PHYSICAL_ADDRESS LowestAcceptableAddress,
					     PHYSICAL_ADDRESS HighestAcceptableAddress,
					     PHYSICAL_ADDRESS BoundaryAddressMultiple,
					     MEMORY_CACHING_TYPE CacheType);

/**
 * MmFreeContiguousMemory() - free MmAllocateContiguousMemory memory
 * @BaseAddress: the address returned by the allocator
 *
 * Context: may sleep.
 */
void MmFreeContiguousMemory(PVOID BaseAddress);

/**
 * MmFreeContiguousMemorySpecifyCache() - free contiguous memory
 * @BaseAddress: the address returned by the allocator
 * @NumberOfBytes: the size given to the allocator
 * @CacheType: the cache type given to the allocator
 *
 * Context: may sleep.
 */
void MmFreeContiguousMemorySpecifyCache(PVOID BaseAddress, SIZE_T NumberOfBytes,
					MEMORY_CACHING_TYPE CacheType);

/**
 * MmAllocateNonCachedMemory() - uncached, virtually contiguous memory
 * @NumberOfBytes: size
 *
 * Context: may sleep.
 * Return: the system address, or NULL.
 */
PVOID MmAllocateNonCachedMemory(SIZE_T NumberOfBytes);

/**
 * MmFreeNonCachedMemory() - free MmAllocateNonCachedMemory memory
 * @BaseAddress: the address returned by the allocator
 * @NumberOfBytes: the size given to the allocator
 *
 * Context: may sleep.
 */
void MmFreeNonCachedMemory(PVOID BaseAddress, SIZE_T NumberOfBytes);

/**
 * MmGetPhysicalAddress() - physical address of a resident virtual address
 * @BaseAddress: a kernel address (direct map, vmalloc, module memory) or a
 *               user address of the current process
 *
 * Context: any for kernel addresses; may sleep for user addresses.
 * Return: the physical address, or 0 when the address is not mapped or the
 * user page is not resident (as Windows).
 */
PHYSICAL_ADDRESS MmGetPhysicalAddress(PVOID BaseAddress);

/**
 * MmGetVirtualForPhysical() - system address of a physical address of RAM
 * @PhysicalAddress: a physical address in the kernel's direct map
 *
 * Context: any; atomic context allowed.
 * Return: the direct-map address, or NULL when the address is not RAM that
 * the kernel maps.
 */
PVOID MmGetVirtualForPhysical(PHYSICAL_ADDRESS PhysicalAddress);

/**
 * MmIsAddressValid() - would an access to an address fault right now
 * @VirtualAddress: kernel address, or user address of the current process
 *
 * Context: any for kernel addresses; may sleep for user addresses.
 * Return: TRUE when a read of the address would not fault.
 */
BOOLEAN MmIsAddressValid(PVOID VirtualAddress);

/* ------------------------------------------------------------------ */
/* Pool and process helpers that MDL code depends on.                 */
/* ------------------------------------------------------------------ */

/**
 * ExAllocatePool() - allocate pool memory
 * @PoolType: NonPagedPool, NonPagedPoolNx or PagedPool (all non-paged on
 *            Linux)
 * @NumberOfBytes: size
 *
 * Pool memory comes from mdl.ko's arena of whole pages, never from the
 * kernel's slab caches: up to half a page, a chunk of a power-of-two size
 * class of at least 32 bytes, aligned to its class; above, whole pages,
 * page-aligned. Any pool allocation can be described with
 * MmBuildMdlForNonPagedPool and mapped with MmMapLockedPagesSpecifyCache,
 * UserMode included. A user mapping covers whole pages, so it also shows
 * the rest of the allocation's page: other pool allocations and free pool
 * chunks (zero, or what a freed pool allocation left), never other kernel
 * memory, as on Windows. The tag is 'None'. Not charged to a memory cgroup.
 *
 * Context: may sleep.
 * Return: the memory (not zeroed), or NULL.
 */
PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes);

/**
 * ExAllocatePoolWithTag() - allocate tagged pool memory
 * @PoolType: NonPagedPool, NonPagedPoolNx or PagedPool
 * @NumberOfBytes: size
 * @Tag: pool tag, checked by ExFreePoolWithTag
 *
 * The memory is as ExAllocatePool's (what a user mapping of it exposes is
 * said there).
 *
 * Context: may sleep.
 * Return: the memory (not zeroed), or NULL.
 */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);

/**
 * ExAllocatePool2() - allocate pool memory, zeroed unless asked otherwise
 * @Flags: POOL_FLAG_NON_PAGED or POOL_FLAG_PAGED, optionally
 *         POOL_FLAG_UNINITIALIZED and POOL_FLAG_CACHE_ALIGNED
 * @NumberOfBytes: size
 * @Tag: non-zero pool tag
 *
 * Context: may sleep.
 * Return: the memory, or NULL (also for unknown flags).
 */
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);

/**
 * ExFreePool() - free pool memory, or an MDL from MmAllocatePagesForMdl* or
 * MmAllocateMdlForIoSpace
 * @P: the memory
 *
 * A pointer that is neither (not the start of a pool allocation in use, a
 * second free) is refused with one log line and nothing is freed. Pages
 * still mapped into a process stay with the mapping and are not reused by
 * the pool until it is gone.
 *
 * Context: may sleep.
 */
void ExFreePool(PVOID P);

/**
 * ExFreePoolWithTag() - free tagged pool memory
 * @P: the memory
 * @Tag: the tag given at allocation
 *
 * As ExFreePool; a @Tag other than the allocation's is refused with one log
 * line and nothing is freed (Windows bugchecks).
 *
 * Context: may sleep.
 */
void ExFreePoolWithTag(PVOID P, ULONG Tag);

/**
 * PsGetCurrentProcess() - the current process
 *
 * No reference is taken, as on Windows.
 *
 * Context: process context.
 * Return: the current process.
 */
PEPROCESS PsGetCurrentProcess(void);

/**
 * PsLookupProcessByProcessId() - reference a process by its id
 * @ProcessId: the process id (a Linux tgid), cast to HANDLE
 * @Process: receives a referenced process; drop it with ObDereferenceObject
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS or STATUS_INVALID_CID.
 */
NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process);

/**
 * ObDereferenceObject() - drop a process reference
 * @Object: a process from PsLookupProcessByProcessId
 *
 * Context: any.
 */
void ObDereferenceObject(PVOID Object);

/* ------------------------------------------------------------------ */
/* Routines of newer WDKs: physical memory ranges, MmCopyMemory,      */
/* allocations on a node, MmMapMdl, MmAllocateMappingAddressEx, MDL   */
/* queries, secured user memory.                                      */
/* ------------------------------------------------------------------ */

/**
 * struct _PHYSICAL_MEMORY_RANGE - one range of MmGetPhysicalMemoryRanges
 * @BaseAddress: first physical address of the range
 * @NumberOfBytes: its length; 0 (with @BaseAddress 0) ends the array
 */
typedef struct _PHYSICAL_MEMORY_RANGE {
	PHYSICAL_ADDRESS BaseAddress;
	LARGE_INTEGER NumberOfBytes;
} PHYSICAL_MEMORY_RANGE, *PPHYSICAL_MEMORY_RANGE;

#define MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_FILE_ONLY		0x00000001
#define MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_ALL_PARTITIONS	0x00000002

/**
 * MmGetPhysicalMemoryRanges() - the physical memory of the system
 *
 * System RAM as the kernel's resource tree lists it ("System RAM" in
 * /proc/iomem), sorted, adjacent ranges merged; a kernel that lists no RAM
 * there (User-Mode Linux) gives the spans of its memory nodes.
 *
 * Context: may sleep.
 * Return: a pool array ending with an all-zero entry (free it with
 * ExFreePool), or NULL when memory is short.
 */
PPHYSICAL_MEMORY_RANGE MmGetPhysicalMemoryRanges(void);

/**
 * MmGetPhysicalMemoryRangesEx() - the physical memory of a partition
 * @PartitionObject: NULL (the system; no other partition exists)
 *
 * Context: may sleep.
 * Return: as MmGetPhysicalMemoryRanges(); NULL for a partition object.
 */
PPHYSICAL_MEMORY_RANGE MmGetPhysicalMemoryRangesEx(PVOID PartitionObject);

/**
 * MmGetPhysicalMemoryRangesEx2() - the physical memory, persistent memory too
 * @PartitionObject: NULL (the system)
 * @Flags: MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_FILE_ONLY adds persistent
 *         memory ("Persistent Memory" and "Persistent Memory (legacy)"
 *         resources); MM_GET_PHYSICAL_MEMORY_RANGES_INCLUDE_ALL_PARTITIONS
 *         changes nothing (one partition)
 *
 * Context: may sleep.
 * Return: as MmGetPhysicalMemoryRanges(); NULL for a partition object or
 * unknown flags.
 */
PPHYSICAL_MEMORY_RANGE MmGetPhysicalMemoryRangesEx2(PVOID PartitionObject,
						    ULONG Flags);

/**
 * struct _MM_COPY_ADDRESS - source of MmCopyMemory
 * @VirtualAddress: with MM_COPY_MEMORY_VIRTUAL
 * @PhysicalAddress: with MM_COPY_MEMORY_PHYSICAL
 */
typedef struct _MM_COPY_ADDRESS {
	union {
		PVOID VirtualAddress;
		PHYSICAL_ADDRESS PhysicalAddress;
	};
} MM_COPY_ADDRESS, *PMM_COPY_ADDRESS;

#define MM_COPY_MEMORY_PHYSICAL		0x1
#define MM_COPY_MEMORY_VIRTUAL		0x2

/**
 * MmCopyMemory() - copy memory that may not be valid, without faulting
 * @TargetAddress: kernel buffer of @NumberOfBytes bytes
 * @SourceAddress: the source, virtual or physical as @Flags says
 * @NumberOfBytes: bytes to copy
 * @Flags: MM_COPY_MEMORY_VIRTUAL (a kernel address: direct map, kernel
 *         image, vmalloc or module memory that is mapped) or
 *         MM_COPY_MEMORY_PHYSICAL (System RAM only; device memory and holes
 *         are refused, as by MmMapIoSpace)
 * @NumberOfBytesTransferred: receives the bytes copied
 *
 * Copies page by page and stops at the first page that cannot be read; a
 * bad address is a status, never a fault.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS; STATUS_ACCESS_VIOLATION when a page could not be
 * read (*@NumberOfBytesTransferred says how far the copy got);
 * STATUS_INVALID_PARAMETER(_4) for bad arguments.
 */
NTSTATUS MmCopyMemory(PVOID TargetAddress, MM_COPY_ADDRESS SourceAddress,
		      SIZE_T NumberOfBytes, ULONG Flags,
		      PSIZE_T NumberOfBytesTransferred);

typedef ULONG NODE_REQUIREMENT;
#define MM_ANY_NODE_OK			0x80000000U

/**
 * MmAllocateNodePagesForMdlEx() - MmAllocatePagesForMdlEx from a node
 * @LowAddress: as MmAllocatePagesForMdlEx
 * @HighAddress: as MmAllocatePagesForMdlEx
 * @SkipBytes: as MmAllocatePagesForMdlEx
 * @TotalBytes: as MmAllocatePagesForMdlEx
 * @CacheType: as MmAllocatePagesForMdlEx
 * @IdealNode: node to take the pages from first (MM_ANY_NODE_OK: the
 *             local node)
 * @Flags: as MmAllocatePagesForMdlEx; MM_ALLOCATE_FROM_LOCAL_NODE_ONLY
 *         takes pages from @IdealNode only
 *
 * Context: may sleep (unless MM_ALLOCATE_NO_WAIT).
 * Return: the MDL, or NULL (also for a node that does not exist or has no
 * memory).
 */
PMDL MmAllocateNodePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
				 PHYSICAL_ADDRESS HighAddress,
				 PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes,
				 MEMORY_CACHING_TYPE CacheType, ULONG IdealNode,
				 ULONG Flags);

/**
 * MmAllocatePartitionNodePagesForMdlEx() - the same, in a partition
 * @LowAddress: as MmAllocateNodePagesForMdlEx
 * @HighAddress: as MmAllocateNodePagesForMdlEx
 * @SkipBytes: as MmAllocateNodePagesForMdlEx
 * @TotalBytes: as MmAllocateNodePagesForMdlEx
 * @CacheType: as MmAllocateNodePagesForMdlEx
 * @IdealNode: as MmAllocateNodePagesForMdlEx
 * @Flags: as MmAllocateNodePagesForMdlEx
 * @PartitionObject: NULL (the system; no other partition exists)
 *
 * Context: may sleep (unless MM_ALLOCATE_NO_WAIT).
 * Return: the MDL, or NULL (also for a partition object).
 */
PMDL MmAllocatePartitionNodePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
					  PHYSICAL_ADDRESS HighAddress,
					  PHYSICAL_ADDRESS SkipBytes,
					  SIZE_T TotalBytes,
					  MEMORY_CACHING_TYPE CacheType,
					  ULONG IdealNode, ULONG Flags,
					  PVOID PartitionObject);

/**
 * MmAllocateContiguousMemorySpecifyCacheNode() - contiguous memory on a node
 * @NumberOfBytes: as MmAllocateContiguousMemorySpecifyCache
 * @LowestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @HighestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @BoundaryAddressMultiple: as MmAllocateContiguousMemorySpecifyCache
 * @CacheType: as MmAllocateContiguousMemorySpecifyCache
 * @PreferredNode: node tried first (then any node), or MM_ANY_NODE_OK
 *
 * Free with MmFreeContiguousMemory.
 *
 * Context: may sleep.
 * Return: the system address, or NULL (also for a node that does not exist
 * or has no memory).
 */
PVOID MmAllocateContiguousMemorySpecifyCacheNode(SIZE_T NumberOfBytes,
						 PHYSICAL_ADDRESS LowestAcceptableAddress,
						 PHYSICAL_ADDRESS HighestAcceptableAddress,
						 PHYSICAL_ADDRESS BoundaryAddressMultiple,
						 MEMORY_CACHING_TYPE CacheType,
						 NODE_REQUIREMENT PreferredNode);

/**
 * MmAllocateContiguousNodeMemory() - contiguous memory on a node, by protection
 * @NumberOfBytes: as MmAllocateContiguousMemorySpecifyCache
 * @LowestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @HighestAcceptableAddress: as MmAllocateContiguousMemorySpecifyCache
 * @BoundaryAddressMultiple: as MmAllocateContiguousMemorySpecifyCache
 * @Protect: PAGE_READWRITE, optionally ORed with PAGE_NOCACHE or
 *           PAGE_WRITECOMBINE; executable protections are refused (kernel
 *           memory is never executable)
 * @PreferredNode: node tried first (then any node), or MM_ANY_NODE_OK
 *
 * Free with MmFreeContiguousMemory.
 *
 * Context: may sleep.
 * Return: the system address, or NULL.
 */
PVOID MmAllocateContiguousNodeMemory(SIZE_T NumberOfBytes,
				     PHYSICAL_ADDRESS LowestAcceptableAddress,
				     PHYSICAL_ADDRESS HighestAcceptableAddress,
				     PHYSICAL_ADDRESS BoundaryAddressMultiple,
				     ULONG Protect, NODE_REQUIREMENT PreferredNode);

/* Called by MmMapMdl with the system address of the MDL's buffer. */
typedef VOID MM_MDL_ROUTINE(PVOID DriverContext, PVOID MappedVa);
typedef void (*PMM_MDL_ROUTINE)(PVOID DriverContext, PVOID MappedVa);

/**
 * MmMapMdl() - map an MDL, call a routine with the mapping, unmap
 * @MemoryDescriptorList: a locked, allocated, partial or I/O-space MDL
 * @Protection: PAGE_READWRITE or PAGE_READONLY
 * @DriverRoutine: called with @DriverContext and the buffer's system address
 * @DriverContext: passed to @DriverRoutine
 *
 * An MDL without a system mapping is mapped for the call only and unmapped
 * when @DriverRoutine returns; one already mapped (or non-paged pool) is
 * passed its mapping, which stays.
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS once @DriverRoutine ran; STATUS_INVALID_PARAMETER_1
 * (no MDL, or not locked), STATUS_INVALID_PAGE_PROTECTION,
 * STATUS_INVALID_PARAMETER_3 (no routine) or STATUS_INSUFFICIENT_RESOURCES
 * (mapping failed) without calling it.
 */
NTSTATUS MmMapMdl(PMDL MemoryDescriptorList, ULONG Protection,
		  PMM_MDL_ROUTINE DriverRoutine, PVOID DriverContext);

#define MM_MAPPING_ADDRESS_DIVISIBLE	0x1

/**
 * MmAllocateMappingAddressEx() - reserve system address space, divisibly
 * @NumberOfBytes: size, 1 to MDL_MAX_BYTE_COUNT
 * @PoolTag: non-zero tag, given again to every use of the range
 * @Flags: 0 or MM_MAPPING_ADDRESS_DIVISIBLE: several MDLs may be mapped at
 *         once, each at its own page offset (MappingAddress = base + offset
 *         of MmMapLockedPagesWithReservedMapping and MmUnmapReservedMapping)
 *
 * As with MmAllocateMappingAddress, each MDL mapped for the range gets a
 * mapping of its own outside it: the address returned by
 * MmMapLockedPagesWithReservedMapping is not base + offset, and MDLs mapped
 * at adjacent offsets are not adjacent in system space.
 *
 * Context: may sleep.
 * Return: the page-aligned base, or NULL (also for unknown flags).
 */
PVOID MmAllocateMappingAddressEx(SIZE_T NumberOfBytes, ULONG PoolTag,
				 ULONG Flags);

/**
 * MmAreMdlPagesCached() - are an MDL's pages mapped cached
 * @MemoryDescriptorList: a locked, allocated, non-paged or I/O-space MDL
 *
 * Context: may sleep (the memory types mdl.ko gave are looked up).
 * Return: TRUE when mappings of the pages are write-back; FALSE for pages
 * given another memory type (non-cached and write-combined allocations),
 * for I/O space and for an unlocked MDL.
 */
BOOLEAN MmAreMdlPagesCached(PMDL MemoryDescriptorList);

typedef enum _MM_MDL_PAGE_CONTENTS_STATE {
	MmMdlPageContentsDynamic,
	MmMdlPageContentsInvariant,
	MmMdlPageContentsQuery,
} MM_MDL_PAGE_CONTENTS_STATE, *PMM_MDL_PAGE_CONTENTS_STATE;

/**
 * MmMdlPageContentsState() - mark an MDL's contents invariant, or query
 * @MemoryDescriptorList: the MDL
 * @State: MmMdlPageContentsInvariant sets MDL_PAGE_CONTENTS_INVARIANT,
 *         MmMdlPageContentsDynamic clears it, MmMdlPageContentsQuery
 *         changes nothing
 *
 * Context: any; atomic context allowed.
 * Return: the state before the call (MmMdlPageContentsQuery for no MDL).
 */
MM_MDL_PAGE_CONTENTS_STATE MmMdlPageContentsState(PMDL MemoryDescriptorList,
						  MM_MDL_PAGE_CONTENTS_STATE State);

/**
 * MmIsIoSpaceActive() - is part of a physical range mapped by MmMapIoSpace
 * @StartAddress: first physical address
 * @NumberOfBytes: length of the range
 *
 * Context: may sleep.
 * Return: TRUE when a mapping of MmMapIoSpace or MmMapIoSpaceEx that is
 * still in place covers a byte of the range.
 */
LOGICAL MmIsIoSpaceActive(PHYSICAL_ADDRESS StartAddress, SIZE_T NumberOfBytes);

/**
 * MmIsNonPagedSystemAddressValid() - is a system address mapped
 * @VirtualAddress: a kernel address
 *
 * Kernel memory is never paged on Linux: TRUE for every mapped kernel
 * address (direct map, kernel image, vmalloc, module memory).
 *
 * Context: any; atomic context allowed.
 * Return: TRUE when the address is a mapped kernel address; FALSE for user
 * addresses.
 */
BOOLEAN MmIsNonPagedSystemAddressValid(PVOID VirtualAddress);

#define MM_SECURE_EXCLUSIVE		0x00000001
#define MM_SECURE_NO_CHANGE		0x00000002
#define MM_SECURE_USER_MODE_ONLY	0x00000004
#define MM_SECURE_NO_INHERIT		0x00000008

/**
 * MmSecureVirtualMemoryEx() - keep a user range's pages, as probed
 * @Address: start of the range in the current process
 * @Size: bytes, 1 to MDL_MAX_BYTE_COUNT
 * @ProbeMode: PAGE_READONLY or PAGE_READWRITE: the access checked (and, for
 *             PAGE_READWRITE, the pages made writable)
 * @Flags: 0, MM_SECURE_USER_MODE_ONLY, MM_SECURE_NO_INHERIT; the range's
 *         protection cannot be frozen (MM_SECURE_NO_CHANGE,
 *         MM_SECURE_EXCLUSIVE: NULL)
 *
 * The range's pages are pinned (as MmProbeAndLockPages) until
 * MmUnsecureVirtualMemory: they stay resident and are the pages the range
 * had. Unlike Windows, the process may still munmap or mprotect the range
 * (the pinned pages stay valid and keep their contents, but the user
 * addresses may no longer reach them), and the range is not released when
 * the process exits: the driver calls MmUnsecureVirtualMemory (from any
 * process), or unloading mdl.ko does.
 *
 * Context: may sleep; process context.
 * Return: a handle for MmUnsecureVirtualMemory, or NULL.
 */
HANDLE MmSecureVirtualMemoryEx(PVOID Address, SIZE_T Size, ULONG ProbeMode,
			       ULONG Flags);

/**
 * MmSecureVirtualMemory() - MmSecureVirtualMemoryEx without flags
 * @Address: start of the range in the current process
 * @Size: bytes
 * @ProbeMode: PAGE_READONLY or PAGE_READWRITE
 *
 * Context: may sleep; process context.
 * Return: a handle for MmUnsecureVirtualMemory, or NULL.
 */
HANDLE MmSecureVirtualMemory(PVOID Address, SIZE_T Size, ULONG ProbeMode);

/**
 * MmUnsecureVirtualMemory() - release a range of MmSecureVirtualMemory
 * @SecureHandle: the handle; an unknown handle is refused (logged once)
 *
 * Context: may sleep.
 */
void MmUnsecureVirtualMemory(HANDLE SecureHandle);

/* ------------------------------------------------------------------ */
/* Names a Windows driver's memory code uses beside the MDL routines. */
/* ------------------------------------------------------------------ */

#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/string.h>

/*
 * SAL annotations of WDK prototypes: analysis-only in the WDK, nothing
 * here. The argument forms take any tokens, so conditions such as
 * _When_(AccessMode == UserMode, ...) vanish whole.
 */
#define _In_
#define _In_opt_
#define _In_z_
#define _In_opt_z_
#define _Out_
#define _Out_opt_
#define _Inout_
#define _Inout_opt_
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_result_bytebuffer_(...)
#define _In_reads_(...)
#define _In_reads_opt_(...)
#define _In_reads_bytes_(...)
#define _In_reads_bytes_opt_(...)
#define _Out_writes_(...)
#define _Out_writes_opt_(...)
#define _Out_writes_bytes_(...)
#define _Out_writes_bytes_opt_(...)
#define _Out_writes_bytes_all_(...)
#define _Out_writes_bytes_to_(...)
#define _Inout_updates_(...)
#define _Inout_updates_bytes_(...)
#define _Must_inspect_result_
#define _Check_return_
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Pre_notnull_
#define _Post_notnull_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_writable_byte_size_(...)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Reserved_
#define _Null_terminated_
#define _Printf_format_string_
#define _Strict_type_match_
#define _Literal_
#define _Use_decl_annotations_
#define _Maybe_raises_SEH_exception_
#define _IRQL_requires_max_(...)
#define _IRQL_requires_min_(...)
#define _IRQL_requires_(...)
#define _IRQL_raises_(...)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_requires_same_
#define _IRQL_always_function_max_(...)
#define _When_(...)
#define _Success_(...)
#define _At_(...)
#define _Analysis_assume_(...)
#define _Field_size_(...)
#define _Field_size_bytes_(...)
#define _In_range_(...)
#define _Out_range_(...)
#define _Ret_range_(...)
#define _Function_class_(...)
#define _Dispatch_type_(...)
#define _Kernel_requires_resource_held_(...)

/* The driver-verifier annotations of older WDK prototypes. */
#define __drv_aliasesMem
#define __drv_allocatesMem(...)
#define __drv_freesMem(...)
#define __drv_when(...)
#define __drv_at(...)
#define __drv_in(...)
#define __drv_out(...)
#define __drv_maxIRQL(...)
#define __drv_minIRQL(...)
#define __drv_requiresIRQL(...)
#define __drv_setsIRQL(...)
#define __drv_raisesIRQL(...)
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_maxFunctionIRQL(...)
#define __drv_strictType(...)
#define __drv_strictTypeMatch(...)
#define __drv_inTry
#define __drv_notInTry
#define __drv_valueIs(...)
#define __drv_reportError(...)
#define __drv_preferredFunction(...)
#define __drv_functionClass(...)
#define __drv_dispatchType(...)
#define __drv_mustHold(...)
#define __drv_acquiresResource(...)
#define __drv_releasesResource(...)
#define __drv_isObjectPointer
#define __drv_constant
#define __drv_nonConstant
#define __drv_formatString(...)

/*
 * The old (pre-SAL 2) annotations. __out is also a label name inside the
 * kernel's wait_event*(), swait_event*() and wait_var_event*() macros, so
 * it is defined only on request (MDL_WDM_SAL_OUT, for example
 * ccflags-y += -DMDL_WDM_SAL_OUT); a file that asks for it cannot use those
 * macros after this header. __out_opt and the sized forms are always here.
 */
#define __in
#define __in_opt
#define __in_z
#define __in_bcount(...)
#define __in_bcount_opt(...)
#define __in_ecount(...)
#define __in_data_source(...)
#define __in_ecount_opt(...)
#define __bcount(...)
#define __bcount_opt(...)
#define __ecount(...)
#define __ecount_opt(...)
#define __out_opt
#define __out_bcount(...)
#define __out_bcount_opt(...)
#define __out_bcount_part(...)
#define __out_ecount(...)
#define __out_ecount_opt(...)
#define __inout
#define __inout_opt
#define __inout_bcount(...)
#define __inout_ecount(...)
#define __deref_out
#define __deref_out_opt
#define __checkReturn
#define __success(...)
#ifdef MDL_WDM_SAL_OUT
#define __out
#endif

/*
 * Declaration keywords of WDK prototypes. FORCEINLINE functions are static
 * here, one copy per file (a WDK header's inline helpers, included by many
 * files, must not clash at link time): write FORCEINLINE, not
 * static FORCEINLINE.
 */
#define NTKERNELAPI
#define NTSYSAPI
#define NTHALAPI
#define FORCEINLINE		static __always_inline

/* More basic types. WCHAR is the type of L"..." (kernels build with -fshort-wchar). */
typedef int INT, *PINT;
typedef unsigned int UINT, *PUINT;
typedef unsigned long UINT_PTR, *PUINT_PTR;
typedef const char *PCSTR, *PCSZ;
typedef char *PSTR;
typedef u16 WCHAR, *PWCHAR, *PWCH, *PWSTR;
typedef const u16 *PCWCH, *PCWSTR;
typedef ULONG PFN_COUNT;
typedef USHORT *PUSHORT;

static_assert(__builtin_types_compatible_p(__typeof__(L""[0]), WCHAR),
	      "L\"...\" must be UTF-16 (kernels build with -fshort-wchar)");

#define MAXUSHORT	0xffff

#define STATUS_DATATYPE_MISALIGNMENT	((NTSTATUS)0x80000002L)
#define STATUS_INVALID_PARAMETER_5	((NTSTATUS)0xC00000F3L)
#define STATUS_INVALID_PARAMETER_6	((NTSTATUS)0xC00000F4L)

/* Mapping and MDL flags of newer WDKs. */
#define MdlMappingWithGuardPtes	0x20000000U
#define MDL_MAPPING_FLAGS	(MDL_MAPPED_TO_SYSTEM_VA | MDL_PAGES_LOCKED | \
				 MDL_SOURCE_IS_NONPAGED_POOL | \
				 MDL_PARTIAL_HAS_BEEN_MAPPED | \
				 MDL_PARENT_MAPPED_SYSTEM_VA | MDL_IO_SPACE)

/**
 * MmGetSystemAddressForMdl() - system address of an MDL's buffer (old form)
 * @Mdl: a locked, non-paged, partial or allocated MDL
 *
 * A macro in the WDK. Windows bugchecks when the mapping fails.
 *
 * Context: may sleep when it must create the mapping.
 * Return: MappedSystemVa when the MDL is mapped or non-paged, else
 * MmMapLockedPages(Mdl, KernelMode); NULL on failure.
 */
static inline PVOID MmGetSystemAddressForMdl(PMDL Mdl)
{
	if (Mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))
		return Mdl->MappedSystemVa;
	return MmMapLockedPages(Mdl, KernelMode);
}

/*
 * Memory routines of the run-time library: the C library's, with the WDK's
 * argument order. RtlEqualMemory is TRUE when the buffers are equal.
 */
#define RtlCopyMemory(Destination, Source, Length) \
	memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length) \
	memmove((Destination), (Source), (Length))
#define RtlFillMemory(Destination, Length, Fill) \
	memset((Destination), (Fill), (Length))
#define RtlZeroMemory(Destination, Length) \
	memset((Destination), 0, (Length))
#define RtlEqualMemory(Source1, Source2, Length) \
	(!memcmp((Source1), (Source2), (Length)))

/*
 * Debugging and compile-time helpers. ASSERT is checked in DBG builds only
 * (a failure warns once with a backtrace, where Windows breaks into the
 * debugger); otherwise its expression is not evaluated, as in free builds.
 * PAGED_CODE marks code that may sleep: might_sleep(), which reports atomic
 * callers on kernels with CONFIG_DEBUG_ATOMIC_SLEEP.
 */
#if defined(DBG) && DBG
#define ASSERT(exp)		((void)WARN_ONCE(!(exp), "ASSERT(%s) failed\n", #exp))
#else
#define ASSERT(exp)		BUILD_BUG_ON_INVALID(exp)
#endif
#define PAGED_CODE()		might_sleep()
#define UNREFERENCED_PARAMETER(P)	((void)(P))
#define C_ASSERT(e)		static_assert(e, #e)

/* Rounding of lengths and pointers to a power-of-two alignment. */
#define ALIGN_DOWN_BY(length, alignment) \
	ALIGN_DOWN((ULONG_PTR)(length), (ULONG_PTR)(alignment))
#define ALIGN_UP_BY(length, alignment) \
	ALIGN((ULONG_PTR)(length), (ULONG_PTR)(alignment))
#define ALIGN_DOWN_POINTER_BY(address, alignment) \
	((PVOID)ALIGN_DOWN_BY(address, alignment))
#define ALIGN_UP_POINTER_BY(address, alignment) \
	((PVOID)ALIGN_UP_BY(address, alignment))

/*
 * IRQL. Linux has no interrupt request levels: KeGetCurrentIrql() reads the
 * context the caller runs in (see its description). APC_LEVEL is accepted
 * wherever a routine takes an IRQL but never reported.
 */
typedef UCHAR KIRQL, *PKIRQL;
#define PASSIVE_LEVEL	0
#define LOW_LEVEL	0
#define APC_LEVEL	1
#define DISPATCH_LEVEL	2
#define HIGH_LEVEL	15

/**
 * KeGetCurrentIrql() - the IRQL that matches the caller's context
 *
 * From the real preemption and interrupt state: HIGH_LEVEL in hard
 * interrupt or NMI context or with local interrupts disabled (a Linux
 * interrupt handler runs with interrupts off, as code above DISPATCH_LEVEL
 * runs with them masked); DISPATCH_LEVEL in softirq context (where DPCs'
 * work runs), with preemption disabled or a spinlock held (as
 * KeAcquireSpinLock raises to DISPATCH_LEVEL); PASSIVE_LEVEL where the
 * caller may sleep. APC_LEVEL is never returned. A spinlock is seen only
 * on kernels that count preemption (CONFIG_PREEMPT_COUNT: Debian's, and
 * every kernel with lockdep or CONFIG_DEBUG_ATOMIC_SLEEP).
 *
 * Context: any.
 * Return: PASSIVE_LEVEL, DISPATCH_LEVEL or HIGH_LEVEL.
 */
KIRQL KeGetCurrentIrql(void);

/**
 * ExGetPreviousMode() - the mode the current request came from
 *
 * Context: any.
 * Return: UserMode in a system call of a user process (the process's
 * addresses are user addresses to probe), KernelMode in kernel threads and
 * interrupt context.
 */
KPROCESSOR_MODE ExGetPreviousMode(void);

/**
 * RtlCompareMemory() - count the bytes at which two buffers match
 * @Source1: first buffer
 * @Source2: second buffer
 * @Length: bytes to compare
 *
 * Context: any; atomic context allowed.
 * Return: the number of leading bytes that are equal (@Length when the
 * buffers are equal), as the WDK's; not a memcmp() ordering.
 */
SIZE_T RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length);

/**
 * struct _UNICODE_STRING - a counted UTF-16 string
 * @Length: length of the string in bytes, without a terminating null
 * @MaximumLength: size of @Buffer in bytes
 * @Buffer: the characters (not necessarily null-terminated)
 */
typedef struct _UNICODE_STRING {
	USHORT Length;
	USHORT MaximumLength;
	PWCH Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

typedef const struct _UNICODE_STRING *PCUNICODE_STRING;

/**
 * RtlInitUnicodeString() - describe a null-terminated UTF-16 string
 * @DestinationString: the string to initialise
 * @SourceString: a null-terminated string (for example L"MmMapIoSpace"),
 *                or NULL
 *
 * Buffer points at @SourceString (nothing is copied); Length is its length
 * in bytes and MaximumLength two more, both limited to what a USHORT holds
 * (a longer string is described truncated, as by the WDK). NULL gives an
 * empty string with a NULL Buffer.
 *
 * Context: any; atomic context allowed.
 */
void RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);

/**
 * MmGetSystemRoutineAddress() - the address of an mdl.ko routine by name
 * @SystemRoutineName: the routine's name, for example L"MmMapLockedPagesSpecifyCache"
 *
 * Looks the name up in a table of the WDK routines mdl.ko exports (not in
 * the kernel's symbol table: Linux functions are not system routines).
 * The match is exact and case-sensitive; names whose characters are not
 * ASCII match nothing.
 *
 * Context: any; atomic context allowed.
 * Return: the routine's address, or NULL for an unknown name (a driver
 * probing for a newer routine falls back, as on an older Windows).
 */
PVOID MmGetSystemRoutineAddress(PUNICODE_STRING SystemRoutineName);

/**
 * IoAllocateIrp() - allocate the IRP that carries an MDL chain
 * @StackSize: number of stack locations, 1 or more (this IRP has none: the
 *             value is only checked)
 * @ChargeQuota: ignored
 *
 * The IRP is zeroed but for Type (6, an IRP), Size and RequestorMode
 * (KernelMode). IoAllocateMdl with this IRP sets or extends MdlAddress.
 * Only the fields of struct _IRP exist: there is no I/O manager to send it
 * to.
 *
 * Context: may sleep.
 * Return: the IRP, or NULL when memory is short or @StackSize is below 1.
 */
PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota);

/**
 * IoFreeIrp() - free an IRP from IoAllocateIrp
 * @Irp: the IRP
 *
 * The MDLs on Irp->MdlAddress are not freed: free them with IoFreeMdl
 * first, as on Windows. A pointer IoAllocateIrp did not return is refused
 * (logged once, nothing freed).
 *
 * Context: may sleep.
 */
void IoFreeIrp(PIRP Irp);

/**
 * TryProbeForRead() - is a buffer user memory, suitably aligned
 * @Address: start of the buffer
 * @Length: its length in bytes; 0 checks nothing
 * @Alignment: 1, 2, 4, 8 or 16: the alignment @Address must have
 *
 * The status form of ProbeForRead. As on Windows, the range is checked, not
 * read: copy_from_user() or a lock (MmTryProbeAndLockPages) still decides
 * whether the memory is readable.
 *
 * Context: any.
 * Return: STATUS_SUCCESS; STATUS_DATATYPE_MISALIGNMENT when @Address is not
 * aligned or @Alignment is not one of the values above;
 * STATUS_ACCESS_VIOLATION when the range wraps or is not all in the user
 * part of the address space.
 */
NTSTATUS TryProbeForRead(const VOID *Address, SIZE_T Length,
			 ULONG Alignment);

/**
 * TryProbeForWrite() - is a buffer writable user memory, suitably aligned
 * @Address: start of the buffer
 * @Length: its length in bytes; 0 checks nothing
 * @Alignment: 1, 2, 4, 8 or 16: the alignment @Address must have
 *
 * The status form of ProbeForWrite. As TryProbeForRead(), and every page
 * of the range must be mapped writable in the current process: the pages
 * are faulted in for writing (fault_in_safe_writeable(): copy-on-write is
 * broken, no byte changes), where Windows writes each page back.
 *
 * Context: may sleep.
 * Return: as TryProbeForRead(); STATUS_ACCESS_VIOLATION also for a page
 * that is not mapped writable, or when there is no process.
 */
NTSTATUS TryProbeForWrite(PVOID Address, SIZE_T Length,
			  ULONG Alignment);

/**
 * ProbeForRead() - check a user buffer (Windows form)
 * @Address: start of the buffer
 * @Length: its length in bytes
 * @Alignment: the alignment @Address must have
 *
 * As TryProbeForRead(). Windows raises on failure; here the failure is
 * logged once and the call returns: call the Try form where the Windows
 * code had __try / __except, and keep using copy_from_user(), which fails
 * cleanly on a bad buffer.
 *
 * Context: any.
 */
void ProbeForRead(const VOID *Address, SIZE_T Length, ULONG Alignment);

/**
 * ProbeForWrite() - check a writable user buffer (Windows form)
 * @Address: start of the buffer
 * @Length: its length in bytes
 * @Alignment: the alignment @Address must have
 *
 * As TryProbeForWrite(); a failure is logged once and the call returns.
 *
 * Context: may sleep.
 */
void ProbeForWrite(PVOID Address, SIZE_T Length, ULONG Alignment);

/**
 * MmTryMapLockedPagesSpecifyCache() - map an MDL's pages, with a status
 * @MemoryDescriptorList: a locked, non-paged, partial, allocated or
 *                        I/O-space MDL
 * @AccessMode: KernelMode (system space) or UserMode (the current process)
 * @CacheType: as MmMapLockedPagesSpecifyCache()
 * @RequestedAddress: NULL for KernelMode; a user address hint for UserMode
 * @Priority: an MM_PAGE_PRIORITY, optionally ORed with MdlMappingNoWrite,
 *            MdlMappingNoExecute and, for KernelMode, MdlMappingWithGuardPtes
 *            (a vmap area always ends in a guard page)
 * @MappedAddress: receives the mapping of the buffer's first byte, or NULL
 *
 * MmMapLockedPagesSpecifyCache(UserMode) raises on Windows when the pages
 * cannot be mapped; this is its status-returning form, for both modes, and
 * makes the same mapping (released the same ways).
 *
 * Context: may sleep.
 * Return: STATUS_SUCCESS; STATUS_INVALID_PARAMETER_1 for a NULL MDL or one
 * that is not locked or (KernelMode) already mapped; _2 for a bad
 * AccessMode or UserMode without a process; _3 for a bad cache type; _4 for
 * a RequestedAddress with KernelMode; _5 for unknown priority bits; _6 for
 * a NULL @MappedAddress; STATUS_ACCESS_DENIED for a writable user mapping
 * of pages that may only be read; STATUS_NOT_SUPPORTED for pages never
 * mapped into a process (slab memory) or without one memory type to map
 * them with; STATUS_CONFLICTING_ADDRESSES for device memory (an I/O-space
 * MDL) that a live mapping of mdl.ko gives another memory type (refused
 * before anything is mapped, nothing logged); STATUS_INSUFFICIENT_RESOURCES
 * when address space or memory is short. Nothing is mapped on failure.
 */
NTSTATUS MmTryMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
					 KPROCESSOR_MODE AccessMode,
					 MEMORY_CACHING_TYPE CacheType,
					 PVOID RequestedAddress, ULONG Priority,
					 PVOID *MappedAddress);

#endif /* _MDL_WDM_H */
