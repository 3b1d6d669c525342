/* The main thread's TLS (other threads get theirs with CLONE_SETTLS), and exiting. */
#include <asm/prctl.h>
#include <gn_platform.h>
#include <lx.h>
#include <lx_start.h>
#include <lx_tls.h>

static lx_tls_t main_tls;

void gn_platform_exit(int value)
{
	lx_exit_group(value);
}

gn_err_t lx_main_thread_init(void)
{
	lx_tls_init(&main_tls);
	main_tls.tid = (int)lx_gettid();
	return lx_err(lx_syscall2(__NR_arch_prctl, ARCH_SET_FS, &main_tls));
}
