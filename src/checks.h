#ifndef MODELAUDIT_CHECKS_H
#define MODELAUDIT_CHECKS_H

#include <stdint.h>

#include "finding.h"
#include "registry.h"
#include "ruleset.h"

/*
 * The rules that judge a registry's values, as opposed to its YAML and its
 * shape (loader.c and registry.c raise those).
 */

/* Runs every rule that needs only one model: sources, URLs, scores, dates, specs. */
void checks_model(const struct model *m, const struct ruleset *rs,
		  struct finding_list *findings);

/*
 * Fills m->siblings, which checks_registry() reads; the model builder calls
 * it on every model it builds.
 */
void checks_prepare_model(struct model *m, const struct ruleset *rs);

/*
 * Runs the rules that compare models: model-duplicate-id,
 * model-unknown-base, score-suspect-interpolated.
 */
void checks_registry(const struct registry *reg, const struct ruleset *rs,
		     struct finding_list *findings);

/*
 * The parts of checks_registry() that a history walk runs on the models a
 * commit changed. checks_duplicate_ids() runs model-duplicate-id alone.
 * checks_interpolated_groups() runs score-suspect-interpolated on the
 * scores of the groups whose hashes (struct sibling_key, n of them sorted)
 * are given, and reports what checks_registry() reports for those groups.
 */
void checks_duplicate_ids(const struct registry *reg, const struct ruleset *rs,
			  struct finding_list *findings);
void checks_interpolated_groups(const struct registry *reg, const struct ruleset *rs,
				const uint64_t *hashes, size_t n,
				struct finding_list *findings);

#endif
