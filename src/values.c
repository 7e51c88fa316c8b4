#include "values.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"

/*
 * An exact number: digits * 10^exponent, where digits is a string of
 * decimal digits. Once normalised it has no leading or trailing zeros, and
 * zero is the empty string. Two normalised numbers are equal when sign,
 * digits and exponent are, so no comparison ever rounds.
 */
struct exact {
	int negative;
	struct buf digits;
	long exponent;
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static void exact_normalise(struct exact *x)
{
	size_t lead = 0;

	while (lead < x->digits.len && x->digits.ptr[lead] == '0')
		lead++;
	if (lead) {
		memmove(x->digits.ptr, x->digits.ptr + lead, x->digits.len - lead + 1);
		x->digits.len -= lead;
	}
	while (x->digits.len && x->digits.ptr[x->digits.len - 1] == '0') {
		x->digits.ptr[--x->digits.len] = '\0';
		x->exponent++;
	}
	if (!x->digits.len) {
		x->negative = 0;
		x->exponent = 0;
	}
}

/* Multiplies the digit string by a small factor (1024 for token counts). */
static void exact_multiply(struct exact *x, unsigned factor)
{
	struct buf out = BUF_INIT;
	unsigned long carry = 0;
	size_t i;

	/* Builds the product least significant digit first, then reverses it. */
	for (i = x->digits.len; i-- > 0;) {
		unsigned long d = (unsigned long)(x->digits.ptr[i] - '0') * factor + carry;

		buf_addch(&out, (int)('0' + d % 10));
		carry = d / 10;
	}
	while (carry) {
		buf_addch(&out, (int)('0' + carry % 10));
		carry /= 10;
	}
	for (i = 0; i < out.len / 2; i++) {
		char c = out.ptr[i];

		out.ptr[i] = out.ptr[out.len - 1 - i];
		out.ptr[out.len - 1 - i] = c;
	}
	buf_release(&x->digits);
	x->digits = out;
	exact_normalise(x);
}

/*
 * Reads "-?digits(.digits)?" from the start of s into x. Returns the number
 * of bytes read, or 0 when s does not start with such a number. With
 * allow_sign unset a minus sign is not part of the syntax.
 */
static size_t exact_scan(struct exact *x, const char *s, int allow_sign,
			 int *decimals)
{
	const char *p = s;
	const char *fraction = NULL;
	size_t int_len, frac_len = 0;

	x->negative = 0;
	x->exponent = 0;
	buf_init(&x->digits, 0);
	if (allow_sign && *p == '-') {
		x->negative = 1;
		p++;
	}
	int_len = strspn(p, "0123456789");
	if (!int_len)
		return 0;
	buf_add(&x->digits, p, int_len);
	p += int_len;
	if (*p == '.') {
		fraction = p + 1;
		frac_len = strspn(fraction, "0123456789");
		if (!frac_len)
			return 0;
		buf_add(&x->digits, fraction, frac_len);
		p = fraction + frac_len;
	}
	x->exponent = -(long)frac_len;
	if (decimals)
		*decimals = (int)frac_len;
	exact_normalise(x);
	return (size_t)(p - s);
}

static int exact_equal(const struct exact *a, const struct exact *b)
{
	return a->negative == b->negative && a->exponent == b->exponent &&
	       a->digits.len == b->digits.len &&
	       !memcmp(a->digits.ptr, b->digits.ptr, a->digits.len);
}

int decimal_parse(const char *s, double *value, int *decimals)
{
	size_t n;
	int places = 0;

	if (!s)
		return -1;
	/* The syntax of exact_scan(), checked without building the digit string. */
	n = (*s == '-');
	if (!is_digit(s[n]))
		return -1;
	while (is_digit(s[n]))
		n++;
	if (s[n] == '.') {
		size_t start = ++n;

		while (is_digit(s[n]))
			n++;
		places = (int)(n - start);
		if (!places)
			return -1;
	}
	if (s[n])
		return -1;
	if (value)
		*value = strtod(s, NULL);
	if (decimals)
		*decimals = places;
	return 0;
}

int decimal_equal(const char *a, const char *b)
{
	struct exact x, y;
	size_t nx, ny;
	int equal;

	if (!a || !b)
		return a == b;
	nx = exact_scan(&x, a, 1, NULL);
	ny = exact_scan(&y, b, 1, NULL);
	if (!nx || a[nx] || !ny || b[ny])
		equal = !strcmp(a, b);
	else
		equal = exact_equal(&x, &y);
	buf_release(&x.digits);
	buf_release(&y.digits);
	return equal;
}

void decimal_key(struct buf *out, const char *s)
{
	struct exact x;
	size_t n = exact_scan(&x, s, 1, NULL);

	/*
	 * The first byte keeps a number apart from a text that does not
	 * parse. Pairing keys every score's value, so no printf here.
	 */
	if (n && !s[n]) {
		char digits[24];
		unsigned long e = x.exponent < 0 ? 0UL - (unsigned long)x.exponent :
			(unsigned long)x.exponent;
		size_t k = sizeof(digits);

		buf_adds(out, x.negative ? "d-" : "d");
		if (x.digits.len)
			buf_add(out, x.digits.ptr, x.digits.len);
		buf_adds(out, x.exponent < 0 ? "e-" : "e");
		do {
			digits[--k] = (char)('0' + e % 10);
			e /= 10;
		} while (e);
		buf_add(out, digits + k, sizeof(digits) - k);
	} else {
		buf_addch(out, 's');
		buf_adds(out, s);
	}
	buf_release(&x.digits);
}

/*
 * Reads a count into x. A suffix shifts the exponent (K 3, M 6, B 9, T 12);
 * with tokens set, K multiplies by 1024 instead. A fraction needs a suffix:
 * "7.5" is not a count of anything. Returns 0 or -1.
 */
static int count_scan(struct exact *x, const char *s, int tokens)
{
	size_t n;
	int decimals = 0;
	const char *suffix;

	if (!s)
		return -1;
	n = exact_scan(x, s, 0, &decimals);
	if (!n)
		goto fail;
	suffix = s + n;
	if (!*suffix) {
		if (decimals)
			goto fail;
		return 0;
	}
	if (suffix[1])
		goto fail;
	switch (*suffix) {
	case 'K':
		if (tokens)
			exact_multiply(x, 1024);
		else
			x->exponent += 3;
		break;
	case 'M':
		x->exponent += 6;
		break;
	case 'B':
		x->exponent += 9;
		break;
	case 'T':
		x->exponent += 12;
		break;
	default:
		goto fail;
	}
	if (!x->digits.len)
		x->exponent = 0;
	return 0;

fail:
	buf_release(&x->digits);
	return -1;
}

int count_parse(const char *s, int tokens, double *value)
{
	struct exact x;
	double v;
	long e;
	size_t i;

	if (count_scan(&x, s, tokens) < 0)
		return -1;
	v = 0;
	for (i = 0; i < x.digits.len; i++)
		v = v * 10 + (x.digits.ptr[i] - '0');
	for (e = x.exponent; e > 0; e--)
		v *= 10;
	for (; e < 0; e++)
		v /= 10;
	buf_release(&x.digits);
	/* Hundreds of digits overflow a double: no model has that many. */
	if (!isfinite(v))
		return -1;
	if (value)
		*value = v;
	return 0;
}

int count_equal(const char *a, const char *b, int tokens)
{
	struct exact x, y;
	int equal;

	if (count_scan(&x, a, tokens) < 0)
		return 0;
	if (count_scan(&y, b, tokens) < 0) {
		buf_release(&x.digits);
		return 0;
	}
	equal = exact_equal(&x, &y);
	buf_release(&x.digits);
	buf_release(&y.digits);
	return equal;
}

static int is_leap_year(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(long y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && is_leap_year(y))
		return 29;
	return days[m - 1];
}

/* Leap years in 1 .. y-1 (proleptic Gregorian calendar, y >= 1). */
static long leap_years_before(long y)
{
	return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
}

/* Returns the days from 1970-01-01 to y-m-d, negative before 1970. */
static long days_since_epoch(long y, int m, int d)
{
	long days = 365 * (y - 1970) + leap_years_before(y) - leap_years_before(1970);
	int i;

	for (i = 1; i < m; i++)
		days += days_in_month(y, i);
	return days + d - 1;
}

static int read_digits(const char *s, int n, long *out)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parses YYYY-MM, followed by -DD when with_day is set, and nothing after. */
static int date_scan(const char *s, int with_day, long *days)
{
	long year, month, day = 1;

	if (!s || read_digits(s, 4, &year) < 0 || s[4] != '-' ||
	    read_digits(s + 5, 2, &month) < 0)
		return -1;
	if (with_day) {
		if (s[7] != '-' || read_digits(s + 8, 2, &day) < 0 || s[10])
			return -1;
	} else if (s[7]) {
		return -1;
	}
	if (year < 1 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month(year, (int)month))
		return -2;
	if (days)
		*days = days_since_epoch(year, (int)month, (int)day);
	return 0;
}

int date_parse(const char *s, long *days)
{
	return date_scan(s, 1, days);
}

int date_parse_month(const char *s, long *days)
{
	if (s && strlen(s) == 7)
		return date_scan(s, 0, days);
	return date_scan(s, 1, days);
}
