/*
 * Assertions for test components: a failed check logs `Error: <file>:<line>: <what>` (which every
 * scenario rejects) and ends the component with exit value 1.
 */
#ifndef GNEISS_TEST_CHECK_H
#define GNEISS_TEST_CHECK_H

#include <gneiss/env.h>
#include <gneiss/log.h>

extern gn_env_t *test_env;

#define TEST_CHECK(cond)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			gn_error("%s:%d: check failed: %s", __FILE__, __LINE__, #cond); \
			gn_exit(test_env, 1);                                           \
		}                                                                       \
	} while (0)

/* The call must return the expected status. */
#define TEST_EXPECT(call, status)                                                                 \
	do {                                                                                      \
		gn_err_t const err_ = (call);                                                     \
		if (err_ != (status)) {                                                           \
			gn_error("%s:%d: %s returned %s, expected %s", __FILE__, __LINE__, #call, \
				gn_err_name(err_), gn_err_name(status));                          \
			gn_exit(test_env, 1);                                                     \
		}                                                                                 \
	} while (0)

#define TEST_OK(call) TEST_EXPECT(call, GN_OK)

#endif
