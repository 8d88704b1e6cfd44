#!/usr/bin/env bash
# Install what the harness needs with apt-get (as root); as another user, print the command.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ "${1:-}" = -h ] && { echo "usage: $0   (installs the Debian packages the harness needs)"; exit 0; }
pkgs=(
	build-essential gcc-multilib flex bison bc libelf-dev libssl-dev dwarves kmod cpio
	qemu-system-x86 busybox-static ccache sparse coccinelle b4 git quilt
	perl coreutils python3 python3-jsonschema python3-yaml libtap-formatter-junit-perl rsync gnuplot-nox file
	"linux-source-6.1=$(base_version)" linux-source-6.12
)
missing=()
for p in "${pkgs[@]}"; do
	name=${p%%=*}
	ver=${p#*=}
	have=$(dpkg-query -W -f='${Status} ${Version}' "$name" 2>/dev/null || true)
	case $have in
	"install ok installed "*) [ "$ver" = "$p" ] || [ "${have##* }" = "$ver" ] || missing+=("$p") ;;
	*) missing+=("$p") ;;
	esac
done
[ ${#missing[@]} -eq 0 ] && { log "deps: all ${#pkgs[@]} packages present"; exit 0; }
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
mkdir -p "$BUILD"
log "deps: installing ${#missing[@]} package(s): ${missing[*]} (full output: $BUILD/apt.log)"
export DEBIAN_FRONTEND=noninteractive
: >"$BUILD/apt.log"
# apt_logged ARGS...: run apt-get ARGS, keep all of its output in apt.log and show its
# progress (each download, unpack and setup) as it happens. Returns apt-get's exit status.
apt_logged() {
	apt-get "$@" 2>&1 | tee -a "$BUILD/apt.log" |
		awk '/^(Get:|Unpacking |Setting up )/ { print "  apt: " $0; fflush() }'
	return "${PIPESTATUS[0]}"
}
# A partial failure (one mirror index mid-sync) is not fatal: the install below decides.
apt_logged update -q || warn "deps: apt-get update reported errors (see $BUILD/apt.log); trying the install"
if ! apt_logged install -y -q "${missing[@]}"; then
	# The exact linux-source-6.1 version may have left the archive: scripts/base.sh then
	# takes the newest and says so.
	rest=()
	for p in "${missing[@]}"; do rest+=("${p%%=*}"); done
	apt_logged install -y -q "${rest[@]}" || die "deps: apt-get install failed; see $BUILD/apt.log"
fi
log "deps: done"
