/*
 * signal: the latency from a wake-up in one thread (on options.cpu) to the woken thread running (on
 * options.cpu2), over a raw futex, as the Gneiss signal figure times a submit to its handler.
 *
 * The submitter stores the time-stamp counter, bumps the futex word and wakes the receiver, which
 * sleeps in FUTEX_WAIT; the receiver reads the counter as soon as it runs and acknowledges on a
 * second futex, so one delivery never overlaps the next. CALL_SAMPLES deliveries after a warm-up.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "baseline.h"

enum {
	WARM_UP = 100
};

typedef struct {
	_Atomic uint32_t word, ack;
	_Atomic uint64_t sent; /* tsc at the submit */
	uint64_t samples[CALL_SAMPLES];
	int cpu;
} channel_t;

static void futex_wait(_Atomic uint32_t *word, uint32_t seen)
{
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *receive(void *arg)
{
	channel_t *c = arg;
	uint32_t seen = 0;

	pin(c->cpu);
	for (unsigned i = 0; i < WARM_UP + CALL_SAMPLES; i++) {
		while (atomic_load(&c->word) == seen)
			futex_wait(&c->word, seen);
		uint64_t const now = tsc();
		seen = atomic_load(&c->word);
		if (i >= WARM_UP)
			c->samples[i - WARM_UP] = now - atomic_load(&c->sent);
		atomic_fetch_add(&c->ack, 1);
		futex_wake(&c->ack);
	}
	return NULL;
}

void bench_signal(options_t const *o)
{
	static channel_t c;
	pthread_t thread;
	uint64_t ns0 = 0, tsc0 = 0;

	c.cpu = o->cpu2;
	if (pthread_create(&thread, NULL, receive, &c) != 0)
		die("pthread_create");
	for (unsigned i = 0; i < WARM_UP + CALL_SAMPLES; i++) {
		if (i == WARM_UP) {
			ns0 = now_ns();
			tsc0 = tsc();
		}
		uint32_t const acked = atomic_load(&c.ack);
		atomic_store(&c.sent, tsc());
		atomic_fetch_add(&c.word, 1);
		futex_wake(&c.word);
		while (atomic_load(&c.ack) == acked)
			futex_wait(&c.ack, acked);
	}
	pthread_join(thread, NULL);
	ticks_to_ns(ns0, tsc0, c.samples, CALL_SAMPLES);
	report("signal", c.samples, CALL_SAMPLES, 1);
	quantiles("signal", c.samples, CALL_SAMPLES);
}
