#include "ruleset.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <dirent.h>
#include <errno.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "arena.h"
#include "builtin.h"
#include "loader.h"
#include "textutil.h"
#include "values.h"

/* Largest rule file read from an extra rules directory. */
#define RULE_FILE_MAX (16 * 1024 * 1024)

/* File names of the pattern lists, in the order of enum pattern_kind. */
static const char *const pattern_file[PATTERN_KIND_COUNT] = {
	[PATTERN_ESTIMATE_MARKER] = "estimate-marker.txt",
	[PATTERN_ESTIMATE_FIELD] = "estimate-field.txt",
	[PATTERN_PLACEHOLDER_HOST] = "placeholder-host.txt",
};

struct pattern_set {
	pcre2_code **codes;
	size_t nr;
	size_t alloc;
};

/*
 * Match data for ruleset_match(), one per thread, so that several threads
 * can check models against the same ruleset.
 */
static _Thread_local pcre2_match_data *thread_match;

void ruleset_thread_release(void)
{
	pcre2_match_data_free(thread_match);
	thread_match = NULL;
}

/*
 * An open-addressing hash table from a normalised name or alias to the
 * benchmark's position in rs->benchmarks. The arena owns the keys and
 * every string of the benchmark definitions.
 */
struct index_slot {
	const char *key;	/* NULL when the slot is free */
	size_t benchmark;
};

/* The file and position of a benchmark's definition, for error messages. */
struct def_site {
	const char *path;
	struct pos pos;
};

/* A catalogue name or alias in normalised form, for suggestions. */
struct suggest_name {
	const char *key;
	size_t len;
	uint64_t bytes;		/* byte_set() of key */
	size_t benchmark;	/* position in rs->benchmarks */
};

struct benchmark_index {
	struct index_slot *slots;
	size_t nslots;		/* a power of two */
	size_t used;
	size_t benchmarks_alloc;	/* of rs->benchmarks */
	struct def_site *sites;		/* one per benchmark */
	size_t sites_alloc;
	/*
	 * Every name and alias, benchmark by benchmark in catalogue order
	 * (the name before its aliases), built once all files are loaded.
	 */
	struct suggest_name *names;
	size_t nnames;
	struct arena arena;
};

/* Replaces the contents of out with name in the form benchmark names are compared in. */
static void normalise_name(struct buf *out, const char *name)
{
	buf_reset(out);
	benchmark_name_normalise(out, name);
}

/* FNV-1a, 64 bits. */
static uint64_t hash_key(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return h;
}

static int is_separator(char c)
{
	return c == ' ' || c == '-' || c == '_' || c == '/';
}

static char lower_ascii(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Returns hash_key() of the normalised form of name, without building it. */
static uint64_t hash_normalised(const char *name)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *name; name++) {
		if (is_separator(*name))
			continue;
		h ^= (unsigned char)lower_ascii(*name);
		h *= 1099511628211ULL;
	}
	return h;
}

/* Reports whether key is the normalised form of name. */
static int is_normalised_form(const char *key, const char *name)
{
	for (;; name++) {
		char c = *name;

		if (c && is_separator(c))
			continue;
		c = lower_ascii(c);
		if (*key != c)
			return 0;
		if (!c)
			return 1;
		key++;
	}
}

static struct index_slot *index_slot_for(const struct benchmark_index *index,
					 const char *key)
{
	size_t mask = index->nslots - 1;
	size_t i = (size_t)hash_key(key) & mask;

	while (index->slots[i].key && strcmp(index->slots[i].key, key))
		i = (i + 1) & mask;
	return &index->slots[i];
}

static void index_grow(struct benchmark_index *index)
{
	struct index_slot *old = index->slots;
	size_t old_n = index->nslots, i;

	index->nslots = old_n ? old_n * 2 : 256;
	index->slots = xcalloc(index->nslots, sizeof(*index->slots));
	for (i = 0; i < old_n; i++)
		if (old[i].key)
			*index_slot_for(index, old[i].key) = old[i];
	free(old);
}

