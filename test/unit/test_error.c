/* gn_err_name: every error has a stable name. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <gneiss/error.h>

static void names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(gn_err_name(GN_OK), "OK");
	assert_string_equal(gn_err_name(GN_ERR_OUT_OF_RAM), "OUT_OF_RAM");
	assert_string_equal(gn_err_name(GN_ERR_DENIED), "DENIED");
	assert_string_equal(gn_err_name((gn_err_t)(GN_ERR_INTERFACE_BASE + 3)), "INTERFACE_ERROR");
	assert_string_equal(gn_err_name((gn_err_t)40), "UNKNOWN_ERROR");
}

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(names_are_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
