/* util.h - memory wrappers that never return NULL, small string helpers. */
#ifndef MARQUEE_UTIL_H
#define MARQUEE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Called before a fatal exit, so a screen can restore the terminal first. */
extern void (*fatal_hook)(void);

void   fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void  *xmalloc(size_t size);
void  *xcalloc(size_t n, size_t size);
void  *xrealloc(void *ptr, size_t size);
void  *xreallocarray(void *ptr, size_t n, size_t size);
char  *xstrdup(const char *s);
char  *xstrndup(const char *s, size_t n);
char  *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char  *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Copies src into dst of size n, always terminated; returns strlen(src). */
size_t strlcpy_m(char *dst, const char *src, size_t n);
/* Trims white space at both ends, in place; returns s. */
char  *strtrim(char *s);
/* Makes s one line, in place: each run of white space (line breaks, tabs)
 * becomes one space, none at either end; returns s. */
char  *strflat(char *s);
/* Formats cents as "12.50" (with a minus sign when negative) into buf. */
char  *money_format(char *buf, size_t len, long long cents);
/* Parses "12", "12.5", "12.50" into cents. Returns 0, or -1 on bad input. */
int    money_parse(const char *s, long long *cents);

/* Reads the rest of f into a new buffer, NUL-terminated, of at most max
 * bytes. Returns it with its length in *len, or NULL with errno set
 * (EFBIG: longer than max). The caller frees it. */
char  *read_stream(FILE *f, size_t max, size_t *len);
/* As read_stream, the whole file at path. Returns NULL with errno set when
 * it cannot be opened or read. */
char  *read_path(const char *path, size_t max, size_t *len);

#endif
