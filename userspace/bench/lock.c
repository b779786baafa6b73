// SPDX-License-Identifier: GPL-2.0
/*
 * Pairs 1 and 6: lock + unlock of a populated buffer, at every size, through
 * /dev/mdl (an MDL fd per lock, LOCK_USER + close; and a handle per lock,
 * LOCK_USER with MDL_LOCK_HANDLE + MDL_IOC_UNLOCK) against io_uring buffer
 * registration, mlock + munlock and bare pin_user_pages_fast + unpin
 * (mdl_bench.ko, in the kernel), and at 4 KiB the floor of an fd per lock:
 * creating and closing an eventfd. Also the kernel-side breakdown (group
 * "split") that says where mdl's time goes.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/io_uring.h>
#include <libmdl.h>
#include <mdl_bench.h>

#include "bench.h"

/* --- helpers also used by other groups ----------------------------------- */

/* PFNs of @n pages at @addr from /proc/self/pagemap (0 where absent). */
int pagemap_pfns(const void *addr, size_t n, uint64_t *out)
{
	static int fd = -1;
	size_t done = 0, i;
	ssize_t r;

	if (fd < 0)
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (done < n) {
		r = pread(fd, out + done, (n - done) * 8,
			  (off_t)(((uintptr_t)addr / PAGE + done) * 8));
		if (r <= 0)
			return r ? -errno : -EIO;
		done += (size_t)r / 8;
	}
	for (i = 0; i < n; i++)
		out[i] = (out[i] >> 63) ? (out[i] & ((1ULL << 55) - 1)) : 0;
	return 0;
}

/* All PFNs of an MDL fd, in batches of max_pfns_per_call. */
int mdl_all_pfns(int fd, size_t n, uint64_t *out)
{
	size_t batch = mdl_max_pfns ? mdl_max_pfns : 4096, done = 0, c;
	int ret;

	while (done < n) {
		c = n - done < batch ? n - done : batch;
		ret = mdl_get_pfns(fd, done, c, out + done);
		if (ret < 0)
			return ret;
		done += c;
	}
	return 0;
}

int hook_run(unsigned long cmd, void *addr, size_t bytes, uint32_t flags,
	     unsigned int iterations, struct mdl_bench_args *a)
{
	memset(a, 0, sizeof(*a));
	a->addr = (uintptr_t)addr;
	a->length = bytes;
	a->iterations = iterations;
	a->flags = flags;
	return ioctl(hook_fd, cmd, a) ? -errno : 0;
}

static int ring_fd = -1;

static int io_uring_ready(void)
{
	struct io_uring_params p;

	if (ring_fd >= 0)
		return 0;
	memset(&p, 0, sizeof(p));
	ring_fd = (int)syscall(__NR_io_uring_setup, 8, &p);
	return ring_fd < 0 ? -errno : 0;
}

/* Register @bytes at @buf as fixed buffers (1 GiB per iovec, the limit). */
static int io_uring_reg(void *buf, size_t bytes)
{
	struct iovec iov[64];
	unsigned int n = 0;
	size_t off;

	for (off = 0; off < bytes && n < 64; off += GIB, n++) {
		iov[n].iov_base = (char *)buf + off;
		iov[n].iov_len = bytes - off < GIB ? bytes - off : GIB;
	}
	if (syscall(__NR_io_uring_register, ring_fd, IORING_REGISTER_BUFFERS,
		    iov, n))
		return -errno;
	return 0;
}

static int io_uring_unreg(void)
{
	if (syscall(__NR_io_uring_register, ring_fd, IORING_UNREGISTER_BUFFERS,
		    NULL, 0))
		return -errno;
	return 0;
}

/* --- the benchmark ---------------------------------------------------------- */

enum {
	V_MDL, V_HANDLE, V_URING, V_MLOCK, V_PIN, V_CORE, V_CONV, V_EVENTFD, NV
};
static const char *const vname[NV] = {
	"mdl", "mdl_handle", "io_uring", "mlock", "pin", "mdl_core", "pin_conv",
	"eventfd"
};

enum {
	S_MDL_LOCK, S_MDL_UNLOCK, S_PIN_PIN, S_PIN_UNPIN, S_CORE_ALLOC,
	S_CORE_LOCK, S_CORE_UNLOCK, S_CORE_FREE, S_CONV_PIN, S_CONV_CONV,
	S_CONV_UNCONV, S_CONV_DIRTY_UNPIN, NS
};
static const char *const sname[NS] = {
	"mdl.lock_ioctl", "mdl.close_unlock", "pin.pin", "pin.unpin",
	"mdl_core.alloc", "mdl_core.probe_and_lock", "mdl_core.unlock",
	"mdl_core.free", "pin_conv.pin", "pin_conv.page_to_pfn",
	"pin_conv.pfn_page_roundtrip", "pin_conv.unpin_dirty_lock"
};

