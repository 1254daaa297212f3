# hornet: a load-testing tool (libev + libcurl engine, ncurses dashboard).
# make            build ./hornet and ./hornet-target (optimised, with symbols)
# make test       install missing packages, build, run every test; last line "N passed, N failed"
# make check      the unit tests only, in seconds: the edit loop (no engine runs, no e2e)
# make run        install, build, open the dashboard on scenarios/deployments.json (embedded target)
# make asan|tsan  run the tests under ASan+UBSan / TSan
# make bench      the performance benchmark (tests/bench/), never part of make test
# make bench-promtext   the Prometheus text parser's throughput on the captured exporter bodies
# make fuzz       each libFuzzer target in tests/fuzz/ for FUZZ_SECONDS (default 60), two at once
# make deps       install the Debian packages hornet needs (apt-get when root)
# make help       this list

SHELL := /bin/bash
FLAVOR ?= release
BUILD  := build/$(FLAVOR)

CC     ?= cc
STD    := -std=c11 -D_POSIX_C_SOURCE=200809L -pthread
WARN   := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
          -Wwrite-strings -Wformat=2 -Wundef -Wvla -Wcast-qual
OPT    := -O2 -g
SAN    :=
PKGS   := ncursesw libcurl libcjson libzmq msgpack
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CPPFLAGS_ALL := -Iengine -Isrc -Iui -MMD -MP $(PKG_CFLAGS)
LDLIBS_ALL := -Wl,--as-needed $(PKG_LIBS) -lev -lhttp_parser -lm

ifeq ($(FLAVOR),asan)
  OPT := -O1 -g -fno-omit-frame-pointer
  SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif
ifeq ($(FLAVOR),tsan)
  OPT := -O1 -g
  SAN := -fsanitize=thread
endif
ifeq ($(FLAVOR),debug)
  OPT := -O0 -g
endif
# The fuzz targets (tests/fuzz/): clang's libFuzzer with ASan and UBSan; the code under test is
# compiled with coverage (fuzzer-no-link), the targets link libFuzzer's main.
ifeq ($(FLAVOR),fuzz)
  CC  := clang
  OPT := -O1 -g -fno-omit-frame-pointer
  SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
endif

NPROC := $(shell nproc 2>/dev/null || echo 2)

ALL_CFLAGS = $(STD) $(WARN) $(OPT) $(SAN) $(CPPFLAGS_ALL) $(CFLAGS)
ALL_LDFLAGS = $(SAN) -pthread $(LDFLAGS)