/* Returns the slot of key, free or taken; the table keeps a third empty. */
static struct index_slot *index_claim(struct benchmark_index *index,
				      const char *key)
{
	if (3 * (index->used + 1) > 2 * index->nslots)
		index_grow(index);
	return index_slot_for(index, key);
}

static const struct index_slot *index_find(const struct benchmark_index *index,
					   const char *key)
{
	const struct index_slot *slot;

	if (!index || !index->nslots)
		return NULL;
	slot = index_slot_for(index, key);
	return slot->key ? slot : NULL;
}

static void add_error_at(struct buf *err, const char *path, struct pos pos,
			 const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_error_at(struct buf *err, const char *path, struct pos pos,
			 const char *fmt, ...)
{
	va_list ap;

	buf_reset(err);
	buf_adds_escaped(err, path);
	buf_addf(err, ":%u:%u: ", (unsigned)pos.line, (unsigned)pos.column);
	va_start(ap, fmt);
	buf_vaddf(err, fmt, ap);
	va_end(ap);
}

/* Appends 's' to b with backslashes and control characters escaped. */
static void add_quoted(struct buf *b, const char *s)
{
	buf_addch(b, '\'');
	buf_adds_escaped(b, s);
	buf_addch(b, '\'');
}

static const char *scalar_of(const struct node *n)
{
	return n && n->type == NODE_SCALAR ? n->value : NULL;
}

/*
 * Reads min or max of a catalogue entry. Returns 0 (with *has unset when
 * the key is absent) or -1 with a message in err.
 */
static int read_bound(double *value, int *has, const struct node *entry,
		      const char *key, const char *path, struct buf *err)
{
	const struct node *n = node_get(entry, key);
	const char *s = scalar_of(n);

	*has = 0;
	if (!n)
		return 0;
	if (!s || decimal_parse(s, value, NULL) < 0) {
		add_error_at(err, path, n->pos,
			     "%s of a benchmark must be a plain decimal like 100", key);
		return -1;
	}
	*has = 1;
	return 0;
}

/*
 * Maps the normalised form of name to benchmark b. A name that already
 * maps to another benchmark is an error, since a lookup could not tell
 * which one is meant.
 */
static int index_name(struct ruleset *rs, const char *name, size_t b,
		      const char *path, struct pos pos, struct buf *err)
{
	struct benchmark_index *index = rs->index;
	struct buf key = BUF_INIT;
	struct index_slot *slot;
	int ret = 0;

	normalise_name(&key, name);
	if (!key.len) {
		add_error_at(err, path, pos, "benchmark name ");
		add_quoted(err, name);
		buf_adds(err, " is empty once spaces, '-', '_' and '/' are ignored");
		ret = -1;
		goto done;
	}
	slot = index_claim(index, key.ptr);
	if (!slot->key) {
		slot->key = arena_strdup(&index->arena, key.ptr);
		slot->benchmark = b;
		index->used++;
	} else if (slot->benchmark != b) {
		const struct def_site *site = &index->sites[slot->benchmark];

		add_error_at(err, path, pos, "benchmark name ");
		add_quoted(err, name);
		buf_adds(err, " already belongs to ");
		add_quoted(err, rs->benchmarks[slot->benchmark].name);
		buf_adds(err, " (");
		buf_adds_escaped(err, site->path);
		buf_addf(err, ":%u); give each name to one benchmark",
			 (unsigned)site->pos.line);
		ret = -1;
	}

done:
	buf_release(&key);
	return ret;
}

/* Reads the aliases list of a catalogue entry into the arena. */
static int read_aliases(struct benchmark_def *def, const struct node *entry,
			struct arena *arena, const char *path, struct buf *err)
{
	const struct node *list = node_get(entry, "aliases");
	const struct node *item;
	size_t n = 0;

	if (!list)
		return 0;
	if (list->type != NODE_SEQUENCE) {
		add_error_at(err, path, list->pos, "aliases must be a list of names");
		return -1;
	}
	def->aliases = arena_calloc(arena, (list->len + 1) * sizeof(*def->aliases));
	for (item = list->child; item; item = item->next) {
		if (!scalar_of(item) || !*item->value) {
			add_error_at(err, path, item->pos,
				     "an alias must be a non-empty name");
			return -1;
		}
		def->aliases[n++] = arena_strdup(arena, item->value);
	}
	def->naliases = n;
	return 0;
}

static const char *const entry_keys[] = {
	"name", "aliases", "unit", "min", "max", NULL
};

static int check_entry_keys(const struct node *entry, const char *path,
			    struct buf *err)
{
	const struct node *key;
	size_t i;

	for (key = entry->child; key && key->next; key = key->next->next) {
		const char *k = scalar_of(key);

		for (i = 0; entry_keys[i]; i++)
			if (k && !strcmp(k, entry_keys[i]))
				break;
		if (entry_keys[i])
			continue;
		add_error_at(err, path, key->pos, "unknown key ");
		add_quoted(err, k ? k : "");
		buf_adds(err, " in a benchmark; the keys are name, aliases, unit, "
			 "min and max");
		return -1;
	}
	return 0;
}

/*
 * Fills def from one catalogue entry: name and unit are required, and a
 * percent benchmark ranges over 0..100 unless min or max sets another bound.
 */
static int read_entry(struct benchmark_def *def, struct pos *name_pos,
		      const struct node *entry, struct arena *arena,
		      const char *path, struct buf *err)
{
	const struct node *name, *unit;
	int has;

	memset(def, 0, sizeof(*def));
	if (entry->type != NODE_MAPPING) {
		add_error_at(err, path, entry->pos,
			     "a benchmark must be a mapping of name, aliases, unit, min and max");
		return -1;
	}
	if (check_entry_keys(entry, path, err) < 0)
		return -1;

	name = node_get(entry, "name");
	if (!scalar_of(name) || !*name->value) {
		add_error_at(err, path, name ? name->pos : entry->pos,
			     "a benchmark needs a name");
		return -1;
	}
	*name_pos = name->pos;
	unit = node_get(entry, "unit");
	if (!scalar_of(unit) || !*unit->value) {
		add_error_at(err, path, unit ? unit->pos : entry->pos, "benchmark ");
		add_quoted(err, name->value);
		buf_adds(err, " needs a unit (percent, points, elo, rating)");
		return -1;
	}
	def->name = arena_strdup(arena, name->value);
	def->unit = arena_strdup(arena, unit->value);
	if (!strcmp(def->unit, "percent")) {
		def->min = 0;
		def->max = 100;
		def->has_min = 1;
		def->has_max = 1;
	}

	if (read_bound(&def->min, &has, entry, "min", path, err) < 0)
		return -1;
	if (has)
		def->has_min = 1;
	if (read_bound(&def->max, &has, entry, "max", path, err) < 0)
		return -1;
	if (has)
		def->has_max = 1;
	if (def->has_min && def->has_max && def->min > def->max) {
		add_error_at(err, path, entry->pos, "benchmark ");
		add_quoted(err, def->name);
		buf_adds(err, " has min greater than max");
		return -1;
	}

	return read_aliases(def, entry, arena, path, err);
}

/*
 * Adds the benchmark of one catalogue entry, or replaces the definition
 * whose canonical name it repeats, compared in normalised form (keeping
 * the aliases of both).
 */
static int load_entry(struct ruleset *rs, const struct node *entry,
		      const char *path, struct buf *err)
{
	struct benchmark_index *index = rs->index;
	struct benchmark_def def;
	struct pos name_pos = { 0, 0 };
	const struct index_slot *slot;
	const struct node *aliases, *alias;
	struct buf key = BUF_INIT, existing = BUF_INIT;
	size_t b;
	int ret = -1;

	if (read_entry(&def, &name_pos, entry, &index->arena, path, err) < 0)
		goto done;

	normalise_name(&key, def.name);
	slot = index_find(index, key.ptr);
	if (slot)
		normalise_name(&existing, rs->benchmarks[slot->benchmark].name);
	if (slot && !strcmp(existing.ptr, key.ptr)) {
		const struct benchmark_def *old;
		const char **all;

		b = slot->benchmark;
		old = &rs->benchmarks[b];
		all = arena_calloc(&index->arena,
				   (old->naliases + def.naliases + 1) * sizeof(*all));
		if (old->naliases)
			memcpy(all, old->aliases, old->naliases * sizeof(*all));
		if (def.naliases)
			memcpy(all + old->naliases, def.aliases,
			       def.naliases * sizeof(*all));
		def.aliases = all;
		def.naliases += old->naliases;
	} else {
		b = rs->nbenchmarks;
		XGROW(rs->benchmarks, index->benchmarks_alloc, b + 1);
		XGROW(index->sites, index->sites_alloc, b + 1);
		rs->nbenchmarks++;
	}
	rs->benchmarks[b] = def;
	index->sites[b].path = arena_strdup(&index->arena, path);
	index->sites[b].pos = name_pos;

	if (index_name(rs, def.name, b, path, name_pos, err) < 0)
		goto done;
	aliases = node_get(entry, "aliases");
	for (alias = aliases ? aliases->child : NULL; alias; alias = alias->next)
		if (index_name(rs, alias->value, b, path, alias->pos, err) < 0)
			goto done;
	ret = 0;

done:
	buf_release(&key);
	buf_release(&existing);
	return ret;
}

/*
 * Parses a catalogue file and adds its benchmarks. A YAML error (any
 * finding of error severity from the loader) is reported as the first one.
 */
static int load_catalogue(struct ruleset *rs, const char *path,
			  const char *text, size_t len, struct buf *err)
{
	struct loaded_file file;
	struct loader_options options;
	struct finding_list findings = FINDING_LIST_INIT;
	const struct node *list, *entry;
	size_t i;
	int ret = -1;

	memset(&file, 0, sizeof(file));
	memset(&options, 0, sizeof(options));
	options.kind = "a rule file";
	loader_parse(&file, path, text, len, &options, &findings);
	for (i = 0; i < findings.nr; i++) {
		const struct finding *f = &findings.items[i];

		if (f->severity < SEVERITY_ERROR)
			continue;
		add_error_at(err, path, f->pos, "%s", f->message);
		goto done;
	}
	if (!file.root) {
		add_error_at(err, path, (struct pos){ 1, 1 }, "cannot parse the catalogue");
		goto done;
	}

	list = file.root->type == NODE_MAPPING ? node_get(file.root, "benchmarks") : NULL;
	if (!list || list->type != NODE_SEQUENCE) {
		add_error_at(err, path, list ? list->pos : file.root->pos,
			     "a catalogue is a mapping with one key, benchmarks, "
			     "holding a list of benchmarks");
		goto done;
	}
	for (entry = list->child; entry; entry = entry->next)
		if (load_entry(rs, entry, path, err) < 0)
			goto done;
	ret = 0;

done:
	finding_list_release(&findings);
	loaded_file_release(&file);
	return ret;
}

/*
 * Column (1-based, in characters) of the byte at offset in a UTF-8 line,
 * so that an error points where an editor shows it.
 */
static uint32_t column_of(const char *line, size_t offset)
{
	uint32_t column = 1;
	size_t i;

	for (i = 0; i < offset && line[i]; i++)
		if (((unsigned char)line[i] & 0xC0) != 0x80)
			column++;
	return column;
}

/*
 * Compiles every pattern of a list file (one a line) into set. Returns 0,
 * or -1 with "path:line:column: invalid pattern: <PCRE2's reason>" in err.
 */
static int load_patterns(struct pattern_set *set, const char *path,
			 const char *text, size_t len, struct buf *err)
{
	const char *line = text, *end = text + len;
	uint32_t lineno = 0;

	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		size_t n = eol ? (size_t)(eol - line) : (size_t)(end - line);
		const char *p = line;
		pcre2_code *code;
		int code_err;
		PCRE2_SIZE offset;

		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		while (p < line + n && (*p == ' ' || *p == '\t'))
			p++;
		if (p == line + n || *p == '#')
			goto next;

		code = pcre2_compile((PCRE2_SPTR)line, n,
				     PCRE2_UTF | PCRE2_CASELESS | PCRE2_MATCH_INVALID_UTF,
				     &code_err, &offset, NULL);
		if (!code) {
			PCRE2_UCHAR reason[256];

			pcre2_get_error_message(code_err, reason, sizeof(reason));
			add_error_at(err, path,
				     (struct pos){ lineno, column_of(line, offset) },
				     "invalid pattern: %s", (const char *)reason);
			return -1;
		}
		XGROW(set->codes, set->alloc, set->nr + 1);
		set->codes[set->nr++] = code;
next:
		line = eol ? eol + 1 : end;
	}
	return 0;
}

