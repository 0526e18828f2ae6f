/* fuzz-config.c - libFuzzer harness for the kiosk.conf parser: any bytes
 * must parse or be refused with a "name:line: reason" message, never crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg;
	char *text = xstrndup((const char *)data, size), *cause = NULL;

	config_defaults(&cfg);
	if (config_parse(&cfg, text, "fuzz.conf", &cause) != 0) {
		if (cause == NULL || strncmp(cause, "fuzz.conf:", 10) != 0)
			abort();
		free(cause);
	} else if (cfg.hold_minutes < 1 || cfg.hold_minutes > 30 || strlen(cfg.terminal) == 0 ||
	           strlen(cfg.currency) != 3)
		abort();
	config_free(&cfg);
	free(text);
	return 0;
}
