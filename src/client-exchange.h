/* client-exchange.h - exchanges between the booking screen and the
 * database: the shows a booking may move to, and moving seats of a paid
 * booking to seats this terminal holds (api.exchange), with the money that
 * comes back (drawer, card refunds) or the difference then due on the new
 * order. Curses-free; every call acts through a session token. */
#ifndef MARQUEE_CLIENT_EXCHANGE_H
#define MARQUEE_CLIENT_EXCHANGE_H

#include "card.h"
#include "client-booking.h"
#include "client.h"

/* A show a booking may move to (api.exchange_shows). Strings are owned. */
struct exchange_show {
	long long	 showtime_id;
	char		*title;
	char		*when;		/* "Fri 04 Dec 19:30", the cinema's time */
	char		*hall;
	int		 free_seats;
	bool		 same_film;
};

struct exchange_shows {
	struct exchange_show	*v;
	int			 n;
};

/* The shows order_id may move to, the booking's film first (its next show
 * after the booking's first). Returns how many with *out filled (free with
 * exchange_shows_free), or -1 with *cause (caller frees). */
int  client_exchange_shows(struct db *db, const char *session, long long order_id, struct exchange_shows *out,
                           char **cause);
void exchange_shows_free(struct exchange_shows *l);

/* An exchange as the cashier asked for it. */
struct exchange_ask {
	const char		*session;	/* the acting staff member's: it holds the new seats */
	long long		 order_id;	/* the paid booking */
	const char *const	*seats;		/* its seats that move; NULL: all */
	int			 nseats;
	long long		 new_order_id;	/* the hold of the new seats */
	const char		*reason;	/* "" allowed inside the policy */
	const char		*approver;	/* a manager's session after the cut-off, or NULL */
	char			*rid;		/* 37 bytes: the action's request id; made when empty */
	struct card_terminal	*card;		/* refunds the card part of a cheaper exchange, or NULL */
	const char		*drawer_queue;	/* the cash drawer's queue; NULL or "" = none */
	const char		*currency;
};

struct exchange_answer {
	enum refund_outcome	outcome;	/* DONE, NEEDS_APPROVAL, REFUSED or LOST, as a refund's */
	long long		old_cents;	/* what the moved tickets were worth */
	long long		new_cents;	/* what the new ones cost */
	long long		due_cents;	/* still to pay on the new order (the payment screen) */
	long long		refunded_cents;	/* given back to the tenders that paid */
	char			message[320];
};

/* Moves the seats (api.exchange) and gives back what a cheaper exchange
 * returns (client_money_back). Returns 0 with *ans filled. */
int  client_exchange(struct db *db, const struct exchange_ask *ask, struct exchange_answer *ans);

#endif
