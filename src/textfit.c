/* textfit.c - fitting UTF-8 text into a number of screen columns: film
 * titles, halls and names are typed by people, in any language, and a
 * column cut by bytes can split a character and shift the rest of the row. */
#include "textfit.h"

#include <string.h>
#include <wchar.h>

int
utf8_decode(const unsigned char *s, unsigned int *cp)
{
	int len, i;
	unsigned int c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
	} else
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong, surrogate or beyond Unicode */
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int
utf8_is_control(unsigned int cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0);
}

int
textfit(char *out, size_t outsz, const char *s, int cols, int pad)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
	size_t o = 0;
	int used = 0;

	if (outsz == 0)
		return 0;
	while (*p != '\0') {
		unsigned int cp;
		int len = utf8_decode(p, &cp), n = len, w;	/* bytes read, written */
		const unsigned char *bytes = p;

		if (len == 0 || utf8_is_control(cp)) {
			/* not text: one '?' for the byte (or the control character) */
			len = len == 0 ? 1 : len;
			bytes = (const unsigned char *)"?";
			n = w = 1;
		} else {
			w = cp < 0x80 ? 1 : wcwidth((wchar_t)cp);
			if (w < 0)
				w = 1;	/* the locale cannot tell */
		}
		if (used + w > cols || o + (size_t)n >= outsz)
			break;
		memcpy(out + o, bytes, (size_t)n);
		o += (size_t)n;
		used += w;
		p += len;
	}
	while (pad && used < cols && o + 1 < outsz) {
		out[o++] = ' ';
		used++;
	}
	out[o] = '\0';
	return used;
}

int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int cp;
	int len;

	while (*p != '\0') {
		if ((len = utf8_decode(p, &cp)) == 0)
			return 0;
		p += len;
	}
	return 1;
}
