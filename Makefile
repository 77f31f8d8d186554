# herald — build, test and install.
#
#   make            build ./herald
#   make run        install missing Debian packages, build, open the console
#   make check      install missing packages, build, run every test suite
#   make asan       the whole suite under AddressSanitizer + UBSan
#   make bench      benchmarks (tests/bench), figures beside reference tools
#   make fuzz       the libFuzzer harnesses (clang), in build/fuzz
#   make install    PREFIX=/usr/local

CC      ?= cc
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
MANDIR_JA = $(PREFIX)/share/man/ja/man1
LOCALEDIR = $(PREFIX)/share/locale
DOCDIR   = $(PREFIX)/share/doc/herald
UNITDIR  = $(PREFIX)/lib/systemd/system
USERUNITDIR = $(PREFIX)/lib/systemd/user

PKGS     = ncursesw openssl ldns sqlite3 opendkim libpsl libidn2 libcurl zlib
# GMime (and with it glib) serves the feedback reader only: its compile
# flags go on the objects under src/feedback and the fuzz harness (the
# target-specific GMIME_CFLAGS below), not on every compile line; its
# libraries are linked into herald and the tests like the others.
GMIME    = gmime-3.0
# pkg-config's feature macros (ncursesw sets _XOPEN_SOURCE=600) are dropped:
# the whole tree builds with _GNU_SOURCE so every file sees the same libc.
#
# The flags are read when first used, not when this file is parsed: on a
# fresh machine `make run` and `make check` parse it before `make deps` has
# installed the -dev packages, and a flag read then would be empty. Both
# targets build in a second make, after deps; a build whose pkg-config still
# fails stops with the package names instead of a link error.
PKG_CFLAGS = $(eval PKG_CFLAGS := $(call pkg,--cflags,$(PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $(call pkg,--libs,$(PKGS) $(GMIME)))$(PKG_LIBS)
GMIME_CFLAGS = $(eval GMIME_CFLAGS := $(call pkg,--cflags,$(GMIME)))$(GMIME_CFLAGS)
pkg = $(if $(shell pkg-config --exists $(2) && echo y),$(filter-out -D%,\
      $(shell pkg-config $(1) $(2))),$(error pkg-config cannot find \
      $(2): run `make deps` (it installs the Debian -dev packages)))
# The command that installs missing packages (tests/build-order swaps it).
DEPS    ?= sh tests/deps.sh

WARN     = -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes \
           -Wstrict-prototypes -Wshadow -Wpointer-arith -Wwrite-strings
OPT     ?= -O2 -g
CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 $(WARN) \
             -Isrc -I. -Ibuild $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
LDLIBS  += $(PKG_LIBS) -lm

B        = build
CORE_SRC = $(wildcard src/*/*.c)
UI_SRC   = $(wildcard ui/*.c ui/*/*.c)
CORE_OBJ = $(CORE_SRC:%.c=$(B)/%.o) $(B)/dbsql.o $(B)/footers.o
UI_OBJ   = $(UI_SRC:%.c=$(B)/%.o)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
# The harnesses in tests/fuzz that take FUZZ_REPLAY: each also a unit
# binary replaying its corpus tests/data/NAME.
FUZZ_REPLAY = charset footer isodate edit filter bimi
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%) $(B)/tests/test_fuzz_feedback \
           $(B)/tests/test_fuzz_fetch $(B)/tests/test_fuzz_http \
           $(B)/tests/test_fuzz_tlsrpt $(FUZZ_REPLAY:%=$(B)/tests/test_fuzz_%) \
           $(B)/tests/test_fuzz_sts
LINGUAS  = ja
MO       = $(LINGUAS:%=$(B)/locale/%/LC_MESSAGES/herald.mo)
SQL      = db/schema.sql $(sort $(wildcard db/migrations/*.sql))

.PHONY: all build run check asan bench deps test-deps install uninstall clean \
        check-layering unit-bin fuzz pot

all: herald

# The catalogues are built with the binary (order-only: a changed
# translation does not relink) so ./herald speaks them from the tree.
herald: $(CORE_OBJ) $(UI_OBJ) | $(MO)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CORE_OBJ) $(UI_OBJ) $(LDLIBS)

# Translations (po/, gettext). The installed binary looks in LOCALEDIR;
# a binary run from its tree finds build/locale beside it (src/base/i18n.c).
XGETTEXT = xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ \
           --keyword=ngettext:1,2 --add-comments=TRANSLATORS: \
           --package-name=herald --msgid-bugs-address="(none)" --sort-by-file
# po/ja/*.po: translations of work in progress, merged into po/ja.po
# (msgcat) before a release; the first translation of a message wins.
$(B)/locale/ja/LC_MESSAGES/herald.mo: po/ja.po $(wildcard po/ja/*.po)
	@mkdir -p $(dir $@)
	msgcat --force-po --use-first $^ | msgfmt --check -o $@ -
$(B)/src/base/i18n.o: private ALL_CFLAGS += -DLOCALEDIR='"$(LOCALEDIR)"'

# The template of every marked message, for translators: make pot.
pot: $(B)/herald.pot
$(B)/herald.pot: $(CORE_SRC) $(UI_SRC) $(wildcard src/*/*.h ui/*.h ui/*/*.h)
	@mkdir -p $(B)
	$(XGETTEXT) -o $@ $(sort $^)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Only the feedback reader includes GMime's headers. "private": not
# inherited by the prerequisites a target builds on its way.
$(B)/src/feedback/%.o: private ALL_CFLAGS += $(GMIME_CFLAGS)
$(B)/tests/test_fuzz_feedback: private ALL_CFLAGS += $(GMIME_CFLAGS)
# The charset test reads herald's messages back with GMime's parser.
$(B)/tests/test_charset: private ALL_CFLAGS += $(GMIME_CFLAGS)

# The schema and migrations are compiled into the binary.
$(B)/dbsql.c: $(SQL) db/embed.sh
	@mkdir -p $(B)
	sh db/embed.sh $(SQL) > $@.tmp && mv $@.tmp $@

$(B)/dbsql.o: $(B)/dbsql.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# So are the built-in footer templates (the binary needs no share/ path).
FOOTERS  = share/footer/ja.txt share/footer/en.txt
$(B)/footers.c: $(FOOTERS) share/footer/embed.sh
	@mkdir -p $(B)
	sh share/footer/embed.sh $(FOOTERS) > $@.tmp && mv $@.tmp $@

$(B)/footers.o: $(B)/footers.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(CORE_OBJ) tests/unit/test.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)

# The fuzz harness with its own main replaying the corpus (tests/fuzz).
$(B)/tests/test_fuzz_feedback: tests/fuzz/feedback.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DFEEDBACK_REPLAY $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)

