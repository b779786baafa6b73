/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdm_dma.h - the DMA adapter of the WDK (IoGetDmaAdapter and its
 * DMA_OPERATIONS table) over the Linux DMA API. Included by <wdm.h>.
 *
 * The types have the WDK's x64 layout and field order. The routines are
 * documented at their definitions (module/mdl_dma.c).
 */
#ifndef _MDL_WDM_DMA_H
#define _MDL_WDM_DMA_H

struct device;
struct _DEVICE_OBJECT;
struct _DMA_ADAPTER;
struct _SCATTER_GATHER_LIST;

#define STATUS_DEVICE_BUSY		((NTSTATUS)0x80000011L)
#define STATUS_BUFFER_TOO_SMALL		((NTSTATUS)0xC0000023L)

typedef enum _INTERFACE_TYPE {
	InterfaceTypeUndefined = -1,
	Internal = 0,
	Isa,
	Eisa,
	MicroChannel,
	TurboChannel,
	PCIBus,
} INTERFACE_TYPE, *PINTERFACE_TYPE;

typedef enum _DMA_WIDTH {
	Width8Bits,
	Width16Bits,
	Width32Bits,
	Width64Bits,
	WidthNoWrap,
	MaximumDmaWidth,
} DMA_WIDTH, *PDMA_WIDTH;

typedef enum _DMA_SPEED {
	Compatible,
	TypeA,
	TypeB,
	TypeC,
	TypeF,
	MaximumDmaSpeed,
} DMA_SPEED, *PDMA_SPEED;

#define DEVICE_DESCRIPTION_VERSION	0
#define DEVICE_DESCRIPTION_VERSION1	1
#define DEVICE_DESCRIPTION_VERSION2	2
#define DEVICE_DESCRIPTION_VERSION3	3

/**
 * struct _DEVICE_DESCRIPTION - what a driver tells IoGetDmaAdapter
 * @Version: DEVICE_DESCRIPTION_VERSION .. DEVICE_DESCRIPTION_VERSION3
 * @Master: TRUE for a bus-master device (the only kind Linux serves)
 * @ScatterGather: the device takes a list of addresses
 * @DemandMode: system DMA only
 * @AutoInitialize: system DMA only
 * @Dma32BitAddresses: the device addresses 32 bits
 * @IgnoreCount: system DMA only
 * @Reserved1: must be FALSE
 * @Dma64BitAddresses: the device addresses 64 bits
 * @BusNumber: unused
 * @DmaChannel: system DMA only
 * @InterfaceType: the bus (PCIBus)
 * @DmaWidth: system DMA only
 * @DmaSpeed: system DMA only
 * @MaximumLength: the longest transfer the device makes, in bytes
 * @DmaPort: system DMA only
 * @DmaAddressWidth: (version 3) the number of address bits, 0 for the
 *                   Dma32BitAddresses / Dma64BitAddresses rule
 * @DmaControllerInstance: (version 3) system DMA only
 * @DmaRequestLine: (version 3) system DMA only
 * @DeviceAddress: (version 3) system DMA only
 */
typedef struct _DEVICE_DESCRIPTION {
	ULONG Version;
	BOOLEAN Master;
	BOOLEAN ScatterGather;
	BOOLEAN DemandMode;
	BOOLEAN AutoInitialize;
	BOOLEAN Dma32BitAddresses;
	BOOLEAN IgnoreCount;
	BOOLEAN Reserved1;
	BOOLEAN Dma64BitAddresses;
	ULONG BusNumber;
	ULONG DmaChannel;
	INTERFACE_TYPE InterfaceType;
	DMA_WIDTH DmaWidth;
	DMA_SPEED DmaSpeed;
	ULONG MaximumLength;
	ULONG DmaPort;
	ULONG DmaAddressWidth;
	ULONG DmaControllerInstance;
	ULONG DmaRequestLine;
	PHYSICAL_ADDRESS DeviceAddress;
} DEVICE_DESCRIPTION, *PDEVICE_DESCRIPTION;

static_assert(offsetof(DEVICE_DESCRIPTION, BusNumber) == 0x0C, "BusNumber");
static_assert(offsetof(DEVICE_DESCRIPTION, MaximumLength) == 0x20, "MaximumLength");
static_assert(offsetof(DEVICE_DESCRIPTION, DeviceAddress) == 0x38, "DeviceAddress");

