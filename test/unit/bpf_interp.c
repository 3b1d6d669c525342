/*
 * Classic-BPF interpreter for unit tests (see bpf_interp.h).
 *
 * Checking and running are separate passes: run() may assume a checked program, so every load
 * stays inside the data, every jump inside the program, and, jumps going forward only, every run
 * ends within `len` steps.
 */
#include "bpf_interp.h"

#include <stdbool.h>
#include <string.h>

#include <linux/filter.h>

static bool is_alu_op(uint16_t op)
{
	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_DIV:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
	case BPF_LSH:
	case BPF_RSH: return true;
	default: return false;
	}
}

static bool is_jump_op(uint16_t op)
{
	return op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE || op == BPF_JSET;
}

static bpf_interp_err_t check_alu(bpf_interp_insn_t const *in)
{
	uint16_t op = BPF_OP(in->code);
	if (in->code == (BPF_ALU | BPF_NEG))
		return BPF_INTERP_OK;
	if ((in->code & ~(BPF_OP(0xff) | BPF_SRC(0xff))) != BPF_ALU || !is_alu_op(op))
		return BPF_INTERP_ERR_OPCODE;
	if (BPF_SRC(in->code) == BPF_K) {
		if (op == BPF_DIV && in->k == 0)
			return BPF_INTERP_ERR_CONSTANT;
		if ((op == BPF_LSH || op == BPF_RSH) && in->k >= 32)
			return BPF_INTERP_ERR_CONSTANT;
	}
	return BPF_INTERP_OK;
}

static bpf_interp_err_t check_jump(bpf_interp_insn_t const *in, size_t pc, size_t len)
{
	if (in->code == (BPF_JMP | BPF_JA))
		return in->k < len - pc - 1 ? BPF_INTERP_OK : BPF_INTERP_ERR_JUMP;
	if ((in->code & ~(BPF_OP(0xff) | BPF_SRC(0xff))) != BPF_JMP ||
		!is_jump_op(BPF_OP(in->code)))
		return BPF_INTERP_ERR_OPCODE;
	if (pc + 1 + in->jt >= len || pc + 1 + in->jf >= len)
		return BPF_INTERP_ERR_JUMP;
	return BPF_INTERP_OK;
}

static bpf_interp_err_t check_insn(
	bpf_interp_insn_t const *in, size_t pc, size_t len, size_t data_size)
{
	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		if (in->k % 4 != 0 || in->k >= data_size || data_size - in->k < 4)
			return BPF_INTERP_ERR_LOAD;
		return BPF_INTERP_OK;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX: return in->k < BPF_INTERP_MEM_WORDS ? BPF_INTERP_OK : BPF_INTERP_ERR_MEM;
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A: return BPF_INTERP_OK;
	default: break;
	}
	if (BPF_CLASS(in->code) == BPF_ALU)
		return check_alu(in);
	if (BPF_CLASS(in->code) == BPF_JMP)
		return check_jump(in, pc, len);
	return BPF_INTERP_ERR_OPCODE;
}

bpf_interp_err_t bpf_interp_check(bpf_interp_insn_t const *prog, size_t len, size_t data_size)
{
	if (len == 0 || len > BPF_INTERP_MAX_INSNS)
		return BPF_INTERP_ERR_LENGTH;
	for (size_t pc = 0; pc < len; pc++) {
		bpf_interp_err_t err = check_insn(&prog[pc], pc, len, data_size);
		if (err != BPF_INTERP_OK)
			return err;
	}
	if (BPF_CLASS(prog[len - 1].code) != BPF_RET)
		return BPF_INTERP_ERR_NO_RET;
	return BPF_INTERP_OK;
}

