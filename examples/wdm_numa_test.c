// SPDX-License-Identifier: GPL-2.0
/*
 * wdm_numa_test: do the node allocators give memory of the node asked? The
 * wdm_numa driver calls MmAllocateNodePagesForMdlEx,
 * MmAllocatePartitionNodePagesForMdlEx (partition NULL),
 * MmAllocateContiguousNodeMemory and
 * MmAllocateContiguousMemorySpecifyCacheNode for each memory node, from a
 * CPU of another node (so that "the local node" is the wrong answer), and
 * reports the node of every page, its memory type before and after the
 * free, and what it wrote and read back. MM_ANY_NODE_OK is checked from
 * each CPU: the pages come from that CPU's node. A node that does not
 * exist fails (NULL), a node without memory in the range asked falls back
 * to another node unless MM_ALLOCATE_FROM_LOCAL_NODE_ONLY, as the WDK says.
 *
 * The guest of `make vmtest` has two memory nodes, one CPU each (mdlnodes=2
 * on its command line: fewer nodes are then a failure); elsewhere, with one
 * node, the two-node cases skip and say why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wdk_ioctl.h"
#include "tap.h"

/* WDK values the requests carry. */
#define MM_ANY_NODE_OK				0x80000000U
#define MM_ALLOCATE_FROM_LOCAL_NODE_ONLY	0x00000002
#define MmNonCached		0
#define MmCached		1
#define MmWriteCombined		2
#define PAGE_READWRITE		0x04
#define PAGE_EXECUTE_READWRITE	0x40
#define PAGE_NOCACHE		0x200

#define MAX_CPUS	64
#define MIB		(1024ULL * 1024)
#define ANYWHERE	(~0ULL)

static int dev;
static int mem_nodes[NUMA_MAX_NODES], n_mem_nodes;
static int cpu_node[MAX_CPUS], n_cpus;

static const char *const routine_names[] = {
	"MmAllocateNodePagesForMdlEx",
	"MmAllocatePartitionNodePagesForMdlEx",
	"MmAllocateContiguousNodeMemory",
	"MmAllocateContiguousMemorySpecifyCacheNode",
};

static const char *const type_names[NUMA_TYPES] = { "WB", "UC", "WC", "other" };

/* A sysfs list such as "0-1,3" as flags in @set[max]; returns the count. */
static int read_list(const char *path, int *set, int max)
{
	char buf[256], *p;
	int n = 0, a, b, i;
	FILE *f = fopen(path, "r");

	memset(set, 0, sizeof(*set) * max);
	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	for (p = strtok(buf, ",\n"); p; p = strtok(NULL, ",\n")) {
		if (sscanf(p, "%d-%d", &a, &b) != 2) {
			if (sscanf(p, "%d", &a) != 1)
				continue;
			b = a;
		}
		for (i = a; i <= b && i < max; i++)
			if (i >= 0 && !set[i]) {
				set[i] = 1;
				n++;
			}
	}
	return n;
}

static void read_topology(void)
{
	int set[NUMA_MAX_NODES], cpus[MAX_CPUS], node, cpu;
	char path[96];

	read_list("/sys/devices/system/node/has_memory", set, NUMA_MAX_NODES);
	for (node = 0; node < NUMA_MAX_NODES; node++)
		if (set[node])
			mem_nodes[n_mem_nodes++] = node;
	for (cpu = 0; cpu < MAX_CPUS; cpu++)
		cpu_node[cpu] = -1;
	for (node = 0; node < NUMA_MAX_NODES; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", node);
		read_list(path, cpus, MAX_CPUS);
		for (cpu = 0; cpu < MAX_CPUS; cpu++)
			if (cpus[cpu])
				cpu_node[cpu] = node;
	}
	read_list("/sys/devices/system/cpu/online", cpus, MAX_CPUS);
	for (cpu = 0; cpu < MAX_CPUS; cpu++)
		n_cpus += cpus[cpu];
}

