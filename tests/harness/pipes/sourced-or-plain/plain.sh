#!/bin/sh
# A busybox sh script without pipefail: a reader that stops early costs nothing here.
dmesg | head -n 20
