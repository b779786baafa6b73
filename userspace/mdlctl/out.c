// SPDX-License-Identifier: GPL-2.0
/*
 * mdlctl's output in two forms (see out.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "out.h"

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* Start a member: comma, key, colon (JSON); indentation and label (human). */
static void key(struct out *o, const char *k)
{
	if (o->json) {
		if (o->need_comma[o->depth])
			putchar(',');
		o->need_comma[o->depth] = true;
		json_string(k);
		putchar(':');
		return;
	}
	int pad = 16 - (int)strlen(k);

	printf("%s%*s%s:%*s", o->prefix ? o->prefix : "", 2 * (o->depth - 1), "",
	       k, pad > 0 ? pad : 1, "");
}

void out_begin(struct out *o)
{
	o->depth = 1;
	o->need_comma[1] = false;
	if (o->json)
		putchar('{');
}

void out_end(struct out *o)
{
	if (o->json)
		puts("}");
	o->depth = 0;
	fflush(stdout);
}

void out_object(struct out *o, const char *k)
{
	key(o, k);
	if (o->json)
		putchar('{');
	else
		putchar('\n');
	if (o->depth + 1 < OUT_MAX_DEPTH)
		o->depth++;
	o->need_comma[o->depth] = false;
}

void out_object_end(struct out *o)
{
	if (o->json)
		putchar('}');
	if (o->depth > 1)
		o->depth--;
}

void out_u64(struct out *o, const char *k, uint64_t v)
{
	key(o, k);
	printf(o->json ? "%llu" : "%llu\n", (unsigned long long)v);
}

void out_hex(struct out *o, const char *k, uint64_t v)
{
	key(o, k);
	printf(o->json ? "\"0x%llx\"" : "0x%llx\n", (unsigned long long)v);
}

void out_str(struct out *o, const char *k, const char *s)
{
	key(o, k);
	if (o->json)
		json_string(s);
	else
		printf("%s\n", s);
}

void out_bool(struct out *o, const char *k, bool v)
{
	key(o, k);
	printf(o->json ? "%s" : "%s\n", v ? "true" : "false");
}

void out_hex_array(struct out *o, const char *k, const uint64_t *v, size_t n)
{
	size_t i;

	key(o, k);
	if (o->json)
		putchar('[');
	for (i = 0; i < n; i++) {
		if (o->json)
			printf("%s\"0x%llx\"", i ? "," : "", (unsigned long long)v[i]);
		else
			printf("%s0x%llx", i ? " " : "", (unsigned long long)v[i]);
	}
	fputs(o->json ? "]" : "\n", stdout);
}

void out_note(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json)
		return;
	fputs(o->prefix ? o->prefix : "", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int out_fail(struct out *o, enum mdl_op op, int err)
{
	if (err < 0)
		err = -err;
	fflush(stdout);
	fprintf(stderr, "mdlctl: %s: %s\n  %s\n", mdl_op_name(op), strerror(err),
		mdl_explain(op, err));
	if (o->json) {
		if (o->depth)
			puts("}");
		printf("{\"error\":{\"op\":");
		json_string(mdl_op_name(op));
		printf(",\"errno\":%d,\"message\":", err);
		json_string(strerror(err));
		printf(",\"explanation\":");
		json_string(mdl_explain(op, err));
		puts("}}");
		o->depth = 0;
	}
	fflush(stdout);
	return 1;
}
