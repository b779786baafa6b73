// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_dma": the refusals of IoGetDmaAdapter and of the
 * physical device objects it takes, KeFlushIoBuffers, the layout of the
 * shared types. A device without a DMA mask gets no adapter: the suite's
 * KUnit devices have theirs cleared (newer kernels give KUnit devices a
 * default one). The cases of the version-3 routines' pure parts (what
 * GetDmaAdapterInfo and GetDmaTransferInfo report, transfer contexts,
 * refusals) need an adapter, so a device with a DMA mask: they skip in a
 * UML kernel without the DMA API. The adapter's mappings are exercised on
 * a real PCI device by examples/dma in the QEMU runs.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/device.h>

#include "mdl_kunit.h"

static DEVICE_DESCRIPTION dma_kunit_description(void)
{
	DEVICE_DESCRIPTION d = {
		.Version = DEVICE_DESCRIPTION_VERSION3,
		.Master = TRUE,
		.ScatterGather = TRUE,
		.InterfaceType = PCIBus,
		.MaximumLength = 4 * PAGE_SIZE,
		.DmaAddressWidth = 32,
	};

	return d;
}

static struct _DEVICE_OBJECT *dma_kunit_pdo(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "mdl_dma_kunit");
	struct _DEVICE_OBJECT *pdo;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->dma_mask = NULL;
	dev->coherent_dma_mask = 0;
	pdo = MdlCreatePhysicalDeviceObject(dev);
	KUNIT_ASSERT_NOT_NULL(test, pdo);
	return pdo;
}

struct dma_kunit_case {
	const char *name;
	void (*change)(DEVICE_DESCRIPTION *d);
};

static void dma_kunit_system_dma(DEVICE_DESCRIPTION *d)
{
	d->Master = FALSE;
}

static void dma_kunit_no_length(DEVICE_DESCRIPTION *d)
{
	d->MaximumLength = 0;
}

static void dma_kunit_version(DEVICE_DESCRIPTION *d)
{
	d->Version = 4;
}

static void dma_kunit_narrow(DEVICE_DESCRIPTION *d)
{
	d->DmaAddressWidth = 11;
}

static void dma_kunit_wide(DEVICE_DESCRIPTION *d)
{
	d->DmaAddressWidth = 65;
}

static void dma_kunit_valid(DEVICE_DESCRIPTION *d)
{
}

static const struct dma_kunit_case dma_cases[] = {
	{ "system_dma", dma_kunit_system_dma },
	{ "maximum_length_0", dma_kunit_no_length },
	{ "version_4", dma_kunit_version },
	{ "width_11", dma_kunit_narrow },
	{ "width_65", dma_kunit_wide },
	{ "no_dma_mask", dma_kunit_valid },
};

KUNIT_ARRAY_PARAM_DESC(dma, dma_cases, name);

/* Each description gets NULL, and NumberOfMapRegisters is left alone. */
static void get_dma_adapter_refused(struct kunit *test)
{
	const struct dma_kunit_case *c = test->param_value;
	struct _DEVICE_OBJECT *pdo = dma_kunit_pdo(test);
	DEVICE_DESCRIPTION d = dma_kunit_description();
	ULONG registers = 12345;

	c->change(&d);
	KUNIT_EXPECT_NULL(test, IoGetDmaAdapter(pdo, &d, &registers));
	KUNIT_EXPECT_EQ(test, registers, 12345);
	MdlDeletePhysicalDeviceObject(pdo);
}

