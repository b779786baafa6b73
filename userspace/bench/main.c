// SPDX-License-Identifier: GPL-2.0
/*
 * mdlbench: mdl against its Linux peers, in the same boot.
 *
 *   mdlbench [--runs N] [--thp always|never|both] [--groups LIST]
 *            [--sizes 4M+64M+1G...] [--budget S] [--quick]
 * LIST: groups separated by + or ,
 *
 * Groups: lock (lock+unlock, pairs 1 and 6), pfn (2), share (3), bw (4 and
 * 5), mem (7), pool (8), dma (9), array (the PFN array's allocators). Run as root in the guest of `make bench`
 * (scripts/bench.sh), with mdl.ko and mdl_bench.ko loaded. Every benchmark checks the data it
 * moves; any mismatch prints MDLB-CHECK,...,FAIL and the exit status is 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <libmdl.h>

#include "bench.h"

struct bench_cfg cfg;
int mdl_dev = -1;
int hook_fd = -1;
uint64_t mdl_features;
uint64_t mdl_max_bytes;
uint32_t mdl_max_pfns;
int failures;

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void series_add(struct series *s, double v)
{
	if (s->n < MAX_RUNS)
		s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void report(const char *group, const char *variant, const char *thp,
	    size_t bytes, struct series *s, const char *unit)
{
	double v[MAX_RUNS], med;
	int n = s->n;

	if (!n)
		return;
	memcpy(v, s->v, sizeof(double) * (size_t)n);
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	med = (n & 1) ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("MDLB,%s,%s,%s,%zu,%d,%.3f,%.3f,%.3f,%s\n", group, variant, thp,
	       bytes, n, med, v[0], v[n - 1], unit);
	fflush(stdout);
}

void skip(const char *group, const char *variant, const char *thp,
	  size_t bytes, const char *fmt, ...)
{
	va_list ap;

	printf("MDLB-SKIP,%s,%s,%s,%zu,", group, variant, thp, bytes);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void info(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("MDLB-INFO,%s,", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

int check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("MDLB-CHECK,%s,%s,", name, ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
	return ok;
}

void die(const char *fmt, ...)
{
	va_list ap;

	printf("MDLB-CHECK,fatal,FAIL,");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

void *buf_alloc(size_t bytes)
{
	size_t len = bytes + HPAGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		die("mmap of %zu bytes: %s", len, strerror(errno));
	a = (char *)(((uintptr_t)p + HPAGE - 1) & ~(HPAGE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (a + bytes < p + len)
		munmap(a + bytes, (size_t)(p + len - (a + bytes)));
	/* Children (share) never inherit it: no COW under a long-term pin. */
	madvise(a, bytes, MADV_DONTFORK);
	return a;
}

void buf_free(void *p, size_t bytes)
{
	munmap(p, bytes);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void buf_stamp(void *p, size_t bytes, uint64_t seed)
{
	size_t i;

	/* Fault everything in from the kernel: far fewer traps under TCG. */
	madvise(p, bytes, MADV_POPULATE_WRITE);
	for (i = 0; i < bytes / PAGE; i++)
		*(volatile uint64_t *)((char *)p + i * PAGE) = stamp_of(seed, i);
}

void buf_fill(void *p, size_t bytes, uint64_t seed)
{
	uint64_t *w = p;
	size_t i, n = bytes / 8;

	for (i = 0; i < n; i++)
		w[i] = (i % (PAGE / 8)) ? (seed * 0x100000001b3ULL) ^ i :
					  stamp_of(seed, i / (PAGE / 8));
}

long buf_check_stamps(const void *p, size_t bytes, uint64_t seed)
{
	size_t i;

	for (i = 0; i < bytes / PAGE; i++)
		if (*(const volatile uint64_t *)((const char *)p + i * PAGE) !=
		    stamp_of(seed, i))
			return (long)i;
	return -1;
}

int thp_set(const char *mode)
{
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, mode, strlen(mode));
	close(fd);
	return n < 0 ? -errno : 0;
}

long thp_anon_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

int group_on(const char *name)
{
	const char *g = cfg.groups;
	size_t n = strlen(name);

	if (!g)
		return 1;
	/* Separators: ',' or '+' (the kernel command line has no spaces). */
	while (*g) {
		if (!strncmp(g, name, n) && (g[n] == ',' || g[n] == '+' || !g[n]))
			return 1;
		g += strcspn(g, ",+");
		if (!*g)
			break;
		g++;
	}
	return 0;
}

const char *size_name(size_t bytes)
{
	static char buf[4][32];
	static int i;
	char *b = buf[i++ & 3];

	if (bytes >= GIB && !(bytes % GIB))
		snprintf(b, 32, "%zuG", bytes / GIB);
	else if (bytes >= MIB && !(bytes % MIB))
		snprintf(b, 32, "%zuM", bytes / MIB);
	else
		snprintf(b, 32, "%zuK", bytes / 1024);
	return b;
}

static size_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	switch (*end) {
	case 'G': case 'g': v <<= 30; break;
	case 'M': case 'm': v <<= 20; break;
	case 'K': case 'k': v <<= 10; break;
	default: break;
	}
	return (size_t)v;
}

static void parse_sizes(char *list)
{
	char *tok, *save = NULL;

	cfg.nsizes = 0;
	for (tok = strtok_r(list, ",+", &save); tok && cfg.nsizes < 8;
	     tok = strtok_r(NULL, ",+", &save))
		cfg.sizes[cfg.nsizes++] = parse_size(tok);
}

