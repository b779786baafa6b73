// SPDX-License-Identifier: GPL-2.0
/*
 * Physical pages described by a new MDL: MmAllocatePagesForMdl,
 * MmAllocatePagesForMdlEx, MmFreePagesFromMdl and MmFreePagesFromMdlEx.
 *
 * The MDL is owned by mdl.ko (freed by ExFreePool or IoFreeMdl) and its PFN
 * array doubles as the struct page array while pages are allocated: order-0
 * pages come from the page allocator's bulk path, contiguous chunks from
 * high-order blocks split into order-0 pages, so every page is freed on its
 * own and no memory is allocated per page. Pages outside the acceptable
 * physical ranges are set aside (linked through page->lru) until the
 * allocation ends, so that the allocator does not return them again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "mdl_internal.h"

#define MM_ALLOCATE_HONOURED	(MM_DONT_ZERO_ALLOCATION | \
				 MM_ALLOCATE_FROM_LOCAL_NODE_ONLY | \
				 MM_ALLOCATE_FULLY_REQUIRED | \
				 MM_ALLOCATE_NO_WAIT | \
				 MM_ALLOCATE_PREFER_CONTIGUOUS | \
				 MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS | \
				 MM_ALLOCATE_FAST_LARGE_PAGES | \
				 MM_ALLOCATE_TRIM_IF_NECESSARY)

/* Largest block tried for MM_ALLOCATE_PREFER_CONTIGUOUS (2 MiB). */
#define MDL_PREFER_ORDER	min(9, MDL_MAX_ORDER)

/**
 * struct mdl_alloc_req - one MmAllocatePagesForMdlEx call
 * @low: LowAddress
 * @high: HighAddress
 * @skip: SkipBytes as a stride between acceptable ranges, or 0
 * @gfp: allocation flags
 * @nid: node to allocate from, or NUMA_NO_NODE
 * @order: order of every block (REQUIRE_CONTIGUOUS_CHUNKS), or -1
 * @prefer: try large blocks first
 * @rejects: pages outside the ranges, held until the end
 * @nrej: number of pages on @rejects
 */
struct mdl_alloc_req {
	u64 low;
	u64 high;
	u64 skip;
	gfp_t gfp;
	int nid;
	int order;
	bool prefer;
	struct list_head rejects;
	u32 nrej;
};

/* Does [pa, pa + len) lie in one of the acceptable ranges? */
static bool mdl_pa_ok(const struct mdl_alloc_req *r, u64 pa, u64 len)
{
	u64 last = pa + len - 1, off;

	if (pa < r->low)
		return false;
	if (!r->skip)
		return last <= r->high;
	div64_u64_rem(pa - r->low, r->skip, &off);
	return off + (last - pa) <= r->high - r->low;
}

static void mdl_reject(struct mdl_alloc_req *r, struct page *page)
{
	list_add(&page->lru, &r->rejects);
	r->nrej++;
}

static void mdl_free_rejects(struct mdl_alloc_req *r)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, &r->rejects, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	r->nrej = 0;
}

/* Order-0 pages in one bulk call; returns the number of acceptable ones. */
static u32 mdl_alloc_bulk(struct mdl_alloc_req *r, struct page **pages,
			  u32 want)
{
	u32 got, i, kept = 0;

	got = mdl_alloc_pages_bulk_node(r->gfp, r->nid, want, pages);
	for (i = 0; i < got; i++) {
		struct page *page = pages[i];

		pages[i] = NULL;
		if (mdl_pa_ok(r, page_to_phys(page), PAGE_SIZE))
			pages[kept++] = page;
		else
			mdl_reject(r, page);
	}
	return kept;
}

