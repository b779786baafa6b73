// SPDX-License-Identifier: GPL-2.0
/*
 * Linux glue of wdm_direct_io: /dev/wdm_direct_io, whose read, write and
 * DeviceIoControl become IRPs for driver.c (see ../include/wdk_glue.h).
 */
#include <linux/module.h>

#include <wdm.h>
#include "wdk_io.h"
#include "wdk_glue.h"

MODULE_DESCRIPTION("Example: a Windows direct-I/O driver over mdl.ko");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: mdl");
