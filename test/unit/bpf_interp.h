/*
 * A classic-BPF interpreter with seccomp's rules, for unit tests only.
 *
 * It accepts what the kernel's seccomp filter checker accepts (32-bit absolute loads from the data,
 * lengths, immediates, scratch memory, ALU without modulo, forward jumps, returns) and rejects the
 * rest before running anything. Absolute loads read native-endian words, as seccomp does, not
 * network-order ones as socket filters do. Unlike the kernel it does not reject reads of scratch
 * memory that was never stored to: those read 0.
 */
#ifndef GN_TEST_BPF_INTERP_H
#define GN_TEST_BPF_INTERP_H

#include <stddef.h>
#include <stdint.h>

/* One instruction; the layout of Linux's struct sock_filter. */
typedef struct {
	uint16_t code;
	uint8_t jt;
	uint8_t jf;
	uint32_t k;
} bpf_interp_insn_t;

enum {
	BPF_INTERP_MAX_INSNS = 4096, /* Linux's BPF_MAXINSNS */
	BPF_INTERP_MEM_WORDS = 16,   /* Linux's BPF_MEMWORDS */
};

typedef enum {
	BPF_INTERP_OK = 0,
	BPF_INTERP_ERR_LENGTH,   /* no instructions, or more than BPF_INTERP_MAX_INSNS */
	BPF_INTERP_ERR_OPCODE,   /* an instruction seccomp does not accept */
	BPF_INTERP_ERR_JUMP,     /* a jump target lies beyond the last instruction */
	BPF_INTERP_ERR_LOAD,     /* an absolute load is unaligned or outside the data */
	BPF_INTERP_ERR_MEM,      /* a scratch memory index beyond BPF_INTERP_MEM_WORDS */
	BPF_INTERP_ERR_CONSTANT, /* division by constant 0, or a constant shift of 32 or more */
	BPF_INTERP_ERR_NO_RET,   /* the last instruction is not a return */
} bpf_interp_err_t;

/*
 * Checks that `prog` (`len` instructions) is a program seccomp would accept for data of
 * `data_size` bytes. Errors: the codes above; the first fault found is reported.
 */
bpf_interp_err_t bpf_interp_check(bpf_interp_insn_t const *prog, size_t len, size_t data_size);

/*
 * Checks `prog` as bpf_interp_check does, then runs it over `data_size` bytes at `data` and stores
 * the returned value in *verdict. A division by X = 0 ends the program with 0, as in Linux; shift
 * counts in X use their low five bits. Errors: those of bpf_interp_check (*verdict untouched).
 * Nothing is retained after the call.
 */
bpf_interp_err_t bpf_interp_run(bpf_interp_insn_t const *prog, size_t len, void const *data,
	size_t data_size, uint32_t *verdict);

/* Short, stable name of an error ("JUMP"); never NULL. */
char const *bpf_interp_err_name(bpf_interp_err_t err);

#endif