/* One block of 2^order pages, split; returns the pages used (0: none). */
static u32 mdl_alloc_block(struct mdl_alloc_req *r, struct page **pages,
			   u32 want, unsigned int order)
{
	u32 n = 1UL << order, i;
	struct page *page;

	page = alloc_pages_node(r->nid, r->gfp | (order ? __GFP_NORETRY : 0),
				order);
	if (!page)
		return 0;
	split_page(page, order);
	if (!mdl_pa_ok(r, page_to_phys(page), (u64)n << PAGE_SHIFT)) {
		for (i = 0; i < n; i++)
			mdl_reject(r, page + i);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (i < want)
			pages[i] = page + i;
		else
			__free_page(page + i);
	}
	return min(n, want);
}

static u32 mdl_alloc_step(struct mdl_alloc_req *r, struct page **pages,
			  u32 want)
{
	int order;
	u32 got;

	if (r->order >= 0)
		return mdl_alloc_block(r, pages, want, r->order);
	if (r->prefer) {
		for (order = min_t(int, ilog2(want), MDL_PREFER_ORDER); order > 0;
		     order--) {
			got = mdl_alloc_block(r, pages, want, order);
			if (got)
				return got;
		}
	}
	return mdl_alloc_bulk(r, pages, want);
}

/* Fill @pages with up to @want acceptable pages; returns how many. */
static u32 mdl_alloc_fill(struct mdl_alloc_req *r, struct page **pages,
			  u32 want)
{
	u32 got = 0, limit = max_t(u32, want, 256) * 2, n;
	unsigned int tries = 0;

	while (got < want && r->nrej <= limit) {
		n = mdl_alloc_step(r, pages + got, want - got);
		if (n) {
			got += n;
			tries = 0;
		} else if (++tries > 8) {
			break;
		}
		cond_resched();
	}
	mdl_free_rejects(r);
	return got;
}

static void mdl_free_page_array(struct page **pages, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		__free_page(pages[i]);
}

/* Zone that holds addresses up to @high, as allocation flags. */
gfp_t mdl_zone_for(u64 high)
{
	if (IS_ENABLED(CONFIG_ZONE_DMA) && high < SZ_16M)
		return __GFP_DMA;
	if (IS_ENABLED(CONFIG_ZONE_DMA32) && high <= U32_MAX)
		return __GFP_DMA32;
	return 0;
}

/**
 * mdl_pages_set_cache() - give pages the memory type of a cache type
 * @pages: the pages
 * @n: number of pages
 * @cache: MEMORY_CACHING_TYPE; cached types change nothing
 *
 * Return: 0, -EINVAL for an unknown type, or the error of the change.
 */
int mdl_pages_set_cache(struct page **pages, u32 n, MEMORY_CACHING_TYPE cache)
{
	switch (mdl_cache_class(cache)) {
	case MmCached:
		return 0;
	case MmNonCached:
		return mdl_pages_set_uc(pages, n);
	case MmWriteCombined:
		return mdl_pages_set_wc(pages, n);
	default:
		return -EINVAL;
	}
}

static bool mdl_alloc_args_ok(struct mdl_alloc_req *r, PHYSICAL_ADDRESS low,
			      PHYSICAL_ADDRESS high, PHYSICAL_ADDRESS skip,
			      MEMORY_CACHING_TYPE cache, u32 flags)
{
	u64 chunk = skip.QuadPart;

	if (flags & ~MM_ALLOCATE_HONOURED)
		return false;
	/* Unsigned, as Windows reads them: HighAddress -1 means "anywhere". */
	if ((u64)high.QuadPart < (u64)low.QuadPart ||
	    (skip.QuadPart & (PAGE_SIZE - 1)))
		return false;
	if (cache < MmNonCached || cache >= MmMaximumCacheType)
		return false;
	r->low = low.QuadPart;
	r->high = high.QuadPart;
	r->skip = skip.QuadPart;
	r->order = -1;
	if (flags & MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS) {
		/* SkipBytes is the chunk size: a power of two of pages. */
		if (!chunk || !is_power_of_2(chunk) ||
		    ilog2(chunk >> PAGE_SHIFT) > MDL_MAX_ORDER)
			return false;
		r->order = ilog2(chunk >> PAGE_SHIFT);
		r->skip = 0;
	}
	if (r->skip && r->skip <= r->high - r->low)
		r->skip = 0;	/* the ranges overlap: one range [low, ...) */
	return true;
}

