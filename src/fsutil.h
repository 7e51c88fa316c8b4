#ifndef MODELAUDIT_FSUTIL_H
#define MODELAUDIT_FSUTIL_H

#include "buf.h"
#include "options.h"

/*
 * Appends the registry files named by path to files: path itself when it
 * is a file, or every *.yaml and *.yml file below it when it is a
 * directory, in byte order of their paths. Hidden entries (names that start
 * with a dot) and symbolic links below a directory are skipped. The path
 * itself is followed when it is a link. When skipped is not NULL, the
 * entries below a directory that have a registry file name but are not
 * regular files (links, FIFOs, sockets, devices) are added to it. The
 * strings are allocated and owned by the caller. Returns 0, or -1 with
 * "path: reason" in err.
 */
int collect_registry_files(struct string_list *files, struct string_list *skipped,
			   const char *path, struct buf *err);

/*
 * Reports whether the relative path, taken from dir, is a symbolic link or
 * passes through one below dir. An absolute path, or a component that
 * does not exist, does not count.
 */
int path_has_link(const char *dir, const char *path);

/* Reports whether name ends in ".yaml" or ".yml". */
int is_registry_file_name(const char *name);

/* Joins dir and path with a slash; "." as dir, or an absolute path, is left out. */
char *path_join(const char *dir, const char *path);

#endif
