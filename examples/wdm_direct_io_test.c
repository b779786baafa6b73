// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_direct_io_test: does data really cross through the Windows-style
 * direct-I/O driver? The buffers are at odd offsets, so the MDL's
 * ByteOffset is not zero; the driver returns what it stored plus one in
 * every byte, written through MmGetSystemAddressForMdlSafe.
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

#define LEN	(3 * 4096 + 77)

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
		p[i] = (unsigned char)(seed + i * 13 + (i >> 12));
}

static int holds(const unsigned char *p, size_t n, unsigned int seed, int delta)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 13 + (i >> 12) + delta))
			return 0;
	return 1;
}

int main(void)
{
	unsigned char *wbuf, *rbuf, *mbuf, *ro;
	struct dio_last_mdl last;
	unsigned int got;
	ssize_t n;
	int i, ok;

	tap_plan(11);
	dev = open("/dev/wdm_direct_io", O_RDWR);
	if (dev < 0) {
		tap_ok(0, "open /dev/wdm_direct_io: %s", strerror(errno));
		return tap_exit();
	}
	tap_ok(1, "open /dev/wdm_direct_io");

	wbuf = (unsigned char *)malloc(LEN + 8192) + 0x123;
	rbuf = (unsigned char *)malloc(LEN + 8192) + 0x10;
	fill(wbuf, LEN, 7);
	n = write(dev, wbuf, LEN);
	tap_ok(n == LEN, "write %d bytes at page offset %u (returned %zd)", LEN,
	       (unsigned int)((uintptr_t)wbuf & 4095), n);

	ok = !device_io_control(IOCTL_DIO_GET_LAST_MDL, NULL, 0, &last,
				sizeof(last), &got) && got == sizeof(last);
	tap_ok(ok && last.virtual_address == (uintptr_t)wbuf &&
	       last.byte_offset == ((uintptr_t)wbuf & 4095) &&
	       last.byte_count == LEN && last.length == LEN,
	       "driver saw MmGetMdlVirtualAddress %#llx ByteOffset %u ByteCount %u",
	       (unsigned long long)last.virtual_address, last.byte_offset,
	       last.byte_count);

	memset(rbuf, 0, LEN);
	n = read(dev, rbuf, LEN);
	tap_ok(n == LEN && holds(rbuf, LEN, 7, DIO_READ_DELTA),
	       "read: the driver's writes through the system address reach the process");
	ok = !device_io_control(IOCTL_DIO_GET_LAST_MDL, NULL, 0, &last,
				sizeof(last), &got);
	tap_ok(ok && last.virtual_address == (uintptr_t)rbuf &&
	       last.byte_offset == ((uintptr_t)rbuf & 4095),
	       "read MDL: ByteOffset %u", last.byte_offset);

	mbuf = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok = mbuf != MAP_FAILED &&
	     !device_io_control(IOCTL_DIO_READ_DIRECT, NULL, 0, mbuf + 100, 3 * 4096,
				&got);
	tap_ok(ok && got == 3 * 4096 && holds(mbuf + 100, 3 * 4096, 7, DIO_READ_DELTA),
	       "METHOD_OUT_DIRECT: output buffer as Irp->MdlAddress (%u bytes)", got);

	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	n = read(dev, ro, 100);
	tap_ok(n < 0 && errno == EFAULT,
	       "read into read-only memory refused (%zd, %s)", n, strerror(errno));

	munmap(mbuf, 4 * 4096);
	n = write(dev, mbuf, 100);
	tap_ok(n < 0 && errno == EFAULT, "write from unmapped memory refused");

	tap_ok(device_io_control(0x222fff, NULL, 0, NULL, 0, NULL) < 0 &&
	       errno == ENOTTY, "unknown control code: STATUS_INVALID_DEVICE_REQUEST");

	ok = 1;
	for (i = 0; i < 200 && ok; i++) {
		fill(wbuf + i, 4096, i);
		ok = write(dev, wbuf + i, 4096) == 4096 &&
		     read(dev, rbuf, 4096) == 4096 &&
		     holds(rbuf, 4096, i, DIO_READ_DELTA);
	}
	tap_ok(ok, "200 write/read rounds at moving offsets");

	n = write(dev, wbuf, 0);
	tap_ok(n == 0, "zero-length write");
	close(dev);
	return tap_exit();
}
