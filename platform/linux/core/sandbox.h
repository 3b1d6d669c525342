/*
 * Creating a sandboxed component process (DESIGN.md §5). Core calls this from its main thread.
 */
#ifndef CORE_LX_SANDBOX_H
#define CORE_LX_SANDBOX_H

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	SANDBOX_ENV_FDS = 4
};

enum {
	SANDBOX_CPU_WORDS = 16 /* 1024 CPUs */
};

typedef struct {
	int binary_fd;                /* O_PATH descriptor of the program, opened by core at boot */
	int env_fds[SANDBOX_ENV_FDS]; /* become the child's descriptors 0..3 */
	uint32_t host_uid;            /* unprivileged host uid/gid of this component */
	uint64_t max_threads;         /* RLIMIT_NPROC of that uid */
	uint64_t max_fds;             /* RLIMIT_NOFILE */
	uint64_t max_data;            /* RLIMIT_DATA: writable segments of the binary */
	uint64_t max_stack;           /* RLIMIT_STACK: the initial stack */
	int nice;                     /* 0..19: the scheduling priority of its threads */
	uint64_t cpus[SANDBOX_CPU_WORDS]; /* the host CPUs it may run on */
} sandbox_config_t;

typedef struct {
	int pid;      /* in core's pid namespace */
	int pidfd;    /* readable when the child died */
	int listener; /* seccomp user-notification listener of the child's filter */
} sandbox_child_t;

/*
 * Starts the program in a fresh sandbox. On success the child runs (or will soon, once it passed
 * exec); every descriptor in cfg is still the caller's. Errors: OUT_OF_CAPS, DENIED, IO.
 */
gn_err_t sandbox_spawn(sandbox_config_t const *cfg, sandbox_child_t *out) GN_MUST_CHECK;

/* Prepares what every sandbox needs once per boot (the empty root's mount point). */
gn_err_t sandbox_prepare(void) GN_MUST_CHECK;

#endif
