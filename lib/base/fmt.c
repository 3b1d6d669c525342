/*
 * Formatted output into bounded buffers.
 *
 * Every byte goes through one sink that knows the buffer's size: it stores what fits below the
 * last byte, which stays reserved for the terminator, and counts every byte the full output has,
 * stored or not. So no path can write past buf[size - 1], and the count is the length snprintf
 * would report. One conversion adds less than 2^32 bytes (width and precision are at most INT_MAX),
 * so the count cannot wrap a 64-bit size_t unless one call has 2^32 conversions.
 *
 * A conversion is parsed completely (flags, width, precision, length, conversion character) and
 * rejected before it emits anything, so an unknown conversion leaves exactly the output before
 * it. Arguments are read from a va_list owned by this file through a pointer, which is the
 * portable way to share one between functions.
 */
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/string.h>

_Static_assert(sizeof(ptrdiff_t) == sizeof(size_t), "%zd reads a ptrdiff_t");
_Static_assert(sizeof(size_t) >= 8, "the output length must not wrap");

enum {
	WIDTH_MAX = 0x7fffffff, /* INT_MAX: what '*' can pass, and what snprintf accepts */
	DIGITS_MAX = 24         /* UINT64_MAX has 20 decimal digits */
};

typedef struct {
	char *buf;
	size_t size;
	size_t len;
} sink_t;

typedef enum {
	LEN_INT,
	LEN_LONG,
	LEN_LLONG,
	LEN_SIZE
} length_t;

typedef struct {
	bool left;     /* '-': pad on the right */
	bool zero;     /* '0': pad numbers with zeros */
	bool has_prec; /* a precision was given and is not negative */
	size_t width;
	size_t prec;
	length_t length;
	char conv;
} spec_t;

static size_t room(sink_t const *o)
{
	return o->size > 0 && o->len < o->size - 1 ? o->size - 1 - o->len : 0;
}

static void emit(sink_t *o, char const *s, size_t n)
{
	size_t k = n < room(o) ? n : room(o);

	if (k)
		gn_memcpy(o->buf + o->len, s, k);
	o->len += n;
}

static void pad(sink_t *o, char c, size_t n)
{
	size_t k = n < room(o) ? n : room(o);

	if (k)
		gn_memset(o->buf + o->len, c, k);
	o->len += n;
}

/* Reads digits at *p into *out; false when the number exceeds WIDTH_MAX. */
static bool parse_num(char const **p, size_t *out)
{
	size_t v = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		v = v * 10 + (size_t)(**p - '0');
		if (v > WIDTH_MAX)
			return false;
	}
	*out = v;
	return true;
}

/* The field width: digits, or '*' taking an int (a negative one means '-'). */
static bool parse_width(char const **p, va_list *ap, spec_t *sp)
{
	if (**p == '*') {
		int w = va_arg(*ap, int);

		(*p)++;
		if (w < 0)
			sp->left = true;
		sp->width = w < 0 ? (size_t)0 - (size_t)w : (size_t)w;
		return sp->width <= WIDTH_MAX;
	}
	return parse_num(p, &sp->width);
}

/* The precision after '.': digits (none means 0), or '*' taking an int (a negative one, none). */
static bool parse_prec(char const **p, va_list *ap, spec_t *sp)
{
	if (**p != '.')
		return true;
	(*p)++;
	sp->has_prec = true;
	if (**p == '*') {
		int pr = va_arg(*ap, int);

		(*p)++;
		sp->has_prec = pr >= 0;
		sp->prec = pr >= 0 ? (size_t)pr : 0;
		return true;
	}
	return parse_num(p, &sp->prec);
}

static length_t parse_length(char const **p)
{
	if (**p == 'z') {
		(*p)++;
		return LEN_SIZE;
	}
	if (**p != 'l')
		return LEN_INT;
	(*p)++;
	if (**p != 'l')
		return LEN_LONG;
	(*p)++;
	return LEN_LLONG;
}

/* Parses the conversion after '%' at *p, consuming '*' arguments; false when it is invalid. */
static bool parse_spec(char const **p, va_list *ap, spec_t *sp)
{
	for (;; (*p)++) {
		if (**p == '-')
			sp->left = true;
		else if (**p == '0')
			sp->zero = true;
		else
			break;
	}
	if (!parse_width(p, ap, sp) || !parse_prec(p, ap, sp))
		return false;
	sp->length = parse_length(p);
	sp->conv = **p;
	if (sp->conv == 0)
		return false;
	(*p)++;
	if (gn_memchr("diuxX", sp->conv, 5) != NULL)
		return true;
	if (sp->length != LEN_INT)
		return false;
	if (sp->conv == 's')
		return true;
	return (sp->conv == 'c' || sp->conv == 'p') && !sp->has_prec;
}

/* Writes prefix, zeros and body into a field of sp->width, padded with spaces. */
static void field(sink_t *o, spec_t const *sp, char const *prefix, size_t zeros, char const *body,
	size_t body_len)
{
	size_t prefix_len = gn_strlen(prefix);
	size_t total = prefix_len + zeros + body_len;
	size_t fill = sp->width > total ? sp->width - total : 0;

	if (!sp->left)
		pad(o, ' ', fill);
	emit(o, prefix, prefix_len);
	pad(o, '0', zeros);
	emit(o, body, body_len);
	if (sp->left)
		pad(o, ' ', fill);
}

