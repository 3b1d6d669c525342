/* Names of the common errors, for log lines. */
#include <gneiss/error.h>

char const *gn_err_name(gn_err_t err)
{
	switch (err) {
	case GN_OK: return "OK";
	case GN_ERR_INVALID_CAP: return "INVALID_CAP";
	case GN_ERR_REVOKED: return "REVOKED";
	case GN_ERR_BAD_MSG: return "BAD_MSG";
	case GN_ERR_OUT_OF_RAM: return "OUT_OF_RAM";
	case GN_ERR_OUT_OF_CAPS: return "OUT_OF_CAPS";
	case GN_ERR_DENIED: return "DENIED";
	case GN_ERR_INVALID_ARG: return "INVALID_ARG";
	case GN_ERR_TRUNCATED: return "TRUNCATED";
	case GN_ERR_NOT_FOUND: return "NOT_FOUND";
	case GN_ERR_EXISTS: return "EXISTS";
	case GN_ERR_LIMIT: return "LIMIT";
	case GN_ERR_AGAIN: return "AGAIN";
	case GN_ERR_IO: return "IO";
	case GN_ERR_TIMEOUT: return "TIMEOUT";
	case GN_ERR_INTERFACE_BASE: break;
	}
	return err >= GN_ERR_INTERFACE_BASE ? "INTERFACE_ERROR" : "UNKNOWN_ERROR";
}
