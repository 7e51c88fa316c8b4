#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "arena.h"
#include "finding.h"
#include "loader.h"
#include "textutil.h"

#define CONFIG_NAME ".modelaudit.yaml"
#define CONFIG_MAX_SIZE (1024 * 1024)

static const char *const config_keys[] = {
	"registry", "rules", "severity", "baseline", "links"
};
static const char *const link_keys[] = {
	"concurrency", "per_host", "timeout", "retries", "max_age", "fail_after",
	"exclude", "resolve", "database", "archive"
};

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

void config_init(struct config *cfg)
{
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->arena = xcalloc(1, sizeof(*cfg->arena));
	cfg->root = ".";
	for (i = 0; i < RULE_COUNT; i++)
		cfg->severity[i] = rule_table[i].severity;
	cfg->links.concurrency = 16;
	cfg->links.per_host = 2;
	cfg->links.timeout = 20;
	cfg->links.retries = 2;
	cfg->links.max_age = 7;
	cfg->links.fail_after = 2;
	cfg->links.database = ".modelaudit/links.sqlite";
	cfg->links.archive = "https://archive.org/wayback/available";
}

void config_release(struct config *cfg)
{
	string_list_release(&cfg->registry);
	string_list_release(&cfg->rules);
	string_list_release(&cfg->links.exclude);
	string_list_release(&cfg->links.resolve);
	if (cfg->arena) {
		arena_release(cfg->arena);
		free(cfg->arena);
	}
	memset(cfg, 0, sizeof(*cfg));
}

/* Sets err to "path:line:column: ", or "path: " when pos is NULL. */
static void set_location(struct buf *err, const char *path, const struct pos *pos)
{
	buf_reset(err);
	buf_adds_escaped(err, path);
	if (pos)
		buf_addf(err, ":%u:%u", pos->line, pos->column);
	buf_adds(err, ": ");
}

