// SPDX-License-Identifier: GPL-2.0
/*
 * Linux glue of wdm_pool: /dev/wdm_pool, whose read, write and
 * DeviceIoControl become IRPs for driver.c (see ../include/wdk_glue.h).
 */
#include <linux/module.h>

#include <wdm.h>
#include "wdk_io.h"
#include "wdk_glue.h"

MODULE_DESCRIPTION("Example: a Windows driver sharing a small pool buffer with a process over mdl.ko");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: mdl");