# The same for the answers a feedback fetch reads (tests/fuzz/fetch).
$(B)/tests/test_fuzz_fetch: tests/fuzz/fetch.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DFEEDBACK_REPLAY $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)
$(B)/tests/test_fuzz_http: tests/fuzz/http.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DHTTP_REPLAY $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)

$(B)/tests/test_fuzz_sts: tests/fuzz/sts.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DSTS_REPLAY $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)

# The harnesses with FUZZ_REPLAY (charset, footer, isodate, edit, filter, bimi).
$(FUZZ_REPLAY:%=$(B)/tests/test_fuzz_%): $(B)/tests/test_fuzz_%: \
    tests/fuzz/%.c tests/fuzz/replay.h $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DFUZZ_REPLAY $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)

# The same for the TLS-RPT record parser (tests/fuzz/tlsrpt.c).
$(B)/tests/test_fuzz_tlsrpt: tests/fuzz/tlsrpt.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DTLSRPT_REPLAY $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LDLIBS)

unit-bin: $(UNIT_BIN)

# libFuzzer: the reader and what it uses, built with clang, coverage and
# the sanitizers. Run: build/fuzz/feedback tests/data/bounces/maildir
FUZZ_SRC = src/feedback/parse.c src/smtp/reply_class.c src/base/util.c \
           src/base/utf8.c src/base/json.c src/mail/verp.c
fuzz: $(B)/fuzz/feedback $(B)/fuzz/fetch $(B)/fuzz/http $(B)/fuzz/tlsrpt \
      $(FUZZ_REPLAY:%=$(B)/fuzz/%) $(B)/fuzz/sts
$(B)/fuzz/fetch: tests/fuzz/fetch.c src/feedback/fetch_reply.c src/base/util.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -Isrc -I. $(PKG_CFLAGS) -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $@ $< \
		src/feedback/fetch_reply.c src/base/util.c $(PKG_LIBS) -lm
$(B)/fuzz/feedback: tests/fuzz/feedback.c $(FUZZ_SRC)
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -Isrc -I. $(PKG_CFLAGS) $(GMIME_CFLAGS) -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_SRC) \
		$(PKG_LIBS) -lm

# The HTTP reader of herald serve and the CGI program.
# Run: build/fuzz/http tests/data/http
$(B)/fuzz/http: tests/fuzz/http.c src/web/http.c src/base/util.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -Isrc -I. -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $@ $< src/web/http.c \
		src/base/util.c

# The harnesses of FUZZ_REPLAY link the whole core built the same way
# (the editor's needs the store; the linker takes what each uses).
# Run: build/fuzz/charset tests/data/charset (footer, isodate, edit alike)
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -DNCURSES_WIDECHAR=1 -Isrc -I. -Ibuild \
              $(PKG_CFLAGS) -g -O1 -fsanitize=address,undefined