/**
 * struct _SCATTER_GATHER_ELEMENT - one device-addressed piece of a transfer
 * @Address: the device (logical) address: an IOVA where an IOMMU translates
 * @Length: bytes
 * @Reserved: unused
 */
typedef struct _SCATTER_GATHER_ELEMENT {
	PHYSICAL_ADDRESS Address;
	ULONG Length;
	ULONG_PTR Reserved;
} SCATTER_GATHER_ELEMENT, *PSCATTER_GATHER_ELEMENT;

/**
 * struct _SCATTER_GATHER_LIST - the elements of a mapped transfer
 * @NumberOfElements: entries of @Elements
 * @Reserved: unused
 * @Elements: the pieces, in transfer order
 */
typedef struct _SCATTER_GATHER_LIST {
	ULONG NumberOfElements;
	ULONG_PTR Reserved;
	SCATTER_GATHER_ELEMENT Elements[];
} SCATTER_GATHER_LIST, *PSCATTER_GATHER_LIST;

static_assert(sizeof(SCATTER_GATHER_ELEMENT) == 24, "SCATTER_GATHER_ELEMENT size");
static_assert(offsetof(SCATTER_GATHER_LIST, Elements) == 16, "SCATTER_GATHER_LIST.Elements");

typedef enum _IO_ALLOCATION_ACTION {
	KeepObject = 1,
	DeallocateObject,
	DeallocateObjectKeepRegisters,
} IO_ALLOCATION_ACTION, *PIO_ALLOCATION_ACTION;

/* Callbacks: they run in atomic context (DISPATCH_LEVEL) and never sleep. */
typedef IO_ALLOCATION_ACTION DRIVER_CONTROL(struct _DEVICE_OBJECT *DeviceObject,
					    PIRP Irp, PVOID MapRegisterBase,
					    PVOID Context);
typedef enum _IO_ALLOCATION_ACTION (*PDRIVER_CONTROL)(struct _DEVICE_OBJECT *DeviceObject,
						     PIRP Irp, PVOID MapRegisterBase,
						     PVOID Context);
typedef VOID DRIVER_LIST_CONTROL(struct _DEVICE_OBJECT *DeviceObject, PIRP Irp,
				 struct _SCATTER_GATHER_LIST *ScatterGather,
				 PVOID Context);
typedef void (*PDRIVER_LIST_CONTROL)(struct _DEVICE_OBJECT *DeviceObject, PIRP Irp,
				     struct _SCATTER_GATHER_LIST *ScatterGather,
				     PVOID Context);

typedef VOID PUT_DMA_ADAPTER(struct _DMA_ADAPTER *DmaAdapter);
typedef PVOID ALLOCATE_COMMON_BUFFER(struct _DMA_ADAPTER *DmaAdapter, ULONG Length,
				     PPHYSICAL_ADDRESS LogicalAddress,
				     BOOLEAN CacheEnabled);
typedef VOID FREE_COMMON_BUFFER(struct _DMA_ADAPTER *DmaAdapter, ULONG Length,
				PHYSICAL_ADDRESS LogicalAddress, PVOID VirtualAddress,
				BOOLEAN CacheEnabled);
typedef NTSTATUS ALLOCATE_ADAPTER_CHANNEL(struct _DMA_ADAPTER *DmaAdapter,
					  struct _DEVICE_OBJECT *DeviceObject,
					  ULONG NumberOfMapRegisters,
					  PDRIVER_CONTROL ExecutionRoutine,
					  PVOID Context);
typedef BOOLEAN FLUSH_ADAPTER_BUFFERS(struct _DMA_ADAPTER *DmaAdapter, PMDL Mdl,
				      PVOID MapRegisterBase, PVOID CurrentVa,
				      ULONG Length, BOOLEAN WriteToDevice);
typedef VOID FREE_ADAPTER_CHANNEL(struct _DMA_ADAPTER *DmaAdapter);
typedef VOID FREE_MAP_REGISTERS(struct _DMA_ADAPTER *DmaAdapter,
				PVOID MapRegisterBase, ULONG NumberOfMapRegisters);
typedef PHYSICAL_ADDRESS MAP_TRANSFER(struct _DMA_ADAPTER *DmaAdapter, PMDL Mdl,
				      PVOID MapRegisterBase, PVOID CurrentVa,
				      PULONG Length, BOOLEAN WriteToDevice);
