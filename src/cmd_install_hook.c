#include <stdio.h>

#include "commands.h"

/* NOTE: not implemented yet; the command exists so that dispatch is complete. */
int cmd_install_hook(int argc, char **argv)
{
	(void)argc;
	fprintf(stderr, "modelaudit: error: '%s' is not implemented yet\n", argv[0]);
	return EXIT_OPERATIONAL;
}
