# partman: PGXS build.  `make test` and `make demo` are the two user commands.
PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config

MODULE_big = partman
# src/ holds partman.c and spi.c; each folder below it is one layer (README: Layout)
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c src/*/*.c)))
EXTENSION = partman
DATA = $(wildcard sql/partman--*.sql)
PG_CPPFLAGS = -I$(srcdir)/src -I$(libpq_srcdir)
# src/ddl/remote.c talks to other servers with libpq
SHLIB_LINK_INTERNAL = $(libpq)
# PostgreSQL's own headers are not -Wextra clean for these three; everything else is an error.
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers

# Tests, as PGXS runs them: `make installcheck` after `make install`, each
# suite on a throwaway cluster of its own (--temp-instance, as pg_cron does)
# configured by test/partman.conf; sql/, specs/, expected/ and t/ are under
# test/.  `make test` runs the same lists through test/run.sh, which also
# installs what is missing, builds, runs them as an unprivileged user and
# ends with "N passed, N failed".
REGRESS = $(sort $(basename $(notdir $(wildcard test/sql/*.sql))))
REGRESS_OPTS = --inputdir=test --temp-config=test/partman.conf --temp-instance=tmp_check_regress \
	--load-extension=partman
ISOLATION = $(sort $(basename $(notdir $(wildcard test/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test --temp-config=test/partman.conf --temp-instance=tmp_check_iso
TAP_TESTS = 1
PROVE_TESTS = $(sort $(wildcard test/t/*.pl))
# stable expected output: C locale, UTF8
ENCODING = UTF8
NO_LOCALE = 1

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifeq ($(PGXS),)
# No server headers yet: `make test` / `make demo` install them first.
all install:
	bash scripts/deps.sh
	$(MAKE) $@
else
include $(PGXS)
# PartmanTest.pm, the TAP files' shared helper (after the include, which resets the flags)
PG_PROVE_FLAGS += -I test/t
# every object depends on the headers (PGXS tracks no header dependencies)
$(OBJS): $(wildcard src/*.h src/*/*.h)
endif

.PHONY: test demo demo-stop bench deps list-tests
# what test/run.sh runs, from the variables above
list-tests:
	@echo "regress: $(REGRESS)"
	@echo "isolation: $(ISOLATION)"
	@echo "tap: $(basename $(notdir $(PROVE_TESTS)))"
deps:
	bash scripts/deps.sh
test:
	bash test/run.sh
demo:
	bash scripts/demo.sh start
demo-stop:
	bash scripts/demo.sh stop
bench:
	bash bench/run.sh
# Not part of `make test` (minutes long): see README "What is tested".
.PHONY: load memcheck
load:
	bash test/load.sh
memcheck:
	bash test/memcheck.sh
