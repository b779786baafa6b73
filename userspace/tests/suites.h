/* SPDX-License-Identifier: GPL-2.0 */
/* The selftest suites, in the order they run. */
#ifndef MDL_SUITES_H
#define MDL_SUITES_H

#include "harness.h"

extern const struct t_suite suite_version;	/* version.c */
extern const struct t_suite suite_badargs;	/* badargs.c */
extern const struct t_suite suite_badops;	/* badargs.c */
extern const struct t_suite suite_ranges;	/* ranges.c */
extern const struct t_suite suite_foreign;	/* foreign.c */
extern const struct t_suite suite_lock_layouts;	/* lock.c */
extern const struct t_suite suite_lock;		/* lock.c */
extern const struct t_suite suite_share;	/* share.c */
extern const struct t_suite suite_kpages;	/* kpages.c */
extern const struct t_suite suite_uncached;	/* kpages.c */
extern const struct t_suite suite_partial_parts;	/* partial.c */
extern const struct t_suite suite_partial;	/* partial.c */
extern const struct t_suite suite_chain;	/* chain.c */
extern const struct t_suite suite_rw_io;	/* rw.c */
extern const struct t_suite suite_rw_map;	/* rw.c */
extern const struct t_suite suite_rw;		/* rw.c */
extern const struct t_suite suite_lifetime;	/* lifetime.c */
extern const struct t_suite suite_fdlimit;	/* cover_fdlimit.c */
extern const struct t_suite suite_handles;	/* handles.c */
extern const struct t_suite suite_perm;		/* perm.c */
extern const struct t_suite suite_memcg;	/* memcg.c */
extern const struct t_suite suite_iospace;	/* iospace.c */
extern const struct t_suite suite_dmabuf;	/* dmabuf.c */
extern const struct t_suite suite_pagecache;	/* pagecache.c */
extern const struct t_suite suite_threads;	/* threads.c */
extern const struct t_suite suite_failnth;	/* failnth.c */
extern const struct t_suite suite_storm;	/* storm.c */
extern const struct t_suite suite_race;		/* race.c */

#endif /* MDL_SUITES_H */