static gfp_t mdl_alloc_gfp(const struct mdl_alloc_req *r, u32 flags)
{
	gfp_t gfp = (flags & MM_ALLOCATE_NO_WAIT) ? GFP_NOWAIT : GFP_KERNEL;

	gfp |= __GFP_NOWARN;
	gfp |= (flags & MM_ALLOCATE_FULLY_REQUIRED) ? __GFP_RETRY_MAYFAIL :
						      __GFP_NORETRY;
	if (!(flags & MM_DONT_ZERO_ALLOCATION))
		gfp |= __GFP_ZERO;
	if (flags & MM_ALLOCATE_FROM_LOCAL_NODE_ONLY)
		gfp |= __GFP_THISNODE;
	if (!r->skip)
		gfp |= mdl_zone_for(r->high);
	return gfp;
}

/**
 * mdl_allocate_pages_node() - MmAllocatePagesForMdlEx on a node, with extra
 * allocation flags
 * @LowAddress: as MmAllocatePagesForMdlEx
 * @HighAddress: as MmAllocatePagesForMdlEx
 * @SkipBytes: as MmAllocatePagesForMdlEx
 * @TotalBytes: as MmAllocatePagesForMdlEx
 * @CacheType: as MmAllocatePagesForMdlEx
 * @Flags: as MmAllocatePagesForMdlEx
 * @node: the node to allocate from first (only from it with
 *        MM_ALLOCATE_FROM_LOCAL_NODE_ONLY), or NUMA_NO_NODE: the local node
 * @extra: added to every allocation of the call, the pages' and the MDL's:
 *         __GFP_ACCOUNT (with __GFP_RETRY_MAYFAIL, no OOM kill) charges them
 *         to the caller's memory cgroup (/dev/mdl); 0 for drivers
 *         (MmAllocatePagesForMdlEx), whose allocations no process pays for
 *
 * Context: may sleep unless @Flags has MM_ALLOCATE_NO_WAIT.
 * Return: the MDL, or NULL.
 */
PMDL mdl_allocate_pages_node(PHYSICAL_ADDRESS LowAddress,
			     PHYSICAL_ADDRESS HighAddress,
			     PHYSICAL_ADDRESS SkipBytes, size_t TotalBytes,
			     MEMORY_CACHING_TYPE CacheType, u32 Flags, int node,
			     gfp_t extra)
{
	struct mdl_alloc_req r = { .rejects = LIST_HEAD_INIT(r.rejects) };
	struct mdl_ext *ext;
	struct page **pages;
	u32 want, got;
	PMDL mdl;

	if (!mdl_alloc_args_ok(&r, LowAddress, HighAddress, SkipBytes, CacheType,
			       Flags) || !TotalBytes ||
	    (TotalBytes > MDL_MAX_BYTE_COUNT && (Flags & MM_ALLOCATE_FULLY_REQUIRED))) {
		mdl_refuse("bad range, size %zu, cache type %d or flags %#x",
			   TotalBytes, CacheType, Flags);
		return NULL;
	}
	TotalBytes = min_t(size_t, TotalBytes, MDL_MAX_BYTE_COUNT);
	r.gfp = mdl_alloc_gfp(&r, Flags) | extra;
	r.nid = node;
	if (node == NUMA_NO_NODE && (Flags & MM_ALLOCATE_FROM_LOCAL_NODE_ONLY))
		r.nid = numa_node_id();
	r.prefer = Flags & (MM_ALLOCATE_PREFER_CONTIGUOUS | MM_ALLOCATE_FAST_LARGE_PAGES);
	mdl = mdl_alloc_owned(NULL, TotalBytes,
			      ((Flags & MM_ALLOCATE_NO_WAIT) ? GFP_NOWAIT : GFP_KERNEL) |
			      extra);
	if (!mdl)
		return NULL;
	want = mdl_page_count(mdl);
	pages = (struct page **)MmGetMdlPfnArray(mdl);
	memset(pages, 0, sizeof(*pages) * want);
	got = mdl_alloc_fill(&r, pages, want);
	if (!got || (got < want && (Flags & MM_ALLOCATE_FULLY_REQUIRED)) ||
	    mdl_pages_set_cache(pages, got, CacheType)) {
		mdl_free_page_array(pages, got);
		mdl_free_owned(mdl_ext_find(mdl));
		return NULL;
	}
	mdl_pages_to_pfns(pages, MmGetMdlPfnArray(mdl), got);
	if (got < want)
		mdl->ByteCount = got << PAGE_SHIFT;
	ext = mdl_ext_find(mdl);
	ext->hold = MDL_HOLD_ALLOCATED;
	ext->nheld = got;
	ext->cache = CacheType;
	mdl->MdlFlags |= MDL_PAGES_LOCKED;
	return mdl;
}

