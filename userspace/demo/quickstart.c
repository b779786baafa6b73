// SPDX-License-Identifier: GPL-2.0
/* Lock a buffer of your own, ask the module about it, map it, close. */
#include <libmdl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

int main(void)
{
	static char buf[64 << 10] = "hello from my own buffer";
	struct mdl_mapping m;
	struct mdl_info info;
	int dev, mdl, rc;

	dev = mdl_open();
	mdl = dev < 0 ? dev : mdl_lock_user(dev, buf, sizeof(buf), MDL_LOCK_WRITE);
	rc = mdl < 0 ? mdl : mdl_query(mdl, &info);
	rc = rc < 0 ? rc : mdl_map(mdl, PROT_READ, &m);
	if (rc < 0) {
		fprintf(stderr, "quickstart: %s\n", strerror(-rc));
		return 1;
	}
	printf("locked %llu bytes, %llu pages, byte offset %u\n",
	       info.byte_count, info.page_count, info.byte_offset);
	printf("buffer %p, mapping %p reads: %s\n", (void *)buf, m.data,
	       (char *)m.data);
	mdl_unmap(&m);
	mdl_close(mdl);
	mdl_close(dev);
	return 0;
}
