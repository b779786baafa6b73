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
 *
 * Each routine has a one-line summary here; its documentation (parameters,
 * context, return values) is at its definition in module/mdl_*.c, collected in
 * doc/reference.md by `make doc`.
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

/* Allocate and initialise an MDL for a buffer */
PMDL IoAllocateMdl(PVOID VirtualAddress, ULONG Length, BOOLEAN SecondaryBuffer,
		   BOOLEAN ChargeQuota, PIRP Irp);

/* Free one MDL (not its chain) */
void IoFreeMdl(PMDL Mdl);

/* Bytes needed for an MDL describing a buffer */
SIZE_T MmSizeOfMdl(PVOID Base, SIZE_T Length);

/* The old MDL allocator */
PMDL MmCreateMdl(PMDL MemoryDescriptorList, PVOID Base, SIZE_T Length);

/* Describe a sub-range of a locked or built MDL */
void IoBuildPartialMdl(PMDL SourceMdl, PMDL TargetMdl, PVOID VirtualAddress,
		       ULONG Length);

/* ------------------------------------------------------------------ */
/* Locking pages (may sleep).                                         */
/* ------------------------------------------------------------------ */

/* Lock an MDL's pages and fill its PFN array */
NTSTATUS MmTryProbeAndLockPages(PMDL Mdl, KPROCESSOR_MODE AccessMode,
				LOCK_OPERATION Operation);

/* Lock an MDL's pages (Windows form) */
void MmProbeAndLockPages(PMDL Mdl, KPROCESSOR_MODE AccessMode,
			 LOCK_OPERATION Operation);

/* Lock pages of another process */
NTSTATUS MmTryProbeAndLockProcessPages(PMDL Mdl, PEPROCESS Process,
				       KPROCESSOR_MODE AccessMode,
				       LOCK_OPERATION Operation);

/* Lock pages of another process (Windows form) */
void MmProbeAndLockProcessPages(PMDL Mdl, PEPROCESS Process,
				KPROCESSOR_MODE AccessMode,
				LOCK_OPERATION Operation);

/* Lock a list of user pages */
NTSTATUS MmTryProbeAndLockSelectedPages(PMDL Mdl,
					PFILE_SEGMENT_ELEMENT SegmentArray,
					KPROCESSOR_MODE AccessMode,
					LOCK_OPERATION Operation);

/* Lock a list of user pages (Windows form) */
void MmProbeAndLockSelectedPages(PMDL Mdl, PFILE_SEGMENT_ELEMENT SegmentArray,
				 KPROCESSOR_MODE AccessMode,
				 LOCK_OPERATION Operation);

/* Unlock the pages of a locked MDL */
void MmUnlockPages(PMDL Mdl);

/* Describe non-paged kernel memory */
NTSTATUS MmTryBuildMdlForNonPagedPool(PMDL Mdl);

/* Describe non-paged kernel memory (Windows form) */
void MmBuildMdlForNonPagedPool(PMDL Mdl);

/* Move the start of an MDL forward */
NTSTATUS MmAdvanceMdl(PMDL Mdl, ULONG NumberOfBytes);

/* ------------------------------------------------------------------ */
/* Mappings (may sleep).                                              */
/* ------------------------------------------------------------------ */

/* Map an MDL's pages */
PVOID MmMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
				   KPROCESSOR_MODE AccessMode,
				   MEMORY_CACHING_TYPE CacheType,
				   PVOID RequestedAddress,
				   ULONG BugCheckOnFailure, ULONG Priority);

/* Map an MDL's pages, cached (old form) */
PVOID MmMapLockedPages(PMDL MemoryDescriptorList, KPROCESSOR_MODE AccessMode);

/* Remove a mapping made by MmMapLockedPages* */
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

/* Release what a partial MDL holds before reuse */
void MmPrepareMdlForReuse(PMDL Mdl);

/* Change the protection of a system mapping */
NTSTATUS MmProtectMdlSystemAddress(PMDL MemoryDescriptorList, ULONG NewProtect);

/* Reserve system address space */
PVOID MmAllocateMappingAddress(SIZE_T NumberOfBytes, ULONG PoolTag);

/* Release a range from MmAllocateMappingAddress */
void MmFreeMappingAddress(PVOID BaseAddress, ULONG PoolTag);

/* Map an MDL into a reserved range */
PVOID MmMapLockedPagesWithReservedMapping(PVOID MappingAddress, ULONG PoolTag,
					  PMDL MemoryDescriptorList,
					  MEMORY_CACHING_TYPE CacheType);

/* Unmap an MDL from a reserved range */
void MmUnmapReservedMapping(PVOID BaseAddress, ULONG PoolTag,
			    PMDL MemoryDescriptorList);

/* ------------------------------------------------------------------ */
/* Physical pages, I/O space and contiguous memory.                   */
/* ------------------------------------------------------------------ */

/* Allocate physical pages described by a new MDL */
PMDL MmAllocatePagesForMdl(PHYSICAL_ADDRESS LowAddress,
			   PHYSICAL_ADDRESS HighAddress,
			   PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes);

