// SPDX-License-Identifier: GPL-2.0
/*
 * Linux glue of wdm_share: /dev/wdm_share, whose DeviceIoControl becomes
 * IRP_MJ_DEVICE_CONTROL for driver.c (see ../include/wdk_glue.h).
 */
#include <linux/module.h>

#include <wdm.h>
#include "wdk_io.h"
#include "wdk_glue.h"

MODULE_DESCRIPTION("Example: a Windows driver sharing memory with processes over mdl.ko");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: mdl");
