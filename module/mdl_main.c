// SPDX-License-Identifier: GPL-2.0
/*
 * mdl: Windows Memory Descriptor Lists over Linux mm.
 *
 * The table of MDL states. mdl.ko never keeps private state inside an MDL
 * or its MdlFlags: what it holds for an MDL (pins, mappings, allocations)
 * lives in a struct mdl_ext, found by the MDL's address. An MDL that
 * mdl.ko allocated is laid out as [struct mdl_ext][MDL][PFN array]; those
 * that only their owner inside mdl.ko ever uses (mdl_alloc_private(), the
 * locks of /dev/mdl) are not in the table at all.
 *
 * The table holds small entries (key and state), not the states: entries
 * come from a SLAB_TYPESAFE_BY_RCU cache, so a lookup walking the chains
 * under RCU may meet an entry freed and reused under it at any time. It
 * then reads a stale key (compared with READ_ONCE) or follows the entry
 * into another chain, whose end marker is not its bucket's, and the lookup
 * starts again (rhashtable's nulls markers). An entry is freed the moment
 * it leaves the table, and an owned MDL from kmalloc or the page allocator
 * with it: freeing such an MDL costs no RCU callback and no grace period.
 * A lookup is only meaningful for an MDL that is alive (its caller
 * serialises the MDL's life, as on Windows), so a match is that MDL's
 * entry.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <kunit/visibility.h>
#include <linux/cleanup.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/rhashtable.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "mdl_internal.h"

/**
 * struct mdl_ext_entry - an entry of the table of MDL states
 * @head: link in its chain
 * @mdl: the key; rewritten when a freed entry is reused
 * @ext: the state of @mdl
 */
struct mdl_ext_entry {
	struct rhash_head head;
	PMDL mdl;
	struct mdl_ext *ext;
};

/* A key of an entry that may be reused under the lookup: read once. */
static int mdl_ext_entry_cmp(struct rhashtable_compare_arg *arg,
			     const void *obj)
{
	const struct mdl_ext_entry *e = obj;

	return READ_ONCE(e->mdl) != *(const PMDL *)arg->key;
}

static const struct rhashtable_params mdl_ext_params = {
	.key_len = sizeof(PMDL),
	.key_offset = offsetof(struct mdl_ext_entry, mdl),
	.head_offset = offsetof(struct mdl_ext_entry, head),
	.obj_cmpfn = mdl_ext_entry_cmp,
	.automatic_shrinking = true,
};

static struct rhashtable mdl_exts;
static struct kmem_cache *mdl_entry_cache;
/* States of MDLs their callers built (not owned) in mdl_exts. */
static atomic_long_t mdl_ext_caller_count = ATOMIC_LONG_INIT(0);

struct mdl_ext *mdl_ext_find(PMDL mdl)
{
	struct mdl_ext_entry *e;
	struct mdl_ext *ext = NULL;

	rcu_read_lock();
	e = rhashtable_lookup(&mdl_exts, &mdl, mdl_ext_params);
	if (e)
		ext = READ_ONCE(e->ext);
	rcu_read_unlock();
	return ext;
}
EXPORT_SYMBOL_IF_KUNIT(mdl_ext_find);

/*
 * Enter @ext in the table. The new entry's link is left as the cache gave
 * it: a lookup may still be following it, and the insert sets it before
 * the entry is published.
 */
static int mdl_ext_insert(struct mdl_ext *ext, gfp_t gfp)
{
	struct mdl_ext_entry *e;
	int ret;

	e = kmem_cache_alloc(mdl_entry_cache, gfp | __GFP_NOWARN);
	if (!e)
		return -ENOMEM;
	WRITE_ONCE(e->mdl, ext->mdl);
	WRITE_ONCE(e->ext, ext);
	ret = rhashtable_lookup_insert_fast(&mdl_exts, &e->head, mdl_ext_params);
	if (ret) {
		kmem_cache_free(mdl_entry_cache, e);
		return ret;
	}
	ext->entry = e;
	return 0;
}

