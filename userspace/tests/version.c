// SPDX-License-Identifier: GPL-2.0
/*
 * MDL_IOC_GET_VERSION: the facts a program relies on before anything else.
 */
#include <unistd.h>

#include "suites.h"
#include "util.h"

/* The features this test suite exercises. */
#define NEEDED (MDL_FEATURE_LOCK_USER | MDL_FEATURE_ALLOC_PAGES |	\
		MDL_FEATURE_PARTIAL | MDL_FEATURE_RW | MDL_FEATURE_MMAP |	\
		MDL_FEATURE_HANDLES)
#define KNOWN (MDL_FEATURE_LOCK_USER | MDL_FEATURE_ALLOC_PAGES |	\
	       MDL_FEATURE_NONPAGED | MDL_FEATURE_IO_SPACE |		\
	       MDL_FEATURE_TRANSLATE | MDL_FEATURE_PARTIAL |		\
	       MDL_FEATURE_RW | MDL_FEATURE_DMABUF | MDL_FEATURE_MMAP |	\
	       MDL_FEATURE_HANDLES)

static int version_abi(const struct t_case *tc)
{
	(void)tc;
	CHECK_EQ(t_env.ver.size, sizeof(struct mdl_version));
	CHECK_EQ(t_env.ver.abi_major, MDL_ABI_MAJOR);
	t_diag("module ABI %u.%u, header %u.%u", t_env.ver.abi_major,
	       t_env.ver.abi_minor, MDL_ABI_MAJOR, MDL_ABI_MINOR);
	CHECK_EQ(t_env.ver.flags, 0);
	return T_PASS;
}

static int version_page(const struct t_case *tc)
{
	(void)tc;
	CHECK_EQ(t_env.ver.page_size, sysconf(_SC_PAGESIZE));
	return T_PASS;
}

static int version_features(const struct t_case *tc)
{
	uint64_t f = t_env.ver.features;

	(void)tc;
	t_diag("features 0x%" PRIx64 ", max_pfns_per_call %u, max_bytes %" PRIu64,
	       f, t_env.ver.max_pfns_per_call, (uint64_t)t_env.ver.max_bytes);
	CHECK_EQ(f & NEEDED, NEEDED);
	CHECK_EQ(f & ~KNOWN, 0);
	return T_PASS;
}

static int version_limits(const struct t_case *tc)
{
	(void)tc;
	CHECK(t_env.ver.max_pfns_per_call >= 1);
	CHECK(t_env.ver.max_bytes >= t_env.page);
	return T_PASS;
}

/* Two opens of /dev/mdl give the same answer; the fds are independent. */
static int version_two_opens(const struct t_case *tc)
{
	struct mdl_version v;
	int dev2 = mdl_open();

	(void)tc;
	CHECK_OK(dev2);
	CHECK_OK(mdl_version(dev2, &v));
	CHECK(!memcmp(&v, &t_env.ver, sizeof(v)));
	CHECK_OK(mdl_close(dev2));
	CHECK_OK(mdl_version(t_env.dev, &v));
	return T_PASS;
}

/* libmdl's own version query: the ABI it was built for is the module's. */
static int version_lib(const struct t_case *tc)
{
	uint32_t major = ~0U, minor = ~0U;
	const char *rel = mdl_lib_version(&major, &minor);

	(void)tc;
	CHECK(rel && *rel);
	t_diag("libmdl %s, ABI %u.%u", rel, major, minor);
	CHECK_EQ(major, t_env.ver.abi_major);
	CHECK(minor <= t_env.ver.abi_minor);
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "version: ABI major equals the uapi header's", version_abi, NULL, 0 },
	{ "version: page_size equals sysconf(_SC_PAGESIZE)", version_page, NULL, 0 },
	{ "version: features cover lock, alloc, partial, rw, mmap, handles; no unknown bits",
	  version_features, NULL, 0 },
	{ "version: max_pfns_per_call and max_bytes are usable", version_limits, NULL, 0 },
	{ "version: a second open answers the same", version_two_opens, NULL, 0 },
	{ "version: mdl_lib_version's ABI major is the module's", version_lib, NULL, 0 },
};

T_SUITE_ARRAY(suite_version, cases);