/* Objects mdl.ko did not make, and missing arguments, are refused. */
static void get_dma_adapter_bad_objects(struct kunit *test)
{
	struct _DEVICE_OBJECT *pdo = dma_kunit_pdo(test);
	DEVICE_DESCRIPTION d = dma_kunit_description();
	u8 foreign[64] = { };
	ULONG registers = 7;

	KUNIT_EXPECT_NULL(test, MdlCreatePhysicalDeviceObject(NULL));
	KUNIT_EXPECT_NULL(test, IoGetDmaAdapter(NULL, &d, &registers));
	KUNIT_EXPECT_NULL(test, IoGetDmaAdapter((struct _DEVICE_OBJECT *)foreign, &d,
						&registers));
	KUNIT_EXPECT_NULL(test, IoGetDmaAdapter(pdo, NULL, &registers));
	KUNIT_EXPECT_NULL(test, IoGetDmaAdapter(pdo, &d, NULL));
	KUNIT_EXPECT_EQ(test, registers, 7);
	/* A foreign object is ignored; a deleted one is refused afterwards. */
	MdlDeletePhysicalDeviceObject((struct _DEVICE_OBJECT *)foreign);
	MdlDeletePhysicalDeviceObject(NULL);
	MdlDeletePhysicalDeviceObject(pdo);
	KUNIT_EXPECT_NULL(test, IoGetDmaAdapter(pdo, &d, &registers));
}

/* The WDK's x64 layout of the types drivers share with the adapter. */
static void dma_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(SCATTER_GATHER_ELEMENT), 24);
	KUNIT_EXPECT_EQ(test, offsetof(SCATTER_GATHER_LIST, Elements), 16);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_OPERATIONS, PutDmaAdapter), 8);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_OPERATIONS, MapTransfer), 0x40);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_OPERATIONS, BuildScatterGatherList), 0x70);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_OPERATIONS, FreeAdapterObject), 0xd8);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_OPERATIONS, BuildMdlFromScatterGatherList), 0x78);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_OPERATIONS, GetDmaAdapterInfo), 0x80);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_OPERATIONS, MapTransferEx), 0xb8);
	KUNIT_EXPECT_EQ(test, sizeof(DMA_OPERATIONS), 0xe0);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_ADAPTER, DmaOperations), 8);
	KUNIT_EXPECT_EQ(test, sizeof(DEVICE_DESCRIPTION), 0x40);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_ADAPTER_INFO, V1), 4);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_ADAPTER_INFO, V1.MinimumTransferUnit), 20);
	KUNIT_EXPECT_EQ(test, sizeof(DMA_ADAPTER_INFO), 24);
	KUNIT_EXPECT_EQ(test, offsetof(DMA_TRANSFER_INFO, V2.LogicalPageCount), 16);
	KUNIT_EXPECT_EQ(test, sizeof(DMA_TRANSFER_INFO), 20);
	KUNIT_EXPECT_EQ(test, DMA_TRANSFER_CONTEXT_SIZE_V1, 128);
}

/*
 * An adapter of a device @name (unique in the test) with a 32-bit mask,
 * from a description of @version; the test is skipped where the kernel
 * has no DMA API.
 */
static PDMA_ADAPTER dma_kunit_adapter(struct kunit *test, const char *name, ULONG version,
				      struct _DEVICE_OBJECT **pdop)
{
	struct device *dev = kunit_device_register(test, name);
	DEVICE_DESCRIPTION d = dma_kunit_description();
	struct _DEVICE_OBJECT *pdo;
	PDMA_ADAPTER a;
	ULONG registers = 0;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	if (!dev->dma_mask)
		dev->dma_mask = &dev->coherent_dma_mask;
	pdo = MdlCreatePhysicalDeviceObject(dev);
	KUNIT_ASSERT_NOT_NULL(test, pdo);
	d.Version = version;
	d.Dma32BitAddresses = TRUE;
	a = IoGetDmaAdapter(pdo, &d, &registers);
	if (!a) {
		MdlDeletePhysicalDeviceObject(pdo);
		kunit_skip(test, "no DMA API in this kernel: no adapter");
	}
	KUNIT_EXPECT_EQ(test, registers, 5);
	*pdop = pdo;
	return a;
}

static void dma_kunit_adapter_put(PDMA_ADAPTER a, struct _DEVICE_OBJECT *pdo)
{
	a->DmaOperations->PutDmaAdapter(a);
	MdlDeletePhysicalDeviceObject(pdo);
}