typedef ULONG GET_DMA_ALIGNMENT(struct _DMA_ADAPTER *DmaAdapter);
typedef ULONG READ_DMA_COUNTER(struct _DMA_ADAPTER *DmaAdapter);
typedef NTSTATUS GET_SCATTER_GATHER_LIST(struct _DMA_ADAPTER *DmaAdapter,
					 struct _DEVICE_OBJECT *DeviceObject,
					 PMDL Mdl, PVOID CurrentVa, ULONG Length,
					 PDRIVER_LIST_CONTROL ExecutionRoutine,
					 PVOID Context, BOOLEAN WriteToDevice);
typedef VOID PUT_SCATTER_GATHER_LIST(struct _DMA_ADAPTER *DmaAdapter,
				     PSCATTER_GATHER_LIST ScatterGather,
				     BOOLEAN WriteToDevice);
typedef NTSTATUS CALCULATE_SCATTER_GATHER_LIST_SIZE(struct _DMA_ADAPTER *DmaAdapter,
						    PMDL Mdl, PVOID CurrentVa,
						    ULONG Length,
						    PULONG ScatterGatherListSize,
						    PULONG NumberOfMapRegisters);
typedef NTSTATUS BUILD_SCATTER_GATHER_LIST(struct _DMA_ADAPTER *DmaAdapter,
					   struct _DEVICE_OBJECT *DeviceObject,
					   PMDL Mdl, PVOID CurrentVa, ULONG Length,
					   PDRIVER_LIST_CONTROL ExecutionRoutine,
					   PVOID Context, BOOLEAN WriteToDevice,
					   PVOID ScatterGatherBuffer,
					   ULONG ScatterGatherLength);
typedef NTSTATUS BUILD_MDL_FROM_SCATTER_GATHER_LIST(struct _DMA_ADAPTER *DmaAdapter,
						    PSCATTER_GATHER_LIST ScatterGather,
						    PMDL OriginalMdl, PMDL *TargetMdl);

#define DMA_ADAPTER_INFO_VERSION1		1
#define ADAPTER_INFO_SYNCHRONOUS_CALLBACK	0x0001
#define ADAPTER_INFO_API_BYPASS			0x0002

/**
 * struct _DMA_ADAPTER_INFO_V1 - version 1 of what GetDmaAdapterInfo reports
 * @ReadDmaCounterAvailable: ReadDmaCounter counts (system DMA only)
 * @ScatterGatherLimit: the most elements one list may have
 * @DmaAddressWidth: the address bits of the device
 * @Flags: ADAPTER_INFO_SYNCHRONOUS_CALLBACK, ADAPTER_INFO_API_BYPASS
 * @MinimumTransferUnit: the smallest transfer, in bytes
 */
typedef struct _DMA_ADAPTER_INFO_V1 {
	ULONG ReadDmaCounterAvailable;
	ULONG ScatterGatherLimit;
	ULONG DmaAddressWidth;
	ULONG Flags;
	ULONG MinimumTransferUnit;
} DMA_ADAPTER_INFO_V1, *PDMA_ADAPTER_INFO_V1;

/**
 * struct _DMA_ADAPTER_INFO - what GetDmaAdapterInfo fills
 * @Version: set by the caller: DMA_ADAPTER_INFO_VERSION1
 * @V1: the version-1 fields
 */
typedef struct _DMA_ADAPTER_INFO {
	ULONG Version;
	union {
		DMA_ADAPTER_INFO_V1 V1;
	};
} DMA_ADAPTER_INFO, *PDMA_ADAPTER_INFO;

static_assert(sizeof(DMA_ADAPTER_INFO) == 24, "DMA_ADAPTER_INFO size");

#define DMA_TRANSFER_INFO_VERSION1	1
#define DMA_TRANSFER_INFO_VERSION2	2

/**
 * struct _DMA_TRANSFER_INFO_V1 - version 1 of what GetDmaTransferInfo reports
 * @MapRegisterCount: map registers the transfer needs
 * @ScatterGatherElementCount: the most elements its list may have
 * @ScatterGatherListSize: the buffer BuildScatterGatherListEx needs
 */
typedef struct _DMA_TRANSFER_INFO_V1 {
	ULONG MapRegisterCount;
	ULONG ScatterGatherElementCount;
	ULONG ScatterGatherListSize;
} DMA_TRANSFER_INFO_V1, *PDMA_TRANSFER_INFO_V1;

