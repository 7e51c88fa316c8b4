#include "historyblame.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "values.h"

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Returns the score's identity as one string: benchmark, variant and source. */
static char *score_key(const struct score *s)
{
	const char *benchmark = s->canonical ? s->canonical : or_empty(s->benchmark.s);
	const char *source = s->source_url ? s->source_url : or_empty(s->source.s);
	struct buf key = BUF_INIT;

	buf_addf(&key, "%s\n%s\n%s", benchmark, or_empty(s->variant.s), source);
	return buf_detach(&key, NULL);
}

static struct blame_model *find_model(struct blame *b, const char *id, int create)
{
	size_t i;

	if (!id)
		return NULL;
	for (i = 0; i < b->nr; i++)
		if (!strcmp(b->models[i].id, id))
			return &b->models[i];
	if (!create)
		return NULL;
	XGROW(b->models, b->alloc, b->nr + 1);
	memset(&b->models[b->nr], 0, sizeof(b->models[b->nr]));
	b->models[b->nr].id = xstrdup(id);
	return &b->models[b->nr++];
}

static struct blame_trail *find_trail(struct blame_model *m, const char *key, int create)
{
	size_t i;

	for (i = 0; i < m->nr; i++)
		if (!strcmp(m->trails[i].key, key))
			return &m->trails[i];
	if (!create)
		return NULL;
	XGROW(m->trails, m->alloc, m->nr + 1);
	memset(&m->trails[m->nr], 0, sizeof(m->trails[m->nr]));
	m->trails[m->nr].key = xstrdup(key);
	return &m->trails[m->nr++];
}

/* Appends a value unless it equals the last one (a merge repeating a branch's change). */
static void trail_add(struct blame_trail *t, const git_oid *commit, const char *value)
{
	struct blame_event *last = t->nr ? &t->events[t->nr - 1] : NULL;

	if (last && ((!last->value && !value) ||
		     (last->value && value && decimal_equal(last->value, value))))
		return;
	XGROW(t->events, t->alloc, t->nr + 1);
	git_oid_cpy(&t->events[t->nr].commit, commit);
	t->events[t->nr].value = value ? xstrdup(value) : NULL;
	t->nr++;
}

static void trail_clear(struct blame_trail *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		free(t->events[i].value);
	free(t->events);
	free(t->key);
}

/* Moves the trail of old_key in from to new_key in to, replacing what is there. */
static struct blame_trail *move_trail(struct blame_model *from, const char *old_key,
				      struct blame_model *to, const char *new_key)
{
	struct blame_trail *t = from ? find_trail(from, old_key, 0) : NULL, *dst;
	struct blame_trail moved;

	if (!t)
		return find_trail(to, new_key, 1);
	if (from == to && !strcmp(old_key, new_key))
		return t;
	moved = *t;
	*t = from->trails[--from->nr];
	dst = find_trail(to, new_key, 1);
	free(moved.key);
	moved.key = dst->key;
	dst->key = NULL;
	trail_clear(dst);
	*dst = moved;
	return dst;
}

static void add_model(struct blame *b, const struct model *m, const git_oid *commit)
{
	struct blame_model *bm = find_model(b, m->id.s, 1);
	size_t i;

	if (!bm)
		return;
	for (i = 0; i < m->nscores; i++) {
		char *key = score_key(&m->scores[i]);

		trail_add(find_trail(bm, key, 1), commit, m->scores[i].value.s);
		free(key);
	}
}

int blame_add_step(void *data, const struct history_step *step)
{
	struct blame *b = data;
	const git_oid *commit = step->id;
	size_t i;

	if (!commit)
		return 0;
	for (i = 0; i < step->changes.nr; i++) {
		const struct change *c = &step->changes.items[i];
		struct blame_model *old_model, *new_model;
		struct blame_trail *t;
		char *old_key, *new_key;

		if (c->kind == CHANGE_MODEL && c->op == CHANGE_ADDED) {
			add_model(b, c->new_model, commit);
			continue;
		}
		if (c->kind == CHANGE_MODEL && c->op == CHANGE_RENAMED) {
			struct blame_model *from = find_model(b, c->old, 0);
			struct blame_rename *r;

			XGROW(b->renames, b->renames_alloc, b->nrenames + 1);
			r = &b->renames[b->nrenames++];
			r->old = xstrdup(c->old);
			r->new = xstrdup(c->new);
			r->commit = *commit;
			if (from && !find_model(b, c->new, 0)) {
				free(from->id);
				from->id = xstrdup(c->new);
			}
			continue;
		}
		if (c->kind != CHANGE_SCORE)
			continue;
		new_model = find_model(b, c->new_model ? c->new_model->id.s : NULL, 1);
		if (c->op == CHANGE_ADDED) {
			new_key = score_key(c->new_score);
			trail_add(find_trail(new_model, new_key, 1), commit, c->new_score->value.s);
			free(new_key);
			continue;
		}
		if (c->op != CHANGE_CHANGED)
			continue;
		/* After a rename the old model's trails already carry the new id. */
		old_model = find_model(b, c->new_model->id.s, 0);
		old_key = score_key(c->old_score);
		new_key = score_key(c->new_score);
		t = move_trail(old_model, old_key, new_model, new_key);
		if (!strcmp(c->field, "score"))
			trail_add(t, commit, c->new_score->value.s);
		free(old_key);
		free(new_key);
	}
	return 0;
}

const struct blame_trail *blame_find(const struct blame *b, const char *model,
				     const struct score *s)
{
	struct blame_model *m = find_model((struct blame *)b, model, 0);
	const struct blame_trail *t;
	char *key;

	if (!m)
		return NULL;
	key = score_key(s);
	t = find_trail(m, key, 0);
	free(key);
	return t;
}

const struct blame_rename *blame_renamed(const struct blame *b, const char *id)
{
	const struct blame_rename *last = NULL;
	size_t i;

	/* Renames are in history order, so one pass follows a chain of them. */
	for (i = 0; i < b->nrenames; i++) {
		if (strcmp(b->renames[i].old, id))
			continue;
		last = &b->renames[i];
		id = last->new;
	}
	return last;
}

void blame_release(struct blame *b)
{
	size_t i, j;

	for (i = 0; i < b->nr; i++) {
		for (j = 0; j < b->models[i].nr; j++)
			trail_clear(&b->models[i].trails[j]);
		free(b->models[i].trails);
		free(b->models[i].id);
	}
	free(b->models);
	for (i = 0; i < b->nrenames; i++) {
		free(b->renames[i].old);
		free(b->renames[i].new);
	}
	free(b->renames);
	memset(b, 0, sizeof(*b));
}
