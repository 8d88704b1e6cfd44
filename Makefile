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

.PHONY: all check deps base tree export config build test harness-tests lint bisect base-run help clean
all: deps
	$(TREE_STEP)
	$(S)/test-kernel.sh $(CONFIG)

check: deps
	$(S)/check.sh

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

# checkpatch --strict on every patch
lint:
	$(S)/checkpatch.sh

# the tip's kselftests on the unpatched base kernel (failures expected: they show the tests can fail)
base-run:
	$(S)/base-run.sh

# every prefix of the series builds (x86_64 vmlinux)
bisect:
	$(S)/bisect.sh

help:
	@sed -n 's/^#   //p' Makefile

clean:
	rm -rf build/obj build/ksft build/initramfs build/results
