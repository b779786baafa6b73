// SPDX-License-Identifier: GPL-2.0
/*
 * MDL-level helpers of the selftests (see mdlutil.h).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "mdlutil.h"
#include "util.h"

int t_lock_new(struct t_lock *l, size_t off, size_t len, uint32_t flags,
	       uint32_t seed)
{
	size_t pages = mdl_span_pages(off, len, t_env.page) + off / t_env.page;

	l->area_len = (pages ? pages : 1) * t_env.page;
	l->area = t_buffer(l->area_len);
	if (!l->area)
		return -ENOMEM;
	t_fill(l->area, l->area_len, seed);
	l->buf = l->area + off;
	l->len = len;
	l->fd = mdl_lock_user(t_env.dev, l->buf, len, flags);
	return l->fd < 0 ? l->fd : 0;
}

void t_lock_facts(const struct t_lock *l, uint32_t flags, struct t_facts *f)
{
	uintptr_t va = (uintptr_t)l->buf;

	f->start_va = va & ~(uintptr_t)(t_env.page - 1);
	f->byte_offset = (uint32_t)(va & (t_env.page - 1));
	f->byte_count = l->len;
	f->access = MDL_ACCESS_READ |
		    (flags & MDL_LOCK_WRITE ? MDL_ACCESS_WRITE : 0);
	f->kind = MDL_KIND_USER;
	f->cache_type = MDL_CACHE_CACHED;
}

int t_check_facts(int fd, const struct t_facts *want)
{
	struct mdl_info info;

	CHECK_OK(mdl_query(fd, &info));
	CHECK_EQ(info.size, sizeof(info));
	if (want->start_va)
		CHECK_EQ(info.start_va, want->start_va);
	CHECK_EQ(info.start_va % t_env.page, 0);
	CHECK_EQ(info.byte_offset, want->byte_offset);
	CHECK_EQ(info.byte_count, want->byte_count);
	CHECK_EQ(info.page_count, mdl_span_pages(want->byte_offset,
						 want->byte_count, t_env.page));
	CHECK_EQ(info.access, want->access);
	CHECK_EQ(info.kind, want->kind);
	CHECK_EQ(info.cache_type, want->cache_type);
	CHECK_EQ(info.reserved, 0);
	return T_PASS;
}

int t_pfns(int fd, uint64_t first, uint64_t n, uint64_t *out)
{
	uint64_t batch = t_env.ver.max_pfns_per_call, done = 0;
	int ret;

	if (!batch)
		return -EINVAL;
	while (done < n) {
		uint64_t k = n - done < batch ? n - done : batch;

		ret = mdl_get_pfns(fd, first + done, k, out + done);
		if (ret)
			return ret;
		done += k;
	}
	return 0;
}

int t_check_pfns_pagemap(int fd, const void *va, uint64_t pages)
{
	uint64_t *pfns = calloc(pages, sizeof(*pfns)), pm, i;
	const uint8_t *p = va;

	CHECK(pfns);
	CHECK_OK(t_pfns(fd, 0, pages, pfns));
	for (i = 0; i < pages; i++) {
		CHECK_OK(t_pagemap_pfn(p + i * t_env.page, &pm));
		T_FAIL_IF(pfns[i] != pm, "page %" PRIu64 ": GET_PFNS 0x%" PRIx64
			  " != pagemap 0x%" PRIx64, i, pfns[i], pm);
		CHECK(pm != 0);
	}
	free(pfns);
	return T_PASS;
}

uint8_t *t_map_data(int fd, int prot, size_t *map_len)
{
	struct mdl_info info;
	uint8_t *base;

	if (mdl_query(fd, &info))
		return NULL;
	*map_len = info.page_count * t_env.page;
	base = t_mmap(fd, *map_len, prot, 0);
	return base ? base + info.byte_offset : NULL;
}

int t_check_view(int fd, const void *want, size_t len)
{
	uint8_t *data, *copy = malloc(len + 1);
	size_t map_len;

	CHECK(copy);
	data = t_map_data(fd, PROT_READ, &map_len);
	T_FAIL_IF(!data, "mmap of the MDL: %s", strerror(errno));
	T_FAIL_IF(memcmp(data, want, len), "mapping differs from the buffer");
	CHECK_EQ(t_pread(fd, copy, len + 1, 0), len);
	T_FAIL_IF(memcmp(copy, want, len), "pread differs from the buffer");
	munmap((void *)((uintptr_t)data & ~(uintptr_t)(t_env.page - 1)), map_len);
	free(copy);
	return T_PASS;
}
