// SPDX-License-Identifier: GPL-2.0
/*
 * mdlctl share: two processes, one set of physical pages.
 *
 * The writer locks a buffer of its own (or allocates kernel pages with
 * --kernel), writes a message into it and sends the MDL fd over a unix
 * socket (SCM_RIGHTS). The reader maps the fd, prints what it reads and
 * writes a reply into the second half, which the writer then sees in its
 * own memory. Both print their PFNs when privileged: they are the same.
 *
 * Without --serve/--connect, mdlctl forks: parent writer, child reader.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mdlctl.h"

struct share_opts {
	uint64_t size;
	bool kernel;
	const char *message;
	const char *serve;
	const char *connect;
};

/* What one side holds: the MDL fd and where its bytes are in this process. */
struct side {
	int fd;
	char *data;
	size_t len;
	char prefix[48];
};

static int take_share(void *arg, int opt, const char *val)
{
	struct share_opts *o = arg;

	switch (opt) {
	case 's':
		return parse_size(val, &o->size) || o->size < 256 ? -1 : 1;
	case 'k':
		o->kernel = true;
		return 1;
	case 'm':
		o->message = val;
		return 1;
	case 'S':
		o->serve = val;
		return 1;
	case 'C':
		o->connect = val;
		return 1;
	}
	return 0;
}

static const struct option share_options[] = {
	{ "size", required_argument, NULL, 's' },
	{ "kernel", no_argument, NULL, 'k' },
	{ "message", required_argument, NULL, 'm' },
	{ "serve", required_argument, NULL, 'S' },
	{ "connect", required_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 },
};

static void side_init(struct ctx *c, struct side *s, const char *role)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	snprintf(s->prefix, sizeof(s->prefix), "[%s pid %d] ", role, (int)getpid());
	c->out.prefix = s->prefix;
}

/* PFNs of the whole MDL, or a note saying why they are hidden. */
static int side_pfns(struct ctx *c, const struct side *s)
{
	struct mdl_info info;
	int ret = mdl_query(s->fd, &info);

	if (ret)
		return out_fail(&c->out, OP_QUERY, ret);
	ret = print_pfns(c, s->fd, 0, info.page_count);
	if (ret == -EPERM) {
		out_str(&c->out, "pfns", "hidden (needs CAP_SYS_ADMIN: run as root to compare)");
		ret = 0;
	}
	return ret ? out_fail(&c->out, OP_PFNS, ret) : 0;
}

/* Map the MDL read-write: data points at the buffer's first byte. */
static int side_map(struct ctx *c, struct side *s)
{
	struct mdl_mapping m;
	int ret = mdl_map(s->fd, PROT_READ | PROT_WRITE, &m);

	if (ret)
		return out_fail(&c->out, OP_MMAP, ret);
	s->data = m.data;
	s->len = m.byte_count;
	return 0;
}

/* The writer's MDL: a locked buffer of its own, or new kernel pages. */
static int writer_make(struct ctx *c, const struct share_opts *o, struct side *s)
{
	struct source src;
	void *buf;

	source_init(&src);
	src.size = o->size;
	src.kernel = o->kernel;
	s->fd = source_make(c, &src, &buf);
	if (s->fd < 0)
		return -s->fd;
	if (!o->kernel) {
		s->data = buf;
		s->len = (size_t)o->size;
		return 0;
	}
	return side_map(c, s);
}

/* Make the MDL, write the message, print what the writer holds. */
static int writer_begin(struct ctx *c, const struct share_opts *o, struct side *s)
{
	int ret;

	side_init(c, s, "writer");
	ret = writer_make(c, o, s);
	if (ret)
		return ret;
	snprintf(s->data, s->len / 2, "%s", o->message);
	out_begin(&c->out);
	out_str(&c->out, "role", "writer");
	out_u64(&c->out, "pid", (uint64_t)getpid());
	out_str(&c->out, "memory", o->kernel ? "kernel pages (MDL_IOC_ALLOC_PAGES), mapped here"
					     : "own buffer, locked (MDL_IOC_LOCK_USER)");
	out_hex(&c->out, "address", (uintptr_t)s->data);
	out_u64(&c->out, "bytes", s->len);
	ret = side_pfns(c, s);
	if (!ret)
		out_str(&c->out, "wrote", s->data);
	return ret;
}

/* Send the fd, wait for the reader, show its reply from our own memory. */
static int writer_finish(struct ctx *c, struct side *s, int sock)
{
	char byte;
	int ret = mdl_send_fd(sock, s->fd);

	if (ret)
		return out_fail(&c->out, OP_SOCKET, ret);
	out_note(&c->out, "sent the MDL fd over the unix socket (SCM_RIGHTS); waiting for the reader");
	if (read(sock, &byte, 1) != 1)
		return out_fail(&c->out, OP_SOCKET, ECONNRESET);
	out_str(&c->out, "reply_seen", s->data + s->len / 2);
	out_end(&c->out);
	return 0;
}

