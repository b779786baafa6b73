// SPDX-License-Identifier: GPL-2.0
/*
 * MDL_IOC_MAP_IO_SPACE (root): /dev/mem's strict rules, and an MDL over a
 * page of device address space nobody claims.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include "mdlutil.h"
#include "suites.h"
#include "util.h"

static uint64_t page_up(uint64_t a)
{
	return (a + t_env.page - 1) & ~(uint64_t)(t_env.page - 1);
}

static int refused(uint64_t phys, uint64_t len, const char *what)
{
	int fd0 = t_next_fd();

	t_diag("%s: 0x%" PRIx64 " + 0x%" PRIx64, what, phys, len);
	CHECK_ERR(mdl_map_io_space(t_env.dev, phys, len, 0, MDL_CACHE_NONCACHED), EPERM);
	CHECK_EQ(t_next_fd(), fd0);
	return T_PASS;
}

static int io_system_ram(const struct t_case *tc)
{
	uint64_t start, end;

	(void)tc;
	CHECK_OK(t_iomem_find("System RAM", &start, &end));
	if (start < 0x100000 && t_iomem_find("Kernel code", &start, &end) == 0)
		return refused(page_up(start), t_env.page, "Kernel code (System RAM)");
	return refused(page_up(start), t_env.page, "System RAM");
}

/* A range that begins outside RAM and runs into it is still refused. */
static int io_into_ram(const struct t_case *tc)
{
	uint64_t start, end;

	(void)tc;
	CHECK_OK(t_iomem_find("Kernel code", &start, &end));
	start &= ~(uint64_t)(t_env.page - 1);
	return refused(start - t_env.page, 2 * t_env.page, "range ending in kernel code");
}

static int io_claimed(const struct t_case *tc)
{
	uint64_t start, end;

	(void)tc;
	if (t_iomem_find("IOAPIC 0", &start, &end))
		return t_skip("no IOAPIC 0 in /proc/iomem");
	return refused(start & ~(uint64_t)(t_env.page - 1), t_env.page,
		       "IOAPIC 0 (claimed busy)");
}

static int io_free_page(const struct t_case *tc)
{
	struct t_facts f = { 0, 0, 0, MDL_ACCESS_READ | MDL_ACCESS_WRITE,
			     MDL_KIND_IO_SPACE, MDL_CACHE_NONCACHED };
	uint64_t phys, pfn;
	uint32_t a, b;
	volatile uint32_t *p;
	int fd;

	(void)tc;
	if (t_iomem_free_page(t_env.page, &phys))
		return t_skip("no unclaimed page in a PCI window of /proc/iomem");
	t_diag("unclaimed page 0x%" PRIx64, phys);
	fd = mdl_map_io_space(t_env.dev, phys, t_env.page, 0, MDL_CACHE_NONCACHED);
	CHECK_OK(fd);
	f.byte_count = t_env.page;
	CHECK_STEP(t_check_facts(fd, &f));
	CHECK_OK(mdl_get_pfns(fd, 0, 1, &pfn));
	CHECK_EQ(pfn, phys / t_env.page);
	p = t_mmap(fd, t_env.page, PROT_READ, 0);
	T_FAIL_IF(!p, "mmap: %s", strerror(errno));
	a = p[0];
	CHECK_EQ(t_pread(fd, &b, sizeof(b), 0), sizeof(b));
	CHECK_EQ(a, b);
	CHECK_ERR(mdl_export_dmabuf(fd, 0), EOPNOTSUPP);
	return T_PASS;
}

#define LOCKDOWN_FILE	"/sys/kernel/security/lockdown"
#define LOCKDOWN_ENV	"MDL_TEST_LOCKDOWN"

