# dmarcsuite - one non-recursive GNU Makefile.
#
# Targets: all (default), deps, demo, check, check-asan, lint, fuzz, bench,
# install, clean.  Objects go under $(BUILD)/; dependencies come from
# -MMD -MP.  Modules are found by wildcard, so adding common/foo.c or
# tests/unit/common/test_foo.c needs no edit here.

VERSION    := 0.1.0
PREFIX     ?= /usr/local
DESTDIR    ?=
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/dmarcsuite
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
# logrotate reads only /etc/logrotate.d, whatever the PREFIX
LOGROTATEDIR ?= /etc/logrotate.d

CC       ?= cc
BUILD    ?= build
PKGS     := libxml-2.0 sqlite3 libcurl libpsl libidn2 zlib milter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SYS_LIBS := $(PKG_LIBS) -lspf2 -lresolv -lpthread

WARN := -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Wpedantic -Werror \
	-Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition -Wpointer-arith -Wcast-qual -Wwrite-strings \
	-Wvla -Wundef -Wimplicit-fallthrough -Wnull-dereference -Wswitch-enum \
	-Wconversion -Wno-sign-conversion
IS_CLANG := $(findstring clang,$(shell $(CC) --version 2>/dev/null))
ifeq ($(IS_CLANG),)
WARN += -Wformat-overflow=2 -Wformat-truncation=2
endif

ifeq ($(SANITIZE),1)
OPT   := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
LDOPT := -fsanitize=address,undefined
else
OPT   := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDOPT := -pie -Wl,-z,relro,-z,now
endif

DEFS     := -DDMARC_VERSION='"$(VERSION)"' \
	-DDMARC_SYSCONFDIR='"$(SYSCONFDIR)"' -DDMARC_DATADIR='"$(DATADIR)"'
ALL_CFLAGS  = $(WARN) $(OPT) $(DEFS) -I. $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(LDOPT) $(LDFLAGS)

# ---------------------------------------------------------------- libraries
# Program folders: every .c but the mains goes into an archive of its own
# so that unit tests link the modules without main().
MAINS := milter/main.c importer/main.c importer/expire_main.c \
	reporter/main.c
APPDIRS := milter importer reporter