static void mdl_ext_remove(struct mdl_ext *ext)
{
	rhashtable_remove_fast(&mdl_exts, &ext->entry->head, mdl_ext_params);
	kmem_cache_free(mdl_entry_cache, ext->entry);
	ext->entry = NULL;
}

/* The state of @mdl, created (not owned) when the MDL has none yet. */
struct mdl_ext *mdl_ext_get(PMDL mdl)
{
	struct mdl_ext *ext = mdl_ext_find(mdl);

	if (ext)
		return ext;
	ext = kzalloc(sizeof(*ext), GFP_KERNEL);
	if (!ext)
		return NULL;
	ext->mdl = mdl;
	if (mdl_ext_insert(ext, GFP_KERNEL)) {
		kfree(ext);
		return NULL;
	}
	atomic_long_inc(&mdl_ext_caller_count);
	return ext;
}

/* Has any MDL its caller built a state now (ExFreePool's fast path)? */
bool mdl_ext_callers(void)
{
	return atomic_long_read(&mdl_ext_caller_count) != 0;
}

/* Forget the state of a caller-allocated MDL once it holds nothing. */
void mdl_ext_release_if_idle(struct mdl_ext *ext)
{
	if (ext->owned || ext->hold != MDL_HOLD_NONE || ext->sys_va || ext->umaps)
		return;
	mdl_ext_remove(ext);
	atomic_long_dec(&mdl_ext_caller_count);
	/* A DMA list builder racing with MmUnlockPages reads it under RCU. */
	kfree_rcu(ext, rcu);
}

bool mdl_range_ok(const void *va, size_t length)
{
	unsigned long end;

	if (!length || length > MDL_MAX_BYTE_COUNT)
		return false;
	return !check_add_overflow((unsigned long)va, length, &end);
}

bool mdl_has_room(PMDL mdl, struct mdl_ext *ext, u32 pages)
{
	size_t need = sizeof(MDL) + (size_t)pages * sizeof(PFN_NUMBER);

	if (ext && ext->owned)
		return pages <= ext->capacity;
	/* Size is a CSHORT: large MDLs carry it truncated, as on Windows. */
	if (need <= S16_MAX)
		return mdl->Size >= (CSHORT)need;
	return mdl->Size == (CSHORT)need;
}

/* Bytes of an owned MDL's allocation: [struct mdl_ext][MDL][PFN array]. */
static size_t mdl_owned_size(u32 pages)
{
	return sizeof(struct mdl_ext) + sizeof(MDL) + (size_t)pages * sizeof(PFN_NUMBER);
}

/*
 * Owned MDLs up to this size (PFN arrays of buffers up to about 8 MiB) come
 * from kmalloc: whole blocks of a power-of-two size, which the allocator's
 * per-CPU lists hand out again without splitting or merging pages. A
 * failure is the caller's NULL, not a log line.
 */
#define MDL_OWNED_KMALLOC_MAX	SZ_16K

/*
 * Memory of an owned MDL. Above MDL_OWNED_KMALLOC_MAX it is page-granular,
 * so that a large MDL costs its PFN array's 8 bytes a page and no
 * power-of-two rounding: vmalloc where the caller may sleep, else whole
 * pages from the page allocator (up to its largest block, 4 MiB on x86-64).
 * vmalloc takes only the pages the array needs; alloc_pages_exact() takes
 * a block of the next power of two (cleared whole where the kernel clears
 * every allocation, init_on_alloc) and frees its tail page by page: two to
 * four times the time, with vmalloc's lazy unmapping counted (make bench,
 * group "array").
 */
