# glasstls — one hand-written Makefile.
#
#   make            build/libglass.a and build/glass
#   make test       every CUnit suite, the command-line tests, every NIST vector
#   make asan       the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make check-size any source file over 800 lines or function over 120 (make test runs it)
#   make debug      build/debug/glass with -O0 -g3 (for gdb)
#   make labs       build/labs/glass: the lab build, with the insecure switches
#   make demo       the main job on a built-in default
#   make bench      glasstls beside OpenSSL (and BearSSL's constant-time code), as ratios
#   make ctgrind    constant time checked by machine (valgrind memcheck)
#   make stress     the server's load run for 60 s (make test runs it for 20 s)
#   make fuzz       every libFuzzer harness for FUZZ_SECONDS (clang; .ci/run: 30 s each)
#   make fuzz-long  every harness for 10^7 executions (hours: not for CI)
#   make install PREFIX=/usr/local
#   make clean
#
# Missing Debian packages are installed by scripts/deps.sh (as root), or it
# prints the one apt-get line to run.

CC      ?= cc
BUILD   ?= build
OPT     ?= -O2
PREFIX  ?= /usr/local
LAB     ?=
PKGS    := gmp libsodium cunit

WARN     := -std=c11 -Wall -Wextra -Wpedantic
CPPFLAGS := -I. -Iapps -I$(BUILD)/gen -D_POSIX_C_SOURCE=200809L \
            -DGLASS_DATADIR='"$(PREFIX)/share/glasstls"' $(if $(LAB),-DGLASS_LAB_BUILD)
# Evaluated when a recipe runs, i.e. after the deps check has had its say.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs gmp libsodium 2>/dev/null)
CUNIT_LIBS = $(shell pkg-config --libs cunit 2>/dev/null)
CFLAGS_ALL = $(WARN) $(OPT) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP

# The library's layers, bottom up (libglass.a), then the rooms above the
# protocol (librooms.a: docs/ARCHITECTURE.md), then the command (apps/).
# A new room is one more word in ROOMS; a new subcommand is one more
# apps/cmd_NAME.c (the command table is generated from the file names).
LAYERS   := common bn sha hmac aes rsa dh asn1 ca protocol
ROOMS    := io net server client classroom nist
LIB_SRC  := $(foreach d,$(LAYERS),$(wildcard $(d)/*.c))
ROOM_SRC := $(foreach d,$(ROOMS),$(wildcard $(d)/*.c))
# The TLS 1.2 tools' room (tlstool/tlstool.h: glass s_server, s_client, compare).
ROOM_SRC += $(wildcard tlstool/*.c)
APP_SRC  := $(wildcard apps/*.c)
TEST_SRC := $(wildcard tests/*.c)
CMD_NAMES   := $(patsubst apps/cmd_%.c,%,$(wildcard apps/cmd_*.c))
SUITE_NAMES := $(patsubst tests/test_%.c,%,$(wildcard tests/test_*.c))
SPEED_NAMES := $(patsubst apps/speed_%.c,%,$(filter-out apps/speed_util.c,$(wildcard apps/speed_*.c)))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
ROOM_OBJ := $(ROOM_SRC:%.c=$(BUILD)/obj/%.o)
APP_OBJ  := $(APP_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
GEN      := $(BUILD)/gen/commands.inc $(BUILD)/gen/suites.inc \
            $(BUILD)/gen/speed.inc
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all test asan debug labs demo bench install clean deps lab-check check-size FORCE \
        citations warn-check ctgrind ctgrind-build
all: $(BUILD)/libglass.a $(BUILD)/librooms.a $(BUILD)/glass

$(DEPS_OK):
	@mkdir -p $(BUILD)
	sh scripts/deps.sh
	@touch $@

deps:
	sh scripts/deps.sh

# The generated tables: rewritten only when the list of files changes.
$(BUILD)/gen/commands.inc: FORCE
	@mkdir -p $(@D)
	@printf '$(foreach n,$(CMD_NAMES),GLASS_COMMAND($(n))\n)' | sed 's/^ //' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@
$(BUILD)/gen/suites.inc: FORCE
	@mkdir -p $(@D)
	@printf '$(foreach n,$(SUITE_NAMES),GLASS_SUITE($(n))\n)' | sed 's/^ //' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(BUILD)/gen/speed.inc: FORCE
	@mkdir -p $(@D)
	@printf '$(foreach n,$(SPEED_NAMES),SPEED_FAMILY($(n))\n)' | sed 's/^ //' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(BUILD)/obj/%.o: %.c | $(DEPS_OK) $(GEN)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libglass.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/librooms.a: $(ROOM_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/glass: $(APP_OBJ) $(BUILD)/librooms.a $(BUILD)/libglass.a
	$(CC) $(OPT) $(CFLAGS) $(LDFLAGS) -o $@ $(APP_OBJ) $(BUILD)/librooms.a $(BUILD)/libglass.a \
	    $(PKG_LIBS) -lm -pthread

$(BUILD)/glass-tests: $(TEST_OBJ) $(BUILD)/librooms.a $(BUILD)/libglass.a
	$(CC) $(OPT) $(CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/librooms.a $(BUILD)/libglass.a \
	    $(CUNIT_LIBS) $(PKG_LIBS) -lm -pthread

# The load generator of tests/sh/hard_load.sh (a test tool, not installed).
$(BUILD)/glass-load: $(BUILD)/obj/tests/load/glass_load.o $(BUILD)/librooms.a $(BUILD)/libglass.a
	$(CC) $(OPT) $(CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/librooms.a $(BUILD)/libglass.a \
	    $(PKG_LIBS) -lm -pthread

test: all $(BUILD)/glass-tests $(BUILD)/glass-load warn-check ctgrind-build
	sh scripts/run-tests.sh $(BUILD)

check-size:
	sh scripts/check-size.sh

# ---- words that are checked ------------------------------------------------
#
#   make citations     rewrite docs/CITATIONS.md (tests/sh/citations.sh checks it)
#   make warn-check    the library again with -Wconversion -Wshadow, into
#                      build/warn/CC; prints the warnings per folder.  Part of
#                      make test; fatal for the folders of WARN_CLEAN
#                      (warning-free, kept so), for all with WARN_STRICT=1.
#
# tests/sh/man_examples.sh compiles the manual's examples as the library was.
export GLASS_EXAMPLE_CC := $(CC)
export GLASS_EXAMPLE_CFLAGS := $(WARN) $(OPT) $(CFLAGS)
export GLASS_EXAMPLE_LDFLAGS := $(LDFLAGS)
WARN_STRICT ?=
WARN_CLEAN  := common sha hmac aes rsa dh asn1 protocol
WARN_DIR    := build/warn/$(notdir $(CC))
WARN_OBJ    := $(LIB_SRC:%.c=$(WARN_DIR)/obj/%.o)

citations:
	python3 scripts/citations.py

warn-check: $(WARN_OBJ)
	@sh scripts/warn-check.sh "$(LAYERS)" "$(WARN_STRICT)" "$(WARN_CLEAN)" $(WARN_OBJ:%=%.log)

# Each object's warnings go to its .log, so that an up-to-date object still
# reports them; a compile error is printed and stops the build.
$(WARN_DIR)/obj/%.o: %.c | $(DEPS_OK) $(GEN)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(WARN) -Wconversion -Wshadow -O2 $(PKG_CFLAGS) -MMD -MP \
	    -c $< -o $@ 2> $@.log || { cat $@.log; exit 1; }

SAN := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
asan:
	$(MAKE) BUILD=build/asan OPT="$(SAN)" test

debug:
	$(MAKE) BUILD=build/debug OPT="-O0 -g3 -fno-omit-frame-pointer" all

labs:
	$(MAKE) BUILD=build/labs LAB=1 all

lab-check: labs all
	sh scripts/lab-check.sh

# The demo builds quietly: the compiler's lines are not part of the story.
demo:
	@$(MAKE) -s all
	@sh scripts/demo.sh $(BUILD)

# Constant time checked by machine (scripts/ctgrind.sh): the library built
# again in build/ctgrind with GLASS_CTGRIND (glass_ct_declassify then speaks
# to valgrind) and the cases of tests/ctgrind/ctgrind.c, run under memcheck.
CTG_DIR := build/ctgrind
ctgrind-build:
	@$(MAKE) --no-print-directory BUILD=$(CTG_DIR) OPT="-O2 -g" CFLAGS=-DGLASS_CTGRIND \
	    $(CTG_DIR)/libglass.a $(CTG_DIR)/glass-ctgrind

$(BUILD)/glass-ctgrind: tests/ctgrind/ctgrind.c tests/ctgrind/rsa_key.inc $(BUILD)/libglass.a
	$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -Itests/ctgrind $< -o $@ $(BUILD)/libglass.a $(PKG_LIBS) -lm

ctgrind: ctgrind-build
	sh scripts/ctgrind.sh $(CTG_DIR)/glass-ctgrind

bench: all
	sh scripts/bench.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/glasstls \
	    $(DESTDIR)$(PREFIX)/share/glasstls
	install -m 755 $(BUILD)/glass $(DESTDIR)$(PREFIX)/bin/glass
	install -m 644 $(BUILD)/libglass.a $(DESTDIR)$(PREFIX)/lib/libglass.a
	for d in $(LAYERS); do for h in $$d/*.h $$d/*.def; do [ -f "$$h" ] || continue; \
	    install -d $(DESTDIR)$(PREFIX)/include/glasstls/$$d; \
	    install -m 644 $$h $(DESTDIR)$(PREFIX)/include/glasstls/$$d/; done; done
	cp -R vectors $(DESTDIR)$(PREFIX)/share/glasstls/
	install -d $(DESTDIR)$(PREFIX)/share/glasstls/wireshark
	install -m 644 tools/wireshark/glass.lua $(DESTDIR)$(PREFIX)/share/glasstls/wireshark/glass.lua
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man3 \
	    $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 644 docs/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 docs/man/*.3 $(DESTDIR)$(PREFIX)/share/man/man3/
	install -m 644 docs/man/*.7 $(DESTDIR)$(PREFIX)/share/man/man7/

clean:
	rm -rf build

FORCE:

-include $(shell find $(BUILD)/obj $(WARN_DIR)/obj -name '*.d' 2>/dev/null)

# ---- fuzzing (tests/fuzz/README.md) --------------------------------------
#
#   make fuzz                 build every harness, run each for FUZZ_SECONDS
#   make fuzz-build           only build them (build/fuzz/fuzz_NAME)
#   make fuzz FUZZ_ONLY=der   one harness
#
# clang only: libFuzzer, with ASan and UBSan.  The library is compiled again
# into build/fuzz/obj with the same sanitizers (coverage too), so nothing
# here touches the other build directories.
FUZZ_CC      ?= clang
FUZZ_DIR     := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_ONLY    ?=
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -Wall -Wextra -Wpedantic -O1 -g $(FUZZ_SAN) -I. -Iapps -D_POSIX_C_SOURCE=200809L \
                -DGLASS_FUZZ_ROOT='"$(CURDIR)"'
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o) $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(wildcard nist/*.c)) \
                $(FUZZ_DIR)/obj/net/http.o
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)

.PHONY: fuzz fuzz-build fuzz-long stress
fuzz-build: $(FUZZ_BINS)

# 10^7 executions per harness, however long that takes (-max_total_time=0
# is no time limit in libFuzzer).
FUZZ_RUNS ?= 10000000
fuzz-long: fuzz-build
	FUZZ_SECONDS=0 FUZZ_FLAGS="-runs=$(FUZZ_RUNS)" sh scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_ONLY)

# The load run of tests/sh/hard_load.sh for 60 s instead of 20.
stress: all $(BUILD)/glass-load
	GLASS=$(CURDIR)/$(BUILD)/glass ROOT=$(CURDIR) BUILD=$(BUILD) LOAD_SECONDS=60 \
	    sh tests/sh/hard_load.sh

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_ONLY)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/libglass-fuzz.a: $(FUZZ_LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_engine.h \
                    tests/fuzz/fuzz_record_keys.h $(FUZZ_DIR)/libglass-fuzz.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_DIR)/libglass-fuzz.a $(PKG_LIBS) -lm -o $@

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
