#include <stdio.h>

#include "commands.h"

/* NOTE: placeholder; the check command is being written. */
int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "modelaudit: error: 'check' is not implemented yet\n");
	return EXIT_OPERATIONAL;
}
