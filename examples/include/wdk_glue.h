/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wdk_glue.h - the thin Linux glue of an example driver: a misc device whose
 * read, write and ioctl become IRPs for the driver's dispatch routines, the
 * way the Windows I/O manager builds them for a DO_DIRECT_IO device.
 *
 *   read(fd, buf, n)   IRP_MJ_READ,  Irp->MdlAddress = IoAllocateMdl(buf, n)
 *                      locked with MmProbeAndLockPages(UserMode, IoWriteAccess)
 *   write(fd, buf, n)  IRP_MJ_WRITE, the same with IoReadAccess
 *   ioctl(WDK_IOC_DEVICE_CONTROL)  IRP_MJ_DEVICE_CONTROL: METHOD_BUFFERED
 *                      copies through Irp->AssociatedIrp.SystemBuffer;
 *                      METHOD_IN/OUT_DIRECT lock the output buffer as
 *                      Irp->MdlAddress; METHOD_NEITHER passes the addresses.
 *
 * The glue unlocks and frees the MDL when the dispatch routine returns, as
 * the I/O manager does at completion. One request at a time per device.
 *
 * Include once, from the example's glue.c, after the Linux headers, <wdm.h>
 * and "wdk_io.h".
 */
#ifndef _WDK_GLUE_H
#define _WDK_GLUE_H

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "wdk_ioctl.h"

/**
 * struct wdk_device - a DEVICE_OBJECT and the misc device behind it
 * @dev: the Windows device object
 * @misc: the Linux device node
 * @lock: serialises requests
 * @name: node name
 */
struct wdk_device {
	DEVICE_OBJECT dev;
	struct miscdevice misc;
	struct mutex lock;	/* one request at a time */
	char name[32];
};

/**
 * struct wdk_irp - an IRP and its one stack location
 * @irp: the packet
 * @stack: the driver's stack location
 */
struct wdk_irp {
	IRP irp;
	IO_STACK_LOCATION stack;
};

static DRIVER_OBJECT wdk_driver;

PIO_STACK_LOCATION IoGetCurrentIrpStackLocation(PIRP Irp)
{
	return &container_of(Irp, struct wdk_irp, irp)->stack;
}

VOID IoCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
	/* The glue completes synchronously when the dispatch routine returns. */
}

ULONG DbgPrint(PCSTR Format, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, Format);
	vaf.fmt = Format;
	vaf.va = &args;
	pr_info("%pV", &vaf);
	va_end(args);
	return 0;
}

static int wdk_status_to_errno(NTSTATUS status)
{
	switch (status) {
	case STATUS_SUCCESS:
		return 0;
	case STATUS_INSUFFICIENT_RESOURCES:
	case STATUS_NO_MEMORY:
		return -ENOMEM;
	case STATUS_ACCESS_VIOLATION:
		return -EFAULT;
	case STATUS_INVALID_DEVICE_REQUEST:
		return -ENOTTY;
	case STATUS_INVALID_PARAMETER:
	case STATUS_INVALID_CID:
		return -EINVAL;
	case STATUS_NOT_SUPPORTED:
		return -EOPNOTSUPP;
	default:
		return -EIO;
	}
}

static struct wdk_device *wdk_dev_of(struct file *file)
{
	return container_of(file->private_data, struct wdk_device, misc);
}

/* Lock a user buffer as the IRP's MDL, as the I/O manager does. */
static int wdk_irp_lock_buffer(PIRP irp, void __user *buf, size_t len,
			       LOCK_OPERATION op)
{
	PMDL mdl;
	NTSTATUS status;

	if (!len || len > MDL_MAX_BYTE_COUNT)
		return -EINVAL;
	mdl = IoAllocateMdl((__force PVOID)buf, len, FALSE, FALSE, irp);
	if (!mdl)
		return -ENOMEM;
	status = MmTryProbeAndLockPages(mdl, UserMode, op);
	if (!NT_SUCCESS(status)) {
		IoFreeMdl(mdl);
		irp->MdlAddress = NULL;
		return wdk_status_to_errno(status);
	}
	return 0;
}