MAINS     := src/main.c src/target_main.c
LIB_SRC   := $(filter-out $(MAINS),$(wildcard engine/*.c ui/*.c src/*.c src/target/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC  := $(wildcard tests/test_*.c)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# Suites that drive real threads, sockets, processes and clocks: make test runs them, make check
# does not (tests/run_all.sh --unit reads this list from SLOW_TESTS).
SLOW_TESTS := test_engine test_engine_open test_engine_rate test_worker test_target_http \
              test_target_health test_locust_link test_fixture test_health_poll
# Suites that measure what the machine can do (10,000 arrivals a second against the built-in
# target): make test runs them alone, after the others (tests/run_all.sh reads ALONE_TESTS).
ALONE_TESTS := test_engine_rate
UNIT_BIN  := $(filter-out $(SLOW_TESTS:%=$(BUILD)/tests/%),$(TEST_BIN))
TEST_HELP := $(filter-out $(TEST_SRC),$(wildcard tests/*.c))
TEST_HOBJ := $(TEST_HELP:%.c=$(BUILD)/%.o)
LIB       := $(BUILD)/libhornet.a

.SECONDARY:

.PHONY: all build test check tests-bin run asan tsan bench bench-full bench-promtext screenshots \
        deps deps-test clean help fuzz fuzz-bin fuzz-merge
all: build

build: $(BUILD)/hornet $(BUILD)/hornet-target
ifeq ($(FLAVOR),release)
	@cp -f $(BUILD)/hornet hornet.tmp && mv -f hornet.tmp hornet
	@cp -f $(BUILD)/hornet-target hornet-target.tmp && mv -f hornet-target.tmp hornet-target
endif

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/hornet: $(BUILD)/src/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS_ALL) -o $@

$(BUILD)/hornet-target: $(BUILD)/src/target_main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS_ALL) -o $@

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(TEST_HOBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) $(TEST_WRAP) $^ $(LDLIBS_ALL) -lcmocka -o $@

# The fuzz targets: what faces files and the network (engine/, and the config and Locust CSV
# readers of src/), in their own archive; each tests/fuzz/fuzz_NAME.c is one target.
FUZZ_SRC  := $(wildcard engine/*.c) src/options.c src/report_csv.c
FUZZ_LIB  := $(BUILD)/libfuzzed.a
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 60

$(FUZZ_LIB): $(FUZZ_SRC:%.c=$(BUILD)/%.o)
	@mkdir -p $(@D)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/fuzz.o $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(CC) -fsanitize=fuzzer,address,undefined -pthread $^ $(LDLIBS_ALL) -o $@

fuzz-bin: $(FUZZ_BIN)

# test_engine makes libcurl's curl_multi_add_handle fail on demand (the fatal-error path).
$(BUILD)/tests/test_engine: TEST_WRAP := -Wl,--wrap=curl_multi_add_handle

# The packages hornet builds and runs with, and those only the tests drive (tmux for the
# dashboard end-to-end test, chromium, a font with braille and python3-pil to read the
# screenshot for the HTML report test, real exporters for the health-polling tests:
# node_exporter, redis with redis_exporter; a real Locust for the master/worker protocol
# tests; xmllint from libxml2-utils to validate the JUnit output against its schema, promtool
# from prometheus to check the metrics endpoint's text, python3-junitparser as a consumer of
# the JUnit file; clang and libclang-rt-dev, its libFuzzer and sanitizer runtimes, for the fuzz
# targets). libzmq3-dev and libmsgpack-dev (msgpack-c) carry the Locust master/worker
# transport and codec; both have a .pc in PKGS.
DEB_PKGS := build-essential pkg-config libncurses-dev libcurl4-openssl-dev libev-dev \
            libcjson-dev libcmocka-dev libhttp-parser-dev libjsmn-dev libzmq3-dev \
            libmsgpack-dev
TEST_PKGS := tmux chromium fonts-dejavu-core python3 python3-pil curl prometheus-node-exporter \
             redis-server prometheus-redis-exporter python3-locust libxml2-utils prometheus \
             python3-junitparser clang libclang-rt-dev

define apt_install
	@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${db:Status-Abbrev}' $$p 2>/dev/null | grep -q '^ii' || echo $$p; \
	    done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	    echo "make: installing $$missing"; \
	    (apt-get install -y --no-install-recommends $$missing >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y --no-install-recommends $$missing)) \
	     || { echo "make: apt-get failed"; exit 1; }; \
	else \
	    echo "make: missing packages; run: sudo apt-get install -y $$missing"; exit 1; \
	fi
endef

deps:
	$(call apt_install,$(DEB_PKGS))

deps-test: deps
	$(call apt_install,$(TEST_PKGS))

test: deps-test
	@$(MAKE) --no-print-directory -j$(NPROC) build
	@$(MAKE) --no-print-directory -j$(NPROC) tests-bin
	@$(MAKE) --no-print-directory -j$(NPROC) FLAVOR=fuzz fuzz-bin
	@FLAVOR=$(FLAVOR) BUILD=$(BUILD) SLOW_TESTS="$(SLOW_TESTS)" ALONE_TESTS="$(ALONE_TESTS)" \
	    tests/run_all.sh

tests-bin: $(TEST_BIN)

check:
	@$(MAKE) --no-print-directory -j$(NPROC) $(UNIT_BIN)
	@FLAVOR=$(FLAVOR) BUILD=$(BUILD) SLOW_TESTS="$(SLOW_TESTS)" tests/run_all.sh --unit

run: deps
	@$(MAKE) --no-print-directory -j$(NPROC) build
	./hornet scenarios/deployments.json

asan:
	@$(MAKE) --no-print-directory FLAVOR=asan test

tsan:
	@$(MAKE) --no-print-directory FLAVOR=tsan test

bench: deps build
	@tests/bench/bench.sh --quick

bench-full: deps build
	@tests/bench/bench.sh --full --soak

# The Prometheus text parser's throughput on the captured exporter bodies.
$(BUILD)/bench/promtext_bench: $(BUILD)/tests/bench/promtext_bench.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) $^ $(LDLIBS_ALL) -o $@

bench-promtext: $(BUILD)/bench/promtext_bench
	$< tests/fixtures/prom/node_exporter.prom 1
	$< tests/fixtures/prom/node_exporter.prom 4
	$< tests/fixtures/prom/redis_exporter.prom 1

# Each fuzz target for FUZZ_SECONDS, two at a time at the lowest priority (the machine is
# shared), from the corpus kept in tests/fuzz/corpus/; new inputs and crashes go to build/fuzz/.
fuzz: deps-test
	@$(MAKE) --no-print-directory -j$(NPROC) FLAVOR=fuzz fuzz-bin
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

# Fold what the runs found into the kept corpus, minimised (libFuzzer's -merge=1).
fuzz-merge:
	@$(MAKE) --no-print-directory -j$(NPROC) FLAVOR=fuzz fuzz-bin
	@tests/fuzz/run.sh --merge

screenshots: deps build
	@tests/screenshots.sh

clean:
	rm -rf build hornet hornet-target

help:
	@sed -n '2,12p' Makefile | sed 's/^# //'

-include $(shell find build -name '*.d' 2>/dev/null)