static int is_pattern_file(const char *name)
{
	size_t i;

	for (i = 0; i < PATTERN_KIND_COUNT; i++)
		if (!strcmp(name, pattern_file[i]))
			return 1;
	return 0;
}

/*
 * Rejects a .txt file in dir/patterns that names no pattern kind: it is
 * most likely a misspelt list that would otherwise be ignored.
 */
static int check_pattern_dir(const char *dir, struct buf *err)
{
	struct buf path = BUF_INIT;
	DIR *d;
	struct dirent *e;
	int ret = 0;

	buf_setf(&path, "%s/patterns", dir);
	d = opendir(path.ptr);
	if (!d)
		goto done;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n < 4 || strcmp(e->d_name + n - 4, ".txt") || is_pattern_file(e->d_name))
			continue;
		buf_reset(err);
		buf_add_escaped(err, path.ptr, path.len);
		buf_adds(err, "/");
		buf_add_escaped(err, e->d_name, n);
		buf_adds(err, ": unknown pattern list; the lists are ");
		buf_addf(err, "%s, %s and %s", pattern_file[0], pattern_file[1],
			 pattern_file[2]);
		ret = -1;
		break;
	}
	closedir(d);

done:
	buf_release(&path);
	return ret;
}

/*
 * Reads path into text when it exists. Returns 1 when read, 0 when the
 * file does not exist, and -1 with a message in err otherwise.
 */