static void open_devices(void)
{
	struct mdl_version v = { .size = sizeof(v) };
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int ret;

	setrlimit(RLIMIT_MEMLOCK, &rl);
	mdl_dev = mdl_open();
	if (mdl_dev < 0) {
		info("mdl", "no /dev/mdl: %s", strerror(-mdl_dev));
		mdl_dev = -1;
	} else if ((ret = mdl_version(mdl_dev, &v)) < 0) {
		info("mdl", "MDL_IOC_GET_VERSION: %s", strerror(-ret));
		close(mdl_dev);
		mdl_dev = -1;
	} else {
		mdl_features = v.features;
		mdl_max_bytes = v.max_bytes;
		mdl_max_pfns = v.max_pfns_per_call;
		info("mdl", "abi %u.%u features %#llx max_bytes %llu max_pfns_per_call %u",
		     v.abi_major, v.abi_minor, (unsigned long long)v.features,
		     (unsigned long long)v.max_bytes, v.max_pfns_per_call);
	}
	hook_fd = open("/sys/kernel/debug/mdl_bench", O_RDWR | O_CLOEXEC);
	if (hook_fd < 0)
		info("hook", "no /sys/kernel/debug/mdl_bench: %s", strerror(errno));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: mdlbench [--runs N] [--thp always|never|both]\n"
		"                [--groups lock+pfn+share+bw+mem+pool+dma+array] [--sizes 4M+64M+1G]\n"
		"                [--budget SECONDS] [--quick]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *modes[2];
	struct utsname u;
	int i, nmodes;

	setvbuf(stdout, NULL, _IOLBF, 0);
	cfg.runs = 5;
	cfg.budget_s = 60;
	cfg.thp = "both";
	cfg.sizes[0] = PAGE;
	cfg.sizes[1] = 64 * 1024;
	cfg.sizes[2] = MIB;
	cfg.sizes[3] = 4 * MIB;
	cfg.sizes[4] = 64 * MIB;
	cfg.sizes[5] = GIB;
	cfg.sizes[6] = 4 * GIB;
	cfg.sizes[7] = 8 * GIB;
	cfg.nsizes = 8;
	cfg.share_sizes[0] = 4 * MIB;
	cfg.share_sizes[1] = 64 * MIB;
	cfg.nshare = 2;
	cfg.pfn_bytes = GIB;
	cfg.bw_bytes = 64 * MIB;
	cfg.mem_sizes[0] = 64 * MIB;
	cfg.mem_sizes[1] = GIB;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
			cfg.runs = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--thp") && i + 1 < argc) {
			cfg.thp = argv[++i];
		} else if (!strcmp(argv[i], "--groups") && i + 1 < argc) {
			cfg.groups = argv[++i];
		} else if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
			parse_sizes(argv[++i]);
		} else if (!strcmp(argv[i], "--budget") && i + 1 < argc) {
			cfg.budget_s = atof(argv[++i]);
		} else if (!strcmp(argv[i], "--quick")) {
			cfg.quick = 1;
		} else {
			usage();
		}
	}
	if (cfg.quick) {
		cfg.runs = 1;
		cfg.sizes[0] = 4 * MIB;
		cfg.sizes[1] = 8 * MIB;
		cfg.nsizes = 2;
		cfg.share_sizes[0] = 4 * MIB;
		cfg.nshare = 1;
		cfg.pfn_bytes = 8 * MIB;
		cfg.bw_bytes = 4 * MIB;
		cfg.mem_sizes[0] = 4 * MIB;
		cfg.mem_sizes[1] = 16 * MIB;
	}
	if (cfg.runs < 1 || cfg.runs > MAX_RUNS)
		usage();
	uname(&u);
	info("kernel", "%s", u.release);
	/*
	 * One CPU for everything, process B of the share included: no
	 * migrations or cross-CPU wake-ups, which are slow and erratic under
	 * TCG, in the timed parts.
	 */
	{
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			info("affinity", "sched_setaffinity: %s", strerror(errno));
	}
	info("runs", "%d (fewer where one case takes over %.0f s)", cfg.runs,
	     cfg.budget_s);
	open_devices();

	if (!strcmp(cfg.thp, "both")) {
		modes[0] = "always";
		modes[1] = "never";
		nmodes = 2;
	} else {
		modes[0] = cfg.thp;
		nmodes = 1;
	}
	for (i = 0; i < nmodes; i++) {
		const char *thp = !strcmp(modes[i], "always") ? "on" : "off";
		int ret = thp_set(modes[i]);

		/* PREEMPT_RT kernels have no transparent huge pages at all. */
		if (ret == -ENOENT && nmodes > 1) {
			info("thp", "%s: this kernel has no transparent huge pages", modes[i]);
			modes[i] = modes[nmodes - 1];
			modes[--nmodes] = NULL;
			i--;
			continue;
		}
		if (ret < 0 && ret != -ENOENT)
			die("cannot set transparent_hugepage/enabled to %s", modes[i]);
		info("thp", "%s", ret ? "none" : modes[i]);
		/* Short copy benchmarks first, before the 8 GiB buffer. */
		if (group_on("bw"))
			bench_bw(thp);
		if (group_on("share"))
			bench_share(thp);
		if (group_on("lock"))
			bench_lock(thp);
		if (group_on("dma"))
			bench_dma(thp);
		if (i == 0 && group_on("pfn"))
			bench_pfn(thp);
		if (i == 0 && group_on("mem"))
			bench_mem(thp);
		if (i == 0 && group_on("pool"))
			bench_pool();
		if (i == 0 && group_on("array"))
			bench_array();
	}
	thp_set("always");
	printf("MDLB-END failures=%d\n", failures);
	return failures ? 1 : 0;
}
