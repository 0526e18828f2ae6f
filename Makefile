# Marquee - box office and lobby kiosk.
#
#   make          build ./marquee
#   make run      set up (packages, private PostgreSQL under ./var, demo data) and open the app
#   make check    the whole test suite (unit, ASan/UBSan, valgrind, database, race, end-to-end)
#   make bench    benchmarks, as ratios against baselines run on the same server
#   make deb      the Debian package (written to ../, see docs/install.md)
#   make install  binary, sql/, man pages and /etc/marquee/kiosk.conf (kept if
#                 present) under DESTDIR and PREFIX (default /usr/local)
#
# CFLAGS, CPPFLAGS and LDFLAGS are honoured (dpkg-buildflags passes its
# hardening flags through them). OPT, WARN and WERROR may be overridden:
# make OPT=-O0 WARN= WERROR=

CC      ?= cc
OPT     ?= -O2 -g
WARN    ?= -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
           -Wpointer-arith -Wcast-qual -Wvla
WERROR  ?= -Werror
PKGS     = libpq ncursesw libsodium libqrencode
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(shell cups-config --cflags 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(shell cups-config --libs 2>/dev/null)
# The upstream version: debian/changelog's first line less the Debian revision
# ("marquee (0.1.0-1) unstable; ..." gives 0.1.0).
VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog 2>/dev/null | sed 's/-[^-]*$$//')
ifeq ($(VERSION),)
VERSION := 0.1.0
endif
override CPPFLAGS += -D_GNU_SOURCE -DMARQUEE_VERSION='"$(VERSION)"' -Isrc -Iui -Iprinters
ALL_CFLAGS = -std=c11 $(OPT) $(WARN) $(WERROR) $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP

B        ?= build
CORE_SRC := $(sort $(wildcard src/*.c printers/*.c))
CORE_SRC := $(filter-out src/main.c,$(CORE_SRC))
UI_SRC   := $(sort $(wildcard ui/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(B)/%.o)
UI_OBJ   := $(UI_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c bench/*.c))
TOOL_BIN := $(TOOL_SRC:%.c=$(B)/%)

.PHONY: all run check bench bench-count deb clean deps unit tools asan install
all: marquee

marquee: $(B)/marquee
	cp $< $@.tmp && mv -f $@.tmp $@

$(B)/marquee: $(B)/src/main.o $(CORE_OBJ) $(UI_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# The version comes from debian/changelog.
$(B)/src/main.o: debian/changelog

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# One cmocka program per module, linked with the core (never with ui/).
$(B)/tests/test-%: tests/unit/test-%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(PKG_LIBS) -lcmocka -lpthread -lm

# Test tools and benchmarks: plain programs over the core.
$(B)/tests/tools/%: tests/tools/%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(PKG_LIBS) -lpthread -lm
$(B)/bench/%: bench/%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(PKG_LIBS) -lpthread -lm

unit: $(UNIT_BIN)
tools: $(TOOL_BIN)

# The same build with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) B=build/asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined" build/asan/marquee unit

deps:
	@scripts/deps.sh all

run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory marquee
	@scripts/run.sh

check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory marquee unit tools
	@$(MAKE) --no-print-directory asan
	@tests/run.sh

bench:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory marquee tools
	@bench/run.sh

bench-count:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory marquee tools
	@bench/count.sh

deb:
	@scripts/deps.sh deb
	dpkg-buildpackage -us -uc -b

# Installs what $(B)/marquee needs at run time. The binary finds its SQL
# (schema/, migrations/, demo.sql) in ../share/marquee/sql beside itself, so
# any PREFIX works. The installed
# kiosk.conf is the documented one with the signing keys under /etc/marquee
# and the card terminal's state under /var/lib/marquee (the service's
# StateDirectory).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR  ?= $(DATADIR)/man
CONFDIR ?= /etc/marquee
install: $(B)/marquee
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/marquee/sql/schema \
		$(DESTDIR)$(DATADIR)/marquee/sql/migrations \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(CONFDIR)
	install -m 0755 $(B)/marquee $(DESTDIR)$(BINDIR)/marquee
	install -m 0644 sql/demo.sql $(DESTDIR)$(DATADIR)/marquee/sql/
	install -m 0644 sql/schema/*.sql $(DESTDIR)$(DATADIR)/marquee/sql/schema/
	install -m 0644 sql/migrations/README.md $(wildcard sql/migrations/*.sql) \
		$(DESTDIR)$(DATADIR)/marquee/sql/migrations/
	sed '/^\.TH /s/"marquee [^"]*"/"marquee $(VERSION)"/' docs/marquee.1 >$(DESTDIR)$(MANDIR)/man1/marquee.1
	sed '/^\.TH /s/"marquee [^"]*"/"marquee $(VERSION)"/' docs/kiosk.conf.5 >$(DESTDIR)$(MANDIR)/man5/kiosk.conf.5
	chmod 0644 $(DESTDIR)$(MANDIR)/man1/marquee.1 $(DESTDIR)$(MANDIR)/man5/kiosk.conf.5
	@if [ -e $(DESTDIR)$(CONFDIR)/kiosk.conf ]; then \
		echo "keeping $(DESTDIR)$(CONFDIR)/kiosk.conf"; \
	else \
		sed -e 's|^signing_key = .*|signing_key = $(CONFDIR)/ticket.key|' \
		    -e 's|^public_key = .*|public_key = $(CONFDIR)/ticket.pub|' \
		    -e 's|^card_state = .*|card_state = /var/lib/marquee/card|' \
		    -e '/`make run` with no dsn/d' kiosk.conf >$(DESTDIR)$(CONFDIR)/kiosk.conf.tmp && \
		chmod 0644 $(DESTDIR)$(CONFDIR)/kiosk.conf.tmp && \
		mv $(DESTDIR)$(CONFDIR)/kiosk.conf.tmp $(DESTDIR)$(CONFDIR)/kiosk.conf; \
	fi

clean:
	rm -rf $(B) marquee

-include $(shell find $(B) -name '*.d' 2>/dev/null)
