// SPDX-License-Identifier: GPL-2.0
/*
 * Linux glue of wdm_dma: binds QEMU's edu device (PCI 1234:11e8), maps its
 * BAR 0 and hands the driver (driver.c) the device object of the PCI
 * device (MdlCreatePhysicalDeviceObject), as Plug and Play would with
 * AddDevice and IRP_MN_START_DEVICE. Requests reach the driver through
 * /dev/wdm_dma (../include/wdk_glue.h).
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>

#include "edu.h"

static int edu_glue_start(void);
static void edu_glue_stop(void);
#define WDK_GLUE_START edu_glue_start
#define WDK_GLUE_STOP edu_glue_stop
#include "wdk_glue.h"

MODULE_DESCRIPTION("Example: a Windows bus-master DMA driver of QEMU's edu device over mdl.ko");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: mdl");

NTSTATUS KeDelayExecutionThread(KPROCESSOR_MODE WaitMode, BOOLEAN Alertable,
				PLARGE_INTEGER Interval)
{
	s64 us = -Interval->QuadPart / 10;

	if (us > 0)
		usleep_range(us, us + us / 4 + 1);
	return STATUS_SUCCESS;
}

static PDEVICE_OBJECT edu_pdo;
static void __iomem *edu_regs;

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	void __iomem *regs;
	int ret;

	if (edu_pdo)
		return -EBUSY;	/* one device */
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	ret = -ENOMEM;
	regs = pci_iomap(pdev, 0, 0);
	if (!regs)
		goto err_enable;
	pci_set_master(pdev);
	edu_pdo = MdlCreatePhysicalDeviceObject(&pdev->dev);
	if (!edu_pdo)
		goto err_map;
	ret = wdk_status_to_errno(EduAddDevice(&wdk_driver, edu_pdo,
					       (__force PUCHAR)regs));
	if (ret)
		goto err_pdo;
	edu_regs = regs;
	return 0;

err_pdo:
	MdlDeletePhysicalDeviceObject(edu_pdo);
	edu_pdo = NULL;
err_map:
	pci_clear_master(pdev);
	pci_iounmap(pdev, regs);
err_enable:
	pci_disable_device(pdev);
	return ret;
}

static void edu_remove(struct pci_dev *pdev)
{
	EduRemoveDevice(&wdk_driver);
	MdlDeletePhysicalDeviceObject(edu_pdo);
	edu_pdo = NULL;
	pci_clear_master(pdev);
	pci_iounmap(pdev, edu_regs);
	edu_regs = NULL;
	pci_disable_device(pdev);
}

static const struct pci_device_id edu_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_ids);

static struct pci_driver edu_pci_driver = {
	.name = "wdm_dma",
	.id_table = edu_ids,
	.probe = edu_probe,
	.remove = edu_remove,
};

static int edu_glue_start(void)
{
	return pci_register_driver(&edu_pci_driver);
}

static void edu_glue_stop(void)
{
	pci_unregister_driver(&edu_pci_driver);
}
