#include <stdio.h>
#include <string.h>

#include "commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{ "check", cmd_check, "check [<path>...] [--staged | --rev <rev>]",
	  "audit the registry" },
	{ "diff", cmd_diff, "diff [<since> | <a>..<b> | --root [<rev>]] [--first-parent] [--net] [--staged]",
	  "per-commit semantic diff with findings" },
	{ "blame", cmd_blame, "blame <model-id> [<benchmark>]",
	  "provenance trail of scores" },
	{ "links", cmd_links, "links [<path>...]",
	  "link-rot scan of every source URL" },
	{ "rules", cmd_rules, "rules",
	  "list every rule: id, default severity, summary" },
	{ "install-hook", cmd_install_hook, "install-hook [--force]",
	  "install the git pre-commit hook" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: modelaudit <command> [<options>]\n\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "    modelaudit %s\n        %s\n", commands[i].usage, commands[i].summary);
	fprintf(out, "    modelaudit --help | help <command> | --version\n\n");
	fprintf(out, "Options of every command: --config <file>, --rules <dir>, --format <fmt>,\n"
		"--fail-on error|warning|note|never, --color auto|always|never, --quiet, --verbose.\n"
		"'modelaudit help <command>' describes one command; man modelaudit describes all\n"
		"(in the source tree: man -l man/modelaudit.1).\n");
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("modelaudit %s\n", MODELAUDIT_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		char *help_argv[3];

		if (argc < 3) {
			print_usage(stdout);
			return EXIT_OK;
		}
		cmd = find_command(argv[2]);
		if (!cmd) {
			fprintf(stderr, "modelaudit: error: unknown command '%s' (see 'modelaudit --help')\n", argv[2]);
			return EXIT_USAGE;
		}
		help_argv[0] = argv[2];
		help_argv[1] = "--help";
		help_argv[2] = NULL;
		return cmd->run(2, help_argv);
	}

	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "modelaudit: error: unknown command '%s' (see 'modelaudit --help')\n", argv[1]);
		return EXIT_USAGE;
	}
	return cmd->run(argc - 1, argv + 1);
}
