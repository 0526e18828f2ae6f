/* ui.h - the screen loop: screens are tables of callbacks; key handlers change
 * state and return flags; only draw functions call curses. */
#ifndef MARQUEE_UI_H
#define MARQUEE_UI_H

#include "app.h"
#include "bestseat.h"
#include "card.h"
#include "cart.h"
#include "client-account.h"
#include "client-sale.h"
#include "textfit.h"

/* Text a person typed (a title, a hall), fitted to cols screen columns and
 * padded, in the caller's char array buf: never a character cut in two. */
#define UI_FIT(buf, s, cols) ((void)textfit((buf), sizeof (buf), (s), (cols), 1), (buf))

#include <stdbool.h>

/* What a key handler asks the loop to do. */
enum ui_flags {
	UI_HANDLED = 1 << 0,
	UI_REDRAW = 1 << 1,
	UI_QUIT = 1 << 2,
};

struct ui;
struct seat_news;

struct screen {
	const char	*name;
	void		(*enter)(struct ui *);
	void		(*leave)(struct ui *);
	int		(*key)(struct ui *, int key);	/* returns enum ui_flags */
	void		(*draw)(struct ui *);
	int		(*tick)(struct ui *);		/* called every loop; may be NULL */
	int		(*notify)(struct ui *, const struct seat_news *);	/* seat_change; may be NULL */
	bool		relays;	/* while it listens, the terminal may relay seat changes */
};

/* A place on screen that a click or touch turns into a key. Filled by draw. */
struct ui_button {
	int	y, x, h, w;
	int	key;
};

#define UI_MAX_BUTTONS 64
#define UI_MAX_SEATS SALE_MAX_SEATS

/* An exchange under way at the counter: the booking whose seats move,
 * kept while the seat map of the new show picks their new places
 * (order_id 0: none). */
struct ui_exchange {
	long long	 order_id;
	char		 code[16];
	char		 seats[SALE_MAX_SEATS][8];	/* the seats moving (marked); none: every seat */
	int		 nseats;
	int		 count;				/* how many seats move */
	long long	 old_cents;			/* what they were worth */
	char		 currency[4];
	bool		 owed;		/* made: the sale is its new booking, the difference still due */
};

struct ui {
	struct app		*app;
	struct db		*db;
	const struct screen	*screen;
	const struct screen	*next;		/* switch to this after the key handler */
	char			 status[200];	/* message line at the bottom */
	int			 status_attr;	/* 0, or UI_ERR / UI_OK */
	void			*data;		/* the current screen's state */
	bool			 kiosk;
	/* who is signed in */
	long long		 staff_id;
	char			 staff_name[64];
	char			 staff_role[16];
	char			 staff_session[72];	/* the database's session, or "" */
	long long		 customer_id;	/* kiosk: a signed-in customer, or 0 */
	char			 customer_name[64];
	char			 customer_session[72];	/* the customer's, or a guest's, or "" */
	/* the sale */
	struct sale		 sale;
	struct ui_exchange	 exchange;	/* the sale's seats replace a booking's (F5 on a booking) */
	struct card_terminal	 card;
	char			 card_error[160];
	/* input */
	double			 last_input;	/* monotonic seconds */
	int			 mouse_y, mouse_x;
	struct ui_button	 buttons[UI_MAX_BUTTONS];
	int			 nbuttons;
	/* database */
	bool			 listening;	/* LISTEN seat_change is on */
	int			 listen_resets;	/* db->resets when LISTEN was sent */
	bool			 relaying;	/* this terminal relays seat changes */
	double			 next_relay;	/* when to call api.seat_relay again */
	double			 next_reconnect;
	double			 hold_minutes;	/* asked of the database; 0 = configured */
	/* tickets printing in the background (F6), or NULL */
	struct tickets_job	*printing;
	char			 printing_code[16];	/* its booking, as the screens spell it */
	char			 printing_session[72];	/* the session that claimed it */
	char			*print_problem;	/* counter: why the last tickets did not print (the
						 * paid screen shows it whole), or NULL */
	int			 countdown_shown;	/* seconds of the hold last drawn */
};

enum ui_attr { UI_ERR = 1, UI_OK = 2 };

/* Colour pairs. */
enum {
	PAIR_HEADER = 1, PAIR_FREE, PAIR_HELD, PAIR_SOLD, PAIR_WHEEL, PAIR_COMP, PAIR_PREMIUM,
	PAIR_BLOCKED, PAIR_MINE, PAIR_BANNER, PAIR_BUTTON, PAIR_OK, PAIR_ERR, PAIR_TITLE,
};

