#include "report_ci.h"

#include "report.h"

/*
 * GitHub Actions reads a line "::error file=...,line=...::message" on a
 * step's output as an annotation. In the message, '%', CR and LF must be
 * written as %25, %0D and %0A; property values also escape ':' and ','.
 */

static const char *github_command(enum severity s)
{
	switch (s) {
	case SEVERITY_ERROR:
		return "error";
	case SEVERITY_WARNING:
		return "warning";
	case SEVERITY_NOTE:
	case SEVERITY_OFF:
		break;
	}
	return "notice";
}

static void add_escaped(struct buf *out, const char *s, int property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%':
			buf_adds(out, "%25");
			break;
		case '\r':
			buf_adds(out, "%0D");
			break;
		case '\n':
			buf_adds(out, "%0A");
			break;
		case ':':
			buf_adds(out, property ? "%3A" : ":");
			break;
		case ',':
			buf_adds(out, property ? "%2C" : ",");
			break;
		default:
			buf_addch(out, *s);
			break;
		}
	}
}

int report_github(FILE *out, const struct finding_list *findings,
		  const struct report_ci_options *o)
{
	struct buf line = BUF_INIT, path = BUF_INIT, shown = BUF_INIT, message = BUF_INIT;
	size_t i;

	for (i = 0; i < findings->nr; i++) {
		const struct finding *f = &findings->items[i];

		buf_reset(&line);
		buf_reset(&path);
		buf_reset(&shown);
		buf_reset(&message);
		buf_addf(&line, "::%s ", github_command(f->severity));
		if (f->path[0]) {
			report_repo_path(&path, o, f->path);
			report_locator_path(&shown, path.ptr);
			buf_adds(&line, "file=");
			add_escaped(&line, shown.ptr, 1);
			buf_addch(&line, ',');
		}
		if (f->pos.line) {
			buf_addf(&line, "line=%u,", f->pos.line);
			if (f->pos.column)
				buf_addf(&line, "col=%u,", f->pos.column);
		}
		buf_addf(&line, "title=%s::", rule_table[f->rule].id);
		report_sanitize_escaped(&message, f->message);
		add_escaped(&line, message.ptr, 0);
		fprintf(out, "%s\n", line.ptr);
	}
	buf_release(&line);
	buf_release(&path);
	buf_release(&shown);
	buf_release(&message);
	return ferror(out) ? -1 : 0;
}
