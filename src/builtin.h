#ifndef MODELAUDIT_BUILTIN_H
#define MODELAUDIT_BUILTIN_H

#include <stddef.h>

/* A file of rules/ compiled into the binary (see tools/embed.c). */
struct builtin_file {
	const char *path;	/* as in the source tree: "rules/benchmarks.yaml" */
	const char *data;	/* NUL-terminated */
	size_t len;
};

/* Terminated by an entry whose path is NULL. */
extern const struct builtin_file builtin_files[];

/* Returns the embedded file with this path, or NULL. */
const struct builtin_file *builtin_find(const char *path);

#endif
