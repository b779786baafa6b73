// SPDX-License-Identifier: GPL-2.0
/*
 * Pool memory: ExAllocatePool, ExAllocatePoolWithTag, ExAllocatePool2,
 * ExFreePool and ExFreePoolWithTag.
 *
 * Linux kernel memory is never paged out, so every pool is non-paged. Pool
 * memory lives in arenas of mdl.ko's own, made of whole pages taken from
 * the page allocator and never shared with the kernel's slab caches, so that
 * any pool allocation can be described by MmBuildMdlForNonPagedPool and
 * mapped into a process (mdl_user.c inserts such pages as it does any
 * page-allocator page), and a mapping of a pool page shows pool memory
 * only, as on Windows:
 *
 *  - Up to PAGE_SIZE / 2 bytes: size classes of 32, 64, ..., 2048 bytes.
 *    Each class carves pages into chunks of its size, naturally aligned,
 *    and tracks them with a bitmap and one tag per chunk in a descriptor
 *    kept outside the page. A class keeps up to MDL_POOL_SPARE_PAGES empty
 *    pages for reuse; other empty pages go back to the page allocator.
 *  - Larger requests: blocks of whole pages (alloc_pages_exact(), which
 *    splits the block so that every page has its own reference count, as
 *    vm_insert_pages() needs), page-aligned. Freed blocks of up to
 *    MDL_POOL_CACHE_MAX_PAGES pages are kept, by size, up to
 *    MDL_POOL_CACHE_PAGES pages in all, and given to the next request of
 *    the same number of pages; when a freed block finds the cache full,
 *    the blocks freed longest ago (of any size) make room for it, so that
 *    one size cannot keep the cache from the others. Larger blocks, and
 *    blocks the page allocator cannot give at once, come from vmalloc.
 *
 * Pages are zeroed when the arena takes them from the page allocator, so a
 * page of the arena only ever holds pool memory: allocations of ported
 * drivers, free chunks (zero, or what a freed pool allocation left) and the
 * unused tail of a block. A page whose reference count shows that it is
 * still mapped somewhere (a user mapping that outlived the allocation) is
 * never reused by the arena: it is returned to the page allocator and freed
 * when the mapping goes. Pool memory is not charged to a memory cgroup.
 *
 * Why not a kernel allocator: a private kmem_cache still hands out slab
 * pages, which mdl never maps into a process; genalloc needs the size again
 * at free time, searches its chunks first-fit and keeps no per-allocation
 * data (the tag); page_frag cannot reuse a fragment until its whole page is
 * free. Size-class pages give an O(1) free (the page's descriptor is found
 * by PFN in an xarray, the last one found tried first), natural alignment
 * and room for the tags.
 *
 * One spinlock guards the arena: descriptors are found, changed and erased
 * from the xarray only under it. ExFreePool also frees the MDLs of
 * MmAllocatePagesForMdl* and MmAllocateMdlForIoSpace, as the WDK asks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/cache.h>
#include <linux/gfp.h>
#include <linux/kmemleak.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "mdl_internal.h"

#define POOL_FLAGS_KNOWN	(POOL_FLAG_UNINITIALIZED | POOL_FLAG_CACHE_ALIGNED | \
				 POOL_FLAG_RAISE_ON_FAILURE | POOL_FLAG_NON_PAGED | \
				 POOL_FLAG_NON_PAGED_EXECUTE | POOL_FLAG_PAGED)

/* The tag of ExAllocatePool, as on Windows ('None'). */
#define MDL_POOL_TAG_NONE	0x656e6f4eU

