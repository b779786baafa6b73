// SPDX-License-Identifier: GPL-2.0
/*
 * mdlctl: look at and use /dev/mdl from a shell.
 *
 *   mdlctl [--json] [--device PATH] COMMAND [OPTIONS]
 *   mdlctl COMMAND --help
 *   mdlctl --version
 *
 * Exit status: 0 done, 1 the operation failed (the message says why and
 * what to do), 2 usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdlctl.h"

static const struct command *const commands[] = {
	&cmd_info, &cmd_lock, &cmd_alloc, &cmd_query, &cmd_pfns,
	&cmd_translate, &cmd_share, &cmd_map_io, &cmd_stats,
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void main_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: mdlctl [--json] [--device PATH] COMMAND [OPTIONS]\n"
		   "       mdlctl COMMAND --help\n"
		   "       mdlctl --version\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\noptions of every command:\n"
		   "  --json           one JSON object per line instead of text\n"
		   "  --help           the command's options\n"
		   "\nexit status: 0 done, 1 failed (with the reason), 2 usage error\n");
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* Global options before the command; returns the command's index or -1. */
static int parse_global(struct ctx *c, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			c->out.json = true;
		} else if (!strcmp(argv[i], "--device") && i + 1 < argc) {
			c->device = argv[++i];
		} else if (!strncmp(argv[i], "--device=", 9) && argv[i][9]) {
			c->device = argv[i] + 9;
		} else if (!strcmp(argv[i], "--version")) {
			uint32_t major, minor;
			const char *lib = mdl_lib_version(&major, &minor);

			printf("mdlctl %s\nlibmdl %s, ABI %u.%u\n",
			       MDLCTL_VERSION, lib, major, minor);
			exit(0);
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			main_usage(stdout);
			exit(0);
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "mdlctl: unknown option %s\n", argv[i]);
			return -1;
		} else {
			return i;
		}
	}
	fprintf(stderr, "mdlctl: no command given\n");
	return -1;
}

int main(int argc, char **argv)
{
	struct ctx c = { .device = LIBMDL_DEVICE };
	const struct command *cmd;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	i = parse_global(&c, argc, argv);
	if (i < 0) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[i]);
	if (!cmd) {
		fprintf(stderr, "mdlctl: unknown command '%s'\n", argv[i]);
		main_usage(stderr);
		return EXIT_USAGE;
	}
	return cmd->run(&c, argc - i, argv + i);
}
