/* Scan-code set 1 (see scancode.h). */
#include "scancode.h"

enum {
	PREFIX = 0xe0,
	BREAK = 0x80,
	LSHIFT = 0x2a,
	RSHIFT = 0x36,
	ENTER = 0x1c,
	ACK = 0xfa,
	RESEND = 0xfe,
	ECHO = 0xee,
};

/* Make codes 0x00..0x39, without and with shift (below ' ': no printable character). */
static char const plain[] =
	"\0\0331234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static char const shifted[] =
	"\0\033!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

ps2_event_t ps2_decode(ps2_decoder_t *d, uint8_t code)
{
	ps2_event_t const none = {PS2_NONE, 0};

	if (code == PREFIX) {
		d->prefixed = true;
		return none;
	}
	/* an extended key's second byte and the keyboard's answers are no characters; its
	 * self-test's 0xaa is left shift's break code and just releases shift */
	if (d->prefixed || code == ACK || code == RESEND || code == ECHO) {
		d->prefixed = false;
		return none;
	}
	if ((code & ~BREAK) == LSHIFT || (code & ~BREAK) == RSHIFT) {
		d->shift = !(code & BREAK);
		return none;
	}
	if ((code & BREAK) || code >= sizeof(plain) - 1)
		return none;
	if (code == ENTER)
		return (ps2_event_t){PS2_ENTER, '\n'};
	char const c = (d->shift ? shifted : plain)[code];
	return c < ' ' ? none : (ps2_event_t){PS2_CHAR, c};
}
