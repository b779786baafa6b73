// SPDX-License-Identifier: GPL-2.0
/*
 * mdlctl's single-process subcommands: info, lock, alloc, query, pfns,
 * translate, map-io, stats.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlctl.h"

#define STATS_FILE "/sys/kernel/debug/mdl/stats"

static const char *const feature_names[] = {
	"lock-user", "alloc-pages", "nonpaged", "io-space", "translate",
	"partial", "rw", "dmabuf", "mmap", "handles",
};

static void print_features(struct ctx *c, uint64_t features)
{
	char list[256] = "";
	size_t i;

	for (i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
		if (!(features & (1ULL << i)))
			continue;
		if (list[0])
			strcat(list, " ");
		strcat(list, feature_names[i]);
	}
	out_hex(&c->out, "features", features);
	out_str(&c->out, "feature_names", list);
}

static int run_info(struct ctx *c, int argc, char **argv)
{
	struct mdl_version v;
	char abi[32];
	int ret = parse_common(c, &cmd_info, argc, argv, NULL, NULL, NULL);

	if (ret >= 0)
		return ret;
	ret = get_version(c, &v);
	if (ret)
		return -ret;
	out_begin(&c->out);
	out_str(&c->out, "device", c->device);
	snprintf(abi, sizeof(abi), "%u.%u", v.abi_major, v.abi_minor);
	out_str(&c->out, "module_abi", abi);
	snprintf(abi, sizeof(abi), "%u.%u", MDL_ABI_MAJOR, MDL_ABI_MINOR);
	out_str(&c->out, "mdlctl_abi", abi);
	print_features(c, v.features);
	out_u64(&c->out, "page_size", v.page_size);
	out_u64(&c->out, "max_pfns_per_call", v.max_pfns_per_call);
	out_u64(&c->out, "max_bytes", v.max_bytes);
	out_end(&c->out);
	if (v.abi_major != MDL_ABI_MAJOR)
		out_note(&c->out, "warning: the module's ABI major differs from mdlctl's: rebuild one of them");
	return 0;
}

const struct command cmd_info = {
	"info", "the module's ABI version, features and limits", "", run_info,
};

/* --- lock, alloc, query, pfns: an MDL and what it says ------------------ */

enum { OPT_FIRST = 0x200, OPT_COUNT, OPT_NO_PFNS };

struct mdl_opts {
	struct source src;
	uint64_t first;
	uint64_t count;		/* 0: all */
	bool pfns;
};

static const struct option *mdl_option_table(void)
{
	static struct option opts[16];
	size_t n = 0;

	while (source_options[n].name) {
		opts[n] = source_options[n];
		n++;
	}
	opts[n++] = (struct option){ "first", required_argument, NULL, OPT_FIRST };
	opts[n++] = (struct option){ "count", required_argument, NULL, OPT_COUNT };
	opts[n++] = (struct option){ "no-pfns", no_argument, NULL, OPT_NO_PFNS };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	return opts;
}

static int take_mdl_opt(void *arg, int opt, const char *val)
{
	struct mdl_opts *m = arg;
	int ret = source_option(&m->src, opt, val);

	if (ret)
		return ret;
	switch (opt) {
	case OPT_FIRST:
		return parse_size(val, &m->first) ? -1 : 1;
	case OPT_COUNT:
		return parse_size(val, &m->count) ? -1 : 1;
	case OPT_NO_PFNS:
		m->pfns = false;
		return 1;
	}
	return 0;
}

/* PFNs of pages [first, first + count) or why they are not shown. */
static int show_pfns(struct ctx *c, int fd, const struct mdl_opts *m)
{
	struct mdl_info info;
	uint64_t count;
	int ret = mdl_query(fd, &info);

	if (ret)
		return out_fail(&c->out, OP_QUERY, ret);
	if (m->first >= info.page_count)
		return out_fail(&c->out, OP_PFNS, EINVAL);
	count = m->count ? m->count : info.page_count - m->first;
	ret = print_pfns(c, fd, m->first, count);
	if (ret == -EPERM && m->pfns) {
		out_str(&c->out, "pfns", "hidden: reading PFNs needs CAP_SYS_ADMIN");
		return 0;
	}
	return ret ? out_fail(&c->out, OP_PFNS, ret) : 0;
}

