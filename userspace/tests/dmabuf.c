// SPDX-License-Identifier: GPL-2.0
/*
 * MDL_IOC_EXPORT_DMABUF: the pages as a dma-buf, usable by any importer
 * and by user space through mmap and DMA_BUF_IOCTL_SYNC.
 */
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

#define DB_PAGES 4

static int export_of(int mdl, int *fd)
{
	if (!(t_env.ver.features & MDL_FEATURE_DMABUF))
		return t_skip("module lacks MDL_FEATURE_DMABUF");
	*fd = mdl_export_dmabuf(mdl, MDL_FD_CLOEXEC);
	CHECK_OK(*fd);
	return T_PASS;
}

static int buf_sync(int fd, uint64_t flags)
{
	struct dma_buf_sync s = { flags };

	return t_ioctl(fd, DMA_BUF_IOCTL_SYNC, &s);
}

static int db_mmap(const struct t_case *tc)
{
	size_t len = DB_PAGES * t_env.page;
	struct t_lock l;
	uint8_t *p;
	int fd;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, len, MDL_LOCK_WRITE, 71));
	CHECK_STEP(export_of(l.fd, &fd));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	T_FAIL_IF(p == MAP_FAILED, "mmap of the dma-buf: %s", strerror(errno));
	CHECK_OK(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	T_FAIL_IF(!t_pattern_ok(p, len, 71), "dma-buf mapping differs");
	t_fill(p, len / 2, 72);
	CHECK_OK(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	T_FAIL_IF(!t_pattern_ok(l.buf, len / 2, 72), "buffer misses dma-buf stores");
	return T_PASS;
}

static int db_sync_rules(const struct t_case *tc)
{
	struct t_lock l;
	int fd;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, t_env.page, MDL_LOCK_WRITE, 73));
	CHECK_STEP(export_of(l.fd, &fd));
	CHECK_OK(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	CHECK_OK(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	CHECK_OK(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	CHECK_OK(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	CHECK_ERR(buf_sync(fd, 1ULL << 40), EINVAL);
	return T_PASS;
}

static int db_readonly(const struct t_case *tc)
{
	struct t_lock l;
	int fd;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, 2 * t_env.page, 0, 74));
	CHECK_STEP(export_of(l.fd, &fd));
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	T_FAIL_IF(mmap(NULL, t_env.page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
		  != MAP_FAILED, "writable mapping of a read-only dma-buf");
	return T_PASS;
}

static int db_outlives_mdl(const struct t_case *tc)
{
	size_t len = DB_PAGES * t_env.page;
	struct t_lock l;
	uint8_t *p;
	int fd;

	(void)tc;
	CHECK_OK(t_lock_new(&l, 0, len, MDL_LOCK_WRITE, 75));
	CHECK_STEP(export_of(l.fd, &fd));
	CHECK_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	CHECK_OK(mdl_close(l.fd));
	CHECK_OK(munmap(l.area, l.area_len) ? -errno : 0);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	T_FAIL_IF(p == MAP_FAILED, "mmap: %s", strerror(errno));
	T_FAIL_IF(!t_pattern_ok(p, len, 75), "dma-buf lost the bytes");
	return T_PASS;
}

static int db_kernel_pages(const struct t_case *tc)
{
	size_t len = DB_PAGES * t_env.page, map_len;
	uint8_t *data, *p;
	int mdl, fd;

	(void)tc;
	mdl = mdl_alloc_pages(t_env.dev, len, 0, MDL_CACHE_CACHED);
	CHECK_OK(mdl);
	data = t_map_data(mdl, PROT_READ | PROT_WRITE, &map_len);
	CHECK(data);
	t_fill(data, len, 76);
	CHECK_STEP(export_of(mdl, &fd));
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	T_FAIL_IF(p == MAP_FAILED, "mmap: %s", strerror(errno));
	T_FAIL_IF(!t_pattern_ok(p, len, 76), "dma-buf of kernel pages differs");
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "dmabuf: mmap sees the buffer, stores reach it (with SYNC)", db_mmap, NULL, 0 },
	{ "dmabuf: DMA_BUF_IOCTL_SYNC start/end work, bad flags -> EINVAL",
	  db_sync_rules, NULL, 0 },
	{ "dmabuf: of a read-only MDL is O_RDONLY, refuses PROT_WRITE", db_readonly, NULL, 0 },
	{ "dmabuf: is O_RDWR and outlives the MDL fd and buffer", db_outlives_mdl, NULL, 0 },
	{ "dmabuf: of kernel pages shows their bytes", db_kernel_pages, NULL, 0 },
};

T_SUITE_ARRAY(suite_dmabuf, cases);
