// SPDX-License-Identifier: GPL-2.0
/*
 * mdl: Windows Memory Descriptor Lists over Linux mm.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

static int __init mdl_init(void)
{
	pr_info("version %s loaded\n", MDL_VERSION);
	return 0;
}

static void __exit mdl_exit(void)
{
	pr_info("unloaded\n");
}

module_init(mdl_init);
module_exit(mdl_exit);

MODULE_DESCRIPTION("Windows Memory Descriptor Lists over Linux mm");
MODULE_LICENSE("GPL");
MODULE_VERSION(MDL_VERSION);
