// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_share_test: does data really cross through the Windows-style sharing
 * driver? Kernel pool mapped into the process (seed 001), user buffers
 * locked into the kernel (this process and another one), device memory and
 * fresh pages mapped into the process, and processes that exit with
 * mappings still in place.
 */
#define _GNU_SOURCE	/* mremap */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wdk_ioctl.h"
#include "tap.h"

#define HPET_BASE	0xfed00000ULL

static int dev;

static uint64_t peek64(uint64_t address)
{
	return __atomic_load_n((uint64_t *)(uintptr_t)address, __ATOMIC_RELAXED);
}

static int device_io_control(unsigned int code, void *in, unsigned int in_len,
			     void *out, unsigned int out_len)
{
	struct wdk_device_control dc = {
		.code = code, .in_len = in_len, .out_len = out_len,
		.in = (uintptr_t)in, .out = (uintptr_t)out,
	};

	return ioctl(dev, WDK_IOC_DEVICE_CONTROL, &dc);
}

static int share_map(struct share_map *m)
{
	memset(m, 0, sizeof(*m));
	return device_io_control(IOCTL_SHARE_MAP, NULL, 0, m, sizeof(*m));
}

static int share_unmap(uint64_t address)
{
	return device_io_control(IOCTL_SHARE_UNMAP, &address, sizeof(address), NULL, 0);
}

