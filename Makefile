# The whole platform builds from this one file. Variants: build/release (make up,
# make bench) and build/asan (make test: AddressSanitizer + UBSan).
#   common/<mod>.c            -> build/<v>/libcommon.a     (tests: common/<mod>_test.c)
#   proto/*.proto             -> build/gen/*.pb-c.[ch]     (tests/proto/*.proto: test-only)
#   services/services.list    -> build/gen/service_list.c (into libcommon: the bus's ports),
#                                build/gen/gw_route_tables.c (into the gateway), and the
#                                committed deployment files (`make deploy-files`)
#   services/<svc>/*.c        -> build/<v>/bin/<svc>       (tests: services/<svc>/*_test.c)
#   tests/api/*.c             -> build/<v>/bin/api-test
#   tests/integration/*_test.c-> build/<v>/itests/<name>    (need a running PostgreSQL/bus)

VARIANT  ?= release
B        := build/$(VARIANT)
GEN      := build/gen
PKGS     := libprotobuf-c libevent libevent_pthreads jansson hiredis libpq openssl libcurl libcmark pangocairo libqrencode fontconfig zlib
CC       ?= cc

WARN     := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes -Wformat=2
BASEFLAGS = -std=c11 -D_GNU_SOURCE -g -Icommon -Itests/support -I$(GEN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ifeq ($(VARIANT),asan)
OPTFLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN    := -fsanitize=address,undefined
else ifeq ($(VARIANT),fuzz)
# libFuzzer harnesses (tests/fuzz/): Debian's clang, every object instrumented for coverage.
CC       := clang
OPTFLAGS := -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
LDSAN    := -fsanitize=fuzzer,address,undefined
else
OPTFLAGS := -O2
LDSAN    :=
endif
CFLAGS   := $(BASEFLAGS) $(OPTFLAGS) $(WARN)
GENFLAGS := $(BASEFLAGS) $(OPTFLAGS) -Wall -Werror
LDLIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lnng -lpthread -lm
# certs alone renders PDF pages (contracts_render.c: poppler-glib onto cairo).
LDLIBS_certs := $(shell pkg-config --libs poppler-glib 2>/dev/null)
$(B)/obj/services/certs/contracts_render.o: CFLAGS += $(shell pkg-config --cflags poppler-glib 2>/dev/null)
NPROC    := $(shell nproc 2>/dev/null || echo 2)
TESTLIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

PROTOS      := $(wildcard proto/*.proto)
TEST_PROTOS := $(wildcard tests/proto/*.proto)
GEN_C       := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
GEN_TEST_C  := $(patsubst tests/proto/%.proto,$(GEN)/%.pb-c.c,$(TEST_PROTOS))
GEN_H       := $(GEN_C:.c=.h) $(GEN_TEST_C:.c=.h)

COMMON_SRC  := $(filter-out %_test.c,$(wildcard common/*.c))
COMMON_TEST := $(wildcard common/*_test.c)
SERVICES    := $(notdir $(patsubst %/,%,$(dir $(wildcard services/*/main.c))))
SVC_TESTS   := $(wildcard services/*/*_test.c)
INT_TESTS   := $(wildcard tests/integration/*_test.c)
API_SRC     := $(wildcard tests/api/*.c)
# Helpers linked into unit tests only (a stand-in HTTP server, ...).
TEST_SUPPORT := $(patsubst %.c,$(B)/obj/%.o,$(wildcard tests/support/*.c))

LIBCOMMON   := $(B)/libcommon.a
LIBTESTPB   := $(B)/libtestproto.a
BINS        := $(addprefix $(B)/bin/,$(SERVICES))
UNIT_BINS   := $(patsubst common/%.c,$(B)/tests/%,$(COMMON_TEST)) \
               $(foreach t,$(SVC_TESTS),$(B)/tests/$(notdir $(patsubst %/,%,$(dir $(t))))_$(basename $(notdir $(t))))
INT_BINS    := $(patsubst tests/integration/%.c,$(B)/itests/%,$(INT_TESTS))

.PHONY: all build daemons up down test unit bench clean format format-check deps lint deploy-files monitor \
        browser-deps fuzz fuzz-bins chaos
.DEFAULT_GOAL := all
.SECONDARY:

all build: daemons $(B)/bin/api-test $(B)/bin/pdfsign

# What `make up` and `make bench` run: every daemon, not the test tools.
daemons: $(BINS)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto
	@mkdir -p $(GEN)
	protoc-c -Iproto --c_out=$(GEN) $<

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: tests/proto/%.proto
	@mkdir -p $(GEN)
	protoc-c -Iproto -Itests/proto --c_out=$(GEN) $<

# The one list of services (see its header and services/README.md).
SERVICE_LIST := services/services.list
SERVICES_SH  := deploy/services.sh
SVC_LIST_O   := $(B)/gen/service_list.o
GW_TABLES_O  := $(B)/gen/gw_route_tables.o
# Generated objects a service's binary and unit tests link besides its own.
SVC_GEN_gateway := $(GW_TABLES_O)
# The provider simulator (a development tool) signs and verifies with the payment adapters'
# primitives (services/payments/provider.c), tested against outside vectors.
SVC_GEN_paysim  := $(B)/obj/services/payments/provider.o

$(GEN)/service_list.c: $(SERVICE_LIST) $(SERVICES_SH)
	@mkdir -p $(GEN)
	bash $(SERVICES_SH) c >$@.tmp && mv $@.tmp $@

$(GEN)/gw_route_tables.c: $(SERVICE_LIST) $(SERVICES_SH) $(wildcard services/gateway/routes_*.c)
	@mkdir -p $(GEN)
	bash $(SERVICES_SH) gateway >$@.tmp && mv $@.tmp $@

$(GW_TABLES_O): GENFLAGS += -Iservices/gateway

$(B)/gen/%.o: $(GEN)/%.c | $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(GENFLAGS) -c -o $@ $<

$(B)/obj/%.o: %.c | $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

$(LIBCOMMON): $(patsubst %.c,$(B)/obj/%.o,$(COMMON_SRC)) $(patsubst $(GEN)/%.c,$(B)/gen/%.o,$(GEN_C)) $(SVC_LIST_O)
	@rm -f $@
	ar rcs $@ $^

$(LIBTESTPB): $(patsubst $(GEN)/%.c,$(B)/gen/%.o,$(GEN_TEST_C))
	@rm -f $@
	ar rcs $@ $^ $(if $^,,)

# A service binary: every non-test .c of its folder.
define service_rules
$(B)/bin/$(1): $(patsubst %.c,$(B)/obj/%.o,$(filter-out %_test.c,$(wildcard services/$(1)/*.c))) $(SVC_GEN_$(1)) $(LIBCOMMON)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDSAN) -o $$@ $$^ $$(LDLIBS) $$(LDLIBS_$(1))
endef
$(foreach s,$(SERVICES),$(eval $(call service_rules,$(s))))

# A service unit test: the test file plus the service's objects except main.
define svc_test_rules
$(B)/tests/$(2)_$(basename $(notdir $(1))): $(B)/obj/$(basename $(1)).o $(TEST_SUPPORT) $(patsubst %.c,$(B)/obj/%.o,$(filter-out %_test.c services/$(2)/main.c,$(wildcard services/$(2)/*.c))) $(SVC_GEN_$(2)) $(LIBCOMMON)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDSAN) -o $$@ $$^ $$(LDLIBS) $$(LDLIBS_$(2)) $$(TESTLIBS)
endef
$(foreach t,$(SVC_TESTS),$(eval $(call svc_test_rules,$(t),$(notdir $(patsubst %/,%,$(dir $(t)))))))

$(B)/tests/%_test: $(B)/obj/common/%_test.o $(TEST_SUPPORT) $(LIBCOMMON) $(LIBTESTPB)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) $(TESTLIBS)

$(B)/itests/%: $(B)/obj/tests/integration/%.o $(LIBCOMMON) $(LIBTESTPB)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) $(TESTLIBS)

# An integration test that links the certs service's pure signing modules besides libcommon.
ITEST_SRC_pades_test := services/certs/pades.c services/certs/cades.c services/certs/pdfread.c \
                        services/certs/seal_image.c services/certs/proof.c services/certs/ca.c \
                        services/certs/pki.c
$(B)/itests/pades_test: $(B)/obj/tests/integration/pades_test.o $(patsubst %.c,$(B)/obj/%.o,$(ITEST_SRC_pades_test)) $(LIBCOMMON) $(LIBTESTPB)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS) $(TESTLIBS)
$(B)/obj/tests/integration/pades_test.o: CFLAGS += -iquote services/certs

# The API cases' signer of PDFs (tests/api/fixtures/sigverify.sh): the engine itself.
PDFSIGN_SRC := services/certs/pades.c services/certs/cades.c services/certs/pdfread.c \
               services/certs/seal_image.c services/certs/proof.c services/certs/ca.c
$(B)/bin/pdfsign: $(B)/obj/tests/integration/pdfsign.o $(patsubst %.c,$(B)/obj/%.o,$(PDFSIGN_SRC)) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)
$(B)/obj/tests/integration/pdfsign.o: CFLAGS += -iquote services/certs

$(B)/bin/api-test: $(patsubst %.c,$(B)/obj/%.o,$(API_SRC)) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)

# make bench's load tool for the layers wrk cannot reach (deploy/bench/README.md).
$(B)/bin/benchload: $(B)/obj/deploy/bench/benchload.o $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)
# make bench's PAdES signer (issue 19): the certs service's pure signing modules in process.
PADESBENCH_SRC := services/certs/pades.c services/certs/cades.c services/certs/pdfread.c \
                  services/certs/seal_image.c services/certs/proof.c services/certs/ca.c \
                  services/certs/pki.c
$(B)/bin/padesbench: $(B)/obj/deploy/bench/padesbench.o $(patsubst %.c,$(B)/obj/%.o,$(PADESBENCH_SRC)) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDSAN) -o $@ $^ $(LDLIBS)
$(B)/obj/deploy/bench/padesbench.o: CFLAGS += -iquote services/certs

# libFuzzer harnesses (VARIANT=fuzz): tests/fuzz/<name>.c -> build/fuzz/fuzz/<name>, each
# linked with the service sources it exercises (tests/fuzz/README.md).
FUZZERS        := $(basename $(notdir $(wildcard tests/fuzz/*.c)))
FUZZ_SRC_multipart := services/gateway/multipart.c
GW_ROUTES_SRC      := $(wildcard services/gateway/routes*.c)
FUZZ_SRC_routes    := $(GW_ROUTES_SRC)
FUZZ_SRC_pbjson    := $(GW_ROUTES_SRC)
FUZZ_SRC_busenv    := $(GW_ROUTES_SRC)
FUZZ_SRC_markdown  := services/market/markdown.c
FUZZ_SRC_holidays  := services/billfin/calendar.c services/billfin/provisional.c
FUZZ_SRC_csr       := services/certs/ca.c
FUZZ_SRC_ocsp      := services/certs/pki.c services/certs/ca.c
FUZZ_SRC_pdfread    := services/certs/pdfread.c
FUZZ_SRC_pdftext    := services/certs/pdftext.c services/certs/pdfread.c
FUZZ_SRC_pades_verify := services/certs/pades_verify.c services/certs/pdfread.c \
                         services/certs/proof.c services/certs/ca.c
FUZZ_SECONDS   ?= 60
FUZZ_BINS      := $(addprefix $(B)/fuzz/,$(FUZZERS))

# -iquote: services/gateway/limits.h must not shadow <limits.h>.
$(B)/obj/tests/fuzz/%.o: CFLAGS += -iquote services/gateway -iquote services/market -iquote services/billfin -iquote services/certs

define fuzz_rules
$(B)/fuzz/$(1): $(B)/obj/tests/fuzz/$(1).o $(patsubst %.c,$(B)/obj/%.o,$(FUZZ_SRC_$(1))) $(if $(filter services/gateway/routes.c,$(FUZZ_SRC_$(1))),$(GW_TABLES_O)) $(LIBCOMMON) $(LIBTESTPB)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDSAN) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_rules,$(f))))

fuzz-bins: $(FUZZ_BINS)

# ---- commands from the README ------------------------------------------------

deps:
	@bash deploy/local/deps.sh $(DEPS_PROFILE)

up: 
	@bash deploy/local/deps.sh run
	@$(MAKE) --no-print-directory VARIANT=release daemons
	@bash deploy/local/stack.sh up

down:
	@bash deploy/monitoring/monitor.sh down
	@bash deploy/local/stack.sh down

# Prometheus and mtail on loopback beside `make up`'s stack (deploy/monitoring/README.md).
monitor:
	@bash deploy/local/deps.sh monitor
	@bash deploy/monitoring/monitor.sh up

unit: $(UNIT_BINS)
	@bash tests/run-unit.sh $(UNIT_BINS)

test:
	@bash deploy/local/deps.sh test
	@# Without the npm registry (a network that cannot reach it) the browser phase is
	@# skipped, loudly, rather than every other test left unrun.
	@$(MAKE) --no-print-directory browser-deps || \
		echo "make test: playwright-core could not be installed from the npm registry: the browser tests will be skipped"
	@$(MAKE) --no-print-directory lint
	@# The optimised build `make up` runs: -O2 finds warnings -O1 does not.
	@$(MAKE) --no-print-directory -j$(NPROC) VARIANT=release daemons
	@$(MAKE) --no-print-directory -j$(NPROC) VARIANT=asan all unit-bins int-bins
	@$(MAKE) --no-print-directory -j$(NPROC) VARIANT=fuzz fuzz-bins
	@bash tests/run-all.sh build/asan

# playwright-core for the browser tests, from tests/browser/package-lock.json (not committed: node_modules).
browser-deps: tests/browser/node_modules/.package-lock.json
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	@cd tests/browser && npm ci --no-audit --no-fund --loglevel=error

unit-bins: $(UNIT_BINS)
int-bins: $(INT_BINS)

lint:
	@bash tests/lint.sh

# Rewrites the deployment files' generated regions from services/services.list.
deploy-files:
	@bash $(SERVICES_SH) write

format:
	@clang-format -i $$(git ls-files -co --exclude-standard 'common/*.[ch]' 'services/*.[ch]' 'tests/*.[ch]')

# The chaos phase at full length (tests/api/phases/86-chaos: 60 s of load and faults).
chaos:
	@bash deploy/local/deps.sh test
	@$(MAKE) --no-print-directory -j$(NPROC) VARIANT=asan all unit-bins int-bins
	@CHAOS_SECONDS=$${CHAOS_SECONDS:-60} TEST_ONLY=86-chaos bash tests/run-all.sh build/asan

# Each fuzzer for FUZZ_SECONDS (default 60) from its corpus, new finds merged into it.
fuzz:
	@bash deploy/local/deps.sh test
	@$(MAKE) --no-print-directory -j$(NPROC) VARIANT=fuzz fuzz-bins
	@bash tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS) merge

bench:
	@bash deploy/local/deps.sh bench
	@$(MAKE) --no-print-directory VARIANT=release daemons build/release/bin/benchload build/release/bin/padesbench
	@bash deploy/bench/bench.sh

clean:
	rm -rf build