/* Allocate physical pages, with options */
PMDL MmAllocatePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
			     PHYSICAL_ADDRESS HighAddress,
			     PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes,
			     MEMORY_CACHING_TYPE CacheType, ULONG Flags);

/* Free the pages of MmAllocatePagesForMdl* */
void MmFreePagesFromMdl(PMDL MemoryDescriptorList);

/* Free the pages of MmAllocatePagesForMdl*, with options */
void MmFreePagesFromMdlEx(PMDL MemoryDescriptorList, ULONG Flags);

/* MDL describing device memory */
NTSTATUS MmAllocateMdlForIoSpace(PMM_PHYSICAL_ADDRESS_LIST PhysicalAddressList,
				 SIZE_T NumberOfEntries, PMDL *NewMdl);

/* Map a physical range into system space */
PVOID MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
		   MEMORY_CACHING_TYPE CacheType);

/* Map a physical range with a page protection */
PVOID MmMapIoSpaceEx(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes,
		     ULONG Protect);

/* Unmap a range from MmMapIoSpace / MmMapIoSpaceEx */
void MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes);

/* Physically contiguous, cached memory */
PVOID MmAllocateContiguousMemory(SIZE_T NumberOfBytes,
				 PHYSICAL_ADDRESS HighestAcceptableAddress);

/* Physically contiguous memory */
PVOID MmAllocateContiguousMemorySpecifyCache(SIZE_T NumberOfBytes,
					     PHYSICAL_ADDRESS LowestAcceptableAddress,
					     PHYSICAL_ADDRESS HighestAcceptableAddress,
					     PHYSICAL_ADDRESS BoundaryAddressMultiple,
					     MEMORY_CACHING_TYPE CacheType);

/* Free MmAllocateContiguousMemory memory */
void MmFreeContiguousMemory(PVOID BaseAddress);

/* Free contiguous memory */
void MmFreeContiguousMemorySpecifyCache(PVOID BaseAddress, SIZE_T NumberOfBytes,
					MEMORY_CACHING_TYPE CacheType);

/* Uncached, virtually contiguous memory */
PVOID MmAllocateNonCachedMemory(SIZE_T NumberOfBytes);

/* Free MmAllocateNonCachedMemory memory */
void MmFreeNonCachedMemory(PVOID BaseAddress, SIZE_T NumberOfBytes);

/* Physical address of a resident virtual address */
PHYSICAL_ADDRESS MmGetPhysicalAddress(PVOID BaseAddress);

/* System address of a physical address of RAM */
PVOID MmGetVirtualForPhysical(PHYSICAL_ADDRESS PhysicalAddress);

/* Would an access to an address fault right now */
BOOLEAN MmIsAddressValid(PVOID VirtualAddress);

/* ------------------------------------------------------------------ */
/* Pool and process helpers that MDL code depends on.                 */
/* ------------------------------------------------------------------ */

/* Allocate pool memory */
PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes);

/* Allocate tagged pool memory */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);

/* Allocate pool memory, zeroed unless asked otherwise */
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag);

/* Free pool memory, or an MDL from MmAllocatePagesForMdl* or */
void ExFreePool(PVOID P);

/* Free tagged pool memory */
void ExFreePoolWithTag(PVOID P, ULONG Tag);

/* The current process */
PEPROCESS PsGetCurrentProcess(void);

/* Reference a process by its id */
NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process);

/* Drop a process reference */
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

/* The physical memory of the system */
PPHYSICAL_MEMORY_RANGE MmGetPhysicalMemoryRanges(void);

/* The physical memory of a partition */
PPHYSICAL_MEMORY_RANGE MmGetPhysicalMemoryRangesEx(PVOID PartitionObject);

/* The physical memory, persistent memory too */
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

/* Copy memory that may not be valid, without faulting */
NTSTATUS MmCopyMemory(PVOID TargetAddress, MM_COPY_ADDRESS SourceAddress,
		      SIZE_T NumberOfBytes, ULONG Flags,
		      PSIZE_T NumberOfBytesTransferred);

typedef ULONG NODE_REQUIREMENT;
#define MM_ANY_NODE_OK			0x80000000U

/* MmAllocatePagesForMdlEx from a node */
PMDL MmAllocateNodePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
				 PHYSICAL_ADDRESS HighAddress,
				 PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes,
				 MEMORY_CACHING_TYPE CacheType, ULONG IdealNode,
				 ULONG Flags);

/* The same, in a partition */
PMDL MmAllocatePartitionNodePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
					  PHYSICAL_ADDRESS HighAddress,
					  PHYSICAL_ADDRESS SkipBytes,
					  SIZE_T TotalBytes,
					  MEMORY_CACHING_TYPE CacheType,
					  ULONG IdealNode, ULONG Flags,
					  PVOID PartitionObject);