#define MDL_POOL_MIN_SHIFT	5			/* smallest chunk: 32 bytes */
#define MDL_POOL_MAX_SHIFT	(PAGE_SHIFT - 1)	/* largest: half a page */
#define MDL_POOL_CLASSES	(MDL_POOL_MAX_SHIFT - MDL_POOL_MIN_SHIFT + 1)
#define MDL_POOL_MAX_CHUNKS	(PAGE_SIZE >> MDL_POOL_MIN_SHIFT)
#define MDL_POOL_CACHE_MAX_PAGES 16	/* largest block kept for reuse */
#define MDL_POOL_CACHE_PAGES	1024	/* pages kept in freed blocks, in all */
#define MDL_POOL_SPARE_PAGES	32	/* empty pages a class keeps */

/* Descriptor kinds besides a class index. */
#define MDL_POOL_BLOCK		(-1)	/* a block in use */
#define MDL_POOL_CACHED		(-2)	/* a freed block kept for reuse */

/**
 * struct mdl_pool_page - an arena page or block, described outside it
 * @link: in its class's partial list or the cache of its size; empty for
 *        a full class page and a block in use
 * @lru: in mdl_pool_lru while cached, newest first
 * @addr: kernel address of the first byte
 * @kind: class index, %MDL_POOL_BLOCK or %MDL_POOL_CACHED
 * @npages: pages of the block (1 for a class page)
 * @used: chunks in use (class page)
 * @vmalloc: the block came from vmalloc
 * @map: chunks in use (class page)
 * @tags: tag of each chunk (class page), or of the block in @tags[0]
 */
struct mdl_pool_page {
	struct list_head link;
	struct list_head lru;
	void *addr;
	int kind;
	unsigned int npages;
	unsigned int used;
	bool vmalloc;
	DECLARE_BITMAP(map, MDL_POOL_MAX_CHUNKS);
	u32 tags[];
};

/**
 * struct mdl_pool_class - one size class
 * @partial: pages with at least one free chunk
 * @empty: pages of @partial with no chunk in use, at its tail
 */
struct mdl_pool_class {
	struct list_head partial;
	unsigned int empty;
};

static DEFINE_SPINLOCK(mdl_pool_lock);
static DEFINE_XARRAY(mdl_pool_pages);	/* first PFN -> descriptor */
static struct mdl_pool_class mdl_pool_classes[MDL_POOL_CLASSES];
static struct list_head mdl_pool_cache[MDL_POOL_CACHE_MAX_PAGES + 1];
static LIST_HEAD(mdl_pool_lru);		/* every cached block, newest first */
static unsigned int mdl_pool_cached;	/* pages in mdl_pool_cache */
/* Bytes of arena pages and descriptors not in mdl_pool_cache. */
static atomic_long_t mdl_pool_footprint = ATOMIC_LONG_INIT(0);
/*
 * The descriptor found or allocated from last and its first PFN, under
 * mdl_pool_lock: frees mostly hit the page of a recent allocation, and
 * then skip the xarray. Cleared when that descriptor leaves the xarray.
 */
static struct mdl_pool_page *mdl_pool_last;
static unsigned long mdl_pool_last_pfn;

static inline unsigned int mdl_pool_chunks(int class)
{
	return PAGE_SIZE >> (class + MDL_POOL_MIN_SHIFT);
}

static struct page *mdl_pool_page(const void *addr, bool vmalloc)
{
	return vmalloc ? vmalloc_to_page(addr) : virt_to_page(addr);
}

static unsigned long mdl_pool_first_pfn(const void *addr, bool vmalloc)
{
	return page_to_pfn(mdl_pool_page(addr, vmalloc));
}

/* Give a descriptor and its memory back, after it left the xarray. */
static void mdl_pool_destroy(struct mdl_pool_page *pg)
{
	if (!pg)
		return;
	atomic_long_sub(ksize(pg) + ((size_t)pg->npages << PAGE_SHIFT),
			&mdl_pool_footprint);
	if (pg->vmalloc) {
		vfree(pg->addr);
	} else {
		kmemleak_free(pg->addr);
		free_pages_exact(pg->addr, (size_t)pg->npages << PAGE_SHIFT);
	}
	kfree(pg);
}