/* mdl_allocate_pages_node() on the local node. */
PMDL mdl_allocate_pages(PHYSICAL_ADDRESS LowAddress, PHYSICAL_ADDRESS HighAddress,
			PHYSICAL_ADDRESS SkipBytes, size_t TotalBytes,
			MEMORY_CACHING_TYPE CacheType, u32 Flags, gfp_t extra)
{
	return mdl_allocate_pages_node(LowAddress, HighAddress, SkipBytes,
				       TotalBytes, CacheType, Flags, NUMA_NO_NODE,
				       extra);
}

/**
 * MmAllocatePagesForMdlEx() - allocate physical pages, with options
 * @LowAddress: lowest acceptable physical address
 * @HighAddress: highest acceptable physical address
 * @SkipBytes: 0, or the stride between acceptable ranges; with
 *             MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, the chunk size (a power
 *             of two of pages, at most the page allocator's largest block)
 * @TotalBytes: bytes to allocate
 * @CacheType: cache type later mappings of the pages use (x86: the pages'
 *             direct-map attribute is set to it until they are freed)
 * @Flags: MM_DONT_ZERO_ALLOCATION, MM_ALLOCATE_FULLY_REQUIRED,
 *         MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, MM_ALLOCATE_PREFER_CONTIGUOUS,
 *         MM_ALLOCATE_NO_WAIT, MM_ALLOCATE_FROM_LOCAL_NODE_ONLY,
 *         MM_ALLOCATE_FAST_LARGE_PAGES (as PREFER_CONTIGUOUS),
 *         MM_ALLOCATE_TRIM_IF_NECESSARY; MM_ALLOCATE_AND_HOT_REMOVE is refused
 *
 * Addresses are unsigned: HighAddress -1 means any. Linux cannot allocate
 * from an arbitrary physical range: the zone below HighAddress is used
 * (DMA, DMA32) and pages outside the acceptable ranges are set aside while
 * others are taken, a bounded number of times, so a narrow range may give
 * a shorter MDL. The PFN array doubles as the page array; pages come from
 * the bulk allocator or split high-order blocks, never one kmalloc per page.
 *
 * Context: may sleep (unless MM_ALLOCATE_NO_WAIT).
 * Return: the MDL (shorter than asked unless MM_ALLOCATE_FULLY_REQUIRED), or
 * NULL; unknown flags are refused.
 */
PMDL MmAllocatePagesForMdlEx(PHYSICAL_ADDRESS LowAddress,
			     PHYSICAL_ADDRESS HighAddress,
			     PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes,
			     MEMORY_CACHING_TYPE CacheType, ULONG Flags)
{
	return mdl_allocate_pages(LowAddress, HighAddress, SkipBytes, TotalBytes,
				  CacheType, Flags, 0);
}
EXPORT_SYMBOL_GPL(MmAllocatePagesForMdlEx);

