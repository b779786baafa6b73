/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdlctl's output: the same calls print "key: value" lines for people or
 * one JSON object per line (--json) for programs.
 */
#ifndef MDLCTL_OUT_H
#define MDLCTL_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errmsg.h"

#define OUT_MAX_DEPTH 4

struct out {
	bool json;
	const char *prefix;		/* human lines start with it (share roles) */
	int depth;
	bool need_comma[OUT_MAX_DEPTH];
};

void out_begin(struct out *o);
void out_end(struct out *o);
void out_object(struct out *o, const char *key);	/* nested object */
void out_object_end(struct out *o);
void out_u64(struct out *o, const char *key, uint64_t v);
void out_hex(struct out *o, const char *key, uint64_t v);	/* JSON: "0x.." */
void out_str(struct out *o, const char *key, const char *s);
void out_bool(struct out *o, const char *key, bool v);
void out_hex_array(struct out *o, const char *key, const uint64_t *v, size_t n);
/* A sentence for people; nothing in JSON. */
void out_note(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Report that @op failed with -@err: a message and its explanation on
 * stderr, plus an {"error": ...} object in JSON mode. Returns exit status 1.
 */
int out_fail(struct out *o, enum mdl_op op, int err);

#endif /* MDLCTL_OUT_H */
