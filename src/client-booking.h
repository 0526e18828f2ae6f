/* client-booking.h - after the sale, between the booking screen and the
 * database: finding bookings, what one booking is (seats, tenders,
 * history), refunds (with the card refunds and the drawer they need) and
 * reprints. Curses-free; every call acts through a session token. */
#ifndef MARQUEE_CLIENT_BOOKING_H
#define MARQUEE_CLIENT_BOOKING_H

#include "app.h"
#include "card.h"
#include "client.h"
#include "ids.h"

/* One booking found (api.find_booking). Strings are owned. */
struct found {
	long long	 order_id;
	long long	 showtime_id;
	long long	 total_cents;
	long long	 refunded_cents;
	char		 code[BOOKCODE_LEN + 1];
	char		 currency[4];
	char		*title;
	char		*when;		/* the show's start in the cinema's time: "Thu 03 Dec 19:30" */
	char		*location;
	char		*customer;	/* "" for a walk-up sale */
	char		*seats;		/* "H1 H2 H3" */
	char		*status;	/* success, part_refunded, refunded, exchanged, initiated, pending */
};

struct found_list {
	struct found	*v;
	int		 n;
};

/* Finds the bookings matching what was typed (a code with or without its
 * dash, "#showtime", card last four and a day, an e-mail, a name), as the
 * session may see them. Returns how many (0 to 50) with *out filled (free
 * with found_list_free), or -1 with *cause (caller frees): the database
 * failed, or the text is a booking code with a typing mistake (its check
 * symbol does not match) and nothing else matched it. */
int  client_find_bookings(struct db *db, const char *session, const char *query, struct found_list *out,
                          char **cause);
void found_list_free(struct found_list *l);

/* One seat of a booking (api.booking_tickets). */
struct booking_seat {
	char		seat[8];
	char		kind[16];
	char		type[32];
	char		state[12];	/* held, sold, printed, admitted, refunded, released, exchanged */
	long long	price_cents;
};

/* What the booking screen shows of one booking. Lines are owned strings. */
struct booking_view {
	struct booking_seat	*seats;
	int			 nseats;
	char			**tenders;	/* "Card TESTCARD ****4242   27.50   back 12.50" */
	int			 ntenders;
	char			**history;	/* "03 Dec 21:10  refund  H2 by cash1: changed plans" */
	int			 nhistory;
	int			 cards_owed;	/* card refunds not yet made by the card terminal */
};

/* Loads the seats, tenders and history of booking f. Returns 0 with *v
 * filled (free with booking_view_free), or -1 with *cause. */
int  client_booking_load(struct db *db, const char *session, const struct found *f, struct booking_view *v,
                         char **cause);
void booking_view_free(struct booking_view *v);

/* A refund as the cashier asked for it. */
struct refund_ask {
	const char		*session;	/* the acting cashier's or manager's */
	long long		 order_id;
	const char *const	*seats;		/* NULL: the whole booking */
	int			 nseats;
	const char		*reason;	/* "" allowed inside the policy */
	const char		*approver;	/* a manager's session for a refund after the cut-off, or NULL */
	char			*rid;		/* 37 bytes: the action's request id; made when empty */
	struct card_terminal	*card;		/* the card terminal that refunds cards, or NULL */
	const char		*drawer_queue;	/* the cash drawer's queue; NULL or "" = none */
	const char		*currency;	/* the booking's, for the words */
};

enum refund_outcome {
	REFUND_DONE,		/* refunded; message says how much went where */
	REFUND_NEEDS_APPROVAL,	/* after the cut-off: ask again with a manager's session */
	REFUND_REFUSED,		/* message says why (admitted, not a seat of it, ...) */
	REFUND_LOST,		/* no answer: the same request may be sent again (rid kept) */
};

struct refund_answer {
	enum refund_outcome	outcome;
	long long		refunded_cents;
	long long		fee_cents;
	long long		cash_cents;	/* to hand over from the drawer */
	char			message[320];
};

/* The seat labels seats (n of them, each cut to 7 bytes) as a text[]
 * parameter, "{H1,H2}", written into buf (size bytes). Returns buf, or NULL
 * when seats is NULL (the whole booking). */
const char *client_seat_array(const char *const *seats, int n, char *buf, size_t size);

/* Refunds seats of a booking (api.refund), then makes the card refunds it
 * owes through the card terminal (client_booking_cards) and opens the
 * drawer for the cash part. Returns 0 with *ans filled. */
int  client_refund(struct db *db, const struct refund_ask *ask, struct refund_answer *ans);

/* Gives back what a refund or an exchange of order_id decided: opens the
 * drawer (drawer_queue) for cash_cents, saying in msg (size bytes, appended
 * to) how much to hand over, then makes the card refunds the order owes
 * (client_booking_cards). */
void client_money_back(struct db *db, const char *session, long long order_id, long long cash_cents,
                       const char *currency, struct card_terminal *card, const char *drawer_queue, char *msg,
                       size_t size);

/* Makes (or asks about) the card refunds a booking still owes, each under
 * its own idempotency key, and tells the database what the card terminal
 * said. Writes what happened into msg (size bytes). Returns how many are
 * still owed after this (their outcome unknown or the terminal failed). */
int  client_booking_cards(struct db *db, const char *session, long long order_id, struct card_terminal *card,
                          char *msg, size_t size);

/* Reprints a paid booking's tickets with the reason recorded
 * (api.booking_note), a new issue (tickets_reprint: earlier copies stop
 * opening the door) and a print on this terminal's ticket printer. Returns
 * the new issue, or -1 with *cause. */
int  client_booking_reprint(struct app *app, struct db *db, const char *session, const struct found *f,
                            const char *reason, char **cause);

/* A kiosk guest collects the tickets of booking code with the last four
 * digits of the card that paid, or the e-mail address of the purchase
 * (proof; wrong ones are counted by the database, which locks the code
 * after too many): a new issue, printed here. Returns
 * 0 when printing, -1 when refused (*cause in words for the customer), -2
 * when reissued but the printer failed (*cause for the log). */
int  client_booking_collect(struct app *app, struct db *db, const char *session, const char *code,
                            const char *proof, char **cause);

/* A signed-in customer cancels their booking code (session: theirs): a
 * refund of every seat to the card that paid, within the policy. Returns 0
 * with *ans filled (REFUSED says why: too late, paid in cash ...). */
int  client_booking_cancel(struct db *db, const char *session, const char *code, struct card_terminal *card,
                           struct refund_answer *ans);

#endif