/* Run on @cpu only (the driver's call runs on the caller's CPU). */
static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* A CPU of another node than @node (a CPU of @node if there is none). */
static int cpu_off(int node)
{
	int cpu, any = 0;

	for (cpu = MAX_CPUS - 1; cpu >= 0; cpu--) {
		if (cpu_node[cpu] < 0)
			continue;
		any = cpu;
		if (cpu_node[cpu] != node)
			return cpu;
	}
	return any;
}

static int call(struct numa_alloc *r)
{
	struct wdk_device_control dc = {
		.code = IOCTL_NUMA_ALLOCATE, .in_len = sizeof(*r), .out_len = sizeof(*r),
		.in = (uintptr_t)r, .out = (uintptr_t)r,
	};

	return ioctl(dev, WDK_IOC_DEVICE_CONTROL, &dc) || dc.returned != sizeof(*r) ?
	       -1 : 0;
}

static struct numa_alloc request(unsigned int routine, unsigned int node,
				 unsigned int cache, uint64_t bytes)
{
	struct numa_alloc r = {
		.routine = routine, .node = node, .cache = cache, .bytes = bytes,
		.low = 0, .high = ANYWHERE,
	};

	return r;
}

static void describe(const struct numa_alloc *r)
{
	int i;

	printf("#   %s(node %#x, cache/protect %#x, flags %#x, %llu bytes): %s, %u pages from pfn %#llx, cpu on node %u\n",
	       routine_names[r->routine & 3], r->node, r->cache, r->flags,
	       (unsigned long long)r->bytes, r->allocated ? "allocated" : "NULL",
	       r->pages, (unsigned long long)r->first_pfn, r->cpu_node);
	if (!r->allocated)
		return;
	printf("#   per node:");
	for (i = 0; i < NUMA_MAX_NODES; i++)
		if (r->on_node[i])
			printf(" node %d: %u", i, r->on_node[i]);
	if (r->on_other_node)
		printf(" other: %u", r->on_other_node);
	printf("; in range %u, contiguous %u, data %s\n#   types (direct/used/freed):",
	       r->in_range, r->contiguous, r->data_ok ? "ok" : "BAD");
	for (i = 0; i < NUMA_TYPES; i++)
		printf(" %s %u/%u/%u", type_names[i], r->direct_type[i], r->system_type[i],
		       r->freed_type[i]);
	printf("\n");
}

/*
 * Did @r get @pages pages (0: any number), all on @node, all in range,
 * of memory type @type wherever the driver looked, write-back again once
 * freed, and written and read back? Contiguous routines: in a row.
 */
static int got(const struct numa_alloc *r, int node, int type, unsigned int pages)
{
	int ok = r->allocated && r->pages && (!pages || r->pages == pages) &&
		 r->on_node[node] == r->pages && r->in_range == r->pages && r->data_ok &&
		 r->direct_type[type] == r->pages && r->system_type[type] == r->pages &&
		 r->freed_type[NUMA_TYPE_WB] == r->pages;

	if (r->routine >= NUMA_CONTIGUOUS_NODE)
		ok = ok && r->contiguous;
	if (!ok)
		describe(r);
	return ok;
}

/* One allocation on @node from a CPU of another node. */
static int on_node(struct numa_alloc *r, int node, int type, unsigned int pages)
{
	int cpu = cpu_off(node);

	if (pin(cpu) || call(r)) {
		printf("#   pin to cpu %d or the request failed: %s\n", cpu, strerror(errno));
		return 0;
	}
	return got(r, node, type, pages);
}