FUZZ_OBJ = $(CORE_OBJ:$(B)/%.o=$(B)/fuzz/obj/%.o)
$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(B)/fuzz/obj/%.o: $(B)/%.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(B)/fuzz/obj/src/feedback/%.o: private FUZZ_CFLAGS += $(GMIME_CFLAGS)
$(B)/fuzz/core.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $(FUZZ_OBJ)
$(FUZZ_REPLAY:%=$(B)/fuzz/%): $(B)/fuzz/%: tests/fuzz/%.c $(B)/fuzz/core.a
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(B)/fuzz/core.a \
		$(PKG_LIBS) -lm

# The TLS-RPT record parser. Run: build/fuzz/tlsrpt tests/data/tlsrpt
$(B)/fuzz/tlsrpt: tests/fuzz/tlsrpt.c src/auth/tlsrpt.c src/auth/dns.c src/base/util.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -Isrc -I. $(PKG_CFLAGS) -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $@ $< src/auth/tlsrpt.c \
		src/auth/dns.c src/base/util.c $(PKG_LIBS) -lm

# The MTA-STS policy and record readers. Run: build/fuzz/sts tests/data/sts
$(B)/fuzz/sts: tests/fuzz/sts.c src/sts/policy.c src/base/util.c \
    src/base/json.c src/base/utf8.c
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -Isrc -I. -g -O1 \
		-fsanitize=fuzzer,address,undefined -o $@ $< src/sts/policy.c \
		src/base/util.c src/base/json.c src/base/utf8.c

# deps: what building and running need; test-deps: that and the test lab
# (Postfix, NSD, Dovecot, ...), which `make run` never installs.
deps:
	@$(DEPS) build
test-deps:
	@$(DEPS) test

# Each target installs first, then builds in a fresh make that reads the
# flags of what was installed.
build: deps
	@$(MAKE) --no-print-directory herald

run: build
	./herald

check: test-deps
	@$(MAKE) --no-print-directory herald unit-bin check-layering
	@sh tests/run

# The core never knows about the UI, and dependencies run one way
# (tests/layering.py says the rules).
check-layering:
	@python3 tests/layering.py >&2

# tests/lsan.supp names leaks inside libraries herald cannot fix.
asan:
	$(MAKE) clean
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:fast_unwind_on_malloc=0 \
	$(MAKE) check OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
		LDFLAGS="-fsanitize=address,undefined"

bench: test-deps
	@$(MAKE) --no-print-directory herald
	@sh tests/bench/run

# The boot units (share/systemd) run the herald installed here, wherever
# that is.
install: herald
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 herald $(DESTDIR)$(BINDIR)/herald
	install -m 0644 share/herald.1 $(DESTDIR)$(MANDIR)/herald.1
	install -m 0644 share/herald.conf.example $(DESTDIR)$(DOCDIR)/herald.conf.example
	install -m 0644 share/footer/ja.txt $(DESTDIR)$(DOCDIR)/footer-ja.txt
	install -m 0644 share/footer/en.txt $(DESTDIR)$(DOCDIR)/footer-en.txt
	install -m 0644 share/cron/herald $(DESTDIR)$(DOCDIR)/cron.herald
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(USERUNITDIR)
	sed 's|/usr/local/bin/herald|$(BINDIR)/herald|' \
		share/systemd/herald-resume.service \
		>$(DESTDIR)$(UNITDIR)/herald-resume.service
	sed 's|/usr/local/bin/herald|$(BINDIR)/herald|' \
		share/systemd/user/herald-resume.service \
		>$(DESTDIR)$(USERUNITDIR)/herald-resume.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/herald-resume.service \
		$(DESTDIR)$(USERUNITDIR)/herald-resume.service
	for l in $(LINGUAS); do \
		install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
		install -m 0644 $(B)/locale/$$l/LC_MESSAGES/herald.mo \
			$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/herald.mo || exit 1; \
	done
	if [ -f share/man/ja/herald.1 ]; then \
		install -d $(DESTDIR)$(MANDIR_JA) && \
		install -m 0644 share/man/ja/herald.1 $(DESTDIR)$(MANDIR_JA)/herald.1; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/herald $(DESTDIR)$(MANDIR)/herald.1
	rm -f $(DESTDIR)$(MANDIR_JA)/herald.1
	rm -f $(DESTDIR)$(UNITDIR)/herald-resume.service \
		$(DESTDIR)$(USERUNITDIR)/herald-resume.service
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/herald.mo; done
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf $(B) herald

-include $(shell find $(B) -name '*.d' 2>/dev/null)
