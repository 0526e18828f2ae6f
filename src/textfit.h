/* textfit.h - fitting UTF-8 text into a number of screen columns. */
#ifndef MARQUEE_TEXTFIT_H
#define MARQUEE_TEXTFIT_H

#include <stddef.h>

/* Copies as much of the UTF-8 text s into out (of size outsz, always
 * terminated) as fits in cols screen columns, never cutting a character in
 * two, then pads with spaces to exactly cols columns when pad is non-zero.
 * A character's width is wcwidth()'s in the current locale (2 for wide East
 * Asian ones, 0 for combining marks), or 1 where the locale cannot tell.
 * Bytes that are not UTF-8, and control characters, become '?'. Returns the
 * columns used. */
int textfit(char *out, size_t outsz, const char *s, int cols, int pad);

/* Decodes the UTF-8 character at s: returns its length in bytes (1-4) and
 * sets *cp, or 0 when s does not start a valid character. */
int utf8_decode(const unsigned char *s, unsigned int *cp);

/* Whether code point cp is a control character (C0, DEL or C1). */
int utf8_is_control(unsigned int cp);

/* Whether s is all whole, valid UTF-8 characters (a character still being
 * typed, one byte at a time, is not). */
int utf8_valid(const char *s);

#endif