/* The cases run on every memory node. */
static const struct node_case {
	unsigned int routine, cache, flags, pages, type;
	const char *what;
} node_table[] = {
	{ NUMA_NODE_PAGES, MmCached, MM_ALLOCATE_FROM_LOCAL_NODE_ONLY, 256, NUMA_TYPE_WB,
	  "MmAllocateNodePagesForMdlEx(1 MiB, MmCached, FROM_LOCAL_NODE_ONLY): every PFN on the node" },
	{ NUMA_NODE_PAGES, MmCached, 0, 1024, NUMA_TYPE_WB,
	  "MmAllocateNodePagesForMdlEx(4 MiB, MmCached), ideal node only: every PFN on the node" },
	{ NUMA_PARTITION_NODE_PAGES, MmNonCached, 0, 256, NUMA_TYPE_UC,
	  "MmAllocatePartitionNodePagesForMdlEx(NULL partition, 1 MiB, MmNonCached): on the node, uncached in the direct map and MmGetSystemAddressForMdlSafe" },
	{ NUMA_NODE_PAGES, MmWriteCombined, 0, 256, NUMA_TYPE_WC,
	  "MmAllocateNodePagesForMdlEx(1 MiB, MmWriteCombined): on the node, write-combined in both mappings" },
	{ NUMA_CONTIGUOUS_NODE, PAGE_READWRITE, 0, 16, NUMA_TYPE_WB,
	  "MmAllocateContiguousNodeMemory(64 KiB, PAGE_READWRITE): pages in a row on the node, write-back" },
	{ NUMA_CONTIGUOUS_NODE, PAGE_READWRITE | PAGE_NOCACHE, 0, 16, NUMA_TYPE_UC,
	  "MmAllocateContiguousNodeMemory(64 KiB, PAGE_READWRITE | PAGE_NOCACHE): in a row on the node, uncached" },
	{ NUMA_CONTIGUOUS_CACHE_NODE, MmWriteCombined, 0, 256, NUMA_TYPE_WC,
	  "MmAllocateContiguousMemorySpecifyCacheNode(1 MiB, MmWriteCombined): in a row on the node, write-combined" },
	{ NUMA_CONTIGUOUS_CACHE_NODE, MmCached, 0, 2, NUMA_TYPE_WB,
	  "MmAllocateContiguousMemorySpecifyCacheNode(8 KiB, MmCached): in a row on the node" },
};

#define NODE_CASES	(sizeof(node_table) / sizeof(node_table[0]))

static void node_cases(int k)
{
	int node = k < n_mem_nodes ? mem_nodes[k] : k;
	const struct node_case *c;
	struct numa_alloc r;
	unsigned int i;
	int ok;

	for (i = 0; i < NODE_CASES; i++) {
		c = &node_table[i];
		if (k >= n_mem_nodes) {
			tap_skip("node %d: the guest has %d memory node(s) (a kernel without CONFIG_NUMA, or QEMU without -numa)",
				 node, n_mem_nodes);
			continue;
		}
		r = request(c->routine, node, c->cache, (uint64_t)c->pages * 4096);
		r.flags = c->flags;
		ok = on_node(&r, node, c->type, c->pages);
		tap_ok(ok, "node %d, from a cpu of node %u: %s; write-back once freed",
		       node, r.cpu_node, c->what);
	}
}

/* MM_ANY_NODE_OK from each of the first two CPUs: that CPU's node. */
static void any_node_cases(void)
{
	struct numa_alloc r;
	int cpu, ok;

	for (cpu = 0; cpu < 2; cpu++) {
		if (cpu >= n_cpus || cpu_node[cpu] < 0 || pin(cpu)) {
			tap_skip("MM_ANY_NODE_OK from cpu %d: the guest has %d cpu(s)", cpu, n_cpus);
			tap_skip("MM_ANY_NODE_OK from cpu %d: the guest has %d cpu(s)", cpu, n_cpus);
			continue;
		}
		r = request(NUMA_NODE_PAGES, MM_ANY_NODE_OK, MmCached, MIB);
		ok = !call(&r) && (int)r.cpu_node == cpu_node[cpu] &&
		     got(&r, cpu_node[cpu], NUMA_TYPE_WB, 256);
		tap_ok(ok, "MmAllocateNodePagesForMdlEx(MM_ANY_NODE_OK) on cpu %d: every PFN on its node %d",
		       cpu, cpu_node[cpu]);
		r = request(NUMA_CONTIGUOUS_CACHE_NODE, MM_ANY_NODE_OK, MmNonCached, 64 * 1024);
		ok = !call(&r) && got(&r, cpu_node[cpu], NUMA_TYPE_UC, 16);
		tap_ok(ok, "MmAllocateContiguousMemorySpecifyCacheNode(MM_ANY_NODE_OK, MmNonCached) on cpu %d: on its node %d, uncached",
		       cpu, cpu_node[cpu]);
	}
}