static void wdk_irp_release_buffer(PIRP irp)
{
	if (!irp->MdlAddress)
		return;
	MmUnlockPages(irp->MdlAddress);
	IoFreeMdl(irp->MdlAddress);
	irp->MdlAddress = NULL;
}

/* Send an IRP to the driver; returns its status. */
static NTSTATUS wdk_call(struct wdk_device *wd, struct wdk_irp *w)
{
	PDRIVER_DISPATCH fn = wdk_driver.MajorFunction[w->stack.MajorFunction];
	NTSTATUS status;

	if (!fn)
		return STATUS_INVALID_DEVICE_REQUEST;
	w->stack.DeviceObject = &wd->dev;
	w->irp.RequestorMode = UserMode;
	mutex_lock(&wd->lock);
	status = fn(&wd->dev, &w->irp);
	mutex_unlock(&wd->lock);
	return status;
}

static ssize_t wdk_rw(struct file *file, char __user *buf, size_t len,
		      UCHAR major)
{
	struct wdk_device *wd = wdk_dev_of(file);
	struct wdk_irp w = { };
	NTSTATUS status;
	int ret;

	if (!len)
		return 0;
	ret = wdk_irp_lock_buffer(&w.irp, buf, len,
				  major == IRP_MJ_READ ? IoWriteAccess : IoReadAccess);
	if (ret)
		return ret;
	w.stack.MajorFunction = major;
	if (major == IRP_MJ_READ)
		w.stack.Parameters.Read.Length = len;
	else
		w.stack.Parameters.Write.Length = len;
	status = wdk_call(wd, &w);
	wdk_irp_release_buffer(&w.irp);
	if (!NT_SUCCESS(status))
		return wdk_status_to_errno(status);
	return w.irp.IoStatus.Information;
}

static ssize_t wdk_read(struct file *file, char __user *buf, size_t len,
			loff_t *ppos)
{
	return wdk_rw(file, buf, len, IRP_MJ_READ);
}

static ssize_t wdk_write(struct file *file, const char __user *buf, size_t len,
			 loff_t *ppos)
{
	return wdk_rw(file, (char __user *)buf, len, IRP_MJ_WRITE);
}

/* IRP_MJ_DEVICE_CONTROL with the buffers of the control code's method. */
static long wdk_device_control(struct wdk_device *wd, struct wdk_device_control *dc)
{
	ULONG method = dc->code & 3;
	void __user *in = u64_to_user_ptr(dc->in);
	void __user *out = u64_to_user_ptr(dc->out);
	size_t sys_len = method == WDK_METHOD_BUFFERED ?
			 max(dc->in_len, dc->out_len) : dc->in_len;
	struct wdk_irp w = { };
	NTSTATUS status;
	void *sys = NULL;
	long ret = 0;

	if (sys_len > PAGE_SIZE * 16)
		return -EINVAL;
	if (sys_len && method != WDK_METHOD_NEITHER) {
		sys = kzalloc(sys_len, GFP_KERNEL);
		if (!sys)
			return -ENOMEM;
		if (copy_from_user(sys, in, dc->in_len)) {
			ret = -EFAULT;
			goto out;
		}
	}
	w.irp.AssociatedIrp.SystemBuffer = sys;
	if ((method == WDK_METHOD_IN_DIRECT || method == WDK_METHOD_OUT_DIRECT) &&
	    dc->out_len) {
		ret = wdk_irp_lock_buffer(&w.irp, out, dc->out_len,
					  method == WDK_METHOD_OUT_DIRECT ?
					  IoWriteAccess : IoReadAccess);
		if (ret)
			goto out;
	}
	if (method == WDK_METHOD_NEITHER) {
		w.stack.Parameters.DeviceIoControl.Type3InputBuffer = (__force PVOID)in;
		w.irp.UserBuffer = (__force PVOID)out;
	}
	w.stack.MajorFunction = IRP_MJ_DEVICE_CONTROL;
	w.stack.Parameters.DeviceIoControl.IoControlCode = dc->code;
	w.stack.Parameters.DeviceIoControl.InputBufferLength = dc->in_len;
	w.stack.Parameters.DeviceIoControl.OutputBufferLength = dc->out_len;
	status = wdk_call(wd, &w);
	wdk_irp_release_buffer(&w.irp);
	ret = wdk_status_to_errno(status);
	if (ret)
		goto out;
	dc->returned = min_t(ULONG_PTR, w.irp.IoStatus.Information, dc->out_len);
	if (method == WDK_METHOD_BUFFERED && dc->returned &&
	    copy_to_user(out, sys, dc->returned))
		ret = -EFAULT;
out:
	kfree(sys);
	return ret;
}

