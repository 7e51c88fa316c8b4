#ifndef MODELAUDIT_REPORT_CI_H
#define MODELAUDIT_REPORT_CI_H

#include <stdio.h>

#include "buf.h"
#include "finding.h"
#include "rules.h"

/*
 * Findings in the formats that CI services read: SARIF 2.1.0 for code
 * scanning, GitHub Actions workflow commands for annotations, and JUnit XML
 * for test-report views. Every writer returns 0, or -1 on a write error.
 */

/*
 * The page that SARIF names as the tool's home (tool.driver.informationUri).
 * NOTE: a stand-in until the project has a public home; a build can set it
 * with -DMODELAUDIT_HOMEPAGE='"https://..."'.
 */
#ifndef MODELAUDIT_HOMEPAGE
#define MODELAUDIT_HOMEPAGE "https://github.com/modelaudit/modelaudit"
#endif

struct report_ci_options {
	/*
	 * The repository's top directory, absolute, with or without a trailing
	 * slash, or NULL when the findings are not in a repository.
	 */
	const char *root;
	/* The findings' paths are already relative to root (--staged, --rev). */
	int paths_from_root;
	/* Severity of each rule in force, or NULL for the rule table's defaults. */
	const enum severity *severity;
	/* Findings at or above this severity are JUnit failures. 4 means never. */
	int fail_on;
	/* Every file read, so that JUnit can list the clean ones too. */
	const char *const *files;
	size_t nfiles;
};

/*
 * Appends path as it reads from the repository's top directory: unchanged
 * when paths_from_root is set or root is NULL, else resolved through
 * realpath() and stripped of root. A path outside root is appended
 * absolute. The path is appended unescaped, so that each format can
 * escape it as its reader needs: report_locator_path() where a CI service
 * opens the file, report_sanitize() where a person reads it.
 */
void report_repo_path(struct buf *out, const struct report_ci_options *o,
		      const char *path);

/*
 * Appends a path from report_repo_path() for a CI service to open (the
 * file of a GitHub annotation or of a JUnit test case). Backslashes are
 * kept as they are rather than doubled as report_sanitize() doubles them,
 * so that a file name with a backslash names the real file. Control
 * characters and invalid UTF-8 are still written as \xHH, because these
 * formats are read as text and have no escape for them. Such a name then
 * matches no file, and reads the same as one that contains the four
 * characters \xHH. SARIF has no such limit, because it percent-encodes
 * the bytes of the path (report_uri_path()).
 */
void report_locator_path(struct buf *out, const char *path);

/*
 * Appends s percent-encoded as a URI path: every byte other than ASCII
 * letters, digits, "-._~" and "/" becomes %HH.
 */
void report_uri_path(struct buf *out, const char *s);

/*
 * Appends s with the five XML entities (& < > " ') escaped and with the
 * characters that XML 1.0 does not allow removed: C0 controls other than
 * tab, line feed and carriage return, U+FFFE, U+FFFF and invalid UTF-8.
 */
void report_xml_escape(struct buf *out, const char *s);

/* Prints one SARIF 2.1.0 log with one run, every rule in tool.driver.rules. */
int report_sarif(FILE *out, const struct finding_list *findings,
		 const struct report_ci_options *o);

/*
 * Prints one GitHub Actions workflow command a finding:
 * "::error file=<path>,line=<n>,col=<n>,title=<rule>::<message>", with
 * notice for notes.
 */
int report_github(FILE *out, const struct finding_list *findings,
		  const struct report_ci_options *o);

/*
 * Prints a JUnit XML report: one test suite a file, one test case a
 * finding (a failure when at or above o->fail_on), and one passing test
 * case for a file without findings.
 */
int report_junit(FILE *out, const struct finding_list *findings,
		 const struct report_ci_options *o);

#endif
