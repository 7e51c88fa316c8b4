#include "builtin.h"

#include <string.h>

const struct builtin_file *builtin_find(const char *path)
{
	const struct builtin_file *f;

	for (f = builtin_files; f->path; f++)
		if (!strcmp(f->path, path))
			return f;
	return NULL;
}
