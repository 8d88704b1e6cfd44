# shellcheck shell=bash
# The one gate runner, sourced after lib.sh: `make check` (scripts/check.sh) and
# `make gates-full` (scripts/gates-full.sh) are each a list of gate_def calls and one
# gates_run. CASES and TIMINGS must be set.
#
# gate_def ID LANE NEEDS NAME [OPTION...] -- CMD...
#   ID     a short name that later gates' NEEDS refer to
#   LANE   main (the foreground) or the name of a background lane. Each lane runs its gates
#          in the order they were defined; the lanes run side by side.
#   NEEDS  comma-separated IDs of gates defined earlier: the gate runs once they have all
#          passed, and is blocked when one did not. ~ID waits for ID to end whatever its
#          outcome; ~all waits for every gate defined earlier; - needs nothing.
#   IDs and lanes are made of letters, digits, '.', '_' and '-'.
#   --yield     run at nice 19: the guests have timeouts and the debug kernel's build leads
#               to the longest guest; these get the CPU first, a yielding build the rest
#   --adds RUN  the cases of guest run RUN (build/results/RUN/cases.tsv) join the count
#   --cases P   CMD writes its own rows, each named P...; the gate adds none of its own
#               unless CMD wrote none (it stopped before its cases: a failed row)
#
# Every outcome is one of pass, fail, skip (a guest case its manifest allows to skip) and
# blocked: a failed row whose detail starts with "blocked:", naming the prerequisite.
# A gate whose lane died before it ended gets a failed row too; gates that need it are
# blocked.

GD_ID=() GD_LANE=() GD_NEEDS=() GD_NAME=() GD_YIELD=() GD_ADDS=() GD_CASES=() GD_CMD=()