static int reader(struct ctx *c, const struct share_opts *o, int sock)
{
	char pread_buf[256] = "";
	struct side s;
	int ret;

	side_init(c, &s, "reader");
	s.fd = mdl_recv_fd(sock);
	if (s.fd < 0)
		return out_fail(&c->out, OP_SOCKET, s.fd);
	ret = side_map(c, &s);
	if (ret)
		return ret;
	out_begin(&c->out);
	out_str(&c->out, "role", "reader");
	out_u64(&c->out, "pid", (uint64_t)getpid());
	out_u64(&c->out, "received_fd", (uint64_t)s.fd);
	out_hex(&c->out, "mapped_at", (uintptr_t)s.data);
	ret = side_pfns(c, &s);
	if (ret)
		return ret;
	out_str(&c->out, "read", s.data);
	if (o->kernel && pread(s.fd, pread_buf, sizeof(pread_buf) - 1, 0) >= 0)
		out_str(&c->out, "pread", pread_buf);
	snprintf(s.data + s.len / 2, s.len / 2, "reply from reader pid %d",
		 (int)getpid());
	out_str(&c->out, "replied", s.data + s.len / 2);
	out_end(&c->out);
	if (write(sock, "r", 1) != 1)
		return out_fail(&c->out, OP_SOCKET, errno);
	return 0;
}

static int unix_address(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	strcpy(a->sun_path, path);
	return 0;
}

static int serve(struct ctx *c, const struct share_opts *o)
{
	struct sockaddr_un a;
	struct side s;
	int ls, conn, ret;

	ret = unix_address(o->serve, &a);
	if (ret)
		return out_fail(&c->out, OP_SOCKET, ret);
	ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(o->serve);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1))
		return out_fail(&c->out, OP_SOCKET, errno);
	ret = writer_begin(c, o, &s);
	if (ret)
		return ret;
	out_note(&c->out, "waiting for a reader on %s", o->serve);
	conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		return out_fail(&c->out, OP_SOCKET, errno);
	ret = writer_finish(c, &s, conn);
	unlink(o->serve);
	return ret;
}

/* Connect, waiting up to 5 s for the writer to listen. */
static int connect_to(struct ctx *c, const struct share_opts *o)
{
	const struct timespec tick = { 0, 50 * 1000 * 1000 };
	struct sockaddr_un a;
	int s, i, ret = unix_address(o->connect, &a);

	if (ret)
		return out_fail(&c->out, OP_SOCKET, ret);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return out_fail(&c->out, OP_SOCKET, errno);
	for (i = 0; connect(s, (struct sockaddr *)&a, sizeof(a)); i++) {
		if ((errno != ENOENT && errno != ECONNREFUSED) || i == 100)
			return out_fail(&c->out, OP_SOCKET, errno);
		nanosleep(&tick, NULL);
	}
	return reader(c, o, s);
}

static int fork_both(struct ctx *c, const struct share_opts *o)
{
	struct side s;
	int sv[2], status, ret;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return out_fail(&c->out, OP_SOCKET, errno);
	fflush(NULL);
	child = fork();
	if (child < 0)
		return out_fail(&c->out, OP_SOCKET, errno);
	if (child == 0) {
		close(sv[0]);
		exit(reader(c, o, sv[1]));
	}
	close(sv[1]);
	ret = writer_begin(c, o, &s);
	if (!ret)
		ret = writer_finish(c, &s, sv[0]);
	close(sv[0]);
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status))
		return ret ? ret : 1;
	return ret ? ret : WEXITSTATUS(status);
}

static int run_share(struct ctx *c, int argc, char **argv)
{
	char message[128];
	struct share_opts o = { .size = 16 << 10 };
	int ret = parse_common(c, &cmd_share, argc, argv, share_options,
			       take_share, &o);

	if (ret >= 0)
		return ret;
	if (o.serve && o.connect) {
		fprintf(stderr, "mdlctl share: --serve and --connect exclude each other\n");
		return usage(&cmd_share, true);
	}
	snprintf(message, sizeof(message), "hello from writer pid %d", (int)getpid());
	if (!o.message)
		o.message = message;
	if (o.serve)
		return serve(c, &o);
	if (o.connect)
		return connect_to(c, &o);
	return fork_both(c, &o);
}

const struct command cmd_share = {
	"share",
	"two processes share one MDL's pages over a unix socket (SCM_RIGHTS)",
	"  --size N         bytes to share (default 16K, at least 256)\n"
	"  --kernel         share new kernel pages instead of the writer's buffer\n"
	"  --message TEXT   what the writer writes (default: hello from writer pid N)\n"
	"  --serve PATH     be the writer only, listening on unix socket PATH\n"
	"  --connect PATH   be the reader only, connecting to PATH\n",
	run_share,
};
