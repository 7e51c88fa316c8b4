#ifndef MODELAUDIT_THREADS_H
#define MODELAUDIT_THREADS_H

#include <pthread.h>
#include <stddef.h>

/* Maximum number of threads a registry or a history walk is parsed on. */
#define THREADS_MAX 16

/*
 * Returns how many threads parsing may use: the processors online, at most
 * 8, or MODELAUDIT_THREADS (1 to THREADS_MAX), in which case *forced is set
 * so that even small inputs are shared out (for tests). One thread while a
 * test hook fails or counts allocations.
 */
unsigned threads_default(int *forced);

/*
 * Calls fn on each of args[0..n) (n at most THREADS_MAX) and waits for all:
 * args[0] on the calling thread, the others on threads of their own. A
 * call whose thread cannot be started runs on the calling thread.
 */
void threads_run(void *(*fn)(void *), void *const *args, size_t n);

/* Calls started by threads_start(), each on a thread of its own. */
struct threads_started {
	void *(*fn)(void *);
	void *args[THREADS_MAX];
	size_t n;
	pthread_t ids[THREADS_MAX];
	int started[THREADS_MAX];
};

/*
 * Starts fn on each of args[0..n) (n at most THREADS_MAX), each on a
 * thread of its own, and returns at once.
 */
void threads_start(struct threads_started *t, void *(*fn)(void *), void *const *args,
		   size_t n);

/* Waits for the calls of t, and makes on the calling thread those whose thread did not start. */
void threads_join(struct threads_started *t);

#endif