/*
 * The second node starts at half the guest's memory: it has nothing below
 * 16 MiB (ZONE_DMA). Asked for memory there, the routines fall back to
 * another node, unless the pages must come from the ideal node.
 */
static void fallback_cases(void)
{
	struct numa_alloc r;
	int node, ok;

	if (n_mem_nodes < 2) {
		for (ok = 0; ok < 3; ok++)
			tap_skip("fallback from a node without memory in the range: the guest has %d memory node(s)",
				 n_mem_nodes);
		return;
	}
	node = mem_nodes[1];
	r = request(NUMA_NODE_PAGES, node, MmCached, 64 * 1024);
	r.high = 16 * MIB - 1;
	ok = !pin(cpu_off(-1)) && !call(&r) && r.allocated && r.pages == 16 &&
	     r.in_range == 16 && r.on_node[node] == 0 && r.data_ok;
	if (!ok)
		describe(&r);
	tap_ok(ok, "MmAllocateNodePagesForMdlEx(ideal node %d, below 16 MiB): the pages come from another node (fallback)",
	       node);
	r.flags = MM_ALLOCATE_FROM_LOCAL_NODE_ONLY;
	ok = !call(&r) && !r.allocated;
	if (!ok)
		describe(&r);
	tap_ok(ok, "... with MM_ALLOCATE_FROM_LOCAL_NODE_ONLY: NULL (node %d has no memory there)",
	       node);
	r = request(NUMA_CONTIGUOUS_NODE, node, PAGE_READWRITE | PAGE_NOCACHE, 16384);
	r.high = 16 * MIB - 1;
	ok = !call(&r) && r.allocated && r.pages == 4 && r.in_range == 4 &&
	     r.on_node[node] == 0 && r.contiguous && r.data_ok &&
	     r.direct_type[NUMA_TYPE_UC] == 4 && r.freed_type[NUMA_TYPE_WB] == 4;
	if (!ok)
		describe(&r);
	tap_ok(ok, "MmAllocateContiguousNodeMemory(preferred node %d, below 16 MiB, PAGE_NOCACHE): another node's pages, uncached",
	       node);
}

/* Nodes that do not exist, partitions and executable memory: NULL. */
static void refused_cases(void)
{
	static const unsigned int caches[] = {
		MmCached, MmCached, PAGE_READWRITE, MmCached,
	};
	unsigned int routine, bad[] = { 7, 2, 0x7fffffff }, i;
	struct numa_alloc r;
	int ok;

	for (routine = 0; routine < 4; routine++) {
		ok = 1;
		for (i = 0; i < 3; i++) {
			if (bad[i] < NUMA_MAX_NODES && bad[i] < (unsigned int)n_mem_nodes)
				continue;	/* node 2 where it exists */
			r = request(routine, bad[i], caches[routine], 65536);
			if (call(&r) || r.allocated) {
				describe(&r);
				ok = 0;
			}
		}
		tap_ok(ok, "%s: nodes 7, 2 and 0x7fffffff (absent) give NULL",
		       routine_names[routine]);
	}
	r = request(NUMA_PARTITION_NODE_PAGES, 0, MmCached, 65536);
	r.partition = 1;
	ok = !call(&r) && !r.allocated;
	tap_ok(ok, "MmAllocatePartitionNodePagesForMdlEx with a partition object: NULL");
	r = request(NUMA_CONTIGUOUS_NODE, 0, PAGE_EXECUTE_READWRITE, 65536);
	ok = !call(&r) && !r.allocated;
	tap_ok(ok, "MmAllocateContiguousNodeMemory(PAGE_EXECUTE_READWRITE): NULL");
}

/*
 * Free pages of a node (-1: unknown): its zones' free pages and the pages
 * the per-CPU lists hold, which freed pages reach first.
 */
static long node_free_pages(int node)
{
	long n, total = -1;
	char line[256];
	int cur = -1;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Node %d,", &cur) == 1)
			continue;
		if (cur != node)
			continue;
		if (sscanf(line, " pages free %ld", &n) == 1 ||
		    sscanf(line, " count: %ld", &n) == 1)
			total = (total < 0 ? 0 : total) + n;
	}
	fclose(f);
	return total;
}

