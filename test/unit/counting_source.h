/*
 * Test double: a memory source (gn_mem_source_t) over malloc that counts what is outstanding,
 * checks every piece comes back with the size it was taken with, and can refuse or misalign.
 */
#ifndef GNEISS_TEST_COUNTING_SOURCE_H
#define GNEISS_TEST_COUNTING_SOURCE_H

#include <stddef.h>

#include <gneiss/mem_source.h>

struct source {
	size_t bytes;      /* outstanding */
	size_t pieces;     /* outstanding */
	size_t calls;      /* alloc calls, failed ones included */
	size_t successes;  /* allocations handed out so far */
	size_t fail_after; /* successes after which alloc refuses */
	bool misalign;     /* hand out pointers 8 bytes off 16-byte alignment */
};

/* A source that never refuses. */
struct source fresh_source(void);

gn_mem_source_t as_source(struct source *s);

#endif
