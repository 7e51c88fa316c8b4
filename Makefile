# modelaudit: GNU Make build.
#   make            build ./modelaudit
#   make demo       install missing packages, build, audit data/models.yaml
#   make check      install missing packages, build, run every test
#   make bench      run the benchmarks in bench/
#   make install    PREFIX=/usr/local DESTDIR=
#   SANITIZE=1      build with AddressSanitizer and UndefinedBehaviorSanitizer

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/modelaudit

CC ?= cc
PKG_CONFIG ?= pkg-config
PACKAGES = yaml-0.1 libgit2 libcurl libpcre2-8 sqlite3 jansson libcrypto

WARNINGS = -Wall -Wextra -Werror -Wvla -Wstrict-prototypes -Wformat=2 -Wshadow
OPTIMIZE = -O2 -g

ifeq ($(SANITIZE),1)
FLAVOR = san
OPTIMIZE = -O1 -g -fno-omit-frame-pointer
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
FLAVOR = plain
SANFLAGS =
endif

BUILD = build/$(FLAVOR)
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PACKAGES) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PACKAGES) 2>/dev/null)

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARNINGS) \
	$(OPTIMIZE) $(SANFLAGS) $(PKG_CFLAGS) -Isrc -I$(BUILD) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lm

SOURCES = $(wildcard src/*.c)
OBJECTS = $(SOURCES:src/%.c=$(BUILD)/%.o) $(BUILD)/builtin_rules.o
LIB_OBJECTS = $(filter-out $(BUILD)/main.o,$(OBJECTS))
UNIT_SOURCES = $(wildcard tests/unit/test_*.c)
UNIT_PROGRAMS = $(UNIT_SOURCES:tests/unit/%.c=$(BUILD)/tests/%)
EMBEDDED = rules/benchmarks.yaml $(wildcard rules/patterns/*.txt)

.PHONY: all demo check bench install clean deps unit-tests FORCE

all: modelaudit

# ./modelaudit is a copy of the binary of the flavour last built, so that
# `make check SANITIZE=1` tests the sanitizer build under the usual name.
modelaudit: $(BUILD)/modelaudit FORCE
	@cmp -s $< $@ || cp $< $@

# V=1 prints the full commands.
ifneq ($(V),1)
Q = @
endif

$(BUILD)/modelaudit: $(OBJECTS)
	@echo "  LINK $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OBJECTS) $(LIBS)

$(BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)
	@echo "  CC   $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/builtin_rules.c: $(EMBEDDED) $(BUILD)/embed | $(BUILD)
	$(Q)$(BUILD)/embed $(EMBEDDED) > $@.tmp && mv $@.tmp $@

$(BUILD)/builtin_rules.o: $(BUILD)/builtin_rules.c
	@echo "  CC   $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The embedding tool runs on the build machine, without sanitizers.
$(BUILD)/embed: tools/embed.c | $(BUILD)
	$(Q)$(CC) -std=c11 -O1 -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJECTS) | $(BUILD)
	@mkdir -p $(BUILD)/tests
	@echo "  TEST $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJECTS) $(LIBS)

$(BUILD):
	@mkdir -p $(BUILD)

deps:
	@sh scripts/install-deps

unit-tests: $(UNIT_PROGRAMS)

demo: deps
	@$(MAKE) --no-print-directory all
	./modelaudit check --show-source data/models.yaml

check: deps
	@$(MAKE) --no-print-directory all unit-tests
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) sh tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/rules
	install -m 755 modelaudit $(DESTDIR)$(BINDIR)/modelaudit
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	cp -R rules/. $(DESTDIR)$(DATADIR)/rules/

clean:
	rm -rf build modelaudit
