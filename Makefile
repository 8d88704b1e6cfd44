# pidfs for Linux 6.1: the series (patches/, series) and the harness that proves it.
#   make          base + series -> build -> boot in QEMU -> kselftests -> results table
#   make check    everything CI runs; the last line is `N passed, N failed, N skipped`
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
TREE_READY = true
else
TREE_STEP = $(S)/base.sh && $(S)/apply.sh
# The steps that build the tip and other revisions (in worktrees of their own): build/linux is
# made only when it is not base + series already (scripts/tree.sh), and stays where it is.
TREE_READY = $(S)/tree.sh
endif

.PHONY: all check gates-full deps base tree export config build test debug harness-tests lint \
	bisect base-run mail bench bases artifacts help clean
all: deps
	$(TREE_STEP)
	$(S)/test-kernel.sh $(CONFIG)

check: deps
	$(S)/check.sh

#   make gates-full  the gates before mailing (40 min warm); make mail checks they passed
gates-full: deps
	$(S)/gates-full.sh

#   make mail     the series as mails in build/mail/ through b4 prep and b4 send -o (never sends)
mail: deps
	$(TREE_READY)
	$(S)/mail.sh

#   make bench    base vs series vs upstream 6.12 in QEMU: table, results.json, plots
bench: deps
	$(TREE_READY)
	$(S)/bench.sh

#   make deps     install the Debian packages the harness needs (apt-get, as root)
deps:
	$(S)/deps.sh

#   make base     unpack Debian's linux-source-6.1 (base.version) into build/linux, tag base
base: deps
	$(S)/base.sh

#   make tree     base + series -> build/linux (HEAD = last patch)
tree: base
	$(S)/apply.sh

#   make export   build/linux base..HEAD -> patches/ + series (the cover letter is kept)
export:
	$(S)/export.sh

#   make config   build/obj/CONFIG/.config from kernel-config/ (CONFIG=x86_64 by default)
config:
	$(S)/config.sh $(CONFIG)

#   make build    build the CONFIG kernel in build/obj/CONFIG
build:
	$(S)/build.sh $(CONFIG)

#   make test     the tree as it is (no re-apply): build, boot, run the kselftests
test:
	$(S)/test-kernel.sh $(CONFIG)

#   make harness-tests  the harness's own golden and end-to-end cases
harness-tests:
	$(S)/harness-tests.sh

#   make lint     checkpatch --strict on every patch; W=1, sparse, coccinelle findings vs base
lint: deps
	$(TREE_READY)
	$(S)/checkpatch.sh
	$(S)/lint-delta.sh

#   make debug    the debug kernel (KASAN, lockdep, kmemleak, failslab...) with the stress and
#                 fault-injection campaigns after the kselftests; TIMEOUT_MULT scales timeouts
debug:
	env TIMEOUT_MULT=$${TIMEOUT_MULT:-8} APPEND="pidfs_ino_start=0xffffff00 $${APPEND:-}" \
		POST=selftests/post-debug POST_PROGS="stress failnth" $(S)/test-kernel.sh x86_64-debug

#   make base-run the tip's kselftests on the unpatched base kernel, checked against
#                 selftests/manifests/base-run.tsv (its failures show that the tests can fail)
base-run: deps
	$(TREE_READY)
	$(S)/base-run.sh
	$(S)/base-run-check.sh

#   make bisect   every prefix of the series builds (vmlinux; CONFIG=x86_64|i386|noproc,
#                 default the lean one)
bisect: deps
	$(TREE_READY)
	$(S)/bisect.sh $(if $(filter command line,$(origin CONFIG)),$(CONFIG))

#   make bases    the series on every linux-source-6.1 version the archive offers: applies?
#                 builds (CONFIG=x86_64 by default)? A table; fails on an unexpected row
bases: deps
	$(S)/bases.sh $(if $(filter command line,$(origin CONFIG)),-c $(CONFIG))

#   make artifacts  what a lab runs, in build/artifacts/CONFIG/: bzImage, vmlinux, config,
#                 kselftest.tar.gz, initramfs.cpio.gz, cmdline, SHA256SUMS, lava-job.yaml
artifacts: deps
	$(TREE_READY)
	$(S)/test-kernel.sh --prepare $(CONFIG)

#   make help     this list
help:
	@sed -n 's/^#   //p' Makefile

#   make clean    remove kernels, kselftests, initramfs, artifacts and results (keeps build/linux)
clean:
	rm -rf build/obj build/ksft build/initramfs build/artifacts build/results