/* Version 3 gets the whole table; GetDmaAdapterInfo reports the adapter. */
static void dma_adapter_info(struct kunit *test)
{
	struct _DEVICE_OBJECT *pdo;
	PDMA_ADAPTER a = dma_kunit_adapter(test, "mdl_dma_a", DEVICE_DESCRIPTION_VERSION3, &pdo);
	PDMA_OPERATIONS ops = a->DmaOperations;
	DMA_ADAPTER_INFO info, before;

	KUNIT_EXPECT_EQ(test, a->Version, 3);
	KUNIT_EXPECT_EQ(test, ops->Size, sizeof(DMA_OPERATIONS));
	KUNIT_EXPECT_NOT_NULL(test, ops->GetDmaAdapterInfo);
	KUNIT_EXPECT_NOT_NULL(test, ops->FreeAdapterObject);
	KUNIT_EXPECT_NOT_NULL(test, ops->BuildMdlFromScatterGatherList);
	memset(&info, 0xaa, sizeof(info));
	info.Version = DMA_ADAPTER_INFO_VERSION1;
	KUNIT_EXPECT_EQ(test, ops->GetDmaAdapterInfo(a, &info), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, info.V1.ReadDmaCounterAvailable, 0);
	KUNIT_EXPECT_EQ(test, info.V1.ScatterGatherLimit, 5);
	KUNIT_EXPECT_EQ(test, info.V1.DmaAddressWidth, 32);
	KUNIT_EXPECT_EQ(test, info.V1.Flags, ADAPTER_INFO_SYNCHRONOUS_CALLBACK);
	KUNIT_EXPECT_EQ(test, info.V1.MinimumTransferUnit, 1);
	/* Another version, or no structure: refused, nothing written. */
	info.Version = 2;
	before = info;
	KUNIT_EXPECT_EQ(test, ops->GetDmaAdapterInfo(a, &info), STATUS_NOT_SUPPORTED);
	KUNIT_EXPECT_MEMEQ(test, &info, &before, sizeof(info));
	KUNIT_EXPECT_EQ(test, ops->GetDmaAdapterInfo(a, NULL), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->ConfigureAdapterChannel(a, 0, NULL),
			STATUS_NOT_IMPLEMENTED);
	KUNIT_EXPECT_FALSE(test, ops->CancelAdapterChannel(a, NULL, NULL));
	dma_kunit_adapter_put(a, pdo);
	/* A freed adapter is refused. */
	info.Version = DMA_ADAPTER_INFO_VERSION1;
	KUNIT_EXPECT_EQ(test, ops->GetDmaAdapterInfo(a, &info), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->ConfigureAdapterChannel(a, 0, NULL),
			STATUS_INVALID_PARAMETER);
}

/* Versions 0 to 2 keep a table without the version-3 entries. */
static void dma_adapter_v2_table(struct kunit *test)
{
	struct _DEVICE_OBJECT *pdo, *pdo3;
	PDMA_ADAPTER a = dma_kunit_adapter(test, "mdl_dma_b", DEVICE_DESCRIPTION_VERSION2, &pdo);
	PDMA_ADAPTER a3 = dma_kunit_adapter(test, "mdl_dma_c", DEVICE_DESCRIPTION_VERSION3, &pdo3);
	PDMA_OPERATIONS ops = a->DmaOperations;
	DMA_ADAPTER_INFO info = { .Version = DMA_ADAPTER_INFO_VERSION1 };
	u64 ctx[DMA_TRANSFER_CONTEXT_SIZE_V1 / 8];

	KUNIT_EXPECT_EQ(test, a->Version, 1);
	KUNIT_EXPECT_EQ(test, ops->Size, offsetof(DMA_OPERATIONS, GetDmaAdapterInfo));
	KUNIT_EXPECT_NOT_NULL(test, ops->BuildMdlFromScatterGatherList);
	KUNIT_EXPECT_NULL(test, ops->GetDmaAdapterInfo);
	KUNIT_EXPECT_NULL(test, ops->GetDmaTransferInfo);
	KUNIT_EXPECT_NULL(test, ops->InitializeDmaTransferContext);
	KUNIT_EXPECT_NULL(test, ops->MapTransferEx);
	KUNIT_EXPECT_NULL(test, ops->FreeAdapterObject);
	/* The version-3 routines, reached through another table, refuse it. */
	ops = a3->DmaOperations;
	KUNIT_EXPECT_EQ(test, ops->GetDmaAdapterInfo(a, &info), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->InitializeDmaTransferContext(a, ctx),
			STATUS_INVALID_PARAMETER);
	dma_kunit_adapter_put(a3, pdo3);
	dma_kunit_adapter_put(a, pdo);
}