/**
 * struct _DMA_TRANSFER_INFO_V2 - version 2: version 1 and the page count
 * @MapRegisterCount: as version 1
 * @ScatterGatherElementCount: as version 1
 * @ScatterGatherListSize: as version 1
 * @LogicalPageCount: the pages the transfer spans
 */
typedef struct _DMA_TRANSFER_INFO_V2 {
	ULONG MapRegisterCount;
	ULONG ScatterGatherElementCount;
	ULONG ScatterGatherListSize;
	ULONG LogicalPageCount;
} DMA_TRANSFER_INFO_V2, *PDMA_TRANSFER_INFO_V2;

/**
 * struct _DMA_TRANSFER_INFO - what GetDmaTransferInfo fills
 * @Version: set by the caller: DMA_TRANSFER_INFO_VERSION1 or _VERSION2
 * @V1: the version-1 fields
 * @V2: the version-2 fields
 */
typedef struct _DMA_TRANSFER_INFO {
	ULONG Version;
	union {
		DMA_TRANSFER_INFO_V1 V1;
		DMA_TRANSFER_INFO_V2 V2;
	};
} DMA_TRANSFER_INFO, *PDMA_TRANSFER_INFO;

static_assert(sizeof(DMA_TRANSFER_INFO) == 20, "DMA_TRANSFER_INFO size");

/* The opaque DMA_TRANSFER_CONTEXT of the version-3 routines (x64 size). */
#define DMA_TRANSFER_CONTEXT_VERSION1	1
#define DMA_TRANSFER_CONTEXT_SIZE_V1	128

/* Flags of AllocateAdapterChannelEx, GetScatterGatherListEx, BuildScatterGatherListEx. */
#define DMA_SYNCHRONOUS_CALLBACK	0x01

typedef enum _DMA_COMPLETION_STATUS {
	DmaComplete,
	DmaAborted,
	DmaError,
	DmaCancelled,
} DMA_COMPLETION_STATUS, *PDMA_COMPLETION_STATUS;

typedef VOID DMA_COMPLETION_ROUTINE(struct _DMA_ADAPTER *DmaAdapter,
				    struct _DEVICE_OBJECT *DeviceObject,
				    PVOID CompletionContext,
				    DMA_COMPLETION_STATUS Status);
typedef void (*PDMA_COMPLETION_ROUTINE)(struct _DMA_ADAPTER *DmaAdapter,
					struct _DEVICE_OBJECT *DeviceObject,
					PVOID CompletionContext,
					DMA_COMPLETION_STATUS Status);

typedef NTSTATUS GET_DMA_ADAPTER_INFO(struct _DMA_ADAPTER *DmaAdapter,
				      PDMA_ADAPTER_INFO AdapterInfo);
typedef NTSTATUS GET_DMA_TRANSFER_INFO(struct _DMA_ADAPTER *DmaAdapter, PMDL Mdl,
				       ULONGLONG Offset, ULONG Length,
				       BOOLEAN WriteOnly,
				       PDMA_TRANSFER_INFO TransferInfo);
typedef NTSTATUS INITIALIZE_DMA_TRANSFER_CONTEXT(struct _DMA_ADAPTER *DmaAdapter,
						 PVOID DmaTransferContext);
typedef PVOID ALLOCATE_COMMON_BUFFER_EX(struct _DMA_ADAPTER *DmaAdapter,
					PPHYSICAL_ADDRESS MaximumAddress,
					ULONG Length,
					PPHYSICAL_ADDRESS LogicalAddress,
					BOOLEAN CacheEnabled,
					NODE_REQUIREMENT PreferredNode);
typedef NTSTATUS ALLOCATE_ADAPTER_CHANNEL_EX(struct _DMA_ADAPTER *DmaAdapter,
					     struct _DEVICE_OBJECT *DeviceObject,
					     PVOID DmaTransferContext,
					     ULONG NumberOfMapRegisters, ULONG Flags,
					     PDRIVER_CONTROL ExecutionRoutine,
					     PVOID ExecutionContext,
					     PVOID *MapRegisterBase);
typedef NTSTATUS CONFIGURE_ADAPTER_CHANNEL(struct _DMA_ADAPTER *DmaAdapter,
					   ULONG FunctionNumber, PVOID Context);
typedef BOOLEAN CANCEL_ADAPTER_CHANNEL(struct _DMA_ADAPTER *DmaAdapter,
				       struct _DEVICE_OBJECT *DeviceObject,
				       PVOID DmaTransferContext);
