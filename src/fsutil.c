#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"

int is_registry_file_name(const char *name)
{
	size_t len = strlen(name);

	return (len > 5 && !strcmp(name + len - 5, ".yaml")) ||
	       (len > 4 && !strcmp(name + len - 4, ".yml"));
}

char *path_join(const char *dir, const char *path)
{
	struct buf out = BUF_INIT;
	size_t len = strlen(dir);

	if (path[0] == '/' || !strcmp(dir, ".") || !len)
		return xstrdup(path);
	buf_add(&out, dir, len);
	if (dir[len - 1] != '/')
		buf_addch(&out, '/');
	buf_adds(&out, path);
	return buf_detach(&out, NULL);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Lists dir recursively into files. Symbolic links are skipped, as in a
 * git tree, where a link is stored as its target's name and not followed.
 */
static int walk(struct string_list *files, struct string_list *skipped, const char *dir,
		int depth, struct buf *err)
{
	DIR *d;
	struct dirent *e;
	struct string_list names = { 0 };
	size_t i;
	int ret = 0;

	if (depth > 32) {
		buf_setf(err, "%s: directories nested more than 32 levels deep", dir);
		return -1;
	}
	d = opendir(dir);
	if (!d) {
		buf_setf(err, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		string_list_append(&names, xstrdup(e->d_name));
	}
	closedir(d);
	if (names.nr > 1)
		qsort(names.items, names.nr, sizeof(*names.items), compare_strings);

	/*
	 * Byte order of the full paths: "a/b.yaml" sorts before "a-c.yaml"
	 * would not hold if directories were expanded in name order, so
	 * everything is collected first and sorted once by the caller.
	 */
	for (i = 0; i < names.nr && ret == 0; i++) {
		char *child = path_join(dir, names.items[i]);
		struct stat st;

		if (lstat(child, &st) < 0) {
			buf_setf(err, "%s: %s", child, strerror(errno));
			free(child);
			ret = -1;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			ret = walk(files, skipped, child, depth + 1, err);
			free(child);
		} else if (S_ISREG(st.st_mode) && is_registry_file_name(names.items[i])) {
			string_list_append(files, child);
		} else if (skipped && is_registry_file_name(names.items[i])) {
			string_list_append(skipped, child);
		} else {
			free(child);
		}
	}
	for (i = 0; i < names.nr; i++)
		free((char *)names.items[i]);
	string_list_release(&names);
	return ret;
}

int path_has_link(const char *dir, const char *path)
{
	size_t i;
	int found = 0;

	if (path[0] == '/')
		return 0;
	for (i = 1; path[i - 1] && !found; i++) {
		char *prefix, *full;
		struct stat st;

		/* A prefix ending in a slash would make lstat() follow a link. */
		if ((path[i] != '/' && path[i] != '\0') || path[i - 1] == '/')
			continue;
		prefix = xstrndup(path, i);
		full = path_join(dir, prefix);
		found = !lstat(full, &st) && S_ISLNK(st.st_mode);
		free(full);
		free(prefix);
	}
	return found;
}

int collect_registry_files(struct string_list *files, struct string_list *skipped,
			   const char *path, struct buf *err)
{
	struct stat st;
	size_t first = files->nr;

	if (stat(path, &st) < 0) {
		buf_setf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		string_list_append(files, xstrdup(path));
		return 0;
	}
	if (walk(files, skipped, path, 0, err) < 0)
		return -1;
	if (files->nr - first > 1)
		qsort(files->items + first, files->nr - first, sizeof(*files->items), compare_strings);
	return 0;
}