static void *mdl_owned_mem(size_t size, gfp_t gfp)
{
	if (size <= MDL_OWNED_KMALLOC_MAX)
		return kmalloc(size, gfp | __GFP_NOWARN);
	if (gfpflags_allow_blocking(gfp))
		return __vmalloc(size, gfp | __GFP_NOWARN);
	if (size <= SZ_4M)
		return alloc_pages_exact(size, gfp | __GFP_NORETRY | __GFP_NOWARN);
	return NULL;
}

/*
 * Count the pages an owned MDL took straight from the page allocator
 * (debugfs array_pages), when it is made and when it is forgotten.
 */
static void mdl_ext_count_pages(struct mdl_ext *ext, int sign)
{
	size_t size = mdl_owned_size(ext->capacity);

	if (ext->owned && size > MDL_OWNED_KMALLOC_MAX && !is_vmalloc_addr(ext))
		mdl_stat_add(MDL_STAT_ARRAY_PAGES,
			     sign * (s64)DIV_ROUND_UP(size, PAGE_SIZE));
}

/* Free a state: owned ones with their MDL, as mdl_owned_mem() allocated. */
static void mdl_ext_free(struct mdl_ext *ext)
{
	size_t size = mdl_owned_size(ext->capacity);

	if (!ext->owned || size <= MDL_OWNED_KMALLOC_MAX)
		kfree(ext);
	else if (is_vmalloc_addr(ext))
		vfree(ext);
	else
		free_pages_exact(ext, size);
}

/* Make @ext, at the start of [state][MDL][@pages PFNs], an owned MDL's state. */
static void mdl_owned_init(struct mdl_ext *ext, void *va, size_t length,
			   u32 pages)
{
	memset(ext, 0, sizeof(*ext) + sizeof(MDL));
	ext->mdl = (PMDL)(ext + 1);
	ext->owned = true;
	ext->capacity = pages;
	MmInitializeMdl(ext->mdl, va, length);
}

/* An owned MDL and its state, initialised, not yet in the table. */
static struct mdl_ext *mdl_owned_new(void *va, size_t length, gfp_t gfp)
{
	struct mdl_ext *ext;
	u32 pages;

	if (!mdl_range_ok(va, length))
		return NULL;
	pages = ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, length);
	ext = mdl_owned_mem(mdl_owned_size(pages), gfp);
	if (ext)
		mdl_owned_init(ext, va, length, pages);
	return ext;
}

/**
 * mdl_alloc_owned() - allocate an initialised MDL that mdl.ko owns
 * @va: start of the buffer
 * @length: length of the buffer, checked by mdl_range_ok()
 * @gfp: allocation flags
 *
 * The PFN array is not zeroed: it is filled when the MDL is locked or built.
 *
 * Return: the MDL, or NULL.
 */
PMDL mdl_alloc_owned(void *va, size_t length, gfp_t gfp)
{
	struct mdl_ext *ext = mdl_owned_new(va, length, gfp);

	if (!ext)
		return NULL;
	if (mdl_ext_insert(ext, gfp)) {
		mdl_ext_free(ext);
		return NULL;
	}
	mdl_ext_count_pages(ext, 1);
	return ext->mdl;
}

/**
 * mdl_alloc_private() - allocate an owned MDL that only its owner uses
 * @va: start of the buffer
 * @length: length of the buffer, checked by mdl_range_ok()
 * @gfp: allocation flags
 *
 * As mdl_alloc_owned(), but the MDL is not entered in the table: its owner
 * reaches the state with mdl_owned_ext() (mdl_lock_owned(), mdl_unlock(),
 * mdl_release_all(), mdl_free_owned()) and never hands the MDL to a routine
 * that takes an MDL alone, except those that rely on its MdlFlags only
 * (IoBuildPartialMdl() of a locked source, the MDL's PFN array). The MDLs
 * of /dev/mdl's locks are such: a lock and its close then cost no table
 * insert nor removal.
 *
 * Return: the MDL, or NULL.
 */