/* Contiguous memory on a node */
PVOID MmAllocateContiguousMemorySpecifyCacheNode(SIZE_T NumberOfBytes,
						 PHYSICAL_ADDRESS LowestAcceptableAddress,
						 PHYSICAL_ADDRESS HighestAcceptableAddress,
						 PHYSICAL_ADDRESS BoundaryAddressMultiple,
						 MEMORY_CACHING_TYPE CacheType,
						 NODE_REQUIREMENT PreferredNode);

/* Contiguous memory on a node, by protection */
PVOID MmAllocateContiguousNodeMemory(SIZE_T NumberOfBytes,
				     PHYSICAL_ADDRESS LowestAcceptableAddress,
				     PHYSICAL_ADDRESS HighestAcceptableAddress,
				     PHYSICAL_ADDRESS BoundaryAddressMultiple,
				     ULONG Protect, NODE_REQUIREMENT PreferredNode);

/* Called by MmMapMdl with the system address of the MDL's buffer. */
typedef VOID MM_MDL_ROUTINE(PVOID DriverContext, PVOID MappedVa);
typedef void (*PMM_MDL_ROUTINE)(PVOID DriverContext, PVOID MappedVa);

/* Map an MDL, call a routine with the mapping, unmap */
NTSTATUS MmMapMdl(PMDL MemoryDescriptorList, ULONG Protection,
		  PMM_MDL_ROUTINE DriverRoutine, PVOID DriverContext);

#define MM_MAPPING_ADDRESS_DIVISIBLE	0x1

/* Reserve system address space, divisibly */
PVOID MmAllocateMappingAddressEx(SIZE_T NumberOfBytes, ULONG PoolTag,
				 ULONG Flags);

/* Are an MDL's pages mapped cached */
BOOLEAN MmAreMdlPagesCached(PMDL MemoryDescriptorList);

typedef enum _MM_MDL_PAGE_CONTENTS_STATE {
	MmMdlPageContentsDynamic,
	MmMdlPageContentsInvariant,
	MmMdlPageContentsQuery,
} MM_MDL_PAGE_CONTENTS_STATE, *PMM_MDL_PAGE_CONTENTS_STATE;

/* Mark an MDL's contents invariant, or query */
MM_MDL_PAGE_CONTENTS_STATE MmMdlPageContentsState(PMDL MemoryDescriptorList,
						  MM_MDL_PAGE_CONTENTS_STATE State);

/* Is part of a physical range mapped by MmMapIoSpace */
LOGICAL MmIsIoSpaceActive(PHYSICAL_ADDRESS StartAddress, SIZE_T NumberOfBytes);

/* Is a system address mapped */
BOOLEAN MmIsNonPagedSystemAddressValid(PVOID VirtualAddress);

#define MM_SECURE_EXCLUSIVE		0x00000001
#define MM_SECURE_NO_CHANGE		0x00000002
#define MM_SECURE_USER_MODE_ONLY	0x00000004
#define MM_SECURE_NO_INHERIT		0x00000008

/* Keep a user range's pages, as probed */
HANDLE MmSecureVirtualMemoryEx(PVOID Address, SIZE_T Size, ULONG ProbeMode,
			       ULONG Flags);

/* MmSecureVirtualMemoryEx without flags */
HANDLE MmSecureVirtualMemory(PVOID Address, SIZE_T Size, ULONG ProbeMode);

/* Release a range of MmSecureVirtualMemory */
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

/* The IRQL that matches the caller's context */
KIRQL KeGetCurrentIrql(void);

/* The mode the current request came from */
KPROCESSOR_MODE ExGetPreviousMode(void);

/* Count the bytes at which two buffers match */
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

/* Describe a null-terminated UTF-16 string */
void RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);

/* The address of an mdl.ko routine by name */
PVOID MmGetSystemRoutineAddress(PUNICODE_STRING SystemRoutineName);

/* Allocate the IRP that carries an MDL chain */
PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota);

/* Free an IRP from IoAllocateIrp */
void IoFreeIrp(PIRP Irp);

/* Is a buffer user memory, suitably aligned */
NTSTATUS TryProbeForRead(const VOID *Address, SIZE_T Length,
			 ULONG Alignment);

/* Is a buffer writable user memory, suitably aligned */
NTSTATUS TryProbeForWrite(PVOID Address, SIZE_T Length,
			  ULONG Alignment);

/* Check a user buffer (Windows form) */
void ProbeForRead(const VOID *Address, SIZE_T Length, ULONG Alignment);

/* Check a writable user buffer (Windows form) */
void ProbeForWrite(PVOID Address, SIZE_T Length, ULONG Alignment);

/* Map an MDL's pages, with a status */
NTSTATUS MmTryMapLockedPagesSpecifyCache(PMDL MemoryDescriptorList,
					 KPROCESSOR_MODE AccessMode,
					 MEMORY_CACHING_TYPE CacheType,
					 PVOID RequestedAddress, ULONG Priority,
					 PVOID *MappedAddress);

/* The DMA adapter: IoGetDmaAdapter and DMA_OPERATIONS. */
#include "wdm_dma.h"

#endif /* _MDL_WDM_H */
