// SPDX-License-Identifier: GPL-2.0
/*
 * What mdlctl's subcommands share: option parsing, making an MDL,
 * printing its facts and PFNs.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mdlctl.h"

/* Why the last parse_size() failed, for parse_common()'s message. */
static const char *size_error;

/*
 * A byte count: decimal, 0x hex or 0 octal, optionally K, M, G, T, P or E
 * (powers of 1024, either case). -EINVAL if it is not one (signs, spaces,
 * junk), -ERANGE if it does not fit in 64 bits, suffix applied.
 */
int parse_size(const char *s, uint64_t *v)
{
	static const char suffixes[] = "KMGTPE";
	unsigned long long n;
	const char *sfx;
	unsigned int shift = 0;
	char *end;

	size_error = "not a size: a number (decimal, 0x hex) with an optional K, M, G, T, P or E suffix";
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno == ERANGE)
		goto range;
	/* "0x" alone: strtoull takes the 0 and leaves the x. */
	if (errno || end == s || *end == 'x' || *end == 'X')
		return -EINVAL;
	if (*end) {
		sfx = strchr(suffixes, toupper((unsigned char)end[0]));
		if (!sfx || !*sfx || end[1])
			return -EINVAL;
		shift = 10 * (unsigned int)(sfx - suffixes + 1);
		if (n > (~0ULL >> shift))
			goto range;
	}
	*v = (uint64_t)n << shift;
	size_error = NULL;
	return 0;
range:
	size_error = "too large: sizes go up to 16E - 1 (18446744073709551615) bytes";
	return -ERANGE;
}

static const char *const cache_names[] = {
	[MDL_CACHE_NONCACHED] = "noncached",
	[MDL_CACHE_CACHED] = "cached",
	[MDL_CACHE_WRITECOMBINED] = "writecombined",
};