struct lock_state {
	struct series v[NV];
	struct series s[NS];
	int dead[NV];		/* variant failed or over budget: no more runs */
	uint64_t spent[NV];	/* ns spent in timed runs */
};

/*
 * Inner iterations of one run: small buffers are locked repeatedly so that
 * a run lasts about as long as one of 1 GiB (host scheduling noise under
 * TCG is then spread over many iterations instead of hitting one).
 */
static unsigned int iters_for(size_t bytes)
{
	size_t n = GIB / bytes;

	if (cfg.quick || !n)
		return 1;
	return n > 256 ? 256 : (unsigned int)n;
}

/* One run of variant @k; adds to @st unless @warm. Returns 0 or -errno. */
static int lock_once(int k, void *buf, size_t bytes, struct lock_state *st,
		     int warm)
{
	unsigned int it, iters = iters_for(bytes);
	double np = (double)(bytes / PAGE) * iters;
	struct mdl_bench_args a;
	uint64_t t0, t1, lock_ns = 0, unlock_ns = 0;
	int fd, h, ret = 0;

	switch (k) {
	case V_MDL:
		/*
		 * The total is timed around the whole loop, as every peer's is;
		 * the split, with clock reads around each call, in a second
		 * pass (one pass when there is one iteration).
		 */
		if (iters > 1) {
			t0 = now_ns();
			for (it = 0; it < iters; it++) {
				fd = mdl_lock_user(mdl_dev, buf, bytes,
						   MDL_LOCK_WRITE);
				if (fd < 0)
					return fd;
				close(fd);
			}
			t1 = now_ns();
			if (!warm)
				series_add(&st->v[k], (double)(t1 - t0) / np);
		}
		for (it = 0; it < iters; it++) {
			t0 = now_ns();
			fd = mdl_lock_user(mdl_dev, buf, bytes, MDL_LOCK_WRITE);
			t1 = now_ns();
			if (fd < 0)
				return fd;
			close(fd);
			lock_ns += t1 - t0;
			unlock_ns += now_ns() - t1;
		}
		if (!warm) {
			if (iters == 1)
				series_add(&st->v[k],
					   (double)(lock_ns + unlock_ns) / np);
			series_add(&st->s[S_MDL_LOCK], (double)lock_ns / np);
			series_add(&st->s[S_MDL_UNLOCK], (double)unlock_ns / np);
		}
		return 0;
	case V_HANDLE:
		/* As io_uring's buffers: no fd, a handle in the open file. */
		t0 = now_ns();
		for (it = 0; it < iters; it++) {
			h = mdl_lock_handle(mdl_dev, buf, bytes,
					    MDL_LOCK_WRITE);
			if (h < 0)
				return h;
			ret = mdl_unlock_handle(mdl_dev, (uint32_t)h);
			if (ret)
				return ret;
		}
		t1 = now_ns();
		if (!warm)
			series_add(&st->v[k], (double)(t1 - t0) / np);
		return 0;
	case V_URING:
		t0 = now_ns();
		for (it = 0; it < iters && !ret; it++) {
			ret = io_uring_reg(buf, bytes);
			if (!ret)
				ret = io_uring_unreg();
		}
		t1 = now_ns();
		if (!warm && !ret)
			series_add(&st->v[k], (double)(t1 - t0) / np);
		return ret;
	case V_MLOCK:
		t0 = now_ns();
		for (it = 0; it < iters; it++) {
			if (mlock(buf, bytes))
				return -errno;
			if (munlock(buf, bytes))
				return -errno;
		}
		t1 = now_ns();
		if (!warm)
			series_add(&st->v[k], (double)(t1 - t0) / np);
		return 0;
	case V_PIN:
		ret = hook_run(MDL_BENCH_IOC_PIN, buf, bytes, MDL_BENCH_WRITE,
			       iters, &a);
		if (!ret && !warm) {
			series_add(&st->v[k], (double)(a.pin_ns + a.unpin_ns) / np);
			series_add(&st->s[S_PIN_PIN], (double)a.pin_ns / np);
			series_add(&st->s[S_PIN_UNPIN], (double)a.unpin_ns / np);
		}
		return ret;
	case V_CORE:
		ret = hook_run(MDL_BENCH_IOC_MDL, buf, bytes, MDL_BENCH_WRITE,
			       iters, &a);
		if (!ret && !warm) {
			series_add(&st->v[k], (double)(a.alloc_ns + a.pin_ns +
					a.unpin_ns + a.free_ns) / np);
			series_add(&st->s[S_CORE_ALLOC], (double)a.alloc_ns / np);
			series_add(&st->s[S_CORE_LOCK], (double)a.pin_ns / np);
			series_add(&st->s[S_CORE_UNLOCK], (double)a.unpin_ns / np);
			series_add(&st->s[S_CORE_FREE], (double)a.free_ns / np);
		}
		return ret;
	case V_EVENTFD:
		/* The floor of an fd per object: create and close an eventfd. */
		t0 = now_ns();
		for (it = 0; it < iters; it++) {
			fd = eventfd(0, EFD_CLOEXEC);
			if (fd < 0)
				return -errno;
			close(fd);
		}
		t1 = now_ns();
		if (!warm)
			series_add(&st->v[k], (double)(t1 - t0) / np);
		return 0;
	case V_CONV:
		ret = hook_run(MDL_BENCH_IOC_PIN, buf, bytes, MDL_BENCH_WRITE |
			       MDL_BENCH_DIRTY | MDL_BENCH_CONVERT, iters, &a);
		if (!ret && !warm) {
			series_add(&st->v[k], (double)(a.pin_ns + a.conv_ns +
					a.unconv_ns + a.unpin_ns) / np);
			series_add(&st->s[S_CONV_PIN], (double)a.pin_ns / np);
			series_add(&st->s[S_CONV_CONV], (double)a.conv_ns / np);
			series_add(&st->s[S_CONV_UNCONV], (double)a.unconv_ns / np);
			series_add(&st->s[S_CONV_DIRTY_UNPIN], (double)a.unpin_ns / np);
		}
		return ret;
	}
	return -EINVAL;
}