static uint64_t unsigned_arg(length_t length, va_list *ap)
{
	switch (length) {
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t signed_arg(length_t length, va_list *ap)
{
	switch (length) {
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

/* Reads the argument of an integer conversion or %p as a magnitude and a sign. */
static uint64_t int_arg(spec_t const *sp, va_list *ap, bool *neg)
{
	int64_t v;

	*neg = false;
	if (sp->conv == 'p')
		return (uintptr_t)va_arg(*ap, void *);
	if (sp->conv != 'd' && sp->conv != 'i')
		return unsigned_arg(sp->length, ap);
	v = signed_arg(sp->length, ap);
	*neg = v < 0;
	return *neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* Writes the digits of v in base 10 or 16 to the end of out; returns the index of the first. */
static size_t digits(uint64_t v, unsigned base, bool upper, char out[DIGITS_MAX])
{
	char const *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t i = DIGITS_MAX;

	do {
		out[--i] = set[v % base];
		v /= base;
	} while (v);
	return i;
}

static void put_int(sink_t *o, spec_t const *sp, va_list *ap)
{
	char buf[DIGITS_MAX];
	bool neg;
	uint64_t v = int_arg(sp, ap, &neg);
	bool hex = sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p';
	size_t first = digits(v, hex ? 16 : 10, sp->conv == 'X', buf);
	size_t len = DIGITS_MAX - first;
	char const *prefix = sp->conv == 'p' ? "0x" : neg ? "-" : "";
	size_t zeros = 0;

	if (sp->has_prec && sp->prec == 0 && v == 0)
		len = 0;
	if (sp->has_prec && sp->prec > len)
		zeros = sp->prec - len;
	if (sp->zero && !sp->left && !sp->has_prec) {
		size_t used = gn_strlen(prefix) + len;

		zeros = sp->width > used ? sp->width - used : 0;
	}
	field(o, sp, prefix, zeros, buf + first, len);
}

/* Formats the conversion after the '%' at *p and advances *p past it. */
static gn_err_t convert(sink_t *o, char const **p, va_list *ap)
{
	spec_t sp = {0};
	char const *s;
	char c;

	if (!parse_spec(p, ap, &sp))
		return GN_ERR_INVALID_ARG;
	switch (sp.conv) {
	case 's':
		s = va_arg(*ap, char const *);
		if (s == NULL)
			s = "(null)";
		field(o, &sp, "", 0, s, sp.has_prec ? gn_strnlen(s, sp.prec) : gn_strlen(s));
		return GN_OK;
	case 'c':
		c = (char)va_arg(*ap, int);
		field(o, &sp, "", 0, &c, 1);
		return GN_OK;
	default: put_int(o, &sp, ap); return GN_OK;
	}
}

gn_err_t gn_vfmt(char *buf, size_t size, size_t *out_len, char const *fmt, va_list ap)
{
	sink_t o = {buf, size, 0};
	gn_err_t err = GN_OK;
	va_list args;

	if (out_len)
		*out_len = 0;
	if (buf == NULL && size > 0)
		return GN_ERR_INVALID_ARG;
	if (size > 0)
		buf[0] = 0;
	if (fmt == NULL)
		return GN_ERR_INVALID_ARG;
	va_copy(args, ap);
	while (*fmt && err == GN_OK) {
		char const *lit = fmt;

		while (*fmt && *fmt != '%')
			fmt++;
		emit(&o, lit, (size_t)(fmt - lit));
		if (*fmt == 0)
			break;
		fmt++;
		if (*fmt == '%')
			emit(&o, fmt++, 1);
		else
			err = convert(&o, &fmt, &args);
	}
	va_end(args);
	if (size > 0)
		buf[o.len < size ? o.len : size - 1] = 0;
	if (out_len)
		*out_len = o.len;
	return err == GN_OK && o.len >= size ? GN_ERR_TRUNCATED : err;
}

gn_err_t gn_fmt(char *buf, size_t size, size_t *out_len, char const *fmt, ...)
{
	va_list ap;
	gn_err_t err;

	va_start(ap, fmt);
	err = gn_vfmt(buf, size, out_len, fmt, ap);
	va_end(ap);
	return err;
}

void gn_fmt_buf_init(gn_fmt_buf_t *b, char *buf, size_t size)
{
	b->buf = buf;
	b->size = size;
	b->len = 0;
	b->truncated = false;
	if (size > 0)
		buf[0] = 0;
}

gn_err_t gn_fmt_buf_vappend(gn_fmt_buf_t *b, char const *fmt, va_list ap)
{
	size_t n;
	gn_err_t err;

	if (b->truncated)
		return GN_ERR_TRUNCATED;
	if (b->size == 0)
		err = gn_vfmt(NULL, 0, &n, fmt, ap);
	else
		err = gn_vfmt(b->buf + b->len, b->size - b->len, &n, fmt, ap);
	if (err == GN_ERR_INVALID_ARG) {
		if (b->size > 0)
			b->buf[b->len] = 0;
		return err;
	}
	if (err == GN_ERR_TRUNCATED && n == 0)
		err = GN_OK; /* an empty append to a buffer of size 0 loses nothing */
	if (err == GN_ERR_TRUNCATED) {
		b->truncated = true;
		b->len = b->size > 0 ? b->size - 1 : 0;
		return err;
	}
	b->len += n;
	return err;
}

gn_err_t gn_fmt_buf_append(gn_fmt_buf_t *b, char const *fmt, ...)
{
	va_list ap;
	gn_err_t err;

	va_start(ap, fmt);
	err = gn_fmt_buf_vappend(b, fmt, ap);
	va_end(ap);
	return err;
}
