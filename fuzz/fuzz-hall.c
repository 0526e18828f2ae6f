/* fuzz-hall.c - libFuzzer harness for the hall layout parser: any bytes must
 * be read or refused with a message, never crash; a layout read is written
 * back and that text reads to the same seats. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hall-layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hall_layout h, again;
	char *cause = NULL, *text;

	if (hall_layout_parse((const char *)data, size, &h, &cause) != 0) {
		if (cause == NULL || h.n != 0)
			abort();
		free(cause);
		hall_layout_free(&h);
		return 0;
	}
	if (h.n == 0 || h.rows < 1 || h.rows > HALL_ROWS_MAX || h.cols < 1 || h.cols > HALL_COLS_MAX)
		abort();
	if ((text = hall_layout_format(&h, &cause)) == NULL) {
		/* Two rows sharing a name: the database refuses the labels. */
		free(cause);
	} else {
		if (hall_layout_parse(text, strlen(text), &again, &cause) != 0 || again.n != h.n)
			abort();
		for (size_t i = 0; i < h.n; i++)
			if (strcmp(h.seats[i].label, again.seats[i].label) != 0 || h.seats[i].col != again.seats[i].col)
				abort();
		hall_layout_free(&again);
		free(text);
	}
	hall_layout_free(&h);
	return 0;
}
