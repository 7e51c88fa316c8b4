/*
 * A main() for the fuzz targets without libFuzzer: runs the target once on
 * each file named on the command line, or on each file of each directory
 * named, and prints how many inputs it ran. Crashes show as they would
 * under libFuzzer when built with the sanitizers.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "fuzz.h"

static unsigned long inputs_run;

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, alloc = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 4096;
			data = xrealloc(data, alloc);
		}
		n = fread(data + len, 1, alloc - len, f);
		len += n;
	} while (n);
	if (ferror(f)) {
		perror(path);
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	inputs_run++;
	return 0;
}

static int run_path(const char *path)
{
	struct stat st;
	struct dirent **names;
	int i, n, ret = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);

	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char *child;

		if (names[i]->d_name[0] != '.') {
			child = xmalloc(strlen(path) + strlen(names[i]->d_name) + 2);
			sprintf(child, "%s/%s", path, names[i]->d_name);
			if (run_path(child) < 0)
				ret = -1;
			free(child);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		if (run_path(argv[i]) < 0)
			ret = 1;
	printf("%s: %lu inputs run\n", argv[0], inputs_run);
	return ret;
}
