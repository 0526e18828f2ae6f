/* card.h - the card terminal behind one interface. A sale sends one charge
 * per attempt with its own idempotency key; a charge whose outcome is
 * unknown (the line dropped, the terminal rebooted) is resolved by asking
 * the terminal for the status of that key, never by charging again.
 *
 * Drivers: "test" (card-test.c), a simulated terminal that behaves like a
 * real one by test card numbers (docs/screens.md). A real terminal's
 * protocol is another struct card_driver behind the same calls. */
#ifndef MARQUEE_CARD_H
#define MARQUEE_CARD_H

#include <stdbool.h>

enum card_outcome {
	CARD_APPROVED,
	CARD_DECLINED,
	CARD_TIMEOUT,	/* the terminal did not answer in time: ask its status */
	CARD_UNKNOWN,	/* the request went out, the answer never came: ask its status */
	CARD_NOT_FOUND,	/* status: the terminal never made this charge */
	CARD_ERROR,	/* cannot talk to the terminal at all */
};

struct card_result {
	enum card_outcome outcome;
	char		auth_code[16];
	char		last4[5];
	char		brand[16];
	char		terminal_ref[48];
	char		message[96];	/* words for the screen */
	bool		asked_status;	/* the outcome came from a status question */
};

struct card_terminal;

struct card_driver {
	const char	*name;
	/* Opens the terminal. Returns its state, or NULL with *cause set. */
	void		*(*open)(const char *arg, char **cause);
	void		(*close)(void *state);
	/* Charges cents under an idempotency key. A key already seen returns
	 * the first answer and charges nothing. */
	int		(*charge)(void *state, const char *key, long long cents, const char *currency,
			          struct card_result *res);
	/* What happened to the charge of key. */
	int		(*status)(void *state, const char *key, struct card_result *res);
	/* Voids an approved charge (the sale could not complete). */
	int		(*reverse)(void *state, const char *key, struct card_result *res);
	/* Refunds cents to the card of an earlier charge (its terminal_ref)
	 * under an idempotency key of the refund's own: a key already seen
	 * returns the first answer and refunds nothing. status(key) answers
	 * for a refund as for a charge. */
	int		(*refund)(void *state, const char *key, long long cents, const char *currency,
			          const char *charge_ref, struct card_result *res);
	/* Test driver only: which card the customer presents. NULL otherwise. */
	void		(*present)(void *state, const char *card_number);
};

struct card_terminal {
	const struct card_driver *driver;
	void		*state;
};

/* Opens a driver by name ("test"). Returns 0, or -1 with *cause set. */
int  card_open(struct card_terminal *term, const char *name, const char *arg, char **cause);
void card_close(struct card_terminal *term);
/* Whether the driver lets the screen say which card is presented. */
bool card_is_simulated(const struct card_terminal *term);
/* The card the next charge reads (simulated drivers); "" is the driver's
 * own approved card. */
void card_present(struct card_terminal *term, const char *card_number);

/* One card payment: charges under key and, when the outcome is unknown or
 * timed out, asks the terminal for the status of that same key (up to
 * tries times). Never charges twice. The result is APPROVED, DECLINED,
 * NOT_FOUND (nothing charged: safe to try again with a new key) or UNKNOWN
 * (still unresolved: ask again later with card_resolve). */
int  card_pay(struct card_terminal *term, const char *key, long long cents, const char *currency,
              int tries, struct card_result *res);
/* Asks the status of key again. Same results as card_pay. */
int  card_resolve(struct card_terminal *term, const char *key, int tries, struct card_result *res);
int  card_reverse(struct card_terminal *term, const char *key, struct card_result *res);
/* One card refund: as card_pay, a refund under key of cents to the card of
 * the charge charge_ref, asking the status of that same key when the
 * outcome is unknown (up to tries times). Never refunds twice. APPROVED is
 * refunded; UNKNOWN is to be asked again later with card_resolve. */
int  card_refund(struct card_terminal *term, const char *key, long long cents, const char *currency,
                 const char *charge_ref, int tries, struct card_result *res);

/* Luhn check of a card number (digits only). */
bool card_luhn(const char *number);
const char *card_outcome_name(enum card_outcome outcome);

extern const struct card_driver card_driver_test;

#endif
