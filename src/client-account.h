/* client-account.h - who is at the terminal: staff and customer sign-in
 * (a proof of the password is made here; the database checks it, counts
 * the outcome, locks, and issues a session), sign-out, customer
 * registration, and a customer's bookings. Every sign-in and refusal goes to the operational log
 * (the login, never a password or hash). Curses-free; see client.h. */
#ifndef MARQUEE_CLIENT_ACCOUNT_H
#define MARQUEE_CLIENT_ACCOUNT_H

#include "auth.h"
#include "client.h"

#include <stdbool.h>

/* Who signed in. */
struct person {
	long long	user_id;
	char		full_name[64];
	char		role[16];	/* cashier, manager, customer, guest */
	char		session[72];	/* the database's session token, or "" */
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

/* Signs a staff member (staff: by user name) or a customer (by e-mail) in
 * at terminal. Returns 0 with *who filled (with its session), or -1 with
 * *cause saying why not (wrong password and tries left, locked, no
 * database). Caller frees *cause. */
int  client_sign_in(struct db *db, const char *terminal, bool staff, const char *login, const char *password,
                    struct person *who, char **cause);
/* Opens a session for one anonymous customer at terminal (a kiosk guest):
 * their holds and orders belong to it alone. Returns 0 with *who filled
 * (user_id 0, role "guest"), or -1 with *cause. */
int  client_sign_in_guest(struct db *db, const char *terminal, struct person *who, char **cause);
/* Ends who's session in the database (a failure is logged) and clears *who. */
void client_sign_out(struct db *db, struct person *who);
/* Registers a customer (a salt is made and the password's proof computed
 * here) and signs them in at terminal. rid: the action's request id (made
 * when empty, cleared after a refusal). Returns 0 with *who filled, or -1
 * with *cause. */
int  client_register(struct db *db, const char *terminal, const char *email, const char *password, char rid[37],
                     struct person *who, char **cause);
/* Changes the password of the account signed in as session (login: its
 * user name or e-mail) from old_password to new_pw (at least 8
 * characters): the old one's proof and the new salt and proof go to the
 * database, which checks and counts the old one. Returns 0, or -1 with
 * *cause (wrong, locked, no session). */
int  client_change_password(struct db *db, const char *login, const char *session, const char *old_password,
                            const char *new_pw, char **cause);
/* A manager (manager_session) sets login's password and lifts its lock-out.
 * Returns 0, or -1 with *cause (not a manager, no such account). */
int  client_reset_password(struct db *db, const char *manager_session, const char *login, const char *password,
                           char **cause);
/* Makes a new salt and the proof of password (at least 8 characters) with
 * the Argon2id limits the database gives login, as strings for an api
 * call. Returns 0, or -1 with *cause (caller frees). */
int  client_new_password(struct db *db, const char *login, const char *password, char salt[AUTH_SALT_HEX],
                         char ops_s[24], char mem_s[24], char proof[AUTH_PROOF_HEX], char **cause);
/* The bookings of the customer signed in as session. Returns 0 (free with
 * bookings_free), or -1 with *cause. */
int  client_bookings(struct db *db, const char *session, struct bookings *out, char **cause);
void bookings_free(struct bookings *b);

#endif