static int read_optional(struct buf *text, const char *path, struct buf *err)
{
	FILE *f = fopen(path, "rb");

	if (!f) {
		if (errno == ENOENT)
			return 0;
		buf_reset(err);
		buf_adds_escaped(err, path);
		buf_addf(err, ": %s", strerror(errno));
		return -1;
	}
	fclose(f);
	buf_reset(text);
	buf_reset(err);
	return buf_read_file(text, path, err) < 0 ? -1 : 1;
}

static int load_builtin(struct ruleset *rs, struct buf *err)
{
	const struct builtin_file *f;
	struct buf path = BUF_INIT;
	size_t i;
	int ret = -1;

	f = builtin_find("rules/benchmarks.yaml");
	if (f && load_catalogue(rs, f->path, f->data, f->len, err) < 0)
		goto done;
	for (i = 0; i < PATTERN_KIND_COUNT; i++) {
		buf_setf(&path, "rules/patterns/%s", pattern_file[i]);
		f = builtin_find(path.ptr);
		if (f && load_patterns(rs->patterns[i], f->path, f->data, f->len, err) < 0)
			goto done;
	}
	ret = 0;

done:
	buf_release(&path);
	return ret;
}

static int load_dir(struct ruleset *rs, const char *dir, struct buf *err)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	DIR *d;
	size_t i;
	int found, ret = -1;

	d = opendir(dir);
	if (!d) {
		buf_reset(err);
		buf_adds(err, "rules directory ");
		add_quoted(err, dir);
		buf_addf(err, ": %s", strerror(errno));
		goto done;
	}
	closedir(d);
	buf_init(&text, RULE_FILE_MAX);

	buf_setf(&path, "%s/benchmarks.yaml", dir);
	found = read_optional(&text, path.ptr, err);
	if (found < 0)
		goto done;
	if (found && load_catalogue(rs, path.ptr, text.ptr, text.len, err) < 0)
		goto done;

	if (check_pattern_dir(dir, err) < 0)
		goto done;
	for (i = 0; i < PATTERN_KIND_COUNT; i++) {
		buf_setf(&path, "%s/patterns/%s", dir, pattern_file[i]);
		found = read_optional(&text, path.ptr, err);
		if (found < 0)
			goto done;
		if (found && load_patterns(rs->patterns[i], path.ptr, text.ptr,
					   text.len, err) < 0)
			goto done;
	}
	ret = 0;