/* lock / alloc / query / pfns differ in their defaults and what they print. */
static int run_mdl(struct ctx *c, const struct command *cmd, int argc,
		   char **argv, bool kernel, bool facts, bool pfns)
{
	struct mdl_opts m = { .pfns = pfns };
	void *buf;
	int fd, ret;

	source_init(&m.src);
	m.src.kernel = kernel;
	ret = parse_common(c, cmd, argc, argv, mdl_option_table(), take_mdl_opt, &m);
	if (ret >= 0)
		return ret;
	fd = source_make(c, &m.src, &buf);
	if (fd < 0)
		return -fd;
	out_begin(&c->out);
	if (buf)
		out_hex(&c->out, "buffer", (uintptr_t)buf);
	ret = facts ? print_facts(c, fd) : 0;
	if (!ret && (m.pfns || !facts))
		ret = show_pfns(c, fd, &m);
	if (!ret)
		out_end(&c->out);
	return ret;
}

#define MDL_USAGE SOURCE_USAGE						\
	"  --first N        first page of the PFN list (default 0)\n"	\
	"  --count N        PFNs to list (default: to the last page)\n"

static int run_lock(struct ctx *c, int argc, char **argv)
{
	return run_mdl(c, &cmd_lock, argc, argv, false, true, true);
}

static int run_alloc(struct ctx *c, int argc, char **argv)
{
	return run_mdl(c, &cmd_alloc, argc, argv, true, true, true);
}

static int run_query(struct ctx *c, int argc, char **argv)
{
	return run_mdl(c, &cmd_query, argc, argv, false, true, false);
}

static int run_pfns(struct ctx *c, int argc, char **argv)
{
	return run_mdl(c, &cmd_pfns, argc, argv, false, false, false);
}

const struct command cmd_lock = {
	"lock", "lock a buffer mdlctl allocates; print the MDL's facts and PFNs",
	MDL_USAGE "  --no-pfns        do not list PFNs\n", run_lock,
};

const struct command cmd_alloc = {
	"alloc", "allocate kernel pages as an MDL; print its facts and PFNs",
	MDL_USAGE "  --no-pfns        do not list PFNs\n", run_alloc,
};

const struct command cmd_query = {
	"query", "the facts of an MDL (MDL_IOC_QUERY)", MDL_USAGE, run_query,
};

const struct command cmd_pfns = {
	"pfns", "the physical page numbers of an MDL (needs CAP_SYS_ADMIN)",
	MDL_USAGE, run_pfns,
};

/* --- translate -------------------------------------------------------- */

static int take_size(void *arg, int opt, const char *val)
{
	return opt == 's' ? (parse_size(val, arg) ? -1 : 1) : 0;
}

static const struct option size_option[] = {
	{ "size", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 },
};

static int translate_pages(struct ctx *c, int dev, uint8_t *buf, uint64_t pages)
{
	uint64_t *addrs = calloc(pages, 8), *phys = calloc(pages, 8), i;
	long page = sysconf(_SC_PAGESIZE);
	int ret;

	if (!addrs || !phys)
		return out_fail(&c->out, OP_TRANSLATE, ENOMEM);
	for (i = 0; i < pages; i++)
		addrs[i] = (uintptr_t)buf + i * (uint64_t)page + (i ? 0 : 123);
	ret = mdl_translate(dev, addrs, (uint32_t)pages, phys);
	if (ret)
		return out_fail(&c->out, OP_TRANSLATE, ret);
	out_begin(&c->out);
	out_hex_array(&c->out, "virtual", addrs, pages);
	out_hex_array(&c->out, "physical", phys, pages);
	out_end(&c->out);
	free(addrs);
	free(phys);
	return 0;
}

