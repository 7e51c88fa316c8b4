/*
 * yaml-parse: the baseline of the check benchmark.
 *
 * Parses each file named on the command line with libyaml's event API and
 * throws the events away: the least work any YAML-based audit has to do.
 * A directory argument is walked recursively and every *.yaml and *.yml
 * file below it is parsed, as modelaudit reads a directory registry.
 *
 * Exits 0 when every file parsed, 1 when one did not (after reporting it),
 * 2 on misuse.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <yaml.h>

static int parse_file(const char *path)
{
	yaml_parser_t parser;
	yaml_event_t event;
	FILE *file;
	int status = 0;
	int done = 0;

	file = fopen(path, "rb");
	if (!file) {
		perror(path);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		fprintf(stderr, "%s: failed to initialize the YAML parser\n", path);
		fclose(file);
		return -1;
	}
	yaml_parser_set_input_file(&parser, file);

	while (!done) {
		if (!yaml_parser_parse(&parser, &event)) {
			fprintf(stderr, "%s:%lu:%lu: %s\n", path,
				(unsigned long)parser.problem_mark.line + 1,
				(unsigned long)parser.problem_mark.column + 1,
				parser.problem ? parser.problem : "invalid YAML");
			status = -1;
			break;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
	}

	yaml_parser_delete(&parser);
	fclose(file);
	return status;
}

static int has_yaml_suffix(const char *name)
{
	size_t length = strlen(name);

	if (length > 5 && strcmp(name + length - 5, ".yaml") == 0)
		return 1;
	return length > 4 && strcmp(name + length - 4, ".yml") == 0;
}

static int parse_path(const char *path, int top);

static int parse_directory(const char *path)
{
	DIR *dir;
	struct dirent *entry;
	int status = 0;

	dir = opendir(path);
	if (!dir) {
		perror(path);
		return -1;
	}
	while ((entry = readdir(dir)) != NULL) {
		size_t length;
		char *child;

		if (entry->d_name[0] == '.')
			continue;
		length = strlen(path) + strlen(entry->d_name) + 2;
		child = malloc(length);
		if (!child) {
			fprintf(stderr, "out of memory\n");
			status = -1;
			break;
		}
		snprintf(child, length, "%s/%s", path, entry->d_name);
		if (parse_path(child, 0) < 0)
			status = -1;
		free(child);
	}
	closedir(dir);
	return status;
}

/* Parse a file, or every YAML file below a directory. Below the top level,
 * files without a .yaml or .yml suffix are skipped. */
static int parse_path(const char *path, int top)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return parse_directory(path);
	if (!top && !has_yaml_suffix(path))
		return 0;
	return parse_file(path);
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: yaml-parse FILE|DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		if (parse_path(argv[i], 1) < 0)
			status = 1;
	}
	return status;
}