done:
	buf_release(&path);
	buf_release(&text);
	return ret;
}

/* Sets rs->today from MODELAUDIT_TODAY, or else from the clock (UTC). */
static int load_today(struct ruleset *rs, struct buf *err)
{
	const char *env = getenv("MODELAUDIT_TODAY");
	time_t now;
	struct tm tm;

	if (env && *env) {
		if (date_parse(env, NULL) < 0) {
			buf_reset(err);
			buf_adds(err, "MODELAUDIT_TODAY: invalid date ");
			add_quoted(err, env);
			buf_adds(err, "; use YYYY-MM-DD");
			return -1;
		}
		memcpy(rs->today, env, 10);
		rs->today[10] = '\0';
		return 0;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(rs->today, sizeof(rs->today), "%Y-%m-%d", &tm);
	return 0;
}

/*
 * Returns the set of bytes in s (len bytes) as bits: one bit for each
 * lower-case letter and digit, and the other bytes folded onto the rest.
 */
static uint64_t byte_set(const char *s, size_t len)
{
	uint64_t set = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned bit;

		if (c >= 'a' && c <= 'z')
			bit = c - 'a';
		else if (c >= '0' && c <= '9')
			bit = 26 + (c - '0');
		else
			bit = 36 + c % 28;
		set |= (uint64_t)1 << bit;
	}
	return set;
}