PMDL mdl_alloc_private(void *va, size_t length, gfp_t gfp)
{
	struct mdl_ext *ext = mdl_owned_new(va, length, gfp);

	if (!ext)
		return NULL;
	mdl_ext_count_pages(ext, 1);
	return ext->mdl;
}
EXPORT_SYMBOL_IF_KUNIT(mdl_alloc_private);

/**
 * mdl_private_size() - bytes an MDL of mdl_init_private() needs
 * @va: start of the buffer
 * @length: length of the buffer
 *
 * Return: the size, or 0 for a range mdl_range_ok() refuses.
 */
size_t mdl_private_size(const void *va, size_t length)
{
	if (!mdl_range_ok(va, length))
		return 0;
	return mdl_owned_size(ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, length));
}
EXPORT_SYMBOL_IF_KUNIT(mdl_private_size);

/**
 * mdl_init_private() - make an MDL of mdl_alloc_private() in its owner's memory
 * @mem: mdl_private_size() bytes, aligned for struct mdl_ext, that outlive
 *       the MDL
 * @va: start of the buffer
 * @length: length of the buffer, as given to mdl_private_size()
 *
 * The MDL is used as one of mdl_alloc_private(); mdl_free_owned() releases
 * it without freeing @mem, which its owner frees afterwards. /dev/mdl's
 * small locks live in their object's allocation this way.
 *
 * Return: the MDL.
 */
PMDL mdl_init_private(void *mem, void *va, size_t length)
{
	struct mdl_ext *ext = mem;

	mdl_owned_init(ext, va, length, ADDRESS_AND_SIZE_TO_SPAN_PAGES(va, length));
	ext->embedded = true;
	return ext->mdl;
}
EXPORT_SYMBOL_IF_KUNIT(mdl_init_private);

static void mdl_ext_free_rcu(struct rcu_head *rcu)
{
	mdl_ext_free(container_of(rcu, struct mdl_ext, rcu));
}

void mdl_free_owned(struct mdl_ext *ext)
{
	if (ext->entry)
		mdl_ext_remove(ext);
	if (ext->embedded)
		return;
	mdl_ext_count_pages(ext, -1);
	/*
	 * vfree() may sleep, and IoFreeMdl may be called where nothing may:
	 * a large MDL goes from an RCU callback (vfree_atomic() there).
	 */
	if (is_vmalloc_addr(ext))
		call_rcu(&ext->rcu, mdl_ext_free_rcu);
	else
		mdl_ext_free(ext);
}
EXPORT_SYMBOL_IF_KUNIT(mdl_free_owned);

/* At unload, release an MDL its caller left behind. */
static void mdl_ext_destroy(void *ptr, void *arg)
{
	struct mdl_ext_entry *e = ptr;
	struct mdl_ext *ext = e->ext;

	pr_warn("MDL %p still held at unload: releasing it\n", ext->mdl);
	mdl_release_all(ext);
	mdl_ext_count_pages(ext, -1);
	mdl_ext_free(ext);
	kmem_cache_free(mdl_entry_cache, e);
}

/**
 * struct mdl_kind_ops - one kind of what mdl.ko owns, besides MDLs
 * @list: the live objects of the kind, under mdl_reg_lock
 * @what: what those left at unload are, in the line logged for them
 * @done: what unload did with them
 * @release: release one left at unload
 */
struct mdl_kind_ops {
	struct list_head list;
	const char *what;
	const char *done;
	void (*release)(struct list_head *node);
};

