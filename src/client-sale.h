/* client-sale.h - the sale in progress at a terminal and its sequence: hold
 * the chosen seats, ticket types, payment start, card charge, payment,
 * reversal of a charge the sale could not keep, the cash drawer, and the
 * e-mailed receipt. Every write carries a request id made once per user
 * action and reused when the same action is sent again after a lost answer
 * (ARCHITECTURE.md rule 7); an approved card charge waits in the sale,
 * exactly as it was, until the database has recorded it. Curses-free. */
#ifndef MARQUEE_CLIENT_SALE_H
#define MARQUEE_CLIENT_SALE_H

#include "card.h"
#include "cart.h"
#include "client.h"

#include <stdbool.h>

#define SALE_MAX_SEATS CART_MAX_SEATS

/* The sale in progress at this terminal: it outlives the screens. */
struct sale {
	long long	showtime_id;
	char		title[128];
	char		when[48];
	char		hall[96];
	int		party;			/* best available party size */
	char		seats[SALE_MAX_SEATS][8];	/* chosen seats (labels) */
	int		nseats;
	long long	order_id;		/* 0 until held */
	char		booking_code[16];
	double		expire_at;		/* client_now() seconds when the hold ends */
	bool		expired;
	struct cart	cart;
	char		hold_rid[37];		/* request ids: one per user action, kept for retry */
	char		pay_rid[37];
	char		start_rid[37];
	char		card_key[37];		/* idempotency key of the card attempt */
	long long	tendered_cents;
	long long	change_cents;
	char		paid_how[64];
	/* the payment in progress */
	char		record[640];		/* payment_info approved but not yet recorded */
	bool		card_charged;		/* record holds an approved card charge */
	bool		card_unknown;		/* the last charge's outcome is not known yet */
	char		note[256];		/* what the card terminal said, for the screen */
};

enum pay_method { PAY_CASH, PAY_CARD, PAY_SPLIT };

/* How a payment is made. */
struct sale_pay {
	enum pay_method		 method;
	const char		*amount;	/* cash tendered (cash; "" = exact) or cash part (split) */
	struct card_terminal	*card;		/* NULL or no driver: no card terminal */
	const char		*card_error;	/* why there is no card terminal */
	const char		*card_number;	/* test terminal: the card presented, else NULL */
	const char		*drawer_queue;	/* the drawer's queue; NULL or "" = none */
	bool			 kiosk;		/* card only: no "or cash" advice */
};

enum sale_outcome {
	SALE_PAID,	/* recorded by the database; the sale is over */
	SALE_AGAIN,	/* not paid yet: input again; Enter sends any outstanding request again */
	SALE_EXPIRED,	/* the hold ran out: hold the same seats again, or choose others */
	SALE_UNKNOWN,	/* the card charge's outcome is unknown: ask the terminal (no new charge) */
};

struct sale_answer {
	enum sale_outcome	outcome;
	bool			trouble;	/* the message reports a problem */
	char			message[240];	/* words for the screen */
};

/* Every call below acts through session, the token of the person at the
 * terminal (a staff member, a customer or a kiosk guest): the database
 * learns from it who sells and to whom, and refuses other sessions' orders. */

/* Holds the sale's chosen seats (api.select_seat). Returns 0 when held (the
 * cart then holds what the database says) with *message "N seats held." ("1 seat held."),
 * or -1 with *message saying why not. Caller frees *message. */
int  client_sale_hold(struct db *db, const char *session, struct sale *s, char **message);
/* Best available for a wheelchair user with a companion
 * (api.select_accessible): a free wheelchair place and the companion seat
 * beside it, held at once, the companion at the cinema's companion price.
 * Returns 0 when held (the sale's seats are then the two) with *message
 * naming them, or -1 with *message saying why not. Caller frees *message. */
int  client_sale_hold_accessible(struct db *db, const char *session, struct sale *s, char **message);
/* Reads the order's total, paid part, currency, time left and lines into
 * the sale. Returns 0, or -1 with *cause set (caller frees). */
int  client_sale_refresh(struct db *db, const char *session, struct sale *s, char **cause);
/* Releases a live hold that was not paid (api.cancel) and forgets the order;
 * the chosen seats are kept. */
void client_sale_abandon(struct db *db, const char *session, struct sale *s);
/* Seconds left on the hold (0 when expired or none). */
int  client_sale_seconds_left(const struct sale *s);
/* Forgets what a payment screen typed or was told (not an outstanding request). */
void client_sale_note_clear(struct sale *s);

/* Fills cart's ticket types for a showtime. Returns 0, or -1 with *cause. */
int  client_ticket_types(struct db *db, long long showtime_id, struct cart *cart, char **cause);
/* Sets the type of one line (all lines when line < 0); the database reprices
 * and the sale is read again. Returns 0, or -1 with *cause. */
int  client_set_types(struct db *db, const char *session, struct sale *s, int line, const char *code, char **cause);

/* One step of taking the money: a payment waiting to be recorded is sent
 * again with its request id; otherwise the payment starts (an order the
 * database lost in a failover is first held again, same seats, and the note
 * says so, or the answer says which seat was taken meanwhile; the database gives
 * the hold a little more time), the cash is counted or the card charged (an
 * unknown outcome is resolved by asking the terminal about the same key,
 * never by charging again), the payment is recorded, a refused payment's card
 * charge is reversed and the drawer opened for cash. */
void client_sale_pay(struct db *db, const char *session, struct sale *s, const struct sale_pay *how,
                     struct sale_answer *ans);

/* One tender of a paid order, as the database recorded it. */
struct tender {
	char		what[48];	/* "Cash", or "Card VISA ****4242" */
	long long	amount_cents;
	long long	tendered_cents;	/* cash handed over; change is the difference */
	char		currency[4];
};

/* Reads the tenders of booking code (api.order_payments), at most max of
 * them, in the order they were taken. Returns how many, or -1 with *cause
 * set (caller frees). */
int  client_sale_tenders(struct db *db, const char *session, const char *code, struct tender *out, int max,
                         char **cause);

/* Queues an e-mailed receipt of the order (api.email_receipt): to email
 * ("" = the address on the booking or account; the database refuses any
 * other). rid is the action's request id: made when empty, kept after a
 * lost answer, cleared after a refusal. Returns 0 when queued, or -1;
 * *message says which. */
int  client_email_receipt(struct db *db, const char *session, long long order_id, const char *email, char rid[37],
                          char **message);

#endif