/* Round @i of an allocation on @node: MDLs of 4 MiB, blocks of 1 MiB. */
static int node_round(int node, int i)
{
	struct numa_alloc r;
	int ok;

	r = request(i & 1 ? NUMA_CONTIGUOUS_CACHE_NODE : NUMA_NODE_PAGES, node,
		    i & 2 ? MmNonCached : MmCached, i & 1 ? MIB : 4 * MIB);
	r.flags = i & 1 ? 0 : MM_ALLOCATE_FROM_LOCAL_NODE_ONLY;
	ok = !call(&r) && r.allocated && r.on_node[node] == r.pages &&
	     r.pages == (i & 1 ? 256u : 1024u) && r.freed_type[NUMA_TYPE_WB] == r.pages;
	if (!ok)
		describe(&r);
	return ok;
}

/*
 * 32 allocations on each node, 80 MiB in all, after one round of each kind
 * (which may leave page tables of split direct-map pages behind): the
 * node's free pages come back.
 */
static void freed_cases(void)
{
	long before, after;
	int k, i, node, ok;

	for (k = 0; k < 2; k++) {
		if (k >= n_mem_nodes) {
			tap_skip("node %d given back its memory: the guest has %d memory node(s)",
				 k, n_mem_nodes);
			continue;
		}
		node = mem_nodes[k];
		pin(cpu_off(node));
		ok = 1;
		for (i = 0; i < 4 && ok; i++)
			ok = node_round(node, i);
		before = node_free_pages(node);
		ok = ok && before > 0;
		for (i = 0; i < 32 && ok; i++)
			ok = node_round(node, i);
		after = node_free_pages(node);
		tap_ok(ok && after > 0 && before - after < 256,
		       "node %d: 16 MDLs of 4 MiB and 16 contiguous blocks of 1 MiB freed: free pages %ld -> %ld",
		       node, before, after);
	}
}

/* /sys/kernel/debug/mdl/stats as one string. */
static int read_stats(char *buf, size_t len)
{
	int fd = open("/sys/kernel/debug/mdl/stats", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

int main(void)
{
	char stats0[1024], stats1[1024];
	int have_stats, nodes, k;

	tap_plan(2 + 2 * NODE_CASES + 4 + 3 + 6 + 3);
	read_topology();
	dev = open("/dev/wdm_numa", O_RDWR);
	if (dev < 0) {
		tap_ok(0, "open /dev/wdm_numa: %s", strerror(errno));
		return tap_exit();
	}
	tap_ok(1, "open /dev/wdm_numa");
	have_stats = !read_stats(stats0, sizeof(stats0));
	/* vmtest's QEMU says on the kernel command line how many nodes it made. */
	nodes = getenv("mdlnodes") ? atoi(getenv("mdlnodes")) : 0;
	if (n_mem_nodes >= 2 && n_cpus >= 2 && cpu_node[0] != cpu_node[1])
		tap_ok(1, "the guest has %d memory nodes, cpu 0 on node %d, cpu 1 on node %d",
		       n_mem_nodes, cpu_node[0], cpu_node[1]);
	else if (nodes >= 2)
		tap_ok(0, "QEMU made %d nodes, one cpu each; the kernel sees %d memory node(s), cpu 0 on node %d, cpu 1 on node %d",
		       nodes, n_mem_nodes, cpu_node[0], cpu_node[1]);
	else
		tap_skip("the guest has %d memory node(s) and %d cpu(s): the node cases need two of each (CONFIG_NUMA and QEMU -numa)",
			 n_mem_nodes, n_cpus);
	for (k = 0; k < 2; k++)
		node_cases(k);
	any_node_cases();
	fallback_cases();
	refused_cases();
	freed_cases();
	if (!have_stats) {
		tap_skip("mdl's debugfs counters: /sys/kernel/debug/mdl/stats not readable");
	} else {
		k = !read_stats(stats1, sizeof(stats1)) && !strcmp(stats0, stats1);
		tap_ok(k, "mdl's debugfs counters unchanged by all the allocations");
		if (!k)
			printf("# before:\n%s# after:\n%s", stats0, stats1);
	}
	close(dev);
	return tap_exit();
}