/* Fills err with "path:line:column: message" and returns -1. */
static int config_error(struct buf *err, const char *path, const struct node *at,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int config_error(struct buf *err, const char *path, const struct node *at,
			const char *fmt, ...)
{
	va_list ap;

	set_location(err, path, at ? &at->pos : NULL);
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
	return -1;
}

static int get_string(const char **out, struct config *cfg, const char *path,
		      const struct node *key, const struct node *v, struct buf *err)
{
	if (v->type != NODE_SCALAR || !v->len)
		return config_error(err, path, v, "'%s' must be a non-empty string", key->value);
	*out = arena_strndup(cfg->arena, v->value, v->len);
	return 0;
}

/* A string or a list of strings, appended to list. */
static int get_string_list(struct string_list *list, struct config *cfg, const char *path,
			   const struct node *key, const struct node *v, struct buf *err)
{
	const struct node *item;

	if (v->type == NODE_SCALAR) {
		const char *s = NULL;

		if (get_string(&s, cfg, path, key, v, err) < 0)
			return -1;
		string_list_append(list, s);
		return 0;
	}
	if (v->type != NODE_SEQUENCE)
		return config_error(err, path, v, "'%s' must be a string or a list of strings",
				    key->value);
	for (item = v->child; item; item = item->next) {
		if (item->type != NODE_SCALAR || !item->len)
			return config_error(err, path, item, "'%s' must be a list of non-empty strings",
					    key->value);
		string_list_append(list, arena_strndup(cfg->arena, item->value, item->len));
	}
	return 0;
}

static int get_number(long *out, const char *path, const struct node *key,
		      const struct node *v, long min, struct buf *err)
{
	char *end;
	long n;

	if (v->type != NODE_SCALAR || !v->len)
		return config_error(err, path, v, "'%s' must be a whole number", key->value);
	errno = 0;
	n = strtol(v->value, &end, 10);
	if (errno || *end || end == v->value || n < min || n > 1000000)
		return config_error(err, path, v, "'%s' must be a whole number from %ld to 1000000, not '%s'",
				    key->value, min, v->value);
	*out = n;
	return 0;
}

static int unknown_key(struct buf *err, const char *path, const struct node *k,
		       const char *const *known, size_t nknown, const char *where)
{
	const char *suggestion = nearest_word(k->value, known, nknown);

	if (suggestion)
		return config_error(err, path, k, "unknown key '%s' in %s (did you mean '%s'?)",
				    k->value, where, suggestion);
	return config_error(err, path, k, "unknown key '%s' in %s", k->value, where);
}

static int parse_severity(struct config *cfg, const char *path, const struct node *map,
			  struct buf *err)
{
	const struct node *k;

	if (map->type != NODE_MAPPING)
		return config_error(err, path, map, "'severity' must be a mapping of rule ids to error, warning, note or off");
	for (k = map->child; k && k->next; k = k->next->next) {
		const struct node *v = k->next;
		int rule, severity;

		if (k->type != NODE_SCALAR)
			return config_error(err, path, k, "'severity' keys must be rule ids");
		rule = rule_lookup(k->value);
		if (rule < 0) {
			const char *ids[RULE_COUNT];
			const char *suggestion;
			int i;

			for (i = 0; i < RULE_COUNT; i++)
				ids[i] = rule_table[i].id;
			suggestion = nearest_word(k->value, ids, RULE_COUNT);
			if (suggestion)
				return config_error(err, path, k, "unknown rule '%s' (did you mean '%s'?)",
						    k->value, suggestion);
			return config_error(err, path, k, "unknown rule '%s' (see 'modelaudit rules')",
					    k->value);
		}
		severity = v->type == NODE_SCALAR ? severity_parse(v->value) : -1;
		if (severity < 0)
			return config_error(err, path, v, "severity of '%s' must be error, warning, note or off",
					    k->value);
		if (severity == SEVERITY_OFF && (rule_table[rule].flags & RULE_MANDATORY))
			return config_error(err, path, v, "rule '%s' cannot be switched off",
					    k->value);
		cfg->severity[rule] = (enum severity)severity;
	}
	return 0;
}

static int parse_links(struct config *cfg, const char *path, const struct node *map,
		       struct buf *err)
{
	struct link_settings *l = &cfg->links;
	const struct node *k;

	if (map->type != NODE_MAPPING)
		return config_error(err, path, map, "'links' must be a mapping");
	for (k = map->child; k && k->next; k = k->next->next) {
		const struct node *v = k->next;
		const char *key = k->value;
		int ret;

		if (k->type != NODE_SCALAR)
			return config_error(err, path, k, "'links' keys must be strings");
		if (!strcmp(key, "concurrency"))
			ret = get_number(&l->concurrency, path, k, v, 1, err);
		else if (!strcmp(key, "per_host"))
			ret = get_number(&l->per_host, path, k, v, 1, err);
		else if (!strcmp(key, "timeout"))
			ret = get_number(&l->timeout, path, k, v, 1, err);
		else if (!strcmp(key, "retries"))
			ret = get_number(&l->retries, path, k, v, 0, err);
		else if (!strcmp(key, "max_age"))
			ret = get_number(&l->max_age, path, k, v, 0, err);
		else if (!strcmp(key, "fail_after"))
			ret = get_number(&l->fail_after, path, k, v, 1, err);
		else if (!strcmp(key, "exclude"))
			ret = get_string_list(&l->exclude, cfg, path, k, v, err);
		else if (!strcmp(key, "resolve"))
			ret = get_string_list(&l->resolve, cfg, path, k, v, err);
		else if (!strcmp(key, "database"))
			ret = get_string(&l->database, cfg, path, k, v, err);
		else if (!strcmp(key, "archive"))
			ret = get_string(&l->archive, cfg, path, k, v, err);
		else
			ret = unknown_key(err, path, k, link_keys, COUNT_OF(link_keys), "'links'");
		if (ret < 0)
			return -1;
	}
	return 0;
}

int config_parse(struct config *cfg, const char *path, const char *text,
		 size_t len, struct buf *err)
{
	struct finding_list problems = FINDING_LIST_INIT;
	struct loader_options options = { .kind = "a configuration file" };
	struct loaded_file file;
	const struct node *root, *k;
	int ret = -1;

	cfg->path = arena_strdup(cfg->arena, path);
	loader_parse(&file, path, text, len, &options, &problems);
	/* An empty or comment-only file has no document and leaves the defaults. */
	if (problems.nr == 1 && problems.items[0].rule == RULE_YAML_MULTIPLE_DOCUMENTS &&
	    !strncmp(problems.items[0].message, "file holds no", 13)) {
		ret = 0;
		goto done;
	}
	if (problems.nr) {
		const struct finding *f = &problems.items[0];

		set_location(err, path, &f->pos);
		buf_adds(err, f->message);
		goto done;
	}
	root = file.root;
	/* A document of only "~" or nothing is the defaults too. */
	if (!root || (root->type == NODE_SCALAR && !root->len)) {
		ret = 0;
		goto done;
	}
	if (root->type != NODE_MAPPING) {
		config_error(err, path, root, "the configuration must be a mapping");
		goto done;
	}
	for (k = root->child; k && k->next; k = k->next->next) {
		const struct node *v = k->next;
		int r;

		if (k->type != NODE_SCALAR) {
			config_error(err, path, k, "configuration keys must be strings");
			goto done;
		}
		if (!strcmp(k->value, "registry")) {
			string_list_release(&cfg->registry);
			r = get_string_list(&cfg->registry, cfg, path, k, v, err);
		} else if (!strcmp(k->value, "rules")) {
			r = get_string_list(&cfg->rules, cfg, path, k, v, err);
		} else if (!strcmp(k->value, "severity")) {
			r = parse_severity(cfg, path, v, err);
		} else if (!strcmp(k->value, "baseline")) {
			r = get_string(&cfg->baseline, cfg, path, k, v, err);
		} else if (!strcmp(k->value, "links")) {
			r = parse_links(cfg, path, v, err);
		} else {
			r = unknown_key(err, path, k, config_keys, COUNT_OF(config_keys),
					"the configuration");
		}
		if (r < 0)
			goto done;
	}
	ret = 0;

done:
	finding_list_release(&problems);
	loaded_file_release(&file);
	return ret;
}

static int is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* Returns the errno of stat() on path, or 0 when it succeeds. */
static int errno_of_stat(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? errno : 0;
}

static int exists(const char *path)
{
	struct stat st;

	return !lstat(path, &st);
}

/*
 * Sets err to why path, which exists, is no configuration file: a symbolic
 * link to nothing or to something other than a file, or no file itself.
 */
static void not_a_file(struct buf *err, const char *path)
{
	char target[4096];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	buf_reset(err);
	buf_adds_escaped(err, path);
	if (n < 0) {
		buf_adds(err, " is not a regular file");
		return;
	}
	target[n] = '\0';
	buf_adds(err, " is a symbolic link to ");
	buf_adds_escaped(err, target);
	switch (errno_of_stat(path)) {
	case ENOENT:
		buf_adds(err, ", which is not there");
		break;
	case ELOOP:
		buf_adds(err, " in a loop of links");
		break;
	default:
		buf_adds(err, ", which is not a file");
	}
}

static int read_and_parse(struct config *cfg, const char *path, struct buf *err)
{
	struct buf text = BUF_INIT;
	int ret;

	text.cap = CONFIG_MAX_SIZE;
	if (buf_read_file(&text, path, err) < 0) {
		struct buf why = BUF_INIT;

		/* Says which file it is: a path alone reads like a registry file. */
		buf_adds(&why, err->ptr);
		buf_setf(err, "configuration file %s", why.ptr);
		buf_release(&why);
		buf_release(&text);
		return -2;
	}
	ret = config_parse(cfg, path, text.ptr, text.len, err);
	buf_release(&text);
	return ret;
}

int config_load(struct config *cfg, const char *explicit, struct buf *err)
{
	struct buf prefix = BUF_INIT;	/* "", "../", "../../", ... */
	struct buf candidate = BUF_INIT;
	int depth, ret = 0;

	if (explicit) {
		const char *slash = strrchr(explicit, '/');

		cfg->root = slash ? arena_strndup(cfg->arena, explicit,
						  (size_t)(slash - explicit) + (slash == explicit)) : ".";
		ret = read_and_parse(cfg, explicit, err);
		goto done;
	}

	/* Walk up to the first .modelaudit.yaml, stopping at the work tree's top. */
	for (depth = 0; depth < 64; depth++) {
		buf_setf(&candidate, "%s%s", prefix.ptr, CONFIG_NAME);
		if (is_file(candidate.ptr)) {
			cfg->root = prefix.len ? arena_strndup(cfg->arena, prefix.ptr, prefix.len - 1) : ".";
			ret = read_and_parse(cfg, candidate.ptr, err);
			goto done;
		}
		/*
		 * A dangling link or a directory in its place is the file
		 * meant, not a sign to look further up or use the defaults.
		 */
		if (exists(candidate.ptr)) {
			not_a_file(err, candidate.ptr);
			ret = -1;
			goto done;
		}
		buf_setf(&candidate, "%s.git", prefix.ptr);
		if (exists(candidate.ptr))
			break;
		{
			char *absolute = realpath(prefix.len ? prefix.ptr : ".", NULL);
			int at_top = !absolute || !strcmp(absolute, "/");

			free(absolute);
			if (at_top)
				break;
		}
		buf_adds(&prefix, "../");
	}
	/* No file: the defaults, relative to the work tree's top if there is one. */
	buf_setf(&candidate, "%s.git", prefix.ptr);
	if (exists(candidate.ptr) && prefix.len)
		cfg->root = arena_strndup(cfg->arena, prefix.ptr, prefix.len - 1);

done:
	if (ret == 0 && !cfg->registry.nr)
		string_list_append(&cfg->registry, "data/models.yaml");
	buf_release(&prefix);
	buf_release(&candidate);
	return ret;
}
