#include "options.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "buf.h"
#include "report.h"
#include "rules.h"
#include "textutil.h"

void string_list_append(struct string_list *list, const char *s)
{
	XGROW(list->items, list->alloc, list->nr + 1);
	list->items[list->nr++] = s;
}

void string_list_release(struct string_list *list)
{
	free(list->items);
	list->items = NULL;
	list->nr = 0;
	list->alloc = 0;
}

static const struct option *find_option(const struct option *options,
					const char *name, size_t len)
{
	const struct option *o;

	for (o = options; o->type != OPTION_END; o++) {
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			return o;
	}
	return NULL;
}

/* Prints the error for an unknown long option, suggesting the nearest one. */
static void report_unknown_option(const struct option *options, const char *name,
				  size_t len, const char *command)
{
	const char *names[64];
	const struct option *o;
	const char *suggestion;
	char *typed = xstrndup(name, len);
	size_t n = 0;

	for (o = options; o->type != OPTION_END && n < 64; o++)
		names[n++] = o->name;
	suggestion = nearest_word(typed, names, n);
	if (suggestion)
		report_error("unknown option '--%s' (did you mean '--%s'?)", typed, suggestion);
	else
		report_error("unknown option '--%s' (see 'modelaudit %s --help')", typed, command);
	free(typed);
}

int options_parse(int argc, char **argv, const struct option *options,
		  struct string_list *args)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *name, *eq, *value = NULL;
		const struct option *o;
		size_t len;

		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				string_list_append(args, argv[i]);
			break;
		}
		if (!strcmp(a, "-h")) {
			a = "--help";
		}
		if (strncmp(a, "--", 2) || !a[2]) {
			if (a[0] == '-' && a[1]) {
				report_error("unknown option '%s' (see 'modelaudit %s --help')", a, argv[0]);
				return -1;
			}
			string_list_append(args, a);
			continue;
		}
		name = a + 2;
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = find_option(options, name, len);
		if (!o) {
			report_unknown_option(options, name, len, argv[0]);
			return -1;
		}
		if (o->type == OPTION_FLAG) {
			if (eq) {
				fprintf(stderr, "modelaudit: error: option '--%s' takes no value\n", o->name);
				return -1;
			}
			*(int *)o->value = 1;
			continue;
		}
		if (eq) {
			value = eq + 1;
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else {
			fprintf(stderr, "modelaudit: error: option '--%s' requires a value %s\n",
				o->name, o->arg ? o->arg : "");
			return -1;
		}
		if (o->type == OPTION_STRING)
			*(const char **)o->value = value;
		else
			string_list_append(o->value, value);
	}
	return 0;
}

void options_set_help(struct option *options, const struct option_help *help)
{
	size_t i, k;

	for (k = 0; help[k].name; k++)
		for (i = 0; options[i].type != OPTION_END; i++)
			if (!strcmp(options[i].name, help[k].name))
				options[i].help = help[k].help;
}

void options_print_help(FILE *out, const char *usage,
			const struct option *options)
{
	const struct option *o;

	fprintf(out, "%s\n\n", usage);
	for (o = options; o->type != OPTION_END; o++) {
		char left[64];

		if (o->arg)
			snprintf(left, sizeof(left), "--%s %s", o->name, o->arg);
		else
			snprintf(left, sizeof(left), "--%s", o->name);
		fprintf(out, "    %-26s %s\n", left, o->help);
	}
}

int common_options_finish(struct common_options *c,
			  const char *const *formats, FILE *out)
{
	size_t i;

	(void)out;
	if (!c->format) {
		c->format = formats[0];
	} else {
		for (i = 0; formats[i]; i++)
			if (!strcmp(formats[i], c->format))
				break;
		if (!formats[i]) {
			struct buf expected = BUF_INIT;

			for (i = 0; formats[i]; i++)
				buf_addf(&expected, "%s%s", i ? ", " : "", formats[i]);
			report_error("unknown format '%s' (expected %s)", c->format, expected.ptr);
			buf_release(&expected);
			return -1;
		}
	}

	if (!c->fail_on || !strcmp(c->fail_on, "error")) {
		c->fail_on_severity = SEVERITY_ERROR;
	} else if (!strcmp(c->fail_on, "warning")) {
		c->fail_on_severity = SEVERITY_WARNING;
	} else if (!strcmp(c->fail_on, "note")) {
		c->fail_on_severity = SEVERITY_NOTE;
	} else if (!strcmp(c->fail_on, "never")) {
		c->fail_on_severity = SEVERITY_ERROR + 1;
	} else {
		report_error("invalid --fail-on value '%s' (expected error, warning, note or never)",
			     c->fail_on);
		return -1;
	}

	if (!c->color || !strcmp(c->color, "auto")) {
		const char *no_color = getenv("NO_COLOR");

		c->use_color = isatty(STDOUT_FILENO) && !(no_color && *no_color);
	} else if (!strcmp(c->color, "always")) {
		c->use_color = 1;
	} else if (!strcmp(c->color, "never")) {
		c->use_color = 0;
	} else {
		report_error("invalid --color value '%s' (expected auto, always or never)", c->color);
		return -1;
	}
	return 0;
}
