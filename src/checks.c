#include "checks.h"

/* NOTE: placeholder until the value rules land. */
void checks_model(const struct model *m, const struct ruleset *rs,
		  struct finding_list *findings)
{
	(void)m;
	(void)rs;
	(void)findings;
}

void checks_registry(const struct registry *reg, const struct ruleset *rs,
		     struct finding_list *findings)
{
	(void)reg;
	(void)rs;
	(void)findings;
}
