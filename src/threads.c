#include "threads.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc.h"

/* Maximum number of threads when MODELAUDIT_THREADS is not set. */
#define THREADS_DEFAULT_MAX 8

unsigned threads_default(int *forced)
{
	const char *env = getenv("MODELAUDIT_THREADS");
	long n;

	*forced = 0;
	if (alloc_hooks_active())
		return 1;
	if (env && *env) {
		char *end;

		n = strtol(env, &end, 10);
		if (!*end && n >= 1 && n <= THREADS_MAX) {
			*forced = 1;
			return (unsigned)n;
		}
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > THREADS_DEFAULT_MAX)
		n = THREADS_DEFAULT_MAX;
	return (unsigned)n;
}

void threads_run(void *(*fn)(void *), void *const *args, size_t n)
{
	struct threads_started others;

	if (!n)
		return;
	threads_start(&others, fn, args + 1, n - 1);
	fn(args[0]);
	threads_join(&others);
}

void threads_start(struct threads_started *t, void *(*fn)(void *), void *const *args,
		   size_t n)
{
	size_t i;

	if (n > THREADS_MAX)
		abort();
	t->fn = fn;
	t->n = n;
	for (i = 0; i < n; i++) {
		t->args[i] = args[i];
		t->started[i] = !pthread_create(&t->ids[i], NULL, fn, args[i]);
	}
}

void threads_join(struct threads_started *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->started[i])
			pthread_join(t->ids[i], NULL);
		else
			t->fn(t->args[i]);
	}
	t->n = 0;
}
