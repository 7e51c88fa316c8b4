# modelaudit: GNU Make build.
#   make            build ./modelaudit
#   make demo       install missing packages, build, audit data/models.yaml
#   make check      install missing packages, build, run every test
#   make bench      run the benchmarks in bench/
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (60) seconds
#   make install    PREFIX=/usr/local DESTDIR=
#   SANITIZE=1      build with AddressSanitizer and UndefinedBehaviorSanitizer
#   VALGRIND=1      make check: run modelaudit under valgrind memcheck

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
DATADIR = $(PREFIX)/share/modelaudit

CC ?= cc
PKG_CONFIG ?= pkg-config
PACKAGES = yaml-0.1 libgit2 libcurl libpcre2-8 sqlite3 jansson libcrypto zlib

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

ALL_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARNINGS) \
	$(OPTIMIZE) $(SANFLAGS) $(PKG_CFLAGS) -Isrc -I$(BUILD) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS = $(PKG_LIBS) -lm -pthread

SOURCES = $(wildcard src/*.c)
OBJECTS = $(SOURCES:src/%.c=$(BUILD)/%.o) $(BUILD)/builtin_rules.o
LIB_OBJECTS = $(filter-out $(BUILD)/main.o,$(OBJECTS))
UNIT_SOURCES = $(wildcard tests/unit/test_*.c)
UNIT_PROGRAMS = $(UNIT_SOURCES:tests/unit/%.c=$(BUILD)/tests/%)
EMBEDDED = rules/benchmarks.yaml $(wildcard rules/patterns/*.txt)

# Fuzz targets (fuzz/fuzz_<name>.c). $(BUILD)/fuzz/replay_<name> runs a
# target over its corpus in tests/fixtures/fuzz/<name>/ with any compiler;
# build/fuzz/fuzz_<name> is the libFuzzer build, made with clang.
FUZZ_TARGETS = loader semdiff url http
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_BUILD = build/fuzz
FUZZ_SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined
# Without -Werror: a warning that only clang gives must not stop make check.
FUZZ_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(filter-out -Werror,$(WARNINGS)) \
	-O1 -g -fno-omit-frame-pointer $(FUZZ_SANFLAGS) -fsanitize=fuzzer-no-link \
	$(PKG_CFLAGS) -Isrc -Ifuzz -I$(FUZZ_BUILD)
FUZZ_OBJECTS = $(LIB_OBJECTS:$(BUILD)/%=$(FUZZ_BUILD)/%)
FUZZ_PROGRAMS = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
REPLAY_PROGRAMS = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)

.PHONY: all demo check bench install clean deps unit-tests fuzz fuzz-build fuzz-replay FORCE

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

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz.h $(LIB_OBJECTS) | $(BUILD)
	@mkdir -p $(BUILD)/fuzz
	@echo "  FUZZ $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Ifuzz $(ALL_LDFLAGS) -pthread -o $@ $< fuzz/replay.c $(LIB_OBJECTS) $(LIBS)

$(FUZZ_BUILD)/%.o: src/%.c $(wildcard src/*.h) | $(FUZZ_BUILD)
	@echo "  CC   $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/builtin_rules.c: $(EMBEDDED) $(BUILD)/embed | $(FUZZ_BUILD)
	$(Q)$(BUILD)/embed $(EMBEDDED) > $@.tmp && mv $@.tmp $@

$(FUZZ_BUILD)/builtin_rules.o: $(FUZZ_BUILD)/builtin_rules.c
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_OBJECTS)
	@echo "  FUZZ $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -pthread -o $@ $< $(FUZZ_OBJECTS) $(LIBS)

$(BUILD) $(FUZZ_BUILD):
	@mkdir -p $@

deps:
	@sh scripts/install-deps $(if $(filter 1,$(VALGRIND)),valgrind)

unit-tests: $(UNIT_PROGRAMS)

# Kept between runs: make deletes the objects of pattern chains otherwise.
.SECONDARY: $(FUZZ_OBJECTS) $(FUZZ_BUILD)/builtin_rules.c

fuzz-replay: $(REPLAY_PROGRAMS)

fuzz-build: $(FUZZ_PROGRAMS)

# Runs each target for FUZZ_SECONDS; a crash leaves its input in
# build/fuzz/ to be added to tests/fixtures/fuzz/<target>/.
fuzz: deps
	@sh scripts/install-deps clang
	@$(MAKE) --no-print-directory fuzz-build
	@sh fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

demo: deps
	@$(MAKE) --no-print-directory all
	./modelaudit check --show-source data/models.yaml

# When clang can build libFuzzer targets, tests/e2e/fuzz.sh also fuzzes
# each target for FUZZ_CHECK_SECONDS (5) seconds.
check: deps
	@$(MAKE) --no-print-directory all unit-tests fuzz-replay
	@if sh fuzz/have-libfuzzer $(FUZZ_CC); then $(MAKE) --no-print-directory fuzz-build; fi
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) VALGRIND=$(VALGRIND) sh tests/run.sh

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
