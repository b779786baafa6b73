// SPDX-License-Identifier: GPL-2.0
/*
 * A program of a libmdl user, built against the installed libmdl-dev with
 * pkg-config and run in the guest: open, version (the module's and the
 * library's), lock, query, map, write through the mapping, read the
 * buffer, close. Exit 0 only if all agree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libmdl.h>

#define LEN (64 * 1024)

static int fail(const char *what, int err)
{
	fprintf(stderr, "prog: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(void)
{
	static char buf[LEN] __attribute__((aligned(4096)));
	struct mdl_mapping m;
	struct mdl_version v;
	struct mdl_info info;
	const char *lib;
	uint32_t lib_major;
	int dev, mdl, err;

	dev = mdl_open();
	if (dev < 0)
		return fail("mdl_open", dev);
	err = mdl_version(dev, &v);
	if (err)
		return fail("mdl_version", err);
	printf("prog: ABI %u.%u, page size %u\n", v.abi_major, v.abi_minor, v.page_size);
	lib = mdl_lib_version(&lib_major, NULL);
	printf("prog: libmdl %s, built for ABI %u\n", lib, lib_major);
	if (lib_major != v.abi_major)
		return fail("libmdl's ABI is not the module's", -EPROTO);
	mdl = mdl_lock_user(dev, buf, LEN, MDL_LOCK_WRITE);
	if (mdl < 0)
		return fail("mdl_lock_user", mdl);
	err = mdl_query(mdl, &info);
	if (err)
		return fail("mdl_query", err);
	printf("prog: locked %llu bytes, %llu pages\n",
	       (unsigned long long)info.byte_count, (unsigned long long)info.page_count);
	if (info.byte_count != LEN || info.page_count != LEN / v.page_size)
		return fail("mdl_query facts", -EINVAL);
	err = mdl_map(mdl, PROT_READ | PROT_WRITE, &m);
	if (err)
		return fail("mdl_map", err);
	strcpy(m.data, "written through the MDL mapping");
	if (strcmp(buf, "written through the MDL mapping"))
		return fail("the buffer does not show the mapping's write", -EIO);
	err = mdl_unmap(&m);
	if (err)
		return fail("mdl_unmap", err);
	if (mdl_close(mdl) || mdl_close(dev))
		return fail("mdl_close", -EBADF);
	printf("prog: ok\n");
	return 0;
}