/* Is any page of @pg referenced from elsewhere (a mapping)? */
static bool mdl_pool_shared(const struct mdl_pool_page *pg)
{
	unsigned int i;

	for (i = 0; i < pg->npages; i++)
		if (page_count(mdl_pool_page(pg->addr + i * PAGE_SIZE,
					     pg->vmalloc)) != 1)
			return true;
	return false;
}

/*
 * New zeroed pages for a class page or a block, described and entered in
 * the xarray (not yet on any list).
 */
static struct mdl_pool_page *mdl_pool_new(int kind, unsigned int npages)
{
	unsigned int ntags = kind >= 0 ? mdl_pool_chunks(kind) : 1;
	size_t bytes = (size_t)npages << PAGE_SHIFT;
	struct mdl_pool_page *pg;

	pg = kzalloc(struct_size(pg, tags, ntags), GFP_KERNEL);
	if (!pg)
		return NULL;
	INIT_LIST_HEAD(&pg->link);
	INIT_LIST_HEAD(&pg->lru);
	pg->kind = kind;
	pg->npages = npages;
	/* A block the page allocator has no room for comes from vmalloc. */
	if (bytes <= SZ_4M)
		pg->addr = alloc_pages_exact(bytes, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN |
					     (npages > 1 ? __GFP_NORETRY : 0));
	if (pg->addr) {
		/* Pointers kept in pool memory are references (never reported). */
		kmemleak_alloc(pg->addr, bytes, 0, GFP_KERNEL);
	} else {
		pg->addr = __vmalloc(bytes, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
		pg->vmalloc = true;
	}
	if (!pg->addr) {
		kfree(pg);
		return NULL;
	}
	atomic_long_add(ksize(pg) + bytes, &mdl_pool_footprint);
	if (xa_err(xa_store(&mdl_pool_pages, mdl_pool_first_pfn(pg->addr, pg->vmalloc),
			    pg, GFP_KERNEL))) {
		mdl_pool_destroy(pg);
		return NULL;
	}
	return pg;
}

/* Drop @pg from the xarray; the caller destroys it after unlocking. */
static void mdl_pool_forget(struct mdl_pool_page *pg)
{
	lockdep_assert_held(&mdl_pool_lock);
	if (mdl_pool_last == pg)
		mdl_pool_last = NULL;
	list_del_init(&pg->link);
	xa_erase(&mdl_pool_pages, mdl_pool_first_pfn(pg->addr, pg->vmalloc));
}

/* Make @pg the descriptor mdl_pool_find() tries first: mdl_pool_lock held. */
static void mdl_pool_remember(struct mdl_pool_page *pg)
{
	mdl_pool_last = pg;
	mdl_pool_last_pfn = mdl_pool_first_pfn(pg->addr, pg->vmalloc);
}

static void *mdl_pool_alloc_chunk(int class, u32 tag)
{
	struct mdl_pool_class *cls = &mdl_pool_classes[class];
	unsigned int n = mdl_pool_chunks(class), i;
	struct mdl_pool_page *pg, *fresh = NULL;
	void *p;

	spin_lock(&mdl_pool_lock);
	while (list_empty(&cls->partial)) {
		if (fresh) {
			list_add(&fresh->link, &cls->partial);
			cls->empty++;
			fresh = NULL;
			break;
		}
		spin_unlock(&mdl_pool_lock);
		fresh = mdl_pool_new(class, 1);
		if (!fresh)
			return NULL;
		spin_lock(&mdl_pool_lock);
	}
	pg = list_first_entry(&cls->partial, struct mdl_pool_page, link);
	mdl_pool_remember(pg);
	i = find_first_zero_bit(pg->map, n);
	__set_bit(i, pg->map);
	pg->tags[i] = tag;
	if (!pg->used++)
		cls->empty--;
	if (pg->used == n)
		list_del_init(&pg->link);
	p = pg->addr + ((size_t)i << (class + MDL_POOL_MIN_SHIFT));
	spin_unlock(&mdl_pool_lock);
	if (fresh) {
		/* Another caller filled the list meanwhile. */
		spin_lock(&mdl_pool_lock);
		mdl_pool_forget(fresh);
		spin_unlock(&mdl_pool_lock);
		mdl_pool_destroy(fresh);
	}
	return p;
}

/* A cached block of @npages pages, taken for an allocation tagged @tag. */
static struct mdl_pool_page *mdl_pool_cache_take(unsigned int npages, u32 tag)
{
	struct mdl_pool_page *pg;

