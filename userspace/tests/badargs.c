// SPDX-License-Identifier: GPL-2.0
/*
 * The structure rules every command shares (uapi/linux/mdl.h): unknown
 * flags and non-zero reserved fields refused with EINVAL, sizes below the
 * first version refused, longer structures accepted with a zero tail and
 * refused with E2BIG otherwise, an unreadable argument gives EFAULT.
 * Generated: every command x every rule. No refused call may leave an fd.
 */
#include <stdio.h>

#include "cmds.h"
#include "suites.h"
#include "util.h"

#define TAIL 64

enum variant {
	V_VALID, V_UNKNOWN_FLAG, V_RESERVED, V_SIZE_ZERO, V_SIZE_SHORT,
	V_SIZE_LONG_ZERO, V_SIZE_LONG_DIRTY, V_BAD_POINTER, V_COUNT
};

static const struct variant_spec {
	const char *what;
	int want;		/* 0: success */
} variants[V_COUNT] = {
	[V_VALID] = { "valid arguments accepted", 0 },
	[V_UNKNOWN_FLAG] = { "unknown flag bit -> EINVAL", EINVAL },
	[V_RESERVED] = { "non-zero reserved -> EINVAL", EINVAL },
	[V_SIZE_ZERO] = { "size 0 -> EINVAL", EINVAL },
	[V_SIZE_SHORT] = { "size below the first version -> EINVAL", EINVAL },
	[V_SIZE_LONG_ZERO] = { "longer struct, zero tail -> accepted", 0 },
	[V_SIZE_LONG_DIRTY] = { "longer struct, non-zero tail -> E2BIG", E2BIG },
	[V_BAD_POINTER] = { "unreadable argument -> EFAULT", EFAULT },
};

/* Build the argument of @c for variant @v in @arg. */
static void prepare(const struct cmd_spec *c, enum variant v, uint8_t *arg,
		    const struct fixture *fx)
{
	uint32_t size = (uint32_t)c->size, flags;

	memset(arg, 0, CMD_ARG_MAX);
	c->fill(arg, fx);
	switch (v) {
	case V_UNKNOWN_FLAG:
		memcpy(&flags, arg + 4, 4);
		flags |= 1U << 30;
		memcpy(arg + 4, &flags, 4);
		break;
	case V_RESERVED:
		arg[c->reserved_off] = 1;
		break;
	case V_SIZE_ZERO:
		size = 0;
		break;
	case V_SIZE_SHORT:
		size -= 8;
		break;
	case V_SIZE_LONG_DIRTY:
		arg[c->size + TAIL - 1] = 0x5a;
		/* fall through */
	case V_SIZE_LONG_ZERO:
		size += TAIL;
		break;
	default:
		break;
	}
	memcpy(arg, &size, 4);
}

static int run_badarg(const struct t_case *tc)
{
	const struct cmd_spec *c = &cmd_specs[(uintptr_t)tc->arg / V_COUNT];
	enum variant v = (enum variant)((uintptr_t)tc->arg % V_COUNT);
	uint8_t arg[CMD_ARG_MAX];
	struct fixture fx;
	int ret, fd0;

	ret = fixture_init(&fx, c);
	if (ret == -ENOENT && c->ioc == MDL_IOC_MAP_IO_SPACE)
		return t_skip("no unclaimed page in a PCI window of /proc/iomem");
	CHECK_OK(ret);
	prepare(c, v, arg, &fx);
	fd0 = t_next_fd();
	if (v == V_BAD_POINTER)
		ret = t_ioctl(fixture_target(&fx, c), c->ioc, (void *)(uintptr_t)fx.unmapped);
	else
		ret = cmd_issue(&fx, c, arg);
	CHECK_ERR(ret, variants[v].want);
	CHECK_EQ(t_next_fd(), fd0);
	if (v == V_SIZE_LONG_ZERO)
		CHECK(arg[c->size] == 0 && arg[c->size + TAIL - 1] == 0);
	return T_PASS;
}

static bool applies(const struct cmd_spec *c, enum variant v)
{
	return v != V_RESERVED || c->reserved_off >= 0;
}

/* The (command, variant) pairs that apply, in order. */
static size_t badargs_pairs(size_t want_index, size_t *pair)
{
	size_t n = 0, i;

	for (i = 0; i < CMD_COUNT * V_COUNT; i++) {
		if (!applies(&cmd_specs[i / V_COUNT], (enum variant)(i % V_COUNT)))
			continue;
		if (n++ == want_index && pair)
			*pair = i;
	}
	return n;
}

static size_t badargs_count(void)
{
	return badargs_pairs(SIZE_MAX, NULL);
}

static void badargs_get(size_t i, struct t_case *tc)
{
	size_t pair = 0;
	const struct cmd_spec *c;

	badargs_pairs(i, &pair);
	c = &cmd_specs[pair / V_COUNT];
	memset(tc, 0, sizeof(*tc));
	snprintf(tc->name, sizeof(tc->name), "args: %s: %s", c->name,
		 variants[pair % V_COUNT].what);
	tc->run = run_badarg;
	tc->arg = (const void *)(uintptr_t)pair;
	tc->needs = c->needs;
}

const struct t_suite suite_badargs = { "badargs", badargs_count, badargs_get };
