/* The single translation from Linux's -errno to gn_err_t. */
#include <lx_syscall.h>

gn_err_t lx_err(long ret)
{
	if (ret >= 0)
		return GN_OK;
	switch (-ret) {
	case LX_ENOMEM: return GN_ERR_OUT_OF_RAM;
	case LX_EMFILE: return GN_ERR_OUT_OF_CAPS;
	case LX_EAGAIN: return GN_ERR_AGAIN;
	case LX_EBADF: return GN_ERR_INVALID_CAP;
	case LX_EPIPE:
	case LX_ECONNRESET:
	case LX_ECONNREFUSED:
	case LX_ENOTCONN: return GN_ERR_REVOKED;
	case LX_EPERM:
	case LX_EACCES: return GN_ERR_DENIED;
	case LX_EINVAL: return GN_ERR_INVALID_ARG;
	case LX_ETIMEDOUT: return GN_ERR_TIMEOUT;
	case LX_EEXIST: return GN_ERR_EXISTS;
	case LX_ENOENT: return GN_ERR_NOT_FOUND;
	default: return GN_ERR_IO;
	}
}