	spin_lock(&mdl_pool_lock);
	pg = list_first_entry_or_null(&mdl_pool_cache[npages],
				      struct mdl_pool_page, link);
	if (pg) {
		list_del_init(&pg->link);
		list_del_init(&pg->lru);
		mdl_pool_cached -= npages;
		atomic_long_add((long)npages << PAGE_SHIFT, &mdl_pool_footprint);
		pg->kind = MDL_POOL_BLOCK;
		pg->tags[0] = tag;
	}
	spin_unlock(&mdl_pool_lock);
	return pg;
}

static void *mdl_pool_alloc_block(size_t size, u32 tag, bool zero)
{
	unsigned int npages = DIV_ROUND_UP(size, PAGE_SIZE);
	struct mdl_pool_page *pg = NULL;

	if (npages <= MDL_POOL_CACHE_MAX_PAGES) {
		pg = mdl_pool_cache_take(npages, tag);
		if (pg) {
			if (zero)
				memset(pg->addr, 0, size);
			return pg->addr;
		}
	}
	pg = mdl_pool_new(MDL_POOL_BLOCK, npages);
	if (!pg)
		return NULL;
	pg->tags[0] = tag;	/* not yet reachable by a free: no lock */
	return pg->addr;
}

static void *mdl_pool_alloc(size_t size, u32 tag, bool zero, bool cache_aligned)
{
	unsigned int shift;
	void *p;

	if (!size || size > ((size_t)UINT_MAX << PAGE_SHIFT))
		return NULL;
	if (cache_aligned)
		size = max_t(size_t, size, L1_CACHE_BYTES);
	if (size > PAGE_SIZE / 2)
		return mdl_pool_alloc_block(size, tag, zero);
	shift = max_t(unsigned int, order_base_2(size), MDL_POOL_MIN_SHIFT);
	p = mdl_pool_alloc_chunk(shift - MDL_POOL_MIN_SHIFT, tag);
	if (p && zero)
		memset(p, 0, size);
	return p;
}

static bool mdl_pool_type_ok(POOL_TYPE type, bool *cache_aligned)
{
	switch ((int)type) {
	case NonPagedPool:
	case PagedPool:
	case NonPagedPoolMustSucceed:
	case NonPagedPoolNx:
		*cache_aligned = false;
		return true;
	case NonPagedPoolCacheAligned:
	case PagedPoolCacheAligned:
		*cache_aligned = true;
		return true;
	default:
		return false;
	}
}

/**
 * ExAllocatePoolWithTag() - allocate tagged pool memory
 * @PoolType: NonPagedPool, NonPagedPoolNx or PagedPool
 * @NumberOfBytes: size
 * @Tag: pool tag, checked by ExFreePoolWithTag
 *
 * The memory is as ExAllocatePool's (what a user mapping of it exposes is
 * said there).
 *
 * Context: may sleep.
 * Return: the memory (not zeroed), or NULL.
 */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
	bool aligned;

	if (!mdl_pool_type_ok(PoolType, &aligned)) {
		mdl_refuse("pool type %d is not supported", PoolType);
		return NULL;
	}
	return mdl_pool_alloc(NumberOfBytes, Tag, false, aligned);
}
EXPORT_SYMBOL_GPL(ExAllocatePoolWithTag);