int parse_cache(const char *s, uint32_t *v)
{
	uint32_t i;

	for (i = 0; i < sizeof(cache_names) / sizeof(cache_names[0]); i++) {
		if (!strcmp(s, cache_names[i])) {
			*v = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *cache_name(uint32_t cache)
{
	return cache < sizeof(cache_names) / sizeof(cache_names[0]) ?
	       cache_names[cache] : "unknown";
}

const char *kind_name(uint32_t kind)
{
	static const char *const names[] = {
		[MDL_KIND_USER] = "user", [MDL_KIND_PAGES] = "pages",
		[MDL_KIND_NONPAGED] = "nonpaged", [MDL_KIND_IO_SPACE] = "io-space",
		[MDL_KIND_PARTIAL] = "partial",
	};

	return kind < sizeof(names) / sizeof(names[0]) && names[kind] ?
	       names[kind] : "unknown";
}

enum { OPT_JSON = 0x100, OPT_HELP, OPT_SIZE, OPT_OFFSET, OPT_RO, OPT_KERNEL,
       OPT_CONTIG, OPT_NONPAGED, OPT_CACHE, OPT_FD };

const struct option source_options[] = {
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ "read-only", no_argument, NULL, OPT_RO },
	{ "kernel", no_argument, NULL, OPT_KERNEL },
	{ "contiguous", no_argument, NULL, OPT_CONTIG },
	{ "nonpaged", no_argument, NULL, OPT_NONPAGED },
	{ "cache", required_argument, NULL, OPT_CACHE },
	{ "fd", required_argument, NULL, OPT_FD },
	{ NULL, 0, NULL, 0 },
};

void source_init(struct source *s)
{
	memset(s, 0, sizeof(*s));
	s->size = 16 << 10;
	s->cache = MDL_CACHE_CACHED;
	s->fd = -1;
}

/* 1: taken, 0: not a source option, -1: bad value. */
int source_option(struct source *s, int opt, const char *val)
{
	uint64_t n;

	switch (opt) {
	case OPT_SIZE:
		return parse_size(val, &s->size) ? -1 : 1;
	case OPT_OFFSET:
		return parse_size(val, &s->offset) ? -1 : 1;
	case OPT_RO:
		s->read_only = true;
		return 1;
	case OPT_KERNEL:
		s->kernel = true;
		return 1;
	case OPT_CONTIG:
		s->alloc_flags |= MDL_ALLOC_CONTIGUOUS;
		return 1;
	case OPT_NONPAGED:
		s->alloc_flags |= MDL_ALLOC_NONPAGED;
		return 1;
	case OPT_CACHE:
		return parse_cache(val, &s->cache) ? -1 : 1;
	case OPT_FD:
		if (parse_size(val, &n) || n > 65535)
			return -1;
		s->fd = (int)n;
		return 1;
	}
	return 0;
}

int usage(const struct command *cmd, bool error)
{
	FILE *f = error ? stderr : stdout;

	fprintf(f, "usage: mdlctl %s [OPTIONS]\n%s\n\noptions:\n%s"
		   "  --json           JSON output\n  --help           this text\n",
		cmd->name, cmd->summary, cmd->usage);
	return error ? EXIT_USAGE : 0;
}

/* The command's options followed by --json and --help. */
static struct option *all_options(const struct option *extra)
{
	static struct option opts[32];
	size_t n = 0;

	while (extra && extra[n].name && n < 28) {
		opts[n] = extra[n];
		n++;
	}
	opts[n++] = (struct option){ "json", no_argument, NULL, OPT_JSON };
	opts[n++] = (struct option){ "help", no_argument, NULL, OPT_HELP };
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	return opts;
}

/*
 * Returns -1 to go on, or an exit status (0 after --help, 2 on a usage
 * error). @take returns 1 (taken), 0 (unknown) or -1 (bad value).
 */
int parse_common(struct ctx *c, const struct command *cmd, int argc,
		 char **argv, const struct option *extra,
		 int (*take)(void *arg, int opt, const char *val), void *arg)
{
	const struct option *opts = all_options(extra);
	int opt, idx = 0;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", opts, &idx)) != -1) {
		if (opt == OPT_JSON) {
			c->out.json = true;
			continue;
		}
		if (opt == OPT_HELP)
			return usage(cmd, false);
		size_error = NULL;
		if (opt != '?' && take && take(arg, opt, optarg) > 0)
			continue;
		/* A size's own reason, else the option as given. */
		if (opt != '?' && optarg && size_error)
			fprintf(stderr, "mdlctl %s: --%s %s: %s\n", cmd->name,
				opts[idx].name, optarg, size_error);
		else
			fprintf(stderr, "mdlctl %s: bad option or value: %s\n",
				cmd->name, argv[optind - 1]);
		return usage(cmd, true);
	}
	if (optind < argc) {
		fprintf(stderr, "mdlctl %s: unexpected argument: %s\n", cmd->name,
			argv[optind]);
		return usage(cmd, true);
	}
	return -1;
}

int ctx_open(struct ctx *c)
{
	int fd = open(c->device, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -out_fail(&c->out, OP_OPEN, errno);
	return fd;
}

static int lock_buffer(struct ctx *c, int dev, const struct source *s, void **buf)
{
	size_t len = (size_t)(s->offset + s->size);
	uint8_t *area = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	int fd;

	if (area == MAP_FAILED)
		return -out_fail(&c->out, OP_LOCK, errno);
	*buf = area + s->offset;
	fd = mdl_lock_user(dev, *buf, (size_t)s->size,
			   (s->read_only ? 0 : MDL_LOCK_WRITE) | MDL_FD_CLOEXEC);
	return fd < 0 ? -out_fail(&c->out, OP_LOCK, fd) : fd;
}

int source_make(struct ctx *c, const struct source *s, void **buf)
{
	int dev, fd;

	*buf = NULL;
	if (s->fd >= 0) {
		struct mdl_info info;
		int ret = mdl_query(s->fd, &info);

		if (ret)
			return -out_fail(&c->out, ret == -EBADF ? OP_FD : OP_QUERY, ret);
		return s->fd;
	}
	dev = ctx_open(c);
	if (dev < 0)
		return dev;
	if (s->kernel) {
		fd = mdl_alloc_pages(dev, (size_t)s->size,
				     s->alloc_flags | MDL_FD_CLOEXEC, s->cache);
		if (fd < 0)
			fd = -out_fail(&c->out, OP_ALLOC, fd);
	} else {
		fd = lock_buffer(c, dev, s, buf);
	}
	close(dev);
	return fd;
}

int print_facts(struct ctx *c, int fd)
{
	struct mdl_info info;
	int ret = mdl_query(fd, &info);

	if (ret)
		return out_fail(&c->out, OP_QUERY, ret);
	out_str(&c->out, "kind", kind_name(info.kind));
	out_hex(&c->out, "start_va", info.start_va);
	out_u64(&c->out, "byte_offset", info.byte_offset);
	out_u64(&c->out, "byte_count", info.byte_count);
	out_u64(&c->out, "page_count", info.page_count);
	out_hex(&c->out, "mdl_flags", info.mdl_flags);
	out_str(&c->out, "access", info.access & MDL_ACCESS_WRITE ?
		"read-write" : "read-only");
	out_str(&c->out, "cache_type", cache_name(info.cache_type));
	return 0;
}

/* The version answer, or an exit status (negated) after a message. */
int get_version(struct ctx *c, struct mdl_version *v)
{
	int dev = ctx_open(c), ret;

	if (dev < 0)
		return dev;
	ret = mdl_version(dev, v);
	close(dev);
	return ret ? -out_fail(&c->out, OP_VERSION, ret) : 0;
}

/*
 * PFNs per GET_PFNS call: the module's limit, or 1 when /dev/mdl cannot be
 * opened (a process may hold an MDL fd it was sent without that right).
 */
static uint64_t pfn_batch(const struct ctx *c)
{
	struct mdl_version v = { 0 };
	int dev = open(c->device, O_RDWR | O_CLOEXEC);

	if (dev >= 0) {
		if (mdl_version(dev, &v))
			v.max_pfns_per_call = 0;
		close(dev);
	}
	return v.max_pfns_per_call ? v.max_pfns_per_call : 1;
}

int print_pfns(struct ctx *c, int fd, uint64_t first, uint64_t count)
{
	uint64_t *pfns, done = 0, max_per_call = pfn_batch(c);
	int ret = 0;

	pfns = calloc(count ? count : 1, sizeof(*pfns));
	if (!pfns)
		return -ENOMEM;
	while (done < count && !ret) {
		uint64_t n = count - done < max_per_call ? count - done : max_per_call;

		ret = mdl_get_pfns(fd, first + done, n, pfns + done);
		done += n;
	}
	if (!ret)
		out_hex_array(&c->out, "pfns", pfns, count);
	free(pfns);
	return ret;
}