/* The listing forgets its search, filters and film (a new customer). */
void listing_forget(void);

extern const struct screen screen_attract;
extern const struct screen screen_login;
extern const struct screen screen_listing;
extern const struct screen screen_seatmap;
extern const struct screen screen_tickets;
extern const struct screen screen_payment;
extern const struct screen screen_confirm;
extern const struct screen screen_account;
extern const struct screen screen_admin;
extern const struct screen screen_booking;
extern const struct screen screen_collect;

/* Opens the bookings (F8 on a counter screen); Esc goes back to the screen
 * it came from. */
void   screen_booking_open(struct ui *ui);
extern const struct screen screen_office;	/* the back office (office.h) */
extern const struct screen screen_password;	/* must change a one-time password */
extern const struct screen screen_cashup;	/* the till's cash drawer */
extern const struct screen screen_hall;		/* the halls' layouts (back office) */

/* Monotonic clock in seconds. */
double ui_now(void);
/* Seconds from environment variable name when it holds a positive number
 * (tests shorten or stretch a screen's timers so), else fallback. */
double ui_env_seconds(const char *name, double fallback);
/* Switches screens once the current handler returns. */
void   ui_goto(struct ui *ui, const struct screen *next);
/* Sets the message line (printf-style). */
void   ui_say(struct ui *ui, int attr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A failure said to the person at the screen: at a counter the cause itself
 * (staff act on it); at a kiosk the customer words, and the cause goes to
 * the log, so a customer never reads configuration or database text. */
void   ui_fail(struct ui *ui, const char *cause, const char *customer);
/* ui_fail for tickets that did not print: a kiosk customer is sent to the
 * counter with their booking code (pretty, "ABCD-EFGHJ"). */
void   ui_fail_collect(struct ui *ui, const char *cause, const char *pretty);
/* Prints the sale's tickets in the background: the screen says they are
 * printing at once, and how it went when the printer has taken them (or
 * not) - see ui_housekeeping. */
void   ui_print_tickets(struct ui *ui);
/* At a kiosk with nobody signed in, opens a guest session for the customer
 * at the screen (ended when they leave). Returns 0, or -1 having said why. */
int    ui_guest_session(struct ui *ui);
/* The home screen of this mode: attract (kiosk), listing (counter, signed in) or login. */
const struct screen *ui_home(struct ui *ui);
/* Forgets the sale; releases its hold in the database when one is live. */
/* Ends the session of the staff member (staff) or of the customer in the
 * database and forgets who it was. */
void   ui_sign_out(struct ui *ui, bool staff);
/* The session the terminal acts through: at the counter the staff
 * member's, at a kiosk the customer's (signed in, or a guest's); "" when
 * there is none yet. */
const char *ui_session(const struct ui *ui);
void   ui_sale_abandon(struct ui *ui);
/* Loads what the database says about the sale's order (total, paid, time left).
 * Returns 0, or -1 (message said). */
int    ui_sale_refresh(struct ui *ui);
/* Holds the sale's chosen seats (api.select_seat). Returns 0 when held. */
int    ui_sale_hold(struct ui *ui);
/* Holds a wheelchair place and the companion seat beside it at once
 * (api.select_accessible); the sale's seats become the two. Returns 0 when held. */
int    ui_sale_hold_accessible(struct ui *ui);
/* Seconds left on the hold (0 when expired or none). */
int    ui_sale_seconds_left(const struct ui *ui);
/* Turns LISTEN seat_change on or off. */
void   ui_listen(struct ui *ui, bool on);


/* Drawing helpers (draw paths only). */
void   ui_draw_header(struct ui *ui, const char *title);
void   ui_draw_footer(struct ui *ui, const char *keys);
void   ui_draw_button(struct ui *ui, int y, int x, int w, int h, const char *label, int key, bool hot);
void   ui_draw_countdown(struct ui *ui, int y, int x);
/* Draws text wrapped at spaces into at most lines lines of w columns from
 * (y, x); what does not fit is cut. Returns the lines used. */
int    ui_draw_wrap(int y, int x, int w, int lines, const char *text);
/* Draws text in the big 5-line font; returns its width. */
int    ui_draw_big(int y, int x, const char *text);
int    ui_big_width(const char *text);
/* Edits the text field buf (size bytes) with one key: printable ASCII is
 * added while it fits, Backspace takes one back, Ctrl-U clears. Returns true
 * when the key was the field's. */
bool   ui_field_key(char *buf, size_t size, int key);
void   ui_draw_text_box(int y, int x, int w, const char *label, const char *value, bool focus,
                        bool secret);


#endif