typedef NTSTATUS MAP_TRANSFER_EX(struct _DMA_ADAPTER *DmaAdapter, PMDL Mdl,
				 PVOID MapRegisterBase, ULONGLONG Offset,
				 ULONG DeviceOffset, PULONG Length,
				 BOOLEAN WriteToDevice,
				 PSCATTER_GATHER_LIST ScatterGatherBuffer,
				 ULONG ScatterGatherBufferLength,
				 PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
				 PVOID CompletionContext);
typedef NTSTATUS GET_SCATTER_GATHER_LIST_EX(struct _DMA_ADAPTER *DmaAdapter,
					    struct _DEVICE_OBJECT *DeviceObject,
					    PVOID DmaTransferContext, PMDL Mdl,
					    ULONGLONG Offset, ULONG Length, ULONG Flags,
					    PDRIVER_LIST_CONTROL ExecutionRoutine,
					    PVOID Context, BOOLEAN WriteToDevice,
					    PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
					    PVOID CompletionContext,
					    struct _SCATTER_GATHER_LIST **ScatterGatherList);
typedef NTSTATUS BUILD_SCATTER_GATHER_LIST_EX(struct _DMA_ADAPTER *DmaAdapter,
					      struct _DEVICE_OBJECT *DeviceObject,
					      PVOID DmaTransferContext, PMDL Mdl,
					      ULONGLONG Offset, ULONG Length, ULONG Flags,
					      PDRIVER_LIST_CONTROL ExecutionRoutine,
					      PVOID Context, BOOLEAN WriteToDevice,
					      PVOID ScatterGatherBuffer,
					      ULONG ScatterGatherLength,
					      PDMA_COMPLETION_ROUTINE DmaCompletionRoutine,
					      PVOID CompletionContext,
					      struct _SCATTER_GATHER_LIST **ScatterGatherList);
typedef NTSTATUS FLUSH_ADAPTER_BUFFERS_EX(struct _DMA_ADAPTER *DmaAdapter, PMDL Mdl,
					  PVOID MapRegisterBase, ULONGLONG Offset,
					  ULONG Length, BOOLEAN WriteToDevice);
typedef VOID FREE_ADAPTER_OBJECT(struct _DMA_ADAPTER *DmaAdapter,
				 IO_ALLOCATION_ACTION AllocationAction);

/**
 * struct _DMA_OPERATIONS - the routines of a DMA adapter, in the WDK's order
 * @Size: sizeof(DMA_OPERATIONS) for a version-3 adapter; for others the
 *        offset of @GetDmaAdapterInfo (the version-3 entries are NULL)
 * @PutDmaAdapter: release the adapter
 * @AllocateCommonBuffer: memory both the CPU and the device address
 * @FreeCommonBuffer: release it
 * @AllocateAdapterChannel: map registers for packet-based DMA
 * @FlushAdapterBuffers: end a packet-based transfer
 * @FreeAdapterChannel: release the channel
 * @FreeMapRegisters: release map registers kept past the channel
 * @MapTransfer: map the next piece of a packet-based transfer
 * @GetDmaAlignment: the alignment buffers need
 * @ReadDmaCounter: system DMA only (0 for a bus master)
 * @GetScatterGatherList: map an MDL range, call back with its list
 * @PutScatterGatherList: unmap it
 * @CalculateScatterGatherList: the buffer size BuildScatterGatherList needs
 * @BuildScatterGatherList: GetScatterGatherList into the caller's buffer
 * @BuildMdlFromScatterGatherList: an MDL of a list's elements
 * @GetDmaAdapterInfo: version 3: the adapter's abilities
 * @GetDmaTransferInfo: version 3: map registers and list size of a transfer
 * @InitializeDmaTransferContext: version 3: prepare a DMA_TRANSFER_CONTEXT
 * @AllocateCommonBufferEx: version 3: AllocateCommonBuffer below an address
 * @AllocateAdapterChannelEx: version 3: AllocateAdapterChannel with a context
 * @ConfigureAdapterChannel: version 3: system DMA controllers only
 * @CancelAdapterChannel: version 3: cancel a pending channel request
 * @MapTransferEx: version 3: MapTransfer into a scatter/gather buffer
 * @GetScatterGatherListEx: version 3: GetScatterGatherList with a context
 * @BuildScatterGatherListEx: version 3: BuildScatterGatherList with a context
 * @FlushAdapterBuffersEx: version 3: FlushAdapterBuffers at an offset
 * @FreeAdapterObject: version 3: release the channel, with or without its
 *                     map registers
 */
