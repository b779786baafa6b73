// SPDX-License-Identifier: GPL-2.0
/*
 * Pair 4: read bandwidth through a shared MDL mapping (mmap of the MDL fd
 * of a locked buffer: the same physical pages) against memcpy of the private
 * buffer itself. Pair 5: pread of the MDL fd (the kernel's system mapping of
 * the MDL) against pread of a memfd holding the same data.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <libmdl.h>

#include "bench.h"

#define CHUNK MIB

static uint64_t copy_ns(void *dst, const void *src, size_t bytes)
{
	uint64_t t0 = now_ns();

	memcpy(dst, src, bytes);
	return now_ns() - t0;
}

static int64_t pread_ns(int fd, void *dst, size_t bytes)
{
	uint64_t t0 = now_ns();
	size_t off;
	ssize_t r;

	for (off = 0; off < bytes; off += (size_t)r) {
		r = pread(fd, (char *)dst + off,
			  bytes - off < CHUNK ? bytes - off : CHUNK, (off_t)off);
		if (r <= 0)
			return r ? -errno : -EIO;
	}
	return (int64_t)(now_ns() - t0);
}

static void touch(const void *p, size_t bytes)
{
	size_t i;

	for (i = 0; i < bytes; i += PAGE)
		(void)*(const volatile char *)((const char *)p + i);
}

void bench_bw(const char *thp)
{
	size_t bytes = cfg.bw_bytes;
	double np = (double)(bytes / PAGE);
	struct series s_map = { 0 }, s_priv = { 0 }, s_pmdl = { 0 },
		      s_pmemfd = { 0 };
	char *src, *dst, *dstbase, *mfd_map, name[64];
	struct mdl_mapping m;
	int fd, mfd, r, o, ret;
	int64_t ns;

	src = buf_alloc(bytes);
	/*
	 * The destination sits 1 MiB + 17 pages off a 2 MiB boundary, so
	 * that neither source (both 2 MiB aligned) is a power-of-two distance
	 * away from it: QEMU's software TLB is direct-mapped, and source and
	 * destination pages that share its entries would evict each other on
	 * every access of the copy (seen as a 1.7x artifact).
	 */
	dstbase = buf_alloc(bytes + 2 * MIB);
	dst = dstbase + MIB + 17 * PAGE;
	buf_fill(src, bytes, 4);
	memset(dst, 0, bytes);
	mfd = memfd_create("mdlbench-bw", MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, (off_t)bytes))
		die("memfd: %s", strerror(errno));
	mfd_map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (mfd_map == MAP_FAILED)
		die("mmap memfd: %s", strerror(errno));
	memcpy(mfd_map, src, bytes);
	fd = -1;
	if (mdl_dev < 0) {
		skip("bw", "mdl_map", thp, bytes, "no /dev/mdl");
		skip("pread", "mdl", thp, bytes, "no /dev/mdl");
	} else {
		fd = mdl_lock_user(mdl_dev, src, bytes, MDL_LOCK_WRITE);
		if (fd < 0)
			die("MDL_IOC_LOCK_USER: %s", strerror(-fd));
		ret = mdl_map(fd, PROT_READ, &m);
		if (ret)
			die("mmap of the MDL fd: %s", strerror(-ret));
		touch(m.data, bytes);
	}
	snprintf(name, sizeof(name), "bw.%s", thp);
	for (r = -1; r < cfg.runs; r++) {
		/* Alternate which copy goes first: no order effects. */
		for (o = 0; o < 2; o++) {
			if ((o ^ (r & 1)) == 0 && fd >= 0) {
				memset(dst, 0, bytes);
				ns = (int64_t)copy_ns(dst, m.data, bytes);
				if (r < 0)
					check(!memcmp(dst, src, bytes), name,
					      "memcpy from the MDL mapping == buffer");
				else
					series_add(&s_map, (double)ns / np);
			} else if ((o ^ (r & 1)) == 1) {
				memset(dst, 0, bytes);
				ns = (int64_t)copy_ns(dst, src, bytes);
				if (r >= 0)
					series_add(&s_priv, (double)ns / np);
			}
		}
		if (fd >= 0) {
			memset(dst, 0, bytes);
			ns = pread_ns(fd, dst, bytes);
			if (ns < 0)
				die("pread of the MDL fd: %s", strerror((int)-ns));
			if (r < 0)
				check(!memcmp(dst, src, bytes), name,
				      "pread of the MDL fd == buffer");
			else
				series_add(&s_pmdl, (double)ns / np);
		}
		memset(dst, 0, bytes);
		ns = pread_ns(mfd, dst, bytes);
		if (ns < 0)
			die("pread of the memfd: %s", strerror((int)-ns));
		if (r < 0)
			check(!memcmp(dst, src, bytes), name,
			      "pread of the memfd == buffer");
		else
			series_add(&s_pmemfd, (double)ns / np);
	}
	report("bw", "mdl_map", thp, bytes, &s_map, "ns/page");
	report("bw", "private", thp, bytes, &s_priv, "ns/page");
	report("pread", "mdl", thp, bytes, &s_pmdl, "ns/page");
	report("pread", "memfd", thp, bytes, &s_pmemfd, "ns/page");
	if (fd >= 0) {
		mdl_unmap(&m);
		close(fd);
	}
	munmap(mfd_map, bytes);
	close(mfd);
	buf_free(src, bytes);
	buf_free(dstbase, bytes + 2 * MIB);
}