/*
 * Every path must see the same pages: pagemap, bare pin, MDL core, /dev/mdl.
 * The /dev/mdl lock is taken first and held while the others look: pinned
 * pages cannot move (khugepaged's collapse, compaction) between two looks.
 */
static void lock_check(void *buf, size_t bytes, const char *thp)
{
	size_t n = bytes / PAGE, i;
	uint64_t *pm = malloc(n * 8), *mp = malloc(n * 8), sum = 0, msum = 0;
	struct mdl_bench_args a;
	struct mdl_info inf = { .size = sizeof(inf) };
	char name[64];
	long bad;
	int fd = -1, ret;

	if (!pm || !mp)
		die("out of memory");
	snprintf(name, sizeof(name), "lock.%s.%s", size_name(bytes), thp);
	bad = buf_check_stamps(buf, bytes, 1);
	check(bad < 0, name, "buffer stamps intact (first bad page %ld)", bad);
	if (mdl_dev >= 0) {
		fd = mdl_lock_user(mdl_dev, buf, bytes, MDL_LOCK_WRITE);
		if (fd < 0)
			check(bytes > mdl_max_bytes, name,
			      "MDL_IOC_LOCK_USER: %s (max_bytes %llu)",
			      strerror(-fd), (unsigned long long)mdl_max_bytes);
	}
	ret = pagemap_pfns(buf, n, pm);
	if (!check(!ret, name, "pagemap read: %s", strerror(-ret)))
		goto out;
	for (i = 0; i < n; i++)
		sum += pm[i];
	if (hook_fd >= 0) {
		ret = hook_run(MDL_BENCH_IOC_PIN, buf, bytes, MDL_BENCH_WRITE, 1, &a);
		if (!ret) {
			check(a.pfn_sum == sum, name,
			      "bare pin PFN sum %#llx == pagemap %#llx",
			      (unsigned long long)a.pfn_sum,
			      (unsigned long long)sum);
			info("folio_runs", "%s,%s,%llu pages in %llu folio runs",
			     size_name(bytes), thp,
			     (unsigned long long)a.nr_pages,
			     (unsigned long long)a.nr_folios);
		}
		ret = hook_run(MDL_BENCH_IOC_MDL, buf, bytes, MDL_BENCH_WRITE, 1, &a);
		if (!ret)
			check(a.pfn_sum == sum, name,
			      "MmProbeAndLockPages PFN sum == pagemap");
	}
	if (fd < 0)
		goto out;
	ret = mdl_query(fd, &inf);
	if (check(!ret && inf.page_count == n && inf.byte_count == bytes, name,
		  "MDL_IOC_QUERY: %d, %llu pages", ret,
		  (unsigned long long)inf.page_count)) {
		ret = mdl_all_pfns(fd, n, mp);
		for (i = 0; !ret && i < n; i++)
			msum += mp[i];
		check(!ret && !memcmp(mp, pm, n * 8), name,
		      "MDL_IOC_GET_PFNS == pagemap (%d, sum %#llx)", ret,
		      (unsigned long long)msum);
	}
out:
	if (fd >= 0)
		close(fd);
	free(pm);
	free(mp);
}