/* GetDmaTransferInfo: the pages of a range, the size of its list buffer. */
static void dma_transfer_info(struct kunit *test)
{
	struct _DEVICE_OBJECT *pdo;
	PDMA_ADAPTER a = dma_kunit_adapter(test, "mdl_dma_d", DEVICE_DESCRIPTION_VERSION3, &pdo);
	PDMA_OPERATIONS ops = a->DmaOperations;
	u8 *buf = mdl_kunit_pages(test, 2);
	PMDL mdl = mdl_kunit_alloc_mdl(test, buf + 100, 3 * PAGE_SIZE);
	DMA_TRANSFER_INFO info = { .Version = DMA_TRANSFER_INFO_VERSION2 }, before;
	ULONG size = 0, registers = 0;

	MmBuildMdlForNonPagedPool(mdl);
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, mdl, 0, 5000, TRUE, &info),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, ops->CalculateScatterGatherList(a, mdl, buf + 100, 5000,
							      &size, &registers),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, info.V2.MapRegisterCount, 2);
	KUNIT_EXPECT_EQ(test, info.V2.ScatterGatherElementCount, 2);
	KUNIT_EXPECT_EQ(test, info.V2.LogicalPageCount, 2);
	KUNIT_EXPECT_EQ(test, info.V2.ScatterGatherListSize, size);
	KUNIT_EXPECT_EQ(test, registers, 2);
	/* Version 1, an offset: 300 bytes across a page boundary. */
	info.Version = DMA_TRANSFER_INFO_VERSION1;
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, mdl, PAGE_SIZE - 150, 300, FALSE,
						      &info), STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, info.V1.MapRegisterCount, 2);
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, mdl, 10, 300, FALSE, &info),
			STATUS_SUCCESS);
	KUNIT_EXPECT_EQ(test, info.V1.MapRegisterCount, 1);
	/* Refusals leave the structure alone. */
	before = info;
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, mdl, 3 * PAGE_SIZE, 1, TRUE,
						      &info), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, mdl, 100, 3 * PAGE_SIZE, TRUE,
						      &info), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, mdl, 0, 0, TRUE, &info),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, NULL, 0, 100, TRUE, &info),
			STATUS_INVALID_PARAMETER);
	info.Version = 3;
	before.Version = 3;
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, mdl, 0, 100, TRUE, &info),
			STATUS_NOT_SUPPORTED);
	KUNIT_EXPECT_MEMEQ(test, &info, &before, sizeof(info));
	dma_kunit_adapter_put(a, pdo);
	info.Version = DMA_TRANSFER_INFO_VERSION1;
	KUNIT_EXPECT_EQ(test, ops->GetDmaTransferInfo(a, mdl, 0, 100, TRUE, &info),
			STATUS_INVALID_PARAMETER);
}

static unsigned int dma_kunit_calls;

static void dma_kunit_list_ready(struct _DEVICE_OBJECT *DeviceObject, PIRP Irp,
				 PSCATTER_GATHER_LIST ScatterGather, PVOID Context)
{
	dma_kunit_calls++;
}

static IO_ALLOCATION_ACTION dma_kunit_channel_ready(struct _DEVICE_OBJECT *DeviceObject,
						    PIRP Irp, PVOID MapRegisterBase,
						    PVOID Context)
{
	dma_kunit_calls++;
	return DeallocateObject;
}

