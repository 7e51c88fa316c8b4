#ifndef MODELAUDIT_COMMANDS_H
#define MODELAUDIT_COMMANDS_H

#define MODELAUDIT_VERSION "0.1.0"

/*
 * Exit status of every command (the CLI contract; never renumber).
 */
enum exit_status {
	EXIT_OK = 0,		/* nothing at or above --fail-on */
	EXIT_FINDINGS = 1,	/* findings (or failing links) at or above --fail-on */
	EXIT_USAGE = 2,		/* command-line misuse */
	EXIT_CONFIG = 3,	/* invalid configuration or rule file */
	EXIT_OPERATIONAL = 4	/* unreadable file, git or database error, ... */
};

/* Each command takes argv with argv[0] the command name; returns the exit status. */
int cmd_check(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_blame(int argc, char **argv);
int cmd_links(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_install_hook(int argc, char **argv);

#endif