/* Returns false for a division by zero, which ends the program. */
static bool alu(uint16_t code, uint32_t *a, uint32_t operand)
{
	switch (BPF_OP(code)) {
	case BPF_ADD: *a += operand; break;
	case BPF_SUB: *a -= operand; break;
	case BPF_MUL: *a *= operand; break;
	case BPF_DIV:
		if (operand == 0)
			return false;
		*a /= operand;
		break;
	case BPF_AND: *a &= operand; break;
	case BPF_OR: *a |= operand; break;
	case BPF_XOR: *a ^= operand; break;
	case BPF_LSH: *a <<= operand & 31; break;
	case BPF_RSH: *a >>= operand & 31; break;
	case BPF_NEG: *a = 0u - *a; break;
	default: break; /* excluded by the check */
	}
	return true;
}

static bool jump_taken(uint16_t code, uint32_t a, uint32_t operand)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: return a == operand;
	case BPF_JGT: return a > operand;
	case BPF_JGE: return a >= operand;
	default: return (a & operand) != 0; /* BPF_JSET */
	}
}

/* The value of a non-absolute load: the data's length, a scratch word or the immediate. */
static uint32_t load_value(bpf_interp_insn_t const *in, uint32_t const *mem, size_t data_size)
{
	switch (BPF_MODE(in->code)) {
	case BPF_LEN: return (uint32_t)data_size;
	case BPF_MEM: return mem[in->k];
	default: return in->k; /* BPF_IMM */
	}
}

/* One step of a checked program; returns true when it returned, with the value in *out. */
static bool step(bpf_interp_insn_t const *in, size_t *pc, uint32_t reg[2], uint32_t *mem,
	unsigned char const *data, size_t data_size, uint32_t *out)
{
	uint32_t *a = &reg[0], *x = &reg[1];
	uint32_t operand = BPF_SRC(in->code) == BPF_X ? *x : in->k;
	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
		if (BPF_MODE(in->code) == BPF_ABS)
			memcpy(a, data + in->k, sizeof(*a));
		else
			*a = load_value(in, mem, data_size);
		break;
	case BPF_LDX: *x = load_value(in, mem, data_size); break;
	case BPF_ST: mem[in->k] = *a; break;
	case BPF_STX: mem[in->k] = *x; break;
	case BPF_ALU:
		if (!alu(in->code, a, operand)) {
			*out = 0;
			return true;
		}
		break;
	case BPF_JMP:
		if (BPF_OP(in->code) == BPF_JA)
			*pc += in->k;
		else
			*pc += jump_taken(in->code, *a, operand) ? in->jt : in->jf;
		break;
	case BPF_RET: *out = BPF_RVAL(in->code) == BPF_A ? *a : in->k; return true;
	default: /* BPF_MISC */
		if (BPF_MISCOP(in->code) == BPF_TAX)
			*x = *a;
		else
			*a = *x;
	}
	*pc += 1;
	return false;
}

bpf_interp_err_t bpf_interp_run(bpf_interp_insn_t const *prog, size_t len, void const *data,
	size_t data_size, uint32_t *verdict)
{
	bpf_interp_err_t err = bpf_interp_check(prog, len, data_size);
	if (err != BPF_INTERP_OK)
		return err;

	uint32_t reg[2] = {0, 0}, mem[BPF_INTERP_MEM_WORDS] = {0}, out = 0;
	size_t pc = 0;
	while (!step(&prog[pc], &pc, reg, mem, data, data_size, &out))
		;
	*verdict = out;
	return BPF_INTERP_OK;
}

char const *bpf_interp_err_name(bpf_interp_err_t err)
{
	switch (err) {
	case BPF_INTERP_OK: return "OK";
	case BPF_INTERP_ERR_LENGTH: return "LENGTH";
	case BPF_INTERP_ERR_OPCODE: return "OPCODE";
	case BPF_INTERP_ERR_JUMP: return "JUMP";
	case BPF_INTERP_ERR_LOAD: return "LOAD";
	case BPF_INTERP_ERR_MEM: return "MEM";
	case BPF_INTERP_ERR_CONSTANT: return "CONSTANT";
	case BPF_INTERP_ERR_NO_RET: return "NO_RET";
	}
	return "UNKNOWN";
}
