// SPDX-License-Identifier: GPL-2.0
/*
 * Locks of file and shared-memory pages (memfd, shmem, a private mapping
 * of a tmpfs file) whose MDL fd or dma-buf is mapped while the file is
 * truncated, punched or closed. The mapping keeps the locked pages (the
 * lock holds them) and the file's own reverse map never meets a PTE it does
 * not know: the kernel log stays clean ("Bad page cache", "Bad page map"
 * and "Bad page state" are what an rmap of those pages through the MDL
 * mapping would print), and the pins balance once everything is closed.
 * Generated: backing x what happens to the file x what maps the MDL.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define PC_PAGES	4

enum pc_backing { PC_MEMFD, PC_SHMEM, PC_PRIVATE_FILE, PC_BACKING_COUNT };
enum pc_event { PC_TRUNCATE, PC_PUNCH, PC_CLOSE, PC_EVENT_COUNT };
enum pc_view { PC_MDL_MMAP, PC_DMABUF_MMAP, PC_VIEW_COUNT };

static const char *const backing_names[PC_BACKING_COUNT] = {
	[PC_MEMFD] = "memfd",
	[PC_SHMEM] = "shmem",
	[PC_PRIVATE_FILE] = "private tmpfs file, read lock",
};

static const char *const event_names[PC_EVENT_COUNT] = {
	[PC_TRUNCATE] = "truncated to 0",
	[PC_PUNCH] = "hole punched",
	[PC_CLOSE] = "unmapped and closed",
};

static const char *const view_names[PC_VIEW_COUNT] = {
	[PC_MDL_MMAP] = "MDL fd mapped",
	[PC_DMABUF_MMAP] = "dma-buf mapped",
};

/* The file behind the buffer: memfd or a tmpfs file; -1 for shmem. */
static int pc_file(enum pc_backing b, size_t len)
{
	char path[] = "/tmp/mdl-pagecache-XXXXXX";
	int fd;

	if (b == PC_SHMEM)
		return -1;
	if (b == PC_MEMFD) {
		fd = memfd_create("mdl-pagecache", MFD_CLOEXEC);
	} else {
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	if (fd >= 0 && ftruncate(fd, (off_t)len)) {
		close(fd);
		return -1;
	}
	return fd;
}

struct pc_buf {
	int file;
	uint8_t *va;
	size_t len;
	int mdl;
};

static int pc_setup(enum pc_backing b, struct pc_buf *pb)
{
	uint32_t lock_flags = b == PC_PRIVATE_FILE ? 0 : MDL_LOCK_WRITE;
	int flags = b == PC_PRIVATE_FILE ? MAP_PRIVATE : MAP_SHARED;
	int prot = PROT_READ | PROT_WRITE;

	pb->len = PC_PAGES * t_env.page;
	pb->file = pc_file(b, pb->len);
	T_FAIL_IF(b != PC_SHMEM && pb->file < 0, "file: %s", strerror(errno));
	if (b == PC_SHMEM)
		flags |= MAP_ANONYMOUS;
	if (b == PC_PRIVATE_FILE) {
		/* The pattern goes in through the file: page cache pages. */
		uint8_t *w = mmap(NULL, pb->len, prot, MAP_SHARED, pb->file, 0);

		T_FAIL_IF(w == MAP_FAILED, "mmap of the file: %s", strerror(errno));
		t_fill(w, pb->len, 91);
		munmap(w, pb->len);
		prot = PROT_READ;
	}
	pb->va = mmap(NULL, pb->len, prot, flags, pb->file, 0);
	T_FAIL_IF(pb->va == MAP_FAILED, "mmap: %s", strerror(errno));
	if (b != PC_PRIVATE_FILE)
		t_fill(pb->va, pb->len, 91);
	pb->mdl = mdl_lock_user(t_env.dev, pb->va, pb->len, lock_flags);
	CHECK_OK(pb->mdl);
	return T_PASS;
}

/* Map the locked pages through the MDL fd or its dma-buf. */
static uint8_t *pc_view(enum pc_view v, int mdl, size_t len, int *dmabuf)
{
	int fd = mdl;

	*dmabuf = -1;
	if (v == PC_DMABUF_MMAP) {
		fd = mdl_export_dmabuf(mdl, MDL_FD_CLOEXEC);
		if (fd < 0) {
			errno = -fd;
			return NULL;
		}
		*dmabuf = fd;
	}
	return t_mmap(fd, len, PROT_READ, 0);
}

static int pc_event(enum pc_backing b, enum pc_event e, struct pc_buf *pb)
{
	switch (e) {
	case PC_TRUNCATE:
		if (b == PC_SHMEM)
			CHECK_OK(madvise(pb->va, pb->len, MADV_REMOVE));
		else
			CHECK_OK(ftruncate(pb->file, 0));
		break;
	case PC_PUNCH:
		if (b == PC_SHMEM)
			CHECK_OK(madvise(pb->va, pb->len, MADV_REMOVE));
		else
			CHECK_OK(fallocate(pb->file, FALLOC_FL_PUNCH_HOLE |
					   FALLOC_FL_KEEP_SIZE, 0, (off_t)pb->len));
		break;
	default:
		CHECK_OK(munmap(pb->va, pb->len));
		pb->va = NULL;
		if (pb->file >= 0)
			CHECK_OK(close(pb->file));
		pb->file = -1;
		break;
	}
	return T_PASS;
}

static int pc_run(const struct t_case *tc)
{
	unsigned int id = (unsigned int)(uintptr_t)tc->arg;
	enum pc_backing b = id / (PC_EVENT_COUNT * PC_VIEW_COUNT);
	enum pc_event e = id / PC_VIEW_COUNT % PC_EVENT_COUNT;
	enum pc_view v = id % PC_VIEW_COUNT;
	struct pc_buf pb;
	uint8_t *view;
	int dmabuf;

	if (v == PC_DMABUF_MMAP && !(t_env.ver.features & MDL_FEATURE_DMABUF))
		return t_skip("module lacks MDL_FEATURE_DMABUF");
	CHECK_STEP(pc_setup(b, &pb));
	view = pc_view(v, pb.mdl, pb.len, &dmabuf);
	T_FAIL_IF(!view, "mmap of the %s: %s", v == PC_MDL_MMAP ? "MDL" : "dma-buf",
		  strerror(errno));
	T_FAIL_IF(!t_pattern_ok(view, pb.len, 91), "mapping differs before the event");
	CHECK_STEP(pc_event(b, e, &pb));
	/* The lock still holds the pages: the mapping shows what they held. */
	T_FAIL_IF(!t_pattern_ok(view, pb.len, 91), "mapping lost the locked data");
	if (e != PC_CLOSE)
		CHECK_OK(munmap(pb.va, pb.len));
	/* Last references: the MDL fd first, then the mapping's. */
	CHECK_OK(close(pb.mdl));
	if (dmabuf >= 0)
		CHECK_OK(close(dmabuf));
	T_FAIL_IF(!t_pattern_ok(view, pb.len, 91), "mapping changed after close");
	CHECK_OK(munmap(view, pb.len));
	if (pb.file >= 0)
		close(pb.file);
	return T_PASS;
}

static size_t pc_count(void)
{
	return PC_BACKING_COUNT * PC_EVENT_COUNT * PC_VIEW_COUNT;
}

static void pc_get(size_t i, struct t_case *tc)
{
	unsigned int b = i / (PC_EVENT_COUNT * PC_VIEW_COUNT);
	unsigned int e = i / PC_VIEW_COUNT % PC_EVENT_COUNT;
	unsigned int v = i % PC_VIEW_COUNT;

	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "pagecache: %s, %s, %s: data kept, log clean",
		 backing_names[b], view_names[v], event_names[e]);
	tc->run = pc_run;
	tc->arg = (const void *)(uintptr_t)i;
}

const struct t_suite suite_pagecache = { "pagecache", pc_count, pc_get };