gate_def() {
	[ $# -ge 6 ] || die "gate_def: usage: gate_def ID LANE NEEDS NAME [OPTION...] -- CMD..."
	local id=$1 lane=$2 needs=$3 name=$4 yield=0 adds="" cases="" n k found
	shift 4
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		--yield) yield=1 ;;
		--adds) adds=$2; shift ;;
		--cases) cases=$2; shift ;;
		*) die "gate_def $id: unknown option '$1'" ;;
		esac
		shift
	done
	[ "${1:-}" = -- ] && [ $# -ge 2 ] || die "gate_def $id: no command after --"
	[[ "$id" =~ ^[A-Za-z0-9._-]+$ ]] || die "gate_def: id '$id': letters, digits, '.', '_' and '-' only"
	[[ "$lane" =~ ^[A-Za-z0-9._-]+$ ]] || die "gate_def $id: lane '$lane': letters, digits, '.', '_' and '-' only"
	shift
	for k in "${GD_ID[@]}"; do [ "$k" != "$id" ] || die "gate_def: $id defined twice"; done
	if [ "$needs" != - ]; then
		for n in ${needs//,/ }; do
			[ "$n" != "~all" ] || continue
			found=0
			for k in "${GD_ID[@]}"; do [ "$k" != "${n#\~}" ] || found=1; done
			[ "$found" = 1 ] || die "gate_def $id: needs '${n#\~}', which is not defined before it"
		done
	fi
	GD_ID+=("$id") GD_LANE+=("$lane") GD_NEEDS+=("$needs") GD_NAME+=("$name")
	GD_YIELD+=("$yield") GD_ADDS+=("$adds") GD_CASES+=("$cases")
	GD_CMD+=("$(printf '%q ' "$@")")
}

# gate NAME CMD...: run CMD as one case: time it, record "NAME<TAB>pass|fail<TAB>detail"
# in $CASES, never abort the caller; GATE_RC holds CMD's status.
gate() {
	local name=$1 rc=0
	shift
	printf '\n==> [%s] gate: %s\n' "$(date +%H:%M:%S)" "$name" >&2
	timed "$name" "$@" || rc=$?
	GATE_RC=$rc
	if [ "$rc" -eq 0 ]; then
		printf '%s\tpass\t\n' "$name" >>"$CASES"
	else
		printf '%s\tfail\trc %s\n' "$name" "$rc" >>"$CASES"
		printf '==> gate FAILED: %s (rc %s)\n' "$name" "$rc" >&2
	fi
	return 0
}

# add_run RUN: the test cases of guest run RUN join the count.
add_run() { cat "$BUILD/results/$1/cases.tsv" >>"$CASES" 2>/dev/null || true; }

# gate_index ID: the index of gate ID.
gate_index() {
	local i
	for i in "${!GD_ID[@]}"; do [ "${GD_ID[i]}" != "$1" ] || { echo "$i"; return 0; }; done
	return 1
}

# gate_state ID STATE: record the outcome of gate ID (written whole, then renamed: a reader
# never sees a half-written file).
gate_state() {
	printf '%s\n' "$2" >"$GR_STATE/$1.tmp.$BASHPID" && mv -f "$GR_STATE/$1.tmp.$BASHPID" "$GR_STATE/$1"
}

# gate_died I: gate I's lane ended without its outcome. The first to see it records that,
# with the gate's failed row (noclobber: one row, whoever sees it first).
gate_died() {
	local i=$1
	if (set -C; echo died >"$GR_STATE/${GD_ID[i]}") 2>/dev/null; then
		printf '%s\tfail\tits lane (%s) died before its result\n' "${GD_NAME[i]}" "${GD_LANE[i]}" >>"$CASES"
	fi
}

# gate_wait ID: wait until gate ID has ended; print pass, fail, blocked or died (its lane
# ended without it).
gate_wait() {
	local i lane pid
	i=$(gate_index "$1")
	lane=${GD_LANE[i]}
	while [ ! -f "$GR_STATE/$1" ]; do
		# The lane's pid is written by gates_run before any lane starts.
		pid=$(cat "$GR_STATE/lane.$lane.pid")
		if ! kill -0 "$pid" 2>/dev/null && [ ! -f "$GR_STATE/$1" ]; then
			gate_died "$i"
			break
		fi
		sleep 1
	done
	cat "$GR_STATE/$1"
}

gate_one() {
	local i=$1 need soft st why="" j rc=0 name=${GD_NAME[$1]} cmd=() needs=()
	if [ "${GD_NEEDS[i]}" != - ]; then
		IFS=, read -ra needs <<<"${GD_NEEDS[i]}"
	fi
	if [[ ",${GD_NEEDS[i]}," == *",~all,"* ]]; then
		for ((j = 0; j < i; j++)); do needs+=("~${GD_ID[j]}"); done
	fi
	for need in "${needs[@]}"; do
		[ "$need" != "~all" ] || continue
		soft=0
		[ "${need#\~}" = "$need" ] || { soft=1; need=${need#\~}; }
		st=$(gate_wait "$need")
		if [ "$soft" = 0 ] && [ "$st" != pass ] && [ -z "$why" ]; then
			j=$(gate_index "$need")
			case $st in
			died) why="blocked: '${GD_NAME[j]}' did not end (its lane died)" ;;
			*) why="blocked: '${GD_NAME[j]}' ${st/fail/failed}" ;;
			esac
		fi
	done
	if [ -n "$why" ]; then
		printf '\n==> [%s] gate: %s: %s\n' "$(date +%H:%M:%S)" "$name" "$why" >&2
		printf '%s\tfail\t%s\n' "$name" "$why" >>"$CASES"
		gate_state "${GD_ID[i]}" blocked
		return 0
	fi
	eval "cmd=(${GD_CMD[i]})"
	[ "${GD_YIELD[i]}" = 1 ] && cmd=(nice -n 19 "${cmd[@]}")
	if [ -n "${GD_CASES[i]}" ]; then
		printf '\n==> [%s] gate: %s\n' "$(date +%H:%M:%S)" "$name" >&2
		timed "$name" "${cmd[@]}" || rc=$?
		awk -v p="${GD_CASES[i]}" 'index($0, p) == 1 { f = 1 } END { exit !f }' "$CASES" ||
			printf '%s\tfail\tstopped before its cases (rc %s)\n' "$name" "$rc" >>"$CASES"
	else
		gate "$name" "${cmd[@]}"
		rc=$GATE_RC
	fi
	[ -z "${GD_ADDS[i]}" ] || add_run "${GD_ADDS[i]}"
	if [ "$rc" -eq 0 ]; then gate_state "${GD_ID[i]}" pass; else gate_state "${GD_ID[i]}" fail; fi
}

gates_lane() {
	local lane=$1 i
	for i in "${!GD_ID[@]}"; do
		[ "${GD_LANE[i]}" != "$lane" ] || gate_one "$i"
	done
}

# gates_run: run every defined gate, the lanes side by side; a gate whose lane ended without
# its outcome gets a failed row. Every lane, main too, runs in the background, so that a
# signal to this shell is handled at once (bash runs a trap only between commands).
gates_run() {
	local -A seen=()
	local lanes=() pids=() l i p
	GR_STATE=$(dirname "$CASES")/gates
	rm -rf "$GR_STATE"
	mkdir -p "$GR_STATE"
	for l in "${GD_LANE[@]}"; do
		[ -n "${seen[$l]:-}" ] || { seen[$l]=1; lanes+=("$l"); }
	done
	# Ctrl-C or a kill: the lanes, their guests and their builds go too.
	trap 'trap - INT TERM; kill -TERM 0' INT TERM
	# Each lane waits until every lane's pid is recorded: gate_wait reads them.
	: >"$GR_STATE/go.wait"
	for l in "${lanes[@]}"; do
		if [ "$l" = main ]; then
			(
				while [ -f "$GR_STATE/go.wait" ]; do sleep 0.2; done
				gates_lane "$l"
			) &
		else
			(
				while [ -f "$GR_STATE/go.wait" ]; do sleep 0.2; done
				gates_lane "$l"
			) > >(sed -u "s/^/[$l] /") 2>&1 &
		fi
		printf '%s\n' "$!" >"$GR_STATE/lane.$l.pid"
		pids+=($!)
	done
	rm -f "$GR_STATE/go.wait"
	for p in "${pids[@]}"; do
		while :; do
			wait "$p" && break
			# wait returns >128 when a signal arrived; the trap has run. Otherwise the lane ended.
			kill -0 "$p" 2>/dev/null || break
		done
	done
	for i in "${!GD_ID[@]}"; do
		[ -f "$GR_STATE/${GD_ID[i]}" ] || gate_died "$i"
	done
}
