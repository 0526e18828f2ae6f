/* config.h - kiosk.conf: what one terminal is and where it prints. */
#ifndef MARQUEE_CONFIG_H
#define MARQUEE_CONFIG_H

#include "print-driver.h"	/* enum print_driver */

enum term_mode { MODE_COUNTER, MODE_KIOSK };

struct config {
	char		*path;		/* file it came from, or NULL for defaults */
	char		 terminal[33];	/* terminal id, recorded with every hold */
	enum term_mode	 mode;
	char		*dsn;		/* "" means libpq's own defaults */
	int		 hold_minutes;	/* asked of the database, which may allow fewer */
	int		 reconnect_seconds;	/* a lost database is retried this long within one call */
	char		 currency[4];	/* ISO 4217 */
	char		*printer_queue;	/* CUPS queue for tickets; "" = CUPS default */
	enum print_driver printer_driver;
	char		*receipt_queue;	/* CUPS queue of the receipt printer (drawer kick) */
	int		 print_wait;	/* seconds a print waits for the printer to take it */
	char		*signing_key;	/* Ed25519 secret key file (0600) */
	char		*public_key;	/* Ed25519 public key file, for scanners */
	int		 idle_seconds;	/* kiosk: back to the attract screen after this */
	int		 logout_minutes;/* counter: staff logged out after this idle time */
	char		*card_driver;	/* "test" or the name of a real driver */
	char		*card_state;	/* the card driver's directory (the test terminal's journal); "" = its default */
	long		 location_id;	/* 0 = every cinema */
	char		*sendmail;	/* command that takes a message on stdin */
	char		*log;		/* operational log: syslog, stderr, off or a file (oplog.h) */
};

/* Fills cfg with the built-in defaults. */
void config_defaults(struct config *cfg);
/* Parses text (named name in messages) over cfg. Returns 0, or -1 with
 * *cause set to "name:line: what is wrong" (caller frees). */
int  config_parse(struct config *cfg, const char *text, const char *name, char **cause);
/* Reads and parses a file. Returns 0, or -1 with *cause set. */
int  config_load(struct config *cfg, const char *path, char **cause);
/* Which file to read: arg, else $MARQUEE_CONFIG, else ./kiosk.conf, else
 * /etc/marquee/kiosk.conf if it exists; NULL when none (use defaults). The
 * string is static or arg itself. */
const char *config_find(const char *arg);
void config_free(struct config *cfg);

const char *config_mode_name(enum term_mode mode);
const char *config_driver_name(enum print_driver driver);
/* Parses a driver name ("ps", "escpos", "fgl"). Returns 0 or -1. */
int config_driver_parse(const char *name, enum print_driver *driver);

#endif