/**
 * ExAllocatePool() - allocate pool memory
 * @PoolType: NonPagedPool, NonPagedPoolNx or PagedPool (all non-paged on
 *            Linux)
 * @NumberOfBytes: size
 *
 * Pool memory comes from mdl.ko's arena of whole pages, never from the
 * kernel's slab caches: up to half a page, a chunk of a power-of-two size
 * class of at least 32 bytes, aligned to its class; above, whole pages,
 * page-aligned. Any pool allocation can be described with
 * MmBuildMdlForNonPagedPool and mapped with MmMapLockedPagesSpecifyCache,
 * UserMode included. A user mapping covers whole pages, so it also shows
 * the rest of the allocation's page: other pool allocations and free pool
 * chunks (zero, or what a freed pool allocation left), never other kernel
 * memory, as on Windows. The tag is 'None'. Not charged to a memory cgroup.
 *
 * Context: may sleep.
 * Return: the memory (not zeroed), or NULL.
 */
PVOID ExAllocatePool(POOL_TYPE PoolType, SIZE_T NumberOfBytes)
{
	return ExAllocatePoolWithTag(PoolType, NumberOfBytes, MDL_POOL_TAG_NONE);
}
EXPORT_SYMBOL_GPL(ExAllocatePool);

/**
 * ExAllocatePool2() - allocate pool memory, zeroed unless asked otherwise
 * @Flags: POOL_FLAG_NON_PAGED or POOL_FLAG_PAGED, optionally
 *         POOL_FLAG_UNINITIALIZED and POOL_FLAG_CACHE_ALIGNED
 * @NumberOfBytes: size
 * @Tag: non-zero pool tag
 *
 * Context: may sleep.
 * Return: the memory, or NULL (also for unknown flags).
 */
PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
	POOL_FLAGS kind = Flags & (POOL_FLAG_NON_PAGED | POOL_FLAG_PAGED |
				   POOL_FLAG_NON_PAGED_EXECUTE);
	PVOID p;

	if ((Flags & ~POOL_FLAGS_KNOWN) || !Tag ||
	    (kind != POOL_FLAG_NON_PAGED && kind != POOL_FLAG_PAGED)) {
		mdl_refuse("flags %#llx (executable pool is not offered) or tag %#x refused",
			   (unsigned long long)Flags, Tag);
		return NULL;
	}
	p = mdl_pool_alloc(NumberOfBytes, Tag, !(Flags & POOL_FLAG_UNINITIALIZED),
			   Flags & POOL_FLAG_CACHE_ALIGNED);
	if (!p && (Flags & POOL_FLAG_RAISE_ON_FAILURE))
		mdl_refuse("allocation of %zu bytes failed: NULL returned, nothing raised",
			   NumberOfBytes);
	return p;
}
EXPORT_SYMBOL_GPL(ExAllocatePool2);

/* The descriptor of the page holding @p, or NULL: mdl_pool_lock held. */
static struct mdl_pool_page *mdl_pool_find(const void *p)
{
	struct mdl_pool_page *pg;
	unsigned long pfn;
	struct page *page;

	lockdep_assert_held(&mdl_pool_lock);
	if (is_vmalloc_addr(p)) {
		page = vmalloc_to_page(p);
		if (!page)
			return NULL;
		pfn = page_to_pfn(page);
	} else if (virt_addr_valid(p)) {
		pfn = page_to_pfn(virt_to_page(p));
	} else {
		return NULL;
	}
	if (mdl_pool_last && pfn == mdl_pool_last_pfn)
		return mdl_pool_last;
	pg = xa_load(&mdl_pool_pages, pfn);
	if (pg)
		mdl_pool_remember(pg);
	return pg;
}

/*
 * Keep the freed block @pg for reuse, making room by taking the blocks
 * freed longest ago out of the cache onto @gone. Caller holds mdl_pool_lock.
 */