static uint64_t sum_of(const unsigned char *p, size_t n)
{
	uint64_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static int is_mapped(void *p)
{
	unsigned char vec;

	return mincore((void *)((uintptr_t)p & ~4095UL), 4096, &vec) == 0;
}

static int lock_sum(unsigned int code, void *address, unsigned int length,
		    int pid, int write, uint64_t *sum)
{
	struct share_lock in = {
		.address = (uintptr_t)address, .length = length, .pid = pid,
		.write = write,
	};

	*sum = 0;
	return device_io_control(code, &in, sizeof(in), sum, sizeof(*sum));
}

/*
 * The driver's user mapping cannot be moved (mremap to another address is
 * refused with EINVAL): it stays where the driver put it, over its pages.
 */
static void test_no_move(unsigned char *p)
{
	void *to = mmap(NULL, SHARE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t sum = 0;
	void *moved;
	int err, ok;

	if (to == MAP_FAILED) {
		tap_ok(0, "mmap of a target for mremap");
		return;
	}
	moved = mremap(p, SHARE_SIZE, SHARE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	err = errno;
	ok = !device_io_control(IOCTL_SHARE_SUM, NULL, 0, &sum, sizeof(sum));
	tap_ok(moved == MAP_FAILED && err == EINVAL && *(uint32_t *)p == SHARE_MAGIC &&
	       ok && sum == sum_of(p, SHARE_SIZE),
	       "mremap of the mapping to another address: EINVAL (%s), left in place",
	       moved == MAP_FAILED ? strerror(err) : "moved");
	munmap(to, SHARE_SIZE);
}

static void test_kernel_to_user(void)
{
	struct share_map m;
	unsigned char *p;
	uint64_t sum = 0;
	int ok;

	ok = !share_map(&m);
	p = (unsigned char *)(uintptr_t)m.user_address;
	tap_ok(ok && p && m.size == SHARE_SIZE && *(uint32_t *)p == SHARE_MAGIC,
	       "MmMapLockedPagesSpecifyCache(UserMode): the driver's words are seen (%#x)",
	       ok && p ? *(uint32_t *)p : 0);
	if (!ok || !p)
		return;
	memset(p + 8, 0x5a, SHARE_SIZE - 8);
	ok = !device_io_control(IOCTL_SHARE_SUM, NULL, 0, &sum, sizeof(sum));
	tap_ok(ok && sum == sum_of(p, SHARE_SIZE),
	       "the process's writes are seen by the driver (sum %llu)",
	       (unsigned long long)sum);
	tap_ok(mprotect(p, 4096, PROT_READ | PROT_EXEC) < 0,
	       "the mapping cannot be made executable");
	test_no_move(p);
	ok = !share_unmap(m.user_address);
	tap_ok(ok && !is_mapped(p), "MmUnmapLockedPages in the process removes it");
}

/* A child tries to remove the parent's mapping: refused, parent unharmed. */
static void test_wrong_process(void)
{
	struct share_map m;
	pid_t pid;
	int status = -1;

	if (share_map(&m)) {
		tap_ok(0, "map for the wrong-process test");
		return;
	}
	pid = fork();
	if (pid == 0) {
		share_unmap(m.user_address);
		_exit(is_mapped((void *)(uintptr_t)m.user_address) ? 3 : 0);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	       is_mapped((void *)(uintptr_t)m.user_address) &&
	       *(uint32_t *)(uintptr_t)m.user_address == SHARE_MAGIC,
	       "unmap from another process refused; the mapping is not inherited");
	share_unmap(m.user_address);
}

/* Children that exit (or exec-less die) with live mappings leak nothing. */
static void test_exit_with_mappings(void)
{
	int i, bad = 0, status;
	pid_t pid;

	for (i = 0; i < 20; i++) {
		pid = fork();
		if (pid == 0) {
			struct share_map m;
			struct share_map pages;

			if (share_map(&m))
				_exit(1);
			if (device_io_control(IOCTL_SHARE_ALLOC_PAGES, NULL, 0, &pages,
					      sizeof(pages)) == 0)
				peek64(pages.user_address);
			if (i & 1)
				raise(SIGKILL);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status))
			bad++;
		/* The driver frees the pages the dead child had mapped. */
		{
			uint64_t sum;

			device_io_control(IOCTL_SHARE_FREE_PAGES, NULL, 0, &sum,
					  sizeof(sum));
		}
	}
	tap_ok(!bad, "20 processes exit or are killed with live mappings");
}

static void test_user_to_kernel(void)
{
	size_t len = 3 * 4096 + 100;
	unsigned char *buf = (unsigned char *)malloc(len + 4096) + 0x321;
	unsigned char *ro;
	uint64_t sum;
	size_t i;
	int ok;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + 7);
	ok = !lock_sum(IOCTL_SHARE_LOCK_USER, buf, len, 0, 0, &sum);
	tap_ok(ok && sum == sum_of(buf, len),
	       "MmProbeAndLockPages + KernelMode mapping reads the buffer (sum %llu)",
	       (unsigned long long)sum);
	ok = !lock_sum(IOCTL_SHARE_LOCK_USER, buf, len, 0, 1, &sum);
	for (i = 0; ok && i < len; i++)
		ok = buf[i] == (unsigned char)~(unsigned char)(i * 31 + 7);
	tap_ok(ok, "IoModifyAccess: the driver's writes land in the process");
	tap_ok(lock_sum(IOCTL_SHARE_LOCK_USER, (void *)16, 4096, 0, 0, &sum) < 0 &&
	       errno == EFAULT, "unmapped buffer: STATUS_ACCESS_VIOLATION");
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok(lock_sum(IOCTL_SHARE_LOCK_USER, ro, 4096, 0, 1, &sum) < 0 &&
	       errno == EFAULT, "read-only buffer locked for writing: refused");
	munmap(ro, 4096);
}

/* MmProbeAndLockProcessPages on a child's copy-on-write copy of a buffer. */
static void test_other_process(void)
{
	size_t len = 2 * 4096;
	unsigned char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int to_child[2], to_parent[2], status = -1;
	uint64_t sum = 0, want = 0;
	char c = 0;
	size_t i;
	pid_t pid;
	int ok;

	memset(buf, 1, len);
	if (pipe(to_child) || pipe(to_parent)) {
		tap_ok(0, "pipes");
		return;
	}
	pid = fork();
	if (pid == 0) {
		for (i = 0; i < len; i++)
			buf[i] = (unsigned char)(i * 3);
		write(to_parent[1], "r", 1);
		read(to_child[0], &c, 1);
		for (i = 0; i < len; i++)
			if (buf[i] != (unsigned char)~(unsigned char)(i * 3))
				_exit(2);
		_exit(0);
	}
	read(to_parent[0], &c, 1);
	for (i = 0; i < len; i++)
		want += (unsigned char)(i * 3);
	ok = !lock_sum(IOCTL_SHARE_LOCK_PROCESS, buf, len, pid, 1, &sum);
	tap_ok(ok && sum == want && buf[5] == 1,
	       "MmProbeAndLockProcessPages reads the other process's copy (sum %llu, want %llu)",
	       (unsigned long long)sum, (unsigned long long)want);
	write(to_child[1], "g", 1);
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the driver's writes land in the other process only");
	tap_ok(lock_sum(IOCTL_SHARE_LOCK_PROCESS, buf, len, pid, 0, &sum) < 0,
	       "a process that has exited: PsLookupProcessByProcessId fails");
	munmap(buf, len);
}

static void test_io_space(void)
{
	uint64_t pa = HPET_BASE;
	struct share_io io;
	uint64_t user = 0;
	int ok;

	memset(&io, 0, sizeof(io));
	ok = !device_io_control(IOCTL_SHARE_IO_SPACE, &pa, sizeof(pa), &io, sizeof(io));
	if (ok && io.user_address)
		user = peek64(io.user_address);
	if (ok && (io.map_io_space == 0 || io.map_io_space == ~0ULL)) {
		tap_skip("no HPET at %#llx", (unsigned long long)pa);
		tap_skip("no HPET");
	} else {
		tap_ok(ok && io.ok && ((io.map_io_space >> 16) & 0xffff) == 0x8086,
		       "MmMapIoSpace reads the HPET capabilities (%#llx)",
		       (unsigned long long)io.map_io_space);
		tap_ok(ok && io.mdl_kernel == io.map_io_space && user == io.map_io_space,
		       "MmAllocateMdlForIoSpace mapped in system space and in the process agree");
	}
	device_io_control(IOCTL_SHARE_IO_UNMAP, NULL, 0, NULL, 0);
	pa = 0x100000;	/* RAM: not device memory */
	tap_ok(device_io_control(IOCTL_SHARE_IO_SPACE, &pa, sizeof(pa), &io,
				 sizeof(io)) < 0,
	       "MmAllocateMdlForIoSpace refuses System RAM");
	device_io_control(IOCTL_SHARE_IO_UNMAP, NULL, 0, NULL, 0);
}

static void test_alloc_pages(void)
{
	struct share_map m;
	uint32_t *p;
	uint64_t sum = 0;
	int i, ok;

	ok = !device_io_control(IOCTL_SHARE_ALLOC_PAGES, NULL, 0, &m, sizeof(m));
	p = (uint32_t *)(uintptr_t)m.user_address;
	for (i = 0; ok && i < SHARE_PAGES; i++)
		ok = p[i * 1024] == SHARE_MAGIC + (uint32_t)i;
	tap_ok(ok, "MmAllocatePagesForMdlEx pages mapped into the process");
	for (i = 0; ok && i < SHARE_PAGES; i++)
		p[i * 1024 + 1] = i + 1;
	ok = ok && !device_io_control(IOCTL_SHARE_FREE_PAGES, NULL, 0, &sum, sizeof(sum));
	tap_ok(ok && sum == 10 && !is_mapped(p),
	       "the driver reads the process's words, unmaps and frees (sum %llu)",
	       (unsigned long long)sum);
}

static void test_system_checks(void)
{
	uint64_t passed = 0;
	int ok;

	ok = !device_io_control(IOCTL_SHARE_SYSTEM_CHECKS, NULL, 0, &passed,
				sizeof(passed));
	tap_ok(ok && (passed & 0x07) == 0x07,
	       "reserved mapping: outside the reservation, same bytes, tag checked (%#llx)",
	       (unsigned long long)passed);
	tap_ok(ok && (passed & 0x78) == 0x78,
	       "MmProtectMdlSystemAddress: read-write granted, read-only and no-access not supported, refusals");
	tap_ok(ok && (passed & 0x180) == 0x180,
	       "contiguous (below 4 GiB, 64 KiB boundary) and non-cached memory");
}

int main(void)
{
	tap_plan(23);
	dev = open("/dev/wdm_share", O_RDWR);
	tap_ok(dev >= 0, "open /dev/wdm_share");
	if (dev < 0)
		return tap_exit();
	test_kernel_to_user();
	test_wrong_process();
	test_exit_with_mappings();
	test_user_to_kernel();
	test_other_process();
	test_io_space();
	test_alloc_pages();
	test_system_checks();
	close(dev);
	return tap_exit();
}
