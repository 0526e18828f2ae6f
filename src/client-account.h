/* client-account.h - who is at the terminal: staff and customer sign-in
 * (the password is checked here against what the database hands out; the
 * database counts the outcome and locks), customer registration, and a
 * customer's bookings. Every sign-in and refusal goes to the operational log
 * (the login, never a password or hash). Curses-free; see client.h. */
#ifndef MARQUEE_CLIENT_ACCOUNT_H
#define MARQUEE_CLIENT_ACCOUNT_H

#include "client.h"

#include <stdbool.h>

/* Who signed in. */
struct person {
	long long	user_id;
	char		full_name[64];
	char		role[16];	/* cashier, manager, customer */
};

/* One booking of a customer. */
struct booking {
	char	*booking_code;
	char	*status;	/* success, refunded, ... */
	char	*title;
	char	*seats;		/* "{F7,F8}" as the database writes an array */
	char	*starts;	/* "Mon 07 Dec 18:00" */
};

struct bookings {
	struct booking	*v;
	int		 n;
};

/* Checks a staff member's (staff) or customer's password at terminal.
 * Returns 0 with *who filled, or -1 with *cause saying why not (wrong
 * password and tries left, locked, no database). Caller frees *cause. */
int  client_sign_in(struct db *db, const char *terminal, bool staff, const char *login, const char *password,
                    struct person *who, char **cause);
/* Registers a customer (the password is hashed here) and signs them in.
 * rid: the action's request id (made when empty, cleared after a refusal).
 * Returns 0 with *who filled, or -1 with *cause. */
int  client_register(struct db *db, const char *email, const char *password, char rid[37], struct person *who,
                     char **cause);
/* A customer's bookings. Returns 0 (free with bookings_free), or -1 with *cause. */
int  client_bookings(struct db *db, long long customer_id, struct bookings *out, char **cause);
void bookings_free(struct bookings *b);

#endif
