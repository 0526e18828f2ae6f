/* cmd-notify.c - `marquee notify` (in progress: see issue 3). */
#include "app.h"

#include <stdio.h>

int
cmd_notify(struct app *app, int argc, char **argv)
{
	(void)app, (void)argc, (void)argv;
	fprintf(stderr, "marquee: notify: not in this build yet\n");
	return 1;
}