static int variant_possible(int k, size_t bytes, const char *thp)
{
	switch (k) {
	case V_MDL:
	case V_HANDLE:
		if (mdl_dev < 0) {
			skip("lock", vname[k], thp, bytes, "no /dev/mdl");
			return 0;
		}
		if (k == V_HANDLE && !(mdl_features & MDL_FEATURE_HANDLES)) {
			skip("lock", vname[k], thp, bytes,
			     "module without MDL_FEATURE_HANDLES (MDL_LOCK_HANDLE)");
			return 0;
		}
		if (bytes > mdl_max_bytes) {
			skip("lock", vname[k], thp, bytes,
			     "over max_bytes %llu of MDL_IOC_GET_VERSION",
			     (unsigned long long)mdl_max_bytes);
			return 0;
		}
		return 1;
	case V_URING:
		if (io_uring_ready()) {
			skip("lock", vname[k], thp, bytes, "io_uring_setup failed");
			return 0;
		}
		return 1;
	case V_EVENTFD:
		/* A fixed cost: measured beside the 4 KiB lock only. */
		return bytes == PAGE;
	case V_CORE:
	case V_CONV:
		/* The kernel-side breakdown: up to 1 GiB is enough. */
		if (bytes > GIB)
			return 0;
		/* fall through */
	case V_PIN:
		if (hook_fd < 0) {
			skip("lock", vname[k], thp, bytes, "no mdl_bench.ko hook");
			return 0;
		}
		return 1;
	default:
		return 1;
	}
}

void bench_lock(const char *thp)
{
	size_t max = 0, bytes;
	struct lock_state *st;
	uint64_t t;
	char *buf;
	int i, k, r, ret;

	for (i = 0; i < cfg.nsizes; i++)
		if (cfg.sizes[i] > max)
			max = cfg.sizes[i];
	buf = buf_alloc(max);
	t = now_ns();
	buf_stamp(buf, max, 1);
	info("populate", "%s,%s,%.1f s,AnonHugePages %ld kB", size_name(max),
	     thp, (double)(now_ns() - t) / 1e9, thp_anon_kb());
	st = malloc(sizeof(*st));
	if (!st)
		die("out of memory");
	for (i = 0; i < cfg.nsizes; i++) {
		bytes = cfg.sizes[i];
		memset(st, 0, sizeof(*st));
		lock_check(buf, bytes, thp);
		for (k = 0; k < NV; k++)
			st->dead[k] = !variant_possible(k, bytes, thp);
		/* Warm-up, then runs interleaved across the variants. */
		for (r = -1; r < cfg.runs; r++) {
			for (k = 0; k < NV; k++) {
				if (st->dead[k])
					continue;
				if (r < 0 && bytes > GIB)
					continue;
				t = now_ns();
				ret = lock_once(k, buf, bytes, st, r < 0);
				if (ret) {
					skip("lock", vname[k], thp, bytes,
					     "failed: %s", strerror(-ret));
					st->dead[k] = 1;
				}
				if (r < 0)
					continue;
				st->spent[k] += now_ns() - t;
				if (r + 1 < cfg.runs &&
				    st->spent[k] > cfg.budget_s * 1e9) {
					info("budget", "lock,%s,%s,%s,%d runs: over %.0f s",
					     vname[k], thp, size_name(bytes),
					     r + 1, cfg.budget_s);
					st->dead[k] = 1;
				}
			}
		}
		for (k = 0; k < NV; k++)
			report("lock", vname[k], thp, bytes, &st->v[k], "ns/page");
		for (k = 0; k < NS; k++)
			report("split", sname[k], thp, bytes, &st->s[k], "ns/page");
	}
	free(st);
	buf_free(buf, max);
}