static unsigned count_bits(uint64_t x)
{
	unsigned n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/*
 * Returns a lower bound of the edit distance between strings with the
 * byte sets a and b. Each byte value found in only one of the strings
 * needs an edit of its own, and one substitution can remove at most one
 * such byte from each string.
 */
static size_t distance_at_least(uint64_t a, uint64_t b)
{
	unsigned only_a = count_bits(a & ~b), only_b = count_bits(b & ~a);

	return only_a > only_b ? only_a : only_b;
}

/* Fills rs->index->names from the loaded catalogue. */
static void index_suggest_names(struct ruleset *rs)
{
	struct benchmark_index *index = rs->index;
	struct buf key = BUF_INIT;
	size_t i, j, n = 0;

	for (i = 0; i < rs->nbenchmarks; i++)
		n += rs->benchmarks[i].naliases + 1;
	index->names = arena_calloc(&index->arena, (n + 1) * sizeof(*index->names));
	for (i = 0; i < rs->nbenchmarks; i++) {
		const struct benchmark_def *def = &rs->benchmarks[i];

		for (j = 0; j <= def->naliases; j++) {
			struct suggest_name *name = &index->names[index->nnames++];

			normalise_name(&key, j ? def->aliases[j - 1] : def->name);
			name->key = arena_strndup(&index->arena, key.ptr, key.len);
			name->len = key.len;
			name->bytes = byte_set(key.ptr, key.len);
			name->benchmark = i;
		}
	}
	buf_release(&key);
}

int ruleset_load(struct ruleset *rs, const char *const *extra_dirs,
		 size_t ndirs, struct buf *err)
{
	size_t i;

	memset(rs, 0, sizeof(*rs));
	rs->index = xcalloc(1, sizeof(*rs->index));
	for (i = 0; i < PATTERN_KIND_COUNT; i++)
		rs->patterns[i] = xcalloc(1, sizeof(*rs->patterns[i]));

	if (load_today(rs, err) < 0)
		goto fail;
	if (load_builtin(rs, err) < 0)
		goto fail;
	for (i = 0; i < ndirs; i++)
		if (load_dir(rs, extra_dirs[i], err) < 0)
			goto fail;
	index_suggest_names(rs);
	return 0;

fail:
	ruleset_release(rs);
	return -1;
}

void ruleset_release(struct ruleset *rs)
{
	size_t i, j;

	for (i = 0; i < PATTERN_KIND_COUNT; i++) {
		struct pattern_set *set = rs->patterns[i];

		if (!set)
			continue;
		for (j = 0; j < set->nr; j++)
			pcre2_code_free(set->codes[j]);
		free(set->codes);
		free(set);
	}
	if (rs->index) {
		free(rs->index->slots);
		free(rs->index->sites);
		arena_release(&rs->index->arena);
		free(rs->index);
	}
	free(rs->benchmarks);
	memset(rs, 0, sizeof(*rs));
	ruleset_thread_release();
}

/*
 * Probes the index as index_find() would for the normalised name, but
 * normalises while hashing and comparing: every score's benchmark is
 * looked up, and building each key cost an allocation.
 */
const struct benchmark_def *ruleset_find_benchmark(const struct ruleset *rs,
						   const char *name)
{
	const struct benchmark_index *index;
	size_t mask, i;

	if (!rs || !name || !rs->index || !rs->index->nslots)
		return NULL;
	index = rs->index;
	mask = index->nslots - 1;
	for (i = (size_t)hash_normalised(name) & mask; index->slots[i].key; i = (i + 1) & mask)
		if (is_normalised_form(index->slots[i].key, name))
			return &rs->benchmarks[index->slots[i].benchmark];
	return NULL;
}

/*
 * Suggests the benchmark with the name or alias nearest to name, both
 * normalised: within a quarter of the name's length (at least 1 edit, at
 * most 3), since benchmark names often differ from each other by only a
 * few letters (MT-Bench, MMT-Bench). Ties go to the benchmark listed first.
 */
const char *ruleset_suggest_benchmark(const struct ruleset *rs, const char *name)
{
	struct buf key = BUF_INIT;
	const char *best = NULL;
	size_t limit, i;
	uint64_t bytes;

	if (!rs || !name || !rs->index)
		return NULL;
	normalise_name(&key, name);
	if (!key.len)
		goto done;
	limit = key.len / 4;
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	bytes = byte_set(key.ptr, key.len);

	/*
	 * Only a name nearer than the best so far can replace it, so limit
	 * shrinks to one less than the best distance as the search goes.
	 */
	for (i = 0; i < rs->index->nnames; i++) {
		const struct suggest_name *other = &rs->index->names[i];
		size_t d;

		/* The distance is at least the difference in length. */
		if ((key.len > other->len ? key.len - other->len : other->len - key.len) > limit)
			continue;
		if (distance_at_least(bytes, other->bytes) > limit)
			continue;
		d = edit_distance_bytes(key.ptr, key.len, other->key, other->len, limit);
		if (d > limit)
			continue;
		best = rs->benchmarks[other->benchmark].name;
		if (!d)
			break;
		limit = d - 1;
	}

done:
	buf_release(&key);
	return best;
}

int ruleset_match(const struct ruleset *rs, enum pattern_kind kind,
		  const char *s, size_t len)
{
	struct pattern_set *set;
	size_t i;

	if (!rs || kind >= PATTERN_KIND_COUNT || !rs->patterns[kind])
		return 0;
	set = rs->patterns[kind];
	if (!thread_match)
		thread_match = pcre2_match_data_create(1, NULL);
	for (i = 0; i < set->nr; i++)
		if (pcre2_match(set->codes[i], (PCRE2_SPTR)s, len, 0, 0,
				thread_match, NULL) >= 0)
			return 1;
	return 0;
}