static void mdl_pool_cache_put(struct mdl_pool_page *pg, struct list_head *gone)
{
	struct mdl_pool_page *old;

	while (mdl_pool_cached + pg->npages > MDL_POOL_CACHE_PAGES) {
		old = list_last_entry(&mdl_pool_lru, struct mdl_pool_page, lru);
		list_del_init(&old->lru);
		mdl_pool_forget(old);
		mdl_pool_cached -= old->npages;
		/* mdl_pool_destroy() takes the pages off the footprint again. */
		atomic_long_add((long)old->npages << PAGE_SHIFT, &mdl_pool_footprint);
		list_add(&old->link, gone);
	}
	pg->kind = MDL_POOL_CACHED;
	list_add(&pg->link, &mdl_pool_cache[pg->npages]);
	list_add(&pg->lru, &mdl_pool_lru);
	mdl_pool_cached += pg->npages;
	atomic_long_sub((long)pg->npages << PAGE_SHIFT, &mdl_pool_footprint);
}

/*
 * Take the pool allocation at @p (see mdl_pool_free()) off the arena;
 * pages of the arena left unused go on @gone. Caller holds mdl_pool_lock.
 */
static int mdl_pool_free_locked(void *p, bool check, u32 tag,
				struct list_head *gone)
{
	struct mdl_pool_page *pg;
	struct mdl_pool_class *cls;
	unsigned int i, n;
	size_t off;

	pg = mdl_pool_find(p);
	if (!pg || pg->kind == MDL_POOL_CACHED)
		return -ENOENT;
	if (pg->kind == MDL_POOL_BLOCK) {
		if (p != pg->addr)
			return -ENOENT;
		if (check && pg->tags[0] != tag)
			return -EPERM;
		if (!pg->vmalloc && pg->npages <= MDL_POOL_CACHE_MAX_PAGES &&
		    !mdl_pool_shared(pg)) {
			mdl_pool_cache_put(pg, gone);
		} else {
			mdl_pool_forget(pg);
			list_add(&pg->link, gone);
		}
		return 0;
	}
	off = p - pg->addr;
	i = off >> (pg->kind + MDL_POOL_MIN_SHIFT);
	n = mdl_pool_chunks(pg->kind);
	if (off & ((1UL << (pg->kind + MDL_POOL_MIN_SHIFT)) - 1) ||
	    !test_bit(i, pg->map))
		return -ENOENT;
	if (check && pg->tags[i] != tag)
		return -EPERM;
	cls = &mdl_pool_classes[pg->kind];
	__clear_bit(i, pg->map);
	if (pg->used-- == n)
		list_add(&pg->link, &cls->partial);
	if (!pg->used) {
		if (cls->empty >= MDL_POOL_SPARE_PAGES || mdl_pool_shared(pg)) {
			mdl_pool_forget(pg);
			list_add(&pg->link, gone);
		} else {
			/* Pages in use come first: they fill before spares. */
			list_move_tail(&pg->link, &cls->partial);
			cls->empty++;
		}
	}
	return 0;
}

/*
 * Free the pool allocation at @p; with @check, only if its tag is @tag.
 * -ENOENT when @p is not the start of a pool allocation in use, -EPERM for
 * a wrong tag: nothing is changed then.
 */
static int mdl_pool_free(void *p, bool check, u32 tag)
{
	struct mdl_pool_page *pg, *next;
	LIST_HEAD(gone);
	int ret;

	spin_lock(&mdl_pool_lock);
	ret = mdl_pool_free_locked(p, check, tag, &gone);
	spin_unlock(&mdl_pool_lock);
	list_for_each_entry_safe(pg, next, &gone, link)
		mdl_pool_destroy(pg);
	return ret;
}

/*
 * Free @P: pool memory (maybe holding an MDL built by its caller), or an
 * MDL mdl.ko owns. The table of MDL states is asked first only while some
 * caller-built MDL has a state; an owned MDL is never pool memory, so it is
 * looked for only once the arena has refused @P.
 */
