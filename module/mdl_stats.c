// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of /dev/mdl: /sys/kernel/debug/mdl/stats, read by
 * `mdlctl stats`. One "key value" line per counter, values in decimal:
 *
 *	objects N		live MDL objects (each fd's object, parts
 *				included; dups and mappings share one)
 *	pinned_pages N		user pages pinned by MDL_IOC_LOCK_USER objects
 *	mapped_pages N		pages mapped by mmap() of MDL fds and their
 *				dma-bufs; an mmap() call counts until the
 *				last part of its mapping is gone (split
 *				halves and fork copies share the count)
 *	allocated_pages N	pages of MDL_IOC_ALLOC_PAGES objects
 *				(page allocator and non-paged)
 *	io_pages N		pages of MDL_IOC_MAP_IO_SPACE objects
 *	dmabufs N		live dma-bufs exported from MDL fds
 *	array_pages N		pages the MDLs mdl.ko allocates (header and
 *				PFN array) took straight from the page
 *				allocator, those above 16 KiB that are not
 *				vmalloc: memory that neither Slab nor
 *				VmallocUsed of /proc/meminfo shows
 *
 * The counters are exact: each is changed by the code that creates or
 * releases what it counts. New keys may be added at the end; readers
 * ignore keys they do not know.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "mdl_internal.h"

atomic64_t mdl_stats[MDL_STAT_COUNT];

static const char *const mdl_stat_names[MDL_STAT_COUNT] = {
	[MDL_STAT_OBJECTS] = "objects",
	[MDL_STAT_PINNED_PAGES] = "pinned_pages",
	[MDL_STAT_MAPPED_PAGES] = "mapped_pages",
	[MDL_STAT_ALLOCATED_PAGES] = "allocated_pages",
	[MDL_STAT_IO_PAGES] = "io_pages",
	[MDL_STAT_DMABUFS] = "dmabufs",
	[MDL_STAT_ARRAY_PAGES] = "array_pages",
};

static struct dentry *mdl_stats_dir;

static int mdl_stats_show(struct seq_file *m, void *unused)
{
	int i;

	for (i = 0; i < MDL_STAT_COUNT; i++)
		seq_printf(m, "%s %lld\n", mdl_stat_names[i],
			   (long long)atomic64_read(&mdl_stats[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mdl_stats);

/**
 * mdl_stats_init() - create /sys/kernel/debug/mdl/stats
 *
 * Statistics are optional: a kernel without debugfs simply has none.
 *
 * Context: module init.
 */
void mdl_stats_init(void)
{
	mdl_stats_dir = debugfs_create_dir("mdl", NULL);
	debugfs_create_file("stats", 0444, mdl_stats_dir, NULL,
			    &mdl_stats_fops);
}

/**
 * mdl_stats_exit() - remove /sys/kernel/debug/mdl
 *
 * Context: module exit.
 */
void mdl_stats_exit(void)
{
	debugfs_remove_recursive(mdl_stats_dir);
}
