# partman: PGXS build.  `make test` and `make demo` are the two user commands.
PG_CONFIG ?= /usr/lib/postgresql/15/bin/pg_config

MODULE_big = partman
# src/ holds partman.c and spi.c; each folder below it is one layer (README: Layout)
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c src/*/*.c)))
EXTENSION = partman
DATA = $(wildcard sql/partman--*.sql)
PG_CPPFLAGS = -I$(srcdir)/src
# PostgreSQL's own headers are not -Wextra clean for these three; everything else is an error.
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers

PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifeq ($(PGXS),)
# No server headers yet: `make test` / `make demo` install them first.
all install:
	bash scripts/deps.sh
	$(MAKE) $@
else
include $(PGXS)
# every object depends on the headers (PGXS tracks no header dependencies)
$(OBJS): $(wildcard src/*.h src/*/*.h)
endif

.PHONY: test demo demo-stop bench deps
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
