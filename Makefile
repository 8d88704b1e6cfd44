# pidfs for Linux 6.1: the series (patches/, series) and the harness that proves it.
#   make          base + series -> build -> boot in QEMU -> kselftests -> results table
#   make check    everything CI runs; the last line is `N passed, N failed`
# See README.md and Documentation/.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CONFIG ?= x86_64
KSRC ?=
S := scripts

ifneq ($(KSRC),)
# A user's own tree: the series goes onto a new branch there; outputs stay apart.
export KTREE := $(abspath $(KSRC))
export BUILD := $(CURDIR)/build/ksrc
TREE_STEP = $(S)/apply.sh -k "$(KTREE)"
else
TREE_STEP = $(S)/base.sh && $(S)/apply.sh
endif

.PHONY: all check gates-full deps base tree export config build test debug harness-tests lint \
	bisect base-run mail bench help clean
all: deps
	$(TREE_STEP)
	$(S)/test-kernel.sh $(CONFIG)

check: deps
	$(S)/check.sh

#   make gates-full  the gates before mailing (40 min warm); make mail checks they passed
gates-full: deps
	$(S)/gates-full.sh

#   make mail     the series as mails in build/mail/ + a git send-email dry run (never sends)
mail: tree
	$(S)/mail.sh

#   make bench    base vs series vs upstream 6.12 in QEMU: table, results.json, plots
bench: tree
	$(S)/bench.sh

deps:
	$(S)/deps.sh

base: deps
	$(S)/base.sh

# base + series -> build/linux (HEAD = last patch)
tree: base
	$(S)/apply.sh

# build/linux base..HEAD -> patches/ + series
export:
	$(S)/export.sh

config:
	$(S)/config.sh $(CONFIG)

build:
	$(S)/build.sh $(CONFIG)

# the tree as it is (no re-apply): build, boot, run the kselftests
test:
	$(S)/test-kernel.sh $(CONFIG)

harness-tests:
	$(S)/harness-tests.sh

# checkpatch --strict on every patch; W=1, sparse, coccinelle findings vs base
lint:
	$(S)/checkpatch.sh
	$(S)/lint-delta.sh

# the debug kernel (KASAN, lockdep, kmemleak, failslab...) with the stress and fault-injection
# campaigns after the kselftests; TIMEOUT_MULT scales the runner's timeouts
debug:
	env TIMEOUT_MULT=$${TIMEOUT_MULT:-8} APPEND="pidfs_ino_start=0xffffff00 $${APPEND:-}" \
		POST=selftests/post-debug POST_PROGS="stress failnth" $(S)/test-kernel.sh x86_64-debug

# the tip's kselftests on the unpatched base kernel (failures expected: they show the tests can fail)
base-run:
	$(S)/base-run.sh

# every prefix of the series builds (vmlinux; CONFIG=x86_64|i386|noproc, default the lean one)
bisect:
	$(S)/bisect.sh $(if $(filter command line,$(origin CONFIG)),$(CONFIG))

help:
	@sed -n 's/^#   //p' Makefile

clean:
	rm -rf build/obj build/ksft build/initramfs build/results