static void dma_kunit_done(PDMA_ADAPTER DmaAdapter, struct _DEVICE_OBJECT *DeviceObject,
			   PVOID CompletionContext, DMA_COMPLETION_STATUS Status)
{
	dma_kunit_calls++;
}

/*
 * Transfer contexts: initialised for one adapter, refused uninitialised,
 * for another adapter, with unknown flags or a completion routine; no
 * refused call runs a routine or keeps anything (the adapter can be put).
 */
static void dma_transfer_context(struct kunit *test)
{
	struct _DEVICE_OBJECT *pdo, *pdo2;
	PDMA_ADAPTER a = dma_kunit_adapter(test, "mdl_dma_e", DEVICE_DESCRIPTION_VERSION3, &pdo);
	PDMA_ADAPTER b = dma_kunit_adapter(test, "mdl_dma_f", DEVICE_DESCRIPTION_VERSION3, &pdo2);
	PDMA_OPERATIONS ops = a->DmaOperations;
	u8 *buf = mdl_kunit_pages(test, 0);
	PMDL mdl = mdl_kunit_alloc_mdl(test, buf, 1000);
	u64 ctx[DMA_TRANSFER_CONTEXT_SIZE_V1 / 8 + 1], other[DMA_TRANSFER_CONTEXT_SIZE_V1 / 8];
	u64 sgbuf[64];
	DMA_ADAPTER_INFO info = { .Version = DMA_ADAPTER_INFO_VERSION1 };
	PSCATTER_GATHER_LIST list = NULL;
	PVOID base = NULL;
	PMDL target = NULL;
	ULONG length = 100;
	unsigned int i;

	MmBuildMdlForNonPagedPool(mdl);
	dma_kunit_calls = 0;
	memset(ctx, 0xaa, sizeof(ctx));
	KUNIT_EXPECT_EQ(test, ops->InitializeDmaTransferContext(a, ctx), STATUS_SUCCESS);
	for (i = DMA_TRANSFER_CONTEXT_SIZE_V1 / 8 / 2; i < DMA_TRANSFER_CONTEXT_SIZE_V1 / 8; i++)
		KUNIT_EXPECT_EQ(test, ctx[i], 0);
	KUNIT_EXPECT_EQ(test, ctx[DMA_TRANSFER_CONTEXT_SIZE_V1 / 8], 0xaaaaaaaaaaaaaaaaULL);
	KUNIT_EXPECT_EQ(test, ops->InitializeDmaTransferContext(a, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->InitializeDmaTransferContext(a, (u8 *)other + 4),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->InitializeDmaTransferContext(b, other), STATUS_SUCCESS);

	/* A context of another adapter, or one never initialised. */
	KUNIT_EXPECT_EQ(test, ops->GetScatterGatherListEx(a, NULL, other, mdl, 0, 100, 0,
							  dma_kunit_list_ready, NULL, TRUE,
							  NULL, NULL, &list),
			STATUS_INVALID_PARAMETER);
	memset(other, 0, sizeof(other));
	KUNIT_EXPECT_EQ(test, ops->GetScatterGatherListEx(a, NULL, other, mdl, 0, 100, 0,
							  dma_kunit_list_ready, NULL, TRUE,
							  NULL, NULL, &list),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->AllocateAdapterChannelEx(a, NULL, other, 1, 0,
							    dma_kunit_channel_ready, NULL,
							    &base),
			STATUS_INVALID_PARAMETER);
	/* A good context, bad other arguments. */
	KUNIT_EXPECT_EQ(test, ops->GetScatterGatherListEx(a, NULL, ctx, mdl, 0, 100, 0x80,
							  dma_kunit_list_ready, NULL, TRUE,
							  NULL, NULL, &list),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->GetScatterGatherListEx(a, NULL, ctx, mdl, 0, 100, 0,
							  NULL, NULL, TRUE, NULL, NULL, &list),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->GetScatterGatherListEx(a, NULL, ctx, mdl, 1000, 100,
							  DMA_SYNCHRONOUS_CALLBACK, NULL, NULL,
							  TRUE, NULL, NULL, &list),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->BuildScatterGatherListEx(a, NULL, ctx, mdl, 0, 100, 0,
							    dma_kunit_list_ready, NULL, TRUE,
							    sgbuf, sizeof(sgbuf),
							    dma_kunit_done, NULL, &list),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->AllocateAdapterChannelEx(a, NULL, ctx, 1, 0x80,
							    dma_kunit_channel_ready, NULL,
							    &base),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->AllocateAdapterChannelEx(a, NULL, ctx, 1, 0, NULL, NULL,
							    &base),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->MapTransferEx(a, mdl, NULL, 0, 0, &length, TRUE,
						 (PSCATTER_GATHER_LIST)sgbuf,
						 sizeof(SCATTER_GATHER_LIST), NULL, NULL),
			STATUS_BUFFER_TOO_SMALL);
	KUNIT_EXPECT_EQ(test, length, 0);
	length = 100;
	KUNIT_EXPECT_EQ(test, ops->MapTransferEx(a, mdl, NULL, 0, 0, &length, TRUE,
						 (PSCATTER_GATHER_LIST)sgbuf, sizeof(sgbuf),
						 dma_kunit_done, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, length, 0);
	length = 100;
	KUNIT_EXPECT_EQ(test, ops->MapTransferEx(a, mdl, sgbuf, 0, 0, &length, TRUE,
						 (PSCATTER_GATHER_LIST)sgbuf, sizeof(sgbuf),
						 NULL, NULL),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, length, 0);
	/* A list the adapter did not make has no MDL. */
	memset(sgbuf, 0, sizeof(sgbuf));
	KUNIT_EXPECT_EQ(test, ops->BuildMdlFromScatterGatherList(a,
								 (PSCATTER_GATHER_LIST)sgbuf,
								 mdl, &target),
			STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_NULL(test, target);
	KUNIT_EXPECT_NULL(test, list);
	KUNIT_EXPECT_NULL(test, base);
	KUNIT_EXPECT_EQ(test, dma_kunit_calls, 0);
	/* Nothing was kept: both adapters go, and are refused afterwards. */
	ops->FreeAdapterObject(a, DeallocateObject);
	dma_kunit_adapter_put(b, pdo2);
	dma_kunit_adapter_put(a, pdo);
	KUNIT_EXPECT_EQ(test, ops->GetDmaAdapterInfo(a, &info), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->GetDmaAdapterInfo(b, &info), STATUS_INVALID_PARAMETER);
	KUNIT_EXPECT_EQ(test, ops->InitializeDmaTransferContext(a, ctx),
			STATUS_INVALID_PARAMETER);
}

/* KeFlushIoBuffers has nothing to do on x86 (and UML): the MDL is unchanged. */
static void flush_io_buffers_changes_nothing(struct kunit *test)
{
	u8 *buf = mdl_kunit_pages(test, 1);
	PMDL mdl = mdl_kunit_alloc_mdl(test, buf + 100, 5000);
	MDL before;

	MmBuildMdlForNonPagedPool(mdl);
	before = *mdl;
	KeFlushIoBuffers(mdl, TRUE, TRUE);
	KeFlushIoBuffers(mdl, FALSE, TRUE);
	KUNIT_EXPECT_MEMEQ(test, &before, mdl, sizeof(before));
}

static struct kunit_case mdl_dma_cases[] = {
	KUNIT_CASE_PARAM(get_dma_adapter_refused, dma_gen_params),
	KUNIT_CASE(get_dma_adapter_bad_objects),
	KUNIT_CASE(dma_layout),
	KUNIT_CASE(dma_adapter_info),
	KUNIT_CASE(dma_adapter_v2_table),
	KUNIT_CASE(dma_transfer_info),
	KUNIT_CASE(dma_transfer_context),
	KUNIT_CASE(flush_io_buffers_changes_nothing),
	{}
};

static struct kunit_suite mdl_dma_suite = {
	.name = "mdl_dma",
	.test_cases = mdl_dma_cases,
};

kunit_test_suite(mdl_dma_suite);