static int lockdown_set(const char *level)
{
	int fd, ret = 0;

	if (access(LOCKDOWN_FILE, F_OK) &&
	    mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL))
		return -errno;
	fd = open(LOCKDOWN_FILE, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, level, strlen(level)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Kernel lockdown refuses device memory as it refuses /dev/mem
 * (LOCKDOWN_DEV_MEM, EPERM); what needs no device memory still works. A
 * lockdown lasts until the next boot: the case runs only where asked
 * (MDL_TEST_LOCKDOWN=1), as the last one of a boot of its own.
 */
static int io_lockdown(const struct t_case *tc)
{
	const char *env = getenv(LOCKDOWN_ENV);
	uint8_t *buf = t_buffer(t_env.page);
	uint64_t phys;
	int fd0, fd, ret;

	(void)tc;
	if (!env || strcmp(env, "1"))
		return t_skip("lockdown lasts until reboot: runs in a boot of its own "
			      "(" LOCKDOWN_ENV "=1: make vmtest's lockdown boot)");
	CHECK(buf);
	if (t_iomem_free_page(t_env.page, &phys))
		return t_skip("no unclaimed page in a PCI window of /proc/iomem");
	fd = mdl_map_io_space(t_env.dev, phys, t_env.page, 0, MDL_CACHE_NONCACHED);
	CHECK_OK(fd);
	CHECK_OK(mdl_close(fd));
	ret = lockdown_set("integrity");
	if (ret == -ENOENT)
		return t_skip("no lockdown LSM (" LOCKDOWN_FILE ")");
	CHECK_OK(ret);
	fd0 = t_next_fd();
	CHECK_ERR(mdl_map_io_space(t_env.dev, phys, t_env.page, 0, MDL_CACHE_NONCACHED),
		  EPERM);
	CHECK_EQ(t_next_fd(), fd0);
	fd = mdl_lock_user(t_env.dev, buf, t_env.page, MDL_LOCK_WRITE);
	CHECK_OK(fd);
	CHECK_OK(mdl_close(fd));
	return T_PASS;
}

/*
 * x86 reserves the memory type of a PFN mapping for the whole VMA: an I/O
 * mapping is never split (munmap or mprotect of a part fail with EINVAL),
 * and unmapping it whole releases the reservation.
 */
static int io_no_split(const struct t_case *tc)
{
	size_t len = 2 * t_env.page;
	uint64_t phys;
	uint8_t *p;
	int fd;

	(void)tc;
	if (t_iomem_free_page(len, &phys))
		return t_skip("no two unclaimed pages in a PCI window of /proc/iomem");
	fd = mdl_map_io_space(t_env.dev, phys, len, 0, MDL_CACHE_NONCACHED);
	CHECK_OK(fd);
	p = t_mmap(fd, len, PROT_READ | PROT_WRITE, 0);
	T_FAIL_IF(!p, "mmap: %s", strerror(errno));
	T_FAIL_IF(!munmap(p + t_env.page, t_env.page), "munmap of one page succeeded");
	CHECK_EQ(errno, EINVAL);
	T_FAIL_IF(!mprotect(p, t_env.page, PROT_READ), "mprotect of one page succeeded");
	CHECK_EQ(errno, EINVAL);
	CHECK_OK(mprotect(p, len, PROT_READ));
	CHECK_OK(munmap(p, len));
	/* The reservation went with the mapping: the range maps again. */
	p = t_mmap(fd, len, PROT_READ, 0);
	T_FAIL_IF(!p, "second mmap: %s", strerror(errno));
	CHECK_OK(munmap(p, len));
	return T_PASS;
}

/* MAP_IO_SPACE of @len bytes at @phys refused with EINVAL, no fd made. */
static int type_refused(uint64_t phys, uint64_t len, uint32_t cache)
{
	int fd0 = t_next_fd();

	CHECK_ERR(mdl_map_io_space(t_env.dev, phys, len, 0, cache), EINVAL);
	CHECK_EQ(t_next_fd(), fd0);
	return T_PASS;
}

/*
 * A device page has one memory type: while an MDL fd (or a mapping of it)
 * gives a page a type, MAP_IO_SPACE of that page with another type is
 * EINVAL; the same type, or the other type once the first is gone, works.
 */
static int io_one_type(const struct t_case *tc)
{
	uint64_t phys;
	uint8_t b;
	int fd, fd2;

	(void)tc;
	if (t_iomem_free_page(t_env.page, &phys))
		return t_skip("no unclaimed page in a PCI window of /proc/iomem");
	fd = mdl_map_io_space(t_env.dev, phys, t_env.page, 0, MDL_CACHE_NONCACHED);
	CHECK_OK(fd);
	CHECK_STEP(type_refused(phys, t_env.page, MDL_CACHE_WRITECOMBINED));
	CHECK_STEP(type_refused(phys, t_env.page, MDL_CACHE_CACHED));
	fd2 = mdl_map_io_space(t_env.dev, phys, t_env.page, 0, MDL_CACHE_NONCACHED);
	CHECK_OK(fd2);
	CHECK_OK(mdl_close(fd2));
	CHECK_OK(mdl_close(fd));
	fd = mdl_map_io_space(t_env.dev, phys, t_env.page, 0, MDL_CACHE_WRITECOMBINED);
	CHECK_OK(fd);
	/* pread maps the page in the kernel with the fd's type: no conflict. */
	CHECK_EQ(t_pread(fd, &b, 1, 0), 1);
	CHECK_STEP(type_refused(phys, t_env.page, MDL_CACHE_NONCACHED));
	CHECK_OK(mdl_close(fd));
	fd = mdl_map_io_space(t_env.dev, phys, t_env.page, 0, MDL_CACHE_CACHED);
	CHECK_OK(fd);
	CHECK_OK(mdl_close(fd));
	return T_PASS;
}

/*
 * Overlapping ranges: a type held on two pages refuses another type on
 * either of them or on a range that runs into them, not on the page beside
 * them. A user mapping keeps its fd's type after the fd is closed.
 */
static int io_overlap_type(const struct t_case *tc)
{
	uint64_t phys, pg = t_env.page;
	uint8_t *p;
	int fd, fd2;

	(void)tc;
	if (t_iomem_free_page(3 * pg, &phys))
		return t_skip("no three unclaimed pages in a PCI window of /proc/iomem");
	fd = mdl_map_io_space(t_env.dev, phys, 2 * pg, 0, MDL_CACHE_WRITECOMBINED);
	CHECK_OK(fd);
	CHECK_STEP(type_refused(phys + pg, pg, MDL_CACHE_NONCACHED));
	CHECK_STEP(type_refused(phys + pg, 2 * pg, MDL_CACHE_NONCACHED));
	CHECK_STEP(type_refused(phys, 3 * pg, MDL_CACHE_CACHED));
	fd2 = mdl_map_io_space(t_env.dev, phys + 2 * pg, pg, 0, MDL_CACHE_NONCACHED);
	CHECK_OK(fd2);
	/* The page beside now holds another type: a range over both fails. */
	CHECK_STEP(type_refused(phys + pg, 2 * pg, MDL_CACHE_WRITECOMBINED));
	CHECK_OK(mdl_close(fd2));
	p = t_mmap(fd, 2 * pg, PROT_READ | PROT_WRITE, 0);
	T_FAIL_IF(!p, "mmap: %s", strerror(errno));
	p[0] = 1;
	CHECK_OK(mdl_close(fd));
	CHECK_STEP(type_refused(phys, pg, MDL_CACHE_NONCACHED));
	CHECK_OK(munmap(p, 2 * pg));
	fd = mdl_map_io_space(t_env.dev, phys, 3 * pg, 0, MDL_CACHE_NONCACHED);
	CHECK_OK(fd);
	CHECK_OK(mdl_close(fd));
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "iospace: System RAM -> EPERM", io_system_ram, NULL, T_ROOT },
	{ "iospace: a range running into kernel code -> EPERM", io_into_ram, NULL, T_ROOT },
	{ "iospace: a region a driver claimed (IOAPIC) -> EPERM", io_claimed, NULL, T_ROOT },
	{ "iospace: an unclaimed PCI page: facts, PFN, mmap equals pread, no dma-buf",
	  io_free_page, NULL, T_ROOT },
	{ "iospace: under kernel lockdown MAP_IO_SPACE -> EPERM, no fd; locks still work",
	  io_lockdown, NULL, T_ROOT },
	{ "iospace: a mapping of two pages is never split (munmap, mprotect of one -> EINVAL)",
	  io_no_split, NULL, T_ROOT },
	{ "iospace: one memory type a page (UC then WC or WB -> EINVAL; same type, "
	  "or another once closed, works)", io_one_type, NULL, T_ROOT },
	{ "iospace: overlapping ranges with another type -> EINVAL; a mapping keeps "
	  "the type after close", io_overlap_type, NULL, T_ROOT },
};

T_SUITE_ARRAY(suite_iospace, cases);
