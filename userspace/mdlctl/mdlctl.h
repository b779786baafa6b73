/* SPDX-License-Identifier: GPL-2.0 */
/* mdlctl: shared declarations of its subcommands. */
#ifndef MDLCTL_H
#define MDLCTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

#include "libmdl.h"
#include "out.h"

#define EXIT_USAGE 2

struct ctx {
	struct out out;
	const char *device;	/* LIBMDL_DEVICE unless --device */
};

struct command {
	const char *name;
	const char *summary;
	const char *usage;	/* options, one per line */
	int (*run)(struct ctx *c, int argc, char **argv);
};

/* Where an MDL comes from: a fresh buffer, new kernel pages, or an fd. */
struct source {
	uint64_t size;
	uint64_t offset;
	bool read_only;
	bool kernel;
	uint32_t alloc_flags;
	uint32_t cache;
	int fd;			/* -1: create one */
};

#define SOURCE_USAGE							\
	"  --size N         bytes to lock or allocate (default 16K; K, M, G suffixes)\n" \
	"  --offset N       start N bytes into the buffer's first page (default 0)\n" \
	"  --read-only      lock without MDL_LOCK_WRITE\n"		\
	"  --kernel         new kernel pages (MDL_IOC_ALLOC_PAGES) instead of a buffer\n" \
	"  --contiguous     with --kernel: physically contiguous pages\n" \
	"  --nonpaged       with --kernel: non-paged kernel memory\n"	\
	"  --cache TYPE     with --kernel: cached (default), noncached, writecombined\n" \
	"  --fd N           use the MDL fd N this process inherited\n"

extern const struct command cmd_info, cmd_lock, cmd_alloc, cmd_query,
	cmd_pfns, cmd_translate, cmd_share, cmd_map_io, cmd_stats;

/* Parse "16K", "0x1000", "2M": 0 or -EINVAL. */
int parse_size(const char *s, uint64_t *v);
/* Parse a cache type name: 0 or -EINVAL. */
int parse_cache(const char *s, uint32_t *v);
const char *cache_name(uint32_t cache);
const char *kind_name(uint32_t kind);

/* Print the command's usage to stdout (help) or stderr (error). */
int usage(const struct command *cmd, bool error);
/* getopt_long over the command's options plus --json and --help. */
int parse_common(struct ctx *c, const struct command *cmd, int argc,
		 char **argv, const struct option *extra,
		 int (*take)(void *arg, int opt, const char *val), void *arg);

/* Source options (SOURCE_USAGE) as getopt_long entries and their handler. */
extern const struct option source_options[];
void source_init(struct source *s);
int source_option(struct source *s, int opt, const char *val);

/* Open the device: fd or out_fail's exit status as a negative number. */
int ctx_open(struct ctx *c);
/* Create (or take) the MDL of @s. Returns fd >= 0, else an exit status
 * negated; *@buf gets the locked buffer, if any. */
int source_make(struct ctx *c, const struct source *s, void **buf);
/* Print the facts of an MDL. */
int print_facts(struct ctx *c, int fd);
/* The module's version answer: 0, or an exit status negated (reported). */
int get_version(struct ctx *c, struct mdl_version *v);
/*
 * Print @count PFNs from page @first in batches the module accepts.
 * Returns 0 or -errno (not reported: the caller explains it).
 */
int print_pfns(struct ctx *c, int fd, uint64_t first, uint64_t count);

#endif /* MDLCTL_H */