static long wdk_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct wdk_device_control dc;
	long ret;

	if (cmd != WDK_IOC_DEVICE_CONTROL)
		return -ENOTTY;
	if (copy_from_user(&dc, (void __user *)arg, sizeof(dc)))
		return -EFAULT;
	ret = wdk_device_control(wdk_dev_of(file), &dc);
	if (!ret && copy_to_user((void __user *)arg, &dc, sizeof(dc)))
		ret = -EFAULT;
	return ret;
}

static const struct file_operations wdk_fops = {
	.owner = THIS_MODULE,
	.read = wdk_read,
	.write = wdk_write,
	.unlocked_ioctl = wdk_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

NTSTATUS IoCreateDevice(PDRIVER_OBJECT DriverObject, ULONG DeviceExtensionSize,
			PCSTR DeviceName, ULONG DeviceType, ULONG Characteristics,
			BOOLEAN Exclusive, PDEVICE_OBJECT *DeviceObject)
{
	struct wdk_device *wd;

	wd = kzalloc(sizeof(*wd) + DeviceExtensionSize, GFP_KERNEL);
	if (!wd)
		return STATUS_INSUFFICIENT_RESOURCES;
	strscpy(wd->name, DeviceName, sizeof(wd->name));
	mutex_init(&wd->lock);
	wd->dev.DriverObject = DriverObject;
	wd->dev.DeviceExtension = wd + 1;
	wd->misc.minor = MISC_DYNAMIC_MINOR;
	wd->misc.name = wd->name;
	wd->misc.fops = &wdk_fops;
	wd->misc.mode = 0666;
	if (misc_register(&wd->misc)) {
		kfree(wd);
		return STATUS_UNSUCCESSFUL;
	}
	DriverObject->DeviceObject = &wd->dev;
	*DeviceObject = &wd->dev;
	return STATUS_SUCCESS;
}

VOID IoDeleteDevice(PDEVICE_OBJECT DeviceObject)
{
	struct wdk_device *wd = container_of(DeviceObject, struct wdk_device, dev);

	misc_deregister(&wd->misc);
	if (DeviceObject->DriverObject)
		DeviceObject->DriverObject->DeviceObject = NULL;
	kfree(wd);
}

/*
 * A glue that binds a bus driver's device defines WDK_GLUE_START and
 * WDK_GLUE_STOP: functions run after DriverEntry and before DriverUnload
 * (pci_register_driver / pci_unregister_driver, say).
 */
static int __init wdk_glue_init(void)
{
	int ret = wdk_status_to_errno(DriverEntry(&wdk_driver, NULL));

#ifdef WDK_GLUE_START
	if (!ret) {
		ret = WDK_GLUE_START();
		if (ret && wdk_driver.DriverUnload)
			wdk_driver.DriverUnload(&wdk_driver);
	}
#endif
	return ret;
}

static void __exit wdk_glue_exit(void)
{
#ifdef WDK_GLUE_STOP
	WDK_GLUE_STOP();
#endif
	if (wdk_driver.DriverUnload)
		wdk_driver.DriverUnload(&wdk_driver);
}

module_init(wdk_glue_init);
module_exit(wdk_glue_exit);

#endif /* _WDK_GLUE_H */