define app_lib
$(1)_SRCS := $$(filter-out $$(MAINS),$$(wildcard $(1)/*.c))
$(1)_OBJS := $$($(1)_SRCS:%.c=$$(BUILD)/%.o)
$(1)_LIB  := $$(if $$($(1)_SRCS),$$(BUILD)/$(1)/lib$(1).a)
ifneq ($$($(1)_SRCS),)
$$(BUILD)/$(1)/lib$(1).a: $$($(1)_OBJS)
endif
endef
$(foreach d,$(APPDIRS) history common,$(eval $(call app_lib,$(d))))

# sql/schema.sql and sql/NNN-*.sql compiled into libcommon.a as strings
# (common/db_sql.h), so the tools need no schema file at run time.
SQL_FILES := sql/schema.sql $(sort $(wildcard sql/[0-9][0-9][0-9]-*.sql))
$(BUILD)/gen/db_sql.c: $(SQL_FILES) sql/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh sql/embed.sh $(SQL_FILES) >$@.tmp && mv $@.tmp $@
$(BUILD)/gen/db_sql.o: $(BUILD)/gen/db_sql.c
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<
$(common_LIB): $(BUILD)/gen/db_sql.o

# Link order: programs -> reporter parts -> history -> common -> system.
ARCHIVES := $(milter_LIB) $(importer_LIB) $(reporter_LIB) $(history_LIB) \
	$(common_LIB)

$(BUILD)/%.a:
	@mkdir -p $(dir $@)
	@rm -f $@
	$(if $(Q),@echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

# V=1 shows whole command lines.
Q := $(if $(V),,@)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# ---------------------------------------------------------------- programs
PROG_dmarc-milter  := milter/main.c
PROG_dmarc-import  := importer/main.c
PROG_dmarc-expire  := importer/expire_main.c
PROG_dmarc-reports := reporter/main.c
PROGNAMES := $(foreach p,dmarc-milter dmarc-import dmarc-expire dmarc-reports,\
	$(if $(wildcard $(PROG_$(p))),$(p)))
PROGRAMS  := $(PROGNAMES:%=$(BUILD)/%)

define prog_rule
$(BUILD)/$(1): $(BUILD)/$(PROG_$(1):.c=.o) $(ARCHIVES)
	$$(if $$(Q),@echo "  LD      $$@")
	$$(Q)$$(CC) $$(ALL_LDFLAGS) -o $$@ $$< $(ARCHIVES) $$(SYS_LIBS)
endef
$(foreach p,$(PROGNAMES),$(eval $(call prog_rule,$(p))))

# ------------------------------------------------------------------- tests
UNIT_SRCS  := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:%.c=$(BUILD)/%)
TESTLIB_SRCS := $(wildcard tests/lib/*.c)
TESTLIB_OBJS := $(TESTLIB_SRCS:%.c=$(BUILD)/%.o)
TOOL_SRCS  := $(wildcard tests/tools/*.c)
TOOL_BINS  := $(TOOL_SRCS:%.c=$(BUILD)/%)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(TESTLIB_OBJS) $(ARCHIVES)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(UNIT_EXTRA_OBJS) $(TESTLIB_OBJS) \
		$(ARCHIVES) $(SYS_LIBS) -lcmocka

# The failure report tests share tests/unit/reporter/afrf_fixture.c (the
# scratch folder, capture script, configuration and message).
AFRF_FIXTURE := $(BUILD)/tests/unit/reporter/afrf_fixture.o
AFRF_FIXTURE_TESTS := $(patsubst %.c,$(BUILD)/%,\
	$(wildcard tests/unit/reporter/test_afrf*.c))
$(AFRF_FIXTURE_TESTS): $(AFRF_FIXTURE)
$(AFRF_FIXTURE_TESTS): UNIT_EXTRA_OBJS := $(AFRF_FIXTURE)
# ... and the policy tests tests/unit/milter/policy_fixture.c (the fake
# organizational-domain lookup and policy_evaluate in one call).
POLICY_FIXTURE := $(BUILD)/tests/unit/milter/policy_fixture.o
POLICY_FIXTURE_TESTS := $(patsubst %.c,$(BUILD)/%,\
	$(wildcard tests/unit/milter/test_policy*.c))
$(POLICY_FIXTURE_TESTS): $(POLICY_FIXTURE)
$(POLICY_FIXTURE_TESTS): UNIT_EXTRA_OBJS := $(POLICY_FIXTURE)
# ... and the discovery tests tests/unit/common/discovery_fixture.c (the
# fake DNS and the organizational domain context).
DISCOVERY_FIXTURE := $(BUILD)/tests/unit/common/discovery_fixture.o
DISCOVERY_FIXTURE_TESTS := $(patsubst %.c,$(BUILD)/%,\
	$(wildcard tests/unit/common/test_discovery*.c))
$(DISCOVERY_FIXTURE_TESTS): $(DISCOVERY_FIXTURE)
$(DISCOVERY_FIXTURE_TESTS): UNIT_EXTRA_OBJS := $(DISCOVERY_FIXTURE)

# test_afrf_spool checks the order of fsync and rename in the spool with
# link-time mocks (see the test's header comment).
$(BUILD)/tests/unit/reporter/test_afrf_spool: \
	LDFLAGS += -Wl,--wrap=fsync -Wl,--wrap=rename

# The tools link tests/lib as an archive, so each takes only the parts it
# uses (tests/tools/milterclient.c uses tests/lib/mc_*.c).
TESTLIB_A := $(if $(TESTLIB_SRCS),$(BUILD)/tests/lib/libtestlib.a)
ifneq ($(TESTLIB_SRCS),)
$(BUILD)/tests/lib/libtestlib.a: $(TESTLIB_OBJS)
endif

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(TESTLIB_A) $(ARCHIVES)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(TESTLIB_A) $(ARCHIVES) $(SYS_LIBS)

# --------------------------------------------------------------- top level
.SECONDARY:
.PHONY: all deps demo check check-asan lint fuzz bench install clean tests
.DEFAULT_GOAL := all

all: $(PROGRAMS)

tests: all $(UNIT_BINS) $(TOOL_BINS)

deps:
	@tests/lib/deps.sh install

# The whole pipeline on bundled sample mail, loopback only (demo/run.sh):
# the programs plus the two test tools it drives them with.
demo:
	@tests/lib/deps.sh check || tests/lib/deps.sh install
	@$(MAKE) --no-print-directory all $(BUILD)/tests/tools/milterclient \
		$(BUILD)/tests/tools/dnsq
	@BUILD=$(BUILD) demo/run.sh

check:
	@tests/lib/deps.sh check || tests/lib/deps.sh install
	@$(MAKE) --no-print-directory tests
	@BUILD=$(BUILD) tests/run.sh

check-asan:
	@tests/lib/deps.sh check || tests/lib/deps.sh install
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 tests
	@BUILD=build-asan SANITIZE=1 tests/run.sh

lint:
	@tests/lib/lint.sh

# libFuzzer targets: common/, history/ and the program libraries rebuilt
# with clang under ASan and UBSan into build-fuzz/.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang SANITIZE=1 \
		CFLAGS="-fsanitize=fuzzer-no-link" $(ARCHIVES:$(BUILD)/%=build-fuzz/%)
	@set -e; for f in $(FUZZ_SRCS); do \
		n=$$(basename $$f .c); \
		echo "clang $$f -> build-fuzz/fuzz/$$n"; mkdir -p build-fuzz/fuzz; \
		clang $(filter-out -Wformat-overflow=2 -Wformat-truncation=2,$(WARN)) -g -O1 -fsanitize=fuzzer,address,undefined \
			$(DEFS) -I. $(PKG_CFLAGS) -o build-fuzz/fuzz/$$n $$f \
			$(ARCHIVES:$(BUILD)/%=build-fuzz/%) $(SYS_LIBS); \
	done

bench: all $(TOOL_BINS)
	@BUILD=$(BUILD) tests/bench/run.sh

# The units and the logrotate snippet name the installed programs and
# configuration: @SBINDIR@ and @SYSCONFDIR@ are replaced on the way.  The
# sample configuration goes to DATADIR always, to SYSCONFDIR only when no
# dmarcsuite.conf is there (an administrator's file is never replaced).
CONTRIB_SUBST := sed -e 's|@SBINDIR@|$(SBINDIR)|g' \
	-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
UNITS := dmarc-milter.service dmarc-reports.service dmarc-reports.timer

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DATADIR)/sql \
		$(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(LOGROTATEDIR)
	$(if $(PROGRAMS),install -m 755 $(PROGRAMS) $(DESTDIR)$(SBINDIR))
	$(if $(wildcard man/*.5),install -m 644 $(wildcard man/*.5) \
		$(DESTDIR)$(MANDIR)/man5)
	$(if $(wildcard man/*.8),install -m 644 $(wildcard man/*.8) \
		$(DESTDIR)$(MANDIR)/man8)
	$(if $(wildcard sql/*.sql),install -m 644 $(wildcard sql/*.sql) \
		$(DESTDIR)$(DATADIR)/sql)
	install -m 644 contrib/dmarcsuite.conf \
		$(DESTDIR)$(DATADIR)/dmarcsuite.conf.sample
	test -e $(DESTDIR)$(SYSCONFDIR)/dmarcsuite.conf || \
		install -m 644 contrib/dmarcsuite.conf $(DESTDIR)$(SYSCONFDIR)
	for u in $(UNITS); do \
		$(CONTRIB_SUBST) contrib/systemd/$$u >$(DESTDIR)$(UNITDIR)/$$u && \
		chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	install -m 644 contrib/sysusers.d/dmarcsuite.conf $(DESTDIR)$(SYSUSERSDIR)
	$(CONTRIB_SUBST) contrib/logrotate.d/dmarcsuite \
		>$(DESTDIR)$(LOGROTATEDIR)/dmarcsuite
	chmod 644 $(DESTDIR)$(LOGROTATEDIR)/dmarcsuite

clean:
	rm -rf build build-asan build-fuzz demo-out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
