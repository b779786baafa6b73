// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_pool_test: does a 1024-byte pool buffer of a Windows-style driver
 * really reach the process, and the process's buffers the driver? The
 * driver maps its ExAllocatePool(NonPagedPool, 1024) buffer with
 * MmMapLockedPagesSpecifyCache(UserMode); both sides write and read it.
 * Reads and writes on the device are direct I/O into that buffer, and the
 * driver reports what the MDL accessors said.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wdk_ioctl.h"
#include "tap.h"

static int dev;

static int device_io_control(unsigned int code, void *in, unsigned int in_len,
			     void *out, unsigned int out_len, unsigned int *ret)
{
	struct wdk_device_control dc = {
		.code = code, .in_len = in_len, .out_len = out_len,
		.in = (uintptr_t)in, .out = (uintptr_t)out,
	};
	int r = ioctl(dev, WDK_IOC_DEVICE_CONTROL, &dc);

	if (ret)
		*ret = dc.returned;
	return r;
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 11 + (i >> 8));
}

static uint64_t sum(const unsigned char *p, size_t n)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += p[i];
	return s;
}

static int share(struct pool_share *ps)
{
	unsigned int got = 0;

	return device_io_control(IOCTL_POOL_SHARE, NULL, 0, ps, sizeof(*ps), &got) ||
	       got != sizeof(*ps) ? -1 : 0;
}

static int unshare(void)
{
	return device_io_control(IOCTL_POOL_UNSHARE, NULL, 0, NULL, 0, NULL);
}

static int pool_sum(uint64_t *s)
{
	return device_io_control(IOCTL_POOL_SUM, NULL, 0, s, sizeof(*s), NULL);
}

/* Is the page at @p mapped in this process? */
static int mapped(const void *p)
{
	unsigned char vec;

	return !mincore((void *)((uintptr_t)p & ~(uintptr_t)4095), 4096, &vec);
}

int main(void)
{
	unsigned char *shared, *buf, *big, *rbuf;
	struct dio_last_mdl last;
	struct pool_share ps;
	struct pool_user pu;
	uint32_t stamp, *words;
	uint64_t s, want;
	unsigned int i;
	ssize_t n;
	int ok;

	tap_plan(13);
	dev = open("/dev/wdm_pool", O_RDWR);
	if (dev < 0) {
		tap_ok(0, "open /dev/wdm_pool: %s", strerror(errno));
		return tap_exit();
	}
	tap_ok(1, "open /dev/wdm_pool");

	ok = !share(&ps);
	shared = (unsigned char *)(uintptr_t)ps.user_address;
	tap_ok(ok && shared && ps.size == POOL_SHARE_SIZE &&
	       ((uintptr_t)shared & 4095) == ps.byte_offset,
	       "1024-byte pool buffer mapped with MmMapLockedPagesSpecifyCache(UserMode) at %p (offset %u in its page)",
	       (void *)shared, ps.byte_offset);
	if (!ok || !shared) {
		tap_ok(0, "no shared buffer: the remaining cases need it");
		close(dev);
		return tap_exit();
	}
	words = (uint32_t *)shared;
	ok = words[0] == POOL_SHARE_MAGIC;
	for (i = 4; i < POOL_SHARE_SIZE && ok; i++)
		ok = shared[i] == 0;
	tap_ok(ok, "the process sees the driver's magic and the RtlZeroMemory'd rest");

	fill(shared, POOL_SHARE_SIZE, 5);
	ok = !pool_sum(&s);
	tap_ok(ok && s == sum(shared, POOL_SHARE_SIZE),
	       "the driver reads what the process wrote (sum %llu)", (unsigned long long)s);

	stamp = 0x1000;
	ok = !device_io_control(IOCTL_POOL_STAMP, &stamp, sizeof(stamp), NULL, 0, NULL);
	for (i = 0; i < POOL_SHARE_SIZE / 4 && ok; i++)
		ok = words[i] == stamp + i;
	tap_ok(ok, "the process reads what the driver wrote (IOCTL_POOL_STAMP)");

	/* Seed 003: direct I/O, its MDL seen through the accessors. */
	buf = (unsigned char *)malloc(8192) + 0x321;
	fill(buf, POOL_SHARE_SIZE, 9);
	n = write(dev, buf, POOL_SHARE_SIZE);
	tap_ok(n == POOL_SHARE_SIZE && !memcmp(shared, buf, POOL_SHARE_SIZE),
	       "write(): the driver copied the locked buffer into the pool buffer (%zd)", n);
	ok = !device_io_control(IOCTL_POOL_LAST_MDL, NULL, 0, &last, sizeof(last), NULL);
	tap_ok(ok && last.virtual_address == (uintptr_t)buf &&
	       last.byte_count == POOL_SHARE_SIZE &&
	       last.byte_offset == ((uintptr_t)buf & 4095) &&
	       last.length == POOL_SHARE_SIZE,
	       "write MDL: MmGetMdlVirtualAddress, ByteCount %u, ByteOffset %u",
	       last.byte_count, last.byte_offset);
	rbuf = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rbuf += 4096 - 50;
	fill(shared, POOL_SHARE_SIZE, 13);
	n = read(dev, rbuf, 100);
	ok = n == 100 && !memcmp(rbuf, shared, 100) &&
	     !device_io_control(IOCTL_POOL_LAST_MDL, NULL, 0, &last, sizeof(last), NULL) &&
	     last.byte_count == 100 && last.byte_offset == 4096 - 50;
	tap_ok(ok, "read() across a page boundary: what the process put in the pool buffer");
	munmap(rbuf - (4096 - 50), 2 * 4096);

	/* Seed 001, user to kernel: a buffer locked and mapped by the driver. */
	big = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill(big, 4 * 4096, 17);
	want = sum(big + 77, 3 * 4096);
	pu.address = (uintptr_t)(big + 77);
	pu.length = 3 * 4096;
	pu.pad = 0;
	ok = !device_io_control(IOCTL_POOL_MAP_USER, &pu, sizeof(pu), &s, sizeof(s), NULL);
	tap_ok(ok && s == want,
	       "user buffer locked (MmProbeAndLockPages) and mapped in the kernel: sum %llu",
	       (unsigned long long)s);
	munmap(big, 4 * 4096);
	ok = device_io_control(IOCTL_POOL_MAP_USER, &pu, sizeof(pu), &s, sizeof(s), NULL);
	tap_ok(ok < 0 && errno == EFAULT,
	       "an unmapped user buffer: STATUS_ACCESS_VIOLATION (%s)", strerror(errno));

	ok = share(&ps) < 0 && errno == ENOTTY;
	tap_ok(ok, "a second share while one is live is refused");

	ok = !unshare() && !mapped(shared);
	tap_ok(ok, "unshare: MmUnmapLockedPages removed the mapping");

	ok = 1;
	for (i = 0; i < 100 && ok; i++) {
		ok = !share(&ps);
		shared = (unsigned char *)(uintptr_t)ps.user_address;
		if (!ok || !shared)
			break;
		ok = *(uint32_t *)shared == POOL_SHARE_MAGIC;
		fill(shared, POOL_SHARE_SIZE, i);
		ok = ok && !pool_sum(&s) && s == sum(shared, POOL_SHARE_SIZE);
		ok = !unshare() && ok;
	}
	tap_ok(ok, "100 share / write / sum / unshare rounds (%u done)", i);
	close(dev);
	return tap_exit();
}
