/*
 * A fake physical memory for the hw kernel's unit tests: FAKE_FRAMES page frames at FAKE_BASE,
 * handed out by `mem` (the page-table code's memory interface) up to fake_budget, with every frame
 * accounted so a test can check that all came back. Included by each test file that needs it
 * (cmocka setup/teardown: fake_setup, fake_teardown).
 */
#ifndef TEST_UNIT_HW_FAKE_FRAMES_H
#define TEST_UNIT_HW_FAKE_FRAMES_H

#include <stdlib.h>
#include <string.h>

#include "pt.h" /* hw_pt_mem_t; cmocka.h comes first in the includer */

enum {
	FAKE_BASE = 0x200000,
	FAKE_FRAMES = 64,
	PAGE = 4096,
};

static uint8_t *fake;
static bool fake_used[FAKE_FRAMES];
static size_t fake_budget; /* frames alloc may still hand out */

static gn_err_t fake_alloc(void *ctx, uint64_t *phys)
{
	(void)ctx;
	for (size_t i = 0; fake_budget > 0 && i < FAKE_FRAMES; i++) {
		if (fake_used[i])
			continue;
		fake_used[i] = true;
		fake_budget--;
		memset(fake + i * PAGE, 0xa5, PAGE); /* contents undefined: make them visible */
		*phys = FAKE_BASE + i * PAGE;
		return GN_OK;
	}
	return GN_ERR_OUT_OF_RAM;
}

static void fake_free(void *ctx, uint64_t phys)
{
	size_t i = (phys - FAKE_BASE) / PAGE;

	(void)ctx;
	assert_true(phys >= FAKE_BASE && i < FAKE_FRAMES && phys % PAGE == 0);
	assert_true(fake_used[i]);
	fake_used[i] = false;
	fake_budget++;
}

static void *fake_virt(void *ctx, uint64_t phys)
{
	(void)ctx;
	assert_true(phys >= FAKE_BASE && phys < FAKE_BASE + FAKE_FRAMES * PAGE);
	return fake + (phys - FAKE_BASE);
}

static hw_pt_mem_t const mem = {.alloc = fake_alloc, .free = fake_free, .virt = fake_virt};

static size_t fake_in_use(void)
{
	size_t n = 0;

	for (size_t i = 0; i < FAKE_FRAMES; i++)
		n += fake_used[i];
	return n;
}

static int fake_setup(void **state)
{
	(void)state;
	fake = calloc(FAKE_FRAMES, PAGE);
	memset(fake_used, 0, sizeof(fake_used));
	fake_budget = FAKE_FRAMES;
	return fake ? 0 : -1;
}

static int fake_teardown(void **state)
{
	(void)state;
	free(fake);
	return 0;
}

#endif
