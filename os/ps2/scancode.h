/*
 * Scan-code set 1 (what the i8042 hands on with translation on) as key events: make codes with
 * shift and the 0xe0 prefix; break codes, extended keys and the keyboard's own answers make no
 * event. Pure: no device access, one decoder per keyboard.
 */
#ifndef PS2_SCANCODE_H
#define PS2_SCANCODE_H

#include <gneiss/types.h>

typedef struct {
	bool shift;    /* a shift key is down */
	bool prefixed; /* the last byte was 0xe0 */
} ps2_decoder_t;

typedef enum {
	PS2_NONE,  /* the byte completed no key press */
	PS2_CHAR,  /* a key with a printable character (space included) */
	PS2_ENTER, /* the enter key */
} ps2_event_kind_t;

typedef struct {
	ps2_event_kind_t kind;
	char c; /* for PS2_CHAR */
} ps2_event_t;

/* Decodes the next byte the controller delivered. */
ps2_event_t ps2_decode(ps2_decoder_t *d, uint8_t code);

#endif
