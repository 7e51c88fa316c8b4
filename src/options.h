#ifndef MODELAUDIT_OPTIONS_H
#define MODELAUDIT_OPTIONS_H

#include <stdio.h>

/*
 * Command-line parsing driven by one table per command; the same table
 * prints --help, so the two cannot drift apart.
 */

enum option_type {
	OPTION_FLAG,		/* --name: sets *(int *)value to 1 */
	OPTION_STRING,		/* --name <arg>: sets *(const char **)value */
	OPTION_STRING_LIST,	/* repeatable: appends to a struct string_list */
	OPTION_END
};

struct string_list {
	const char **items;
	size_t nr;
	size_t alloc;
};

struct option {
	enum option_type type;
	const char *name;	/* long name without the dashes */
	const char *arg;	/* argument name for --help, e.g. "<file>" */
	void *value;
	const char *help;
};

#define OPT_FLAG(n, v, h)		{ OPTION_FLAG, (n), NULL, (v), (h) }
#define OPT_STRING(n, a, v, h)		{ OPTION_STRING, (n), (a), (v), (h) }
#define OPT_STRING_LIST(n, a, v, h)	{ OPTION_STRING_LIST, (n), (a), (v), (h) }
#define OPT_END()			{ OPTION_END, NULL, NULL, NULL, NULL }

/*
 * The options every command takes. Commands put COMMON_OPTIONS(&common)
 * in their table and call common_options_finish() after parsing.
 */
struct common_options {
	const char *config;
	struct string_list rules;
	const char *format;
	const char *fail_on;
	const char *color;
	int quiet;
	int verbose;
	int help;
	/* Resolved by common_options_finish(): */
	int fail_on_severity;	/* enum severity; 4 means never */
	int use_color;
};

/* formats: the command's output formats, as "text or json". */
#define COMMON_OPTIONS(c, formats) \
	OPT_STRING("config", "<file>", &(c)->config, "read the configuration from <file>"), \
	OPT_STRING_LIST("rules", "<dir>", &(c)->rules, "load extra rule files from <dir> (repeatable)"), \
	OPT_STRING("format", "<fmt>", &(c)->format, "output format: " formats), \
	OPT_STRING("fail-on", "<severity>", &(c)->fail_on, "exit 1 on findings at or above error|warning|note, or never (default error)"), \
	OPT_STRING("color", "<when>", &(c)->color, "colour the output: auto, always or never (honours NO_COLOR)"), \
	OPT_FLAG("quiet", &(c)->quiet, "print findings only, no summary"), \
	OPT_FLAG("verbose", &(c)->verbose, "print what is read and checked on standard error"), \
	OPT_FLAG("help", &(c)->help, "print this help and exit")

/*
 * Parses argv (argv[0] is the command name) against options. Arguments that
 * are not options go to args. "--" ends the options. Returns 0, or -1 after
 * printing "modelaudit: error: ..." for an unknown option or a missing
 * argument (the caller exits 2).
 */
int options_parse(int argc, char **argv, const struct option *options,
		  struct string_list *args);

/* A --help text that replaces the usual one of a common option on one command. */
struct option_help {
	const char *name;
	const char *help;
};

/*
 * Replaces the --help text of each option that help names, for a command
 * on which common options do not do what their usual text describes. The
 * list ends with an entry whose name is NULL.
 */
void options_set_help(struct option *options, const struct option_help *help);

/* Prints usage (one or more lines) and the option table. */
void options_print_help(FILE *out, const char *usage,
			const struct option *options);

/*
 * Validates --fail-on and --color against the allowed words and resolves
 * them; formats must list the allowed --format values, the first being the
 * default. Returns 0, or -1 after printing an error (exit 2).
 */
int common_options_finish(struct common_options *c,
			  const char *const *formats, FILE *out);

void string_list_append(struct string_list *list, const char *s);
void string_list_release(struct string_list *list);

#endif
