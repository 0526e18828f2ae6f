/* escpos-raster.c - reads an ESC/POS stream the way a thermal printer
 * would, refusing any command Marquee's driver does not send, and draws
 * what it printed: raster images (GS v 0) as a PBM picture, text as lines.
 *
 *   escpos-raster FILE [N]   writes the Nth raster image (from 1) as PBM
 *                            on stdout, with a white border
 *   escpos-raster FILE -t    prints the text lines, one per line
 * Exit 1 for an unknown command, a cut-short stream, or no Nth image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BORDER 48

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (f == NULL)
		return NULL;
	do {
		if (*len + 65536 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			if (buf == NULL)
				exit(1);
		}
		n = fread(buf + *len, 1, 65536, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

static void
write_pbm(const unsigned char *img, int bytes, int rows)
{
	int w = bytes * 8 + 2 * BORDER, h = rows + 2 * BORDER, rb = (w + 7) / 8;

	printf("P4\n%d %d\n", w, h);
	for (int y = 0; y < h; y++) {
		unsigned char *line = calloc((size_t)rb, 1);

		if (y >= BORDER && y < BORDER + rows)
			for (int x = 0; x < bytes * 8; x++)
				if (img[(y - BORDER) * bytes + x / 8] & (0x80 >> (x % 8))) {
					int px = x + BORDER;
					line[px / 8] |= (unsigned char)(0x80 >> (px % 8));
				}
		fwrite(line, 1, (size_t)rb, stdout);
		free(line);
	}
}

int
main(int argc, char **argv)
{
	size_t len, i = 0;
	unsigned char *s;
	int want = 1, text = 0, seen = 0, col = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: escpos-raster FILE [N | -t]\n");
		return 2;
	}
	if (argc > 2 && strcmp(argv[2], "-t") == 0)
		text = 1;
	else if (argc > 2)
		want = atoi(argv[2]);
	if ((s = slurp(argv[1], &len)) == NULL) {
		fprintf(stderr, "escpos-raster: cannot read %s\n", argv[1]);
		return 1;
	}
	while (i < len) {
		unsigned char c = s[i];

		if (c == 0x1b) {	/* ESC @, ESC a/E/M/d/t n */
			if (i + 1 >= len)
				goto short_stream;
			if (s[i + 1] == '@') {
				i += 2;
				continue;
			}
			if (strchr("aEMdt", s[i + 1]) == NULL || s[i + 1] == 0 || i + 2 >= len)
				goto unknown;
			if (s[i + 1] == 'd' && text)
				putchar('\n');
			i += 3;
		} else if (c == 0x1d) {	/* GS ! n, GS B n, GS V m n, GS v 0 ... */
			if (i + 2 >= len)
				goto short_stream;
			if (s[i + 1] == '!' || s[i + 1] == 'B')
				i += 3;
			else if (s[i + 1] == 'V' && s[i + 2] == 66 && i + 3 < len) {
				if (text)
					printf("--- cut\n");
				i += 4;
			} else if (s[i + 1] == 'v' && s[i + 2] == '0' && i + 7 < len) {
				int bytes = s[i + 4] | s[i + 5] << 8, rows = s[i + 6] | s[i + 7] << 8;
				size_t size = (size_t)bytes * (size_t)rows;

				if (i + 8 + size > len)
					goto short_stream;
				if (++seen == want && !text) {
					write_pbm(s + i + 8, bytes, rows);
					free(s);
					return 0;
				}
				if (text)
					printf("[raster %dx%d]", bytes * 8, rows);
				i += 8 + size;
			} else
				goto unknown;
		} else if (c == '\n') {
			if (text)
				putchar('\n');
			col = 0;
			i++;
		} else if (c >= 0x20 && c < 0x7f) {
			if (text)
				putchar(c);
			col++;
			i++;
		} else
			goto unknown;
	}
	free(s);
	if (text)
		return 0;
	fprintf(stderr, "escpos-raster: no raster image %d (found %d)\n", want, seen);
	return 1;
unknown:
	fprintf(stderr, "escpos-raster: unknown command 0x%02x 0x%02x at byte %zu\n", s[i],
	        i + 1 < len ? s[i + 1] : 0, i);
	free(s);
	return 1;
short_stream:
	fprintf(stderr, "escpos-raster: stream cut short at byte %zu\n", i);
	free(s);
	return 1;
}
