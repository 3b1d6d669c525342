/* The counting memory source the allocator tests use. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>

#include "counting_source.h"

enum {
	MAGIC = 0x4eab
};

static gn_err_t source_alloc(void *ctx, size_t size, void **out)
{
	struct source *s = ctx;

	s->calls++;
	if (s->successes >= s->fail_after)
		return GN_ERR_OUT_OF_RAM;
	size_t *mem = aligned_alloc(16, 32 + (size + 15) / 16 * 16);
	assert_non_null(mem);
	mem[0] = size;
	mem[1] = MAGIC;
	s->bytes += size;
	s->pieces++;
	s->successes++;
	*out = (char *)mem + (s->misalign ? 24 : 16);
	return GN_OK;
}

static void source_free(void *ctx, void *ptr, size_t size)
{
	struct source *s = ctx;
	size_t *mem = (size_t *)(((uintptr_t)ptr - 16) & ~(uintptr_t)15);

	assert_int_equal(mem[1], MAGIC);
	assert_int_equal(mem[0], size); /* given back with the size it was taken with */
	mem[1] = 0;
	s->bytes -= size;
	s->pieces--;
	free(mem);
}

struct source fresh_source(void)
{
	return (struct source){.fail_after = SIZE_MAX};
}

gn_mem_source_t as_source(struct source *s)
{
	return (gn_mem_source_t){.alloc = source_alloc, .free = source_free, .ctx = s};
}