static int run_translate(struct ctx *c, int argc, char **argv)
{
	uint64_t size = 16 << 10, pages;
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *buf;
	int dev, ret = parse_common(c, &cmd_translate, argc, argv, size_option,
				    take_size, &size);

	if (ret >= 0)
		return ret;
	pages = (size + (uint64_t)page - 1) / (uint64_t)page;
	if (!pages || pages > 4096) {
		fprintf(stderr, "mdlctl translate: --size from 1 byte to 4096 pages\n");
		return EXIT_USAGE;
	}
	buf = mmap(NULL, pages * (uint64_t)page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		return out_fail(&c->out, OP_TRANSLATE, errno);
	dev = ctx_open(c);
	if (dev < 0)
		return -dev;
	ret = translate_pages(c, dev, buf, pages);
	close(dev);
	return ret;
}

const struct command cmd_translate = {
	"translate",
	"physical addresses of a buffer of mdlctl's (needs CAP_SYS_ADMIN)",
	"  --size N         bytes of the buffer (default 16K)\n", run_translate,
};

/* --- map-io ----------------------------------------------------------- */

struct io_opts {
	uint64_t phys, size, read;
	uint32_t cache;
	bool have_phys;
};

static int take_io(void *arg, int opt, const char *val)
{
	struct io_opts *o = arg;

	switch (opt) {
	case 'p':
		o->have_phys = true;
		return parse_size(val, &o->phys) ? -1 : 1;
	case 's':
		return parse_size(val, &o->size) ? -1 : 1;
	case 'r':
		return parse_size(val, &o->read) || o->read > 64 ? -1 : 1;
	case 'c':
		return parse_cache(val, &o->cache) ? -1 : 1;
	}
	return 0;
}

static const struct option io_options[] = {
	{ "phys", required_argument, NULL, 'p' },
	{ "size", required_argument, NULL, 's' },
	{ "read", required_argument, NULL, 'r' },
	{ "cache", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 },
};

static int io_read(struct ctx *c, int fd, const struct io_opts *o)
{
	uint64_t words[8] = { 0 };
	volatile uint8_t *p = mmap(NULL, (size_t)o->size, PROT_READ, MAP_SHARED, fd, 0);
	uint64_t i;

	if (p == MAP_FAILED)
		return out_fail(&c->out, OP_MMAP, errno);
	for (i = 0; i < o->read; i++)
		((uint8_t *)words)[i] = p[i];
	out_hex_array(&c->out, "first_qwords", words, (o->read + 7) / 8);
	return 0;
}

static int run_map_io(struct ctx *c, int argc, char **argv)
{
	struct io_opts o = { .size = (uint64_t)sysconf(_SC_PAGESIZE),
			     .cache = MDL_CACHE_NONCACHED };
	int dev, fd, ret = parse_common(c, &cmd_map_io, argc, argv, io_options,
					take_io, &o);

	if (ret >= 0)
		return ret;
	if (!o.have_phys) {
		fprintf(stderr, "mdlctl map-io: --phys ADDR is required\n");
		return usage(&cmd_map_io, true);
	}
	dev = ctx_open(c);
	if (dev < 0)
		return -dev;
	fd = mdl_map_io_space(dev, o.phys, o.size, MDL_FD_CLOEXEC, o.cache);
	close(dev);
	if (fd < 0)
		return out_fail(&c->out, OP_IO_SPACE, fd);
	out_begin(&c->out);
	out_hex(&c->out, "phys", o.phys);
	ret = print_facts(c, fd);
	if (!ret && o.read)
		ret = io_read(c, fd, &o);
	if (!ret)
		out_end(&c->out);
	return ret;
}

const struct command cmd_map_io = {
	"map-io",
	"describe a physical I/O range as an MDL (needs CAP_SYS_RAWIO; no System RAM)",
	"  --phys ADDR      page-aligned physical address (required)\n"
	"  --size N         page-aligned length (default one page)\n"
	"  --cache TYPE     noncached (default), cached, writecombined\n"
	"  --read N         map the range and show its first N bytes (N <= 64)\n",
	run_map_io,
};

/* --- stats ------------------------------------------------------------ */

static int take_file(void *arg, int opt, const char *val)
{
	if (opt != 'f')
		return 0;
	*(const char **)arg = val;
	return 1;
}

static const struct option stats_options[] = {
	{ "file", required_argument, NULL, 'f' },
	{ NULL, 0, NULL, 0 },
};

static int run_stats(struct ctx *c, int argc, char **argv)
{
	const char *path = STATS_FILE;
	char k[64];
	unsigned long long v;
	FILE *f;
	int ret = parse_common(c, &cmd_stats, argc, argv, stats_options,
			       take_file, &path);

	if (ret >= 0)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return out_fail(&c->out, OP_STATS, errno);
	out_begin(&c->out);
	while (fscanf(f, "%63s %llu", k, &v) == 2)
		out_u64(&c->out, k, v);
	fclose(f);
	out_end(&c->out);
	return 0;
}

const struct command cmd_stats = {
	"stats", "live MDLs, pinned, mapped and allocated pages (debugfs, root)",
	"  --file PATH      read PATH instead of " STATS_FILE "\n", run_stats,
};
