/* cmd-ticket.c - `marquee keys`, `ticket` and `scan` (in progress: see issue 4). */
#include "app.h"

#include <stdio.h>

int
cmd_keys(struct app *app, int argc, char **argv)
{
	(void)app, (void)argc, (void)argv;
	fprintf(stderr, "marquee: keys: not in this build yet\n");
	return 1;
}

int
cmd_ticket(struct app *app, int argc, char **argv)
{
	(void)app, (void)argc, (void)argv;
	fprintf(stderr, "marquee: ticket: not in this build yet\n");
	return 1;
}

int
cmd_scan(struct app *app, int argc, char **argv)
{
	(void)app, (void)argc, (void)argv;
	fprintf(stderr, "marquee: scan: not in this build yet\n");
	return 1;
}
