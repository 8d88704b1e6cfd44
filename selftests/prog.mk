# SPDX-License-Identifier: GPL-2.0
# Shared by the Makefiles of the static test programs (selftests/stress,
# failnth, bench). The including Makefile sets PROG; $(PROG).c in its
# directory is built into $(OUT)/$(PROG), a static binary:
#   make [OUT=dir] [CFLAGS=...] [EXTRA_CFLAGS=...] [LDFLAGS=...]
# OUT defaults to the program's directory. CFLAGS (default -O2) may be
# replaced: -static -Wall -Wextra -Werror -pthread and the include path are
# added to it all the same. EXTRA_CFLAGS (e.g. -m32) and LDFLAGS go last.

# selftests/, where this file and include/pidfs_user.h are.
prog_mk_dir := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

ifeq ($(origin CC),default)
CC := gcc
endif
OUT ?= .
CFLAGS ?= -O2
EXTRA_CFLAGS ?=
override CFLAGS += -static -Wall -Wextra -Werror -pthread -I$(prog_mk_dir)/include

.PHONY: all clean
all: $(OUT)/$(PROG)

$(OUT)/$(PROG): $(PROG).c $(prog_mk_dir)/include/pidfs_user.h
	@mkdir -p $(OUT)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $< $(LDFLAGS)

clean:
	rm -f $(OUT)/$(PROG)
