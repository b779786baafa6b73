// SPDX-License-Identifier: GPL-2.0
/*
 * Every command that hands out a new fd, when the caller has no fd left
 * (RLIMIT_NOFILE reached): EMFILE, and the object made for it is gone
 * again (no pin, mdl's counters back). With a free fd, the same call works.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "suites.h"
#include "util.h"

enum fdl_cmd { FDL_LOCK, FDL_ALLOC, FDL_PARTIAL, FDL_DMABUF };

/* The command under test; @src is an MDL fd of a one-page lock. */
static int fdl_issue(enum fdl_cmd cmd, void *buf, int src)
{
	switch (cmd) {
	case FDL_LOCK:
		return mdl_lock_user(t_env.dev, buf, t_env.page, MDL_LOCK_WRITE);
	case FDL_ALLOC:
		return mdl_alloc_pages(t_env.dev, 2 * t_env.page, 0, MDL_CACHE_CACHED);
	case FDL_PARTIAL:
		return mdl_partial(src, 0, t_env.page, 0);
	case FDL_DMABUF:
		return mdl_export_dmabuf(src, 0);
	}
	return -EINVAL;
}

static int fdl_run(const struct t_case *tc)
{
	enum fdl_cmd cmd = (enum fdl_cmd)(uintptr_t)tc->arg;
	void *buf = t_buffer(2 * t_env.page);
	struct rlimit old, lim;
	struct t_pins p0, p1;
	struct t_stats s0, s1;
	bool stats;
	int src, fd;

	CHECK(buf);
	src = mdl_lock_user(t_env.dev, (char *)buf + t_env.page, t_env.page, MDL_LOCK_WRITE);
	CHECK_OK(src);
	if (cmd == FDL_DMABUF && !(t_env.ver.features & MDL_FEATURE_DMABUF))
		return t_skip("the module exports no dma-bufs on this kernel");
	stats = !t_stats_read(&s0);
	CHECK_OK(t_pins_read(&p0));
	CHECK(!getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = (rlim_t)t_next_fd();
	CHECK(!setrlimit(RLIMIT_NOFILE, &lim));
	fd = fdl_issue(cmd, buf, src);
	CHECK(!setrlimit(RLIMIT_NOFILE, &old));
	CHECK_ERR(fd, EMFILE);
	T_FAIL_IF(!t_pins_settle(&p0, &p1), "pins: %" PRIu64 " acquired, %" PRIu64
		  " released", p1.acquired - p0.acquired, p1.released - p0.released);
	if (stats) {
		CHECK_OK(t_stats_read(&s1));
		CHECK_STEP(t_stats_returned(&s0, &s1));
	} else {
		t_diag("debugfs stats not readable here: pins checked only");
	}
	fd = fdl_issue(cmd, buf, src);
	CHECK_OK(fd);
	CHECK_OK(close(fd));
	CHECK_OK(close(src));
	return T_PASS;
}

static const struct t_case cases[] = {
	{ "fd limit: LOCK_USER with no free fd -> EMFILE, nothing pinned; then works",
	  fdl_run, (void *)FDL_LOCK, 0 },
	{ "fd limit: ALLOC_PAGES with no free fd -> EMFILE, pages freed; then works",
	  fdl_run, (void *)FDL_ALLOC, 0 },
	{ "fd limit: PARTIAL with no free fd -> EMFILE, counters back; then works",
	  fdl_run, (void *)FDL_PARTIAL, 0 },
	{ "fd limit: EXPORT_DMABUF with no free fd -> EMFILE, counters back; then works",
	  fdl_run, (void *)FDL_DMABUF, 0 },
};

T_SUITE_ARRAY(suite_fdlimit, cases);