static struct mdl_kind_ops mdl_kinds[MDL_KIND_COUNT] = {
	[MDL_KIND_SECURE] = {
		.what = "range(s) of MmSecureVirtualMemory still secured",
		.done = "released", .release = mdl_secure_release,
	},
	[MDL_KIND_IRP] = {
		.what = "IRPs were not freed with IoFreeIrp",
		.done = "freed", .release = mdl_irp_release,
	},
	[MDL_KIND_RESV] = {
		.what = "range(s) of MmAllocateMappingAddress still reserved",
		.done = "released", .release = mdl_resv_release,
	},
	[MDL_KIND_IOMAP] = {
		.what = "mapping(s) of MmMapIoSpace still mapped",
		.done = "unmapped", .release = mdl_iomap_release,
	},
	[MDL_KIND_CONTIG] = {
		.what = "contiguous or non-cached allocation(s) still allocated",
		.done = "freed", .release = mdl_contig_release,
	},
	[MDL_KIND_IOTYPE] = {
		.what = "memory type record(s) of device pages still held",
		.done = "released", .release = mdl_iotype_release,
	},
};

/* Protects the lists of every kind but MDL_KIND_MDL. */
DEFINE_MUTEX(mdl_reg_lock);

/* The list of @kind; caller holds mdl_reg_lock. */
struct list_head *mdl_reg_list(enum mdl_kind kind)
{
	lockdep_assert_held(&mdl_reg_lock);
	return &mdl_kinds[kind].list;
}

/* Has @kind no object? Read without mdl_reg_lock: a hint. */
bool mdl_reg_empty(enum mdl_kind kind)
{
	return list_empty_careful(&mdl_kinds[kind].list);
}

/* Record a new object of @kind. */
void mdl_reg_add(enum mdl_kind kind, struct list_head *node)
{
	guard(mutex)(&mdl_reg_lock);
	list_add(node, &mdl_kinds[kind].list);
}

/* Release what callers left of @kind, and say so once. */
static void mdl_reg_release(enum mdl_kind kind)
{
	struct mdl_kind_ops *k = &mdl_kinds[kind];
	struct list_head *node, *tmp;
	unsigned int n = 0;
	LIST_HEAD(left);

	if (kind == MDL_KIND_MDL) {
		rcu_barrier();
		rhashtable_free_and_destroy(&mdl_exts, mdl_ext_destroy, NULL);
		return;
	}
	scoped_guard(mutex, &mdl_reg_lock)
		list_splice_init(&k->list, &left);
	list_for_each_safe(node, tmp, &left) {
		list_del(node);
		k->release(node);
		n++;
	}
	if (n)
		pr_warn("%u %s at unload: %s\n", n, k->what, k->done);
}

static int __init mdl_init(void)
{
	enum mdl_kind kind;
	int ret;

	BUILD_BUG_ON(sizeof(struct page *) != sizeof(PFN_NUMBER));
	for (kind = 0; kind < MDL_KIND_COUNT; kind++)
		INIT_LIST_HEAD(&mdl_kinds[kind].list);
	mdl_entry_cache = KMEM_CACHE(mdl_ext_entry, SLAB_TYPESAFE_BY_RCU);
	if (!mdl_entry_cache)
		return -ENOMEM;
	ret = rhashtable_init(&mdl_exts, &mdl_ext_params);
	if (ret)
		goto err_cache;
	mdl_pool_init();
	mdl_stats_init();
	ret = mdl_dev_init();
	if (ret)
		goto err_stats;
	pr_info("version %s loaded\n", MDL_VERSION);
	return 0;

err_stats:
	mdl_stats_exit();
	mdl_pool_exit();
	rhashtable_destroy(&mdl_exts);
err_cache:
	kmem_cache_destroy(mdl_entry_cache);
	return ret;
}

static void __exit mdl_exit(void)
{
	enum mdl_kind kind;

	mdl_dev_exit();
	mdl_stats_exit();
	for (kind = 0; kind < MDL_KIND_COUNT; kind++)
		mdl_reg_release(kind);
	mdl_pool_exit();
	kmem_cache_destroy(mdl_entry_cache);
	pr_info("unloaded\n");
}

module_init(mdl_init);
module_exit(mdl_exit);

MODULE_DESCRIPTION("Windows Memory Descriptor Lists over Linux mm");
MODULE_LICENSE("GPL");
MODULE_VERSION(MDL_VERSION);
