#ifndef MODELAUDIT_FUZZ_H
#define MODELAUDIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * The entry points of a fuzz target, as libFuzzer calls them. fuzz/replay.c
 * calls the same two functions when the target is built without libFuzzer.
 */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