typedef struct _DMA_OPERATIONS {
	ULONG Size;
	PUT_DMA_ADAPTER *PutDmaAdapter;
	ALLOCATE_COMMON_BUFFER *AllocateCommonBuffer;
	FREE_COMMON_BUFFER *FreeCommonBuffer;
	ALLOCATE_ADAPTER_CHANNEL *AllocateAdapterChannel;
	FLUSH_ADAPTER_BUFFERS *FlushAdapterBuffers;
	FREE_ADAPTER_CHANNEL *FreeAdapterChannel;
	FREE_MAP_REGISTERS *FreeMapRegisters;
	MAP_TRANSFER *MapTransfer;
	GET_DMA_ALIGNMENT *GetDmaAlignment;
	READ_DMA_COUNTER *ReadDmaCounter;
	GET_SCATTER_GATHER_LIST *GetScatterGatherList;
	PUT_SCATTER_GATHER_LIST *PutScatterGatherList;
	CALCULATE_SCATTER_GATHER_LIST_SIZE *CalculateScatterGatherList;
	BUILD_SCATTER_GATHER_LIST *BuildScatterGatherList;
	BUILD_MDL_FROM_SCATTER_GATHER_LIST *BuildMdlFromScatterGatherList;
	GET_DMA_ADAPTER_INFO *GetDmaAdapterInfo;
	GET_DMA_TRANSFER_INFO *GetDmaTransferInfo;
	INITIALIZE_DMA_TRANSFER_CONTEXT *InitializeDmaTransferContext;
	ALLOCATE_COMMON_BUFFER_EX *AllocateCommonBufferEx;
	ALLOCATE_ADAPTER_CHANNEL_EX *AllocateAdapterChannelEx;
	CONFIGURE_ADAPTER_CHANNEL *ConfigureAdapterChannel;
	CANCEL_ADAPTER_CHANNEL *CancelAdapterChannel;
	MAP_TRANSFER_EX *MapTransferEx;
	GET_SCATTER_GATHER_LIST_EX *GetScatterGatherListEx;
	BUILD_SCATTER_GATHER_LIST_EX *BuildScatterGatherListEx;
	FLUSH_ADAPTER_BUFFERS_EX *FlushAdapterBuffersEx;
	FREE_ADAPTER_OBJECT *FreeAdapterObject;
} DMA_OPERATIONS, *PDMA_OPERATIONS;

static_assert(offsetof(DMA_OPERATIONS, GetScatterGatherList) == 0x58,
	      "DMA_OPERATIONS.GetScatterGatherList");
static_assert(offsetof(DMA_OPERATIONS, GetDmaAdapterInfo) == 0x80,
	      "DMA_OPERATIONS.GetDmaAdapterInfo");
static_assert(offsetof(DMA_OPERATIONS, MapTransferEx) == 0xb8,
	      "DMA_OPERATIONS.MapTransferEx");
static_assert(sizeof(DMA_OPERATIONS) == 0xe0, "DMA_OPERATIONS size");

/**
 * struct _DMA_ADAPTER - what IoGetDmaAdapter returns
 * @Version: 3 for a DEVICE_DESCRIPTION_VERSION3 description, else 1
 * @Size: sizeof(DMA_ADAPTER)
 * @DmaOperations: the routines
 */
typedef struct _DMA_ADAPTER {
	USHORT Version;
	USHORT Size;
	PDMA_OPERATIONS DmaOperations;
} DMA_ADAPTER, *PDMA_ADAPTER;

struct _DEVICE_OBJECT *MdlCreatePhysicalDeviceObject(struct device *Device);
void MdlDeletePhysicalDeviceObject(struct _DEVICE_OBJECT *PhysicalDeviceObject);
PDMA_ADAPTER IoGetDmaAdapter(struct _DEVICE_OBJECT *PhysicalDeviceObject,
			     PDEVICE_DESCRIPTION DeviceDescription,
			     PULONG NumberOfMapRegisters);
void KeFlushIoBuffers(PMDL Mdl, BOOLEAN ReadOperation, BOOLEAN DmaOperation);

#endif /* _MDL_WDM_DMA_H */