/**
 * MmAllocatePagesForMdl() - allocate physical pages described by a new MDL
 * @LowAddress: lowest acceptable physical address
 * @HighAddress: highest acceptable physical address
 * @SkipBytes: 0, or the stride between acceptable ranges (a multiple of
 *             PAGE_SIZE)
 * @TotalBytes: bytes to allocate
 *
 * The pages are zeroed and not mapped. Free them with MmFreePagesFromMdl and
 * the MDL with ExFreePool.
 *
 * Context: may sleep.
 * Return: the MDL, possibly describing fewer bytes than asked (check
 * MmGetMdlByteCount), or NULL.
 */
PMDL MmAllocatePagesForMdl(PHYSICAL_ADDRESS LowAddress,
			   PHYSICAL_ADDRESS HighAddress,
			   PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes)
{
	return MmAllocatePagesForMdlEx(LowAddress, HighAddress, SkipBytes,
				       TotalBytes, MmCached, 0);
}
EXPORT_SYMBOL_GPL(MmAllocatePagesForMdl);

/* Free the pages an MDL_HOLD_ALLOCATED state holds (mdl_release_hold). */
void mdl_free_allocated(struct mdl_ext *ext, bool zero)
{
	PPFN_NUMBER pfns = MmGetMdlPfnArray(ext->mdl);
	struct page **pages = (struct page **)pfns;
	u32 i, n = ext->nheld;

	for (i = 0; i < n; i++) {
		pages[i] = pfn_to_page(pfns[i]);
		if (zero)
			clear_highpage(pages[i]);
	}
	if (ext->cache != MmCached && ext->cache != MmHardwareCoherentCached)
		mdl_pages_set_wb(pages, n);
	for (i = 0; i < n; i++) {
		struct page *page = pages[i];

		pfns[i] = page_to_pfn(page);
		__free_page(page);
	}
}

/**
 * MmFreePagesFromMdlEx() - free the pages of MmAllocatePagesForMdl*, with options
 * @MemoryDescriptorList: the MDL; free it afterwards with ExFreePool
 * @Flags: 0 or MM_FREE_MDL_PAGES_ZERO (zero the pages before freeing)
 *
 * Context: may sleep.
 */
void MmFreePagesFromMdlEx(PMDL MemoryDescriptorList, ULONG Flags)
{
	PMDL mdl = MemoryDescriptorList;
	struct mdl_ext *ext = mdl ? mdl_ext_find(mdl) : NULL;

	if (!ext || ext->hold != MDL_HOLD_ALLOCATED ||
	    (Flags & ~MM_FREE_MDL_PAGES_ZERO)) {
		mdl_refuse("MDL %p has no pages of MmAllocatePagesForMdl, or flags %#x",
			   mdl, Flags);
		return;
	}
	mdl_unmap_system(ext);
	mdl_free_allocated(ext, Flags & MM_FREE_MDL_PAGES_ZERO);
	ext->hold = MDL_HOLD_NONE;
	ext->nheld = 0;
	mdl->MdlFlags &= ~(MDL_PAGES_LOCKED | MDL_WRITE_OPERATION);
}
EXPORT_SYMBOL_GPL(MmFreePagesFromMdlEx);

/**
 * MmFreePagesFromMdl() - free the pages of MmAllocatePagesForMdl*
 * @MemoryDescriptorList: the MDL; free it afterwards with ExFreePool
 *
 * A system mapping of the MDL is released first.
 *
 * Context: may sleep.
 */
void MmFreePagesFromMdl(PMDL MemoryDescriptorList)
{
	MmFreePagesFromMdlEx(MemoryDescriptorList, 0);
}
EXPORT_SYMBOL_GPL(MmFreePagesFromMdl);
