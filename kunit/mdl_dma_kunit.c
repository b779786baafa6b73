// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite "mdl_dma": the refusals of IoGetDmaAdapter and of the
 * physical device objects it takes, KeFlushIoBuffers. A device without a
 * DMA mask gets no adapter: the suite's KUnit devices have theirs cleared
 * (newer kernels give KUnit devices a default one); the adapter's mappings
 * are exercised on a real PCI device by examples/dma in the QEMU runs.
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
	KUNIT_EXPECT_EQ(test, offsetof(DMA_ADAPTER, DmaOperations), 8);
	KUNIT_EXPECT_EQ(test, sizeof(DEVICE_DESCRIPTION), 0x40);
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
	KUNIT_CASE(flush_io_buffers_changes_nothing),
	{}
};

static struct kunit_suite mdl_dma_suite = {
	.name = "mdl_dma",
	.test_cases = mdl_dma_cases,
};

kunit_test_suite(mdl_dma_suite);
