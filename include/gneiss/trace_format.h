/*
 * What tracing puts into shared memory: the per-thread trace-control word, the policy a tracer
 * writes, the records of a trace buffer. The traced thread, core, the trace monitor and the host
 * tool all read these layouts; each reader treats what it reads as untrusted (the traced thread
 * writes its own buffer, the tracer its policy).
 *
 * Control. Core keeps one 64-bit word per thread in a read-only page it shares with the thread's
 * component (one page per CPU session). The word is GN_TRACE_CONTROL(version, enabled): core bumps
 * the version whenever it changes the thread's tracing (enabled, paused, another buffer or policy).
 * A trace point compares the word with the one its thread last acted on: the only cost of a trace
 * point while nothing changed and tracing is off.
 *
 * Policy. Declarative data the tracer writes into a dataspace and may rewrite at any time: per
 * event kind whether it is recorded, and how much (GN_TRACE_LAYOUT_*: the header only, with its
 * arguments, or with up to payload_max bytes of payload), plus filters on RPC opcodes. The traced
 * thread applies it by table lookup; an unknown layout or a word it cannot make sense of drops the
 * event. No code of the tracer runs in the traced component.
 *
 * Buffer. A ring the traced thread writes alone, overwriting its oldest records, which any number
 * of readers copy concurrently. Records are 16-byte aligned and never straddle the end: a record
 * that does not fit the rest of the ring is preceded by a PAD record up to the end, so each lap of
 * the ring starts at offset 0 with a record. Every record stores its absolute position (bytes
 * written before it since the buffer began), which a reader compares against the head to tell a
 * record from a partly overwritten one.
 */
#ifndef GNEISS_TRACE_FORMAT_H
#define GNEISS_TRACE_FORMAT_H

#include <gneiss/types.h>

/* ---- control ---------------------------------------------------------------------------------- */

#define GN_TRACE_CONTROL(version, enabled) (((uint64_t)(version) << 1) | ((enabled) ? 1u : 0u))
#define GN_TRACE_CONTROL_ENABLED(word) (((word)&1u) != 0)

enum {
	GN_TRACE_CONTROL_SLOTS = 512, /* 64-bit words in the page of a CPU session */
	GN_TRACE_MAIN_SLOT = 0,       /* the main thread's; the others' come from create_thread */
};

/* ---- events ----------------------------------------------------------------------------------- */

typedef enum {
	GN_TRACE_PAD = 0,      /* fills the ring's end; no event */
	GN_TRACE_RPC_CALL = 1, /* a0: opcode, a1: payload bytes; payload: interface and function */
	GN_TRACE_RPC_RETURNED = 2, /* a0: opcode, a1: the status (gn_err_t) */
	GN_TRACE_RPC_DISPATCH =
		3,              /* a0: opcode, a1: payload bytes; payload: interface and function */
	GN_TRACE_RPC_REPLY = 4, /* a0: opcode, a1: the status */
	GN_TRACE_SIGNAL_SUBMIT = 5,  /* a0: the context's capability, a1: count */
	GN_TRACE_SIGNAL_RECEIVE = 6, /* a0: the context's capability, a1: count */
	GN_TRACE_LOG = 7,            /* a1: bytes; payload: the text */
	GN_TRACE_CHECKPOINT = 8,     /* a0: the user's value; payload: its name */
	GN_TRACE_EVENT_COUNT
} gn_trace_event_t;

/* ---- policy ----------------------------------------------------------------------------------- */

typedef enum {
	GN_TRACE_LAYOUT_HEADER = 0,  /* kind, sequence number and timestamp */
	GN_TRACE_LAYOUT_ARGS = 1,    /* ... and the event's two arguments */
	GN_TRACE_LAYOUT_PAYLOAD = 2, /* ... and up to payload_max bytes of its payload */
	GN_TRACE_LAYOUT_COUNT
} gn_trace_layout_t;

enum {
	GN_TRACE_POLICY_MAGIC = 0x6e747270, /* "prtn" */
	GN_TRACE_POLICY_SIZE = 4096,        /* a policy dataspace */
	GN_TRACE_PAYLOAD_MAX = 256,
};

/* What one event kind records. */
typedef struct {
	uint8_t enabled;      /* 0: dropped */
	uint8_t layout;       /* gn_trace_layout_t; anything else: dropped */
	uint16_t payload_max; /* PAYLOAD: at most this many bytes (and GN_TRACE_PAYLOAD_MAX) */
} gn_trace_rule_t;

typedef struct {
	uint32_t magic; /* GN_TRACE_POLICY_MAGIC, else nothing is recorded */
	uint32_t reserved;
	gn_trace_rule_t rules[GN_TRACE_EVENT_COUNT];
	/*
	 * RPC events (CALL, RETURNED, DISPATCH, REPLY) are recorded only for opcodes whose bit is set
	 * here (opcode & 63); all ones records every opcode.
	 */
	uint64_t rpc_opcodes;
} gn_trace_policy_t;

/* ---- buffer ----------------------------------------------------------------------------------- */

enum {
	GN_TRACE_ALIGN = 16,
	GN_TRACE_BUFFER_MAGIC = 0x6e747262, /* "brtn" */
	GN_TRACE_BUFFER_MIN = 4096,         /* data bytes */
	GN_TRACE_BUFFER_MAX = 64 * 1024 * 1024,
};

typedef struct {
	uint32_t magic;
	uint32_t size;       /* bytes of data after this header, a multiple of 16 */
	uint64_t head;       /* bytes written since the start: the next record's position */
	uint64_t tsc_per_ms; /* timestamps are in TSC ticks; core measured this many per ms */
	uint64_t reserved;
} gn_trace_buffer_hdr_t;

/*
 * A record: its fields by layout, then its payload; len covers all, rounded up to 16 bytes. A PAD
 * record has only len, kind and pos.
 */
typedef struct {
	uint32_t len; /* bytes of the record including this header, a multiple of 16 */
	uint8_t kind; /* gn_trace_event_t */
	uint8_t layout;
	uint16_t payload_len; /* bytes of payload used (PAYLOAD layout) */
	uint64_t pos;         /* the record's absolute position in the buffer */
	uint64_t seq;         /* events recorded by the thread before this one, dropped included */
	uint64_t tsc;         /* HEADER and up */
	uint64_t a0, a1;      /* ARGS and up */
} gn_trace_record_t;

/* The header size of a record of layout (the payload follows it). */
static inline uint32_t gn_trace_record_hdr_len(unsigned layout)
{
	return layout == GN_TRACE_LAYOUT_HEADER
		       ? (uint32_t) __builtin_offsetof(gn_trace_record_t, a0)
		       : (uint32_t)sizeof(gn_trace_record_t);
}

#endif