static void mdl_pool_free_any(void *P, bool check, u32 tag)
{
	struct mdl_ext *ext = NULL;
	bool looked = false;
	int ret;

	if (!P)
		return;
	if (mdl_ext_callers()) {
		looked = true;
		ext = mdl_ext_find(P);
		if (ext && !ext->owned) {
			/* Forget the state of the MDL the memory holds. */
			mdl_release_all(ext);
			mdl_ext_release_if_idle(ext);
			ext = NULL;
		}
	}
	ret = mdl_pool_free(P, check, tag);
	if (ret == -ENOENT) {
		if (!looked)
			ext = mdl_ext_find(P);
		if (ext && ext->owned) {
			/* An MDL of MmAllocatePagesForMdl* or MmAllocateMdlForIoSpace. */
			IoFreeMdl(P);
			return;
		}
	}
	if (ret == -EPERM)
		mdl_refuse("%p was allocated with another tag than %#x: not freed",
			   P, tag);
	else if (ret)
		mdl_refuse("%p is not pool memory in use: not freed", P);
}

/**
 * ExFreePool() - free pool memory, or an MDL from MmAllocatePagesForMdl* or
 * MmAllocateMdlForIoSpace
 * @P: the memory
 *
 * A pointer that is neither (not the start of a pool allocation in use, a
 * second free) is refused with one log line and nothing is freed. Pages
 * still mapped into a process stay with the mapping and are not reused by
 * the pool until it is gone.
 *
 * Context: may sleep.
 */
void ExFreePool(PVOID P)
{
	mdl_pool_free_any(P, false, 0);
}
EXPORT_SYMBOL_GPL(ExFreePool);

/**
 * ExFreePoolWithTag() - free tagged pool memory
 * @P: the memory
 * @Tag: the tag given at allocation
 *
 * As ExFreePool; a @Tag other than the allocation's is refused with one log
 * line and nothing is freed (Windows bugchecks).
 *
 * Context: may sleep.
 */
void ExFreePoolWithTag(PVOID P, ULONG Tag)
{
	mdl_pool_free_any(P, true, Tag);
}
EXPORT_SYMBOL_GPL(ExFreePoolWithTag);

/**
 * mdl_pool_bytes() - memory the pool arena holds, less its cache of freed
 * blocks (the benchmark's bytes per allocation, the KUnit suite's check)
 *
 * Context: any.
 * Return: bytes of arena pages and their descriptors.
 */
long mdl_pool_bytes(void)
{
	return atomic_long_read(&mdl_pool_footprint);
}
EXPORT_SYMBOL_GPL(mdl_pool_bytes);

/**
 * mdl_pool_init() - set up the pool arena
 *
 * Context: module init.
 */
void mdl_pool_init(void)
{
	unsigned int i;

	for (i = 0; i < MDL_POOL_CLASSES; i++)
		INIT_LIST_HEAD(&mdl_pool_classes[i].partial);
	for (i = 0; i <= MDL_POOL_CACHE_MAX_PAGES; i++)
		INIT_LIST_HEAD(&mdl_pool_cache[i]);
}

/**
 * mdl_pool_exit() - give every page of the pool arena back
 *
 * Allocations still in use at unload belonged to drivers that are gone:
 * they are freed too, with one log line.
 *
 * Context: module exit; no caller of the pool is left.
 */
void mdl_pool_exit(void)
{
	struct mdl_pool_page *pg;
	unsigned long idx, left = 0;

	mdl_pool_last = NULL;
	xa_for_each(&mdl_pool_pages, idx, pg) {
		if (pg->kind == MDL_POOL_CACHED)
			atomic_long_add((long)pg->npages << PAGE_SHIFT, &mdl_pool_footprint);
		if (pg->kind == MDL_POOL_BLOCK)
			left++;
		else if (pg->kind >= 0)
			left += pg->used;
		xa_erase(&mdl_pool_pages, idx);
		mdl_pool_destroy(pg);
	}
	xa_destroy(&mdl_pool_pages);
	if (left)
		pr_warn("%lu pool allocations still in use at unload: freed\n", left);
}
