#!/usr/bin/env bash
# Golden tests for scripts/parse-results.py, scripts/splat-check.py, the manifest checker,
# scripts/bench-report.py's verdicts, the KCIDB writers, the lint findings normalizer, the
# series parser, the pipeline checker, the cover letter's table checker and the trace report.
#
# parser/<case>/: results.log, expected.txt (exact stdout+stderr), expected.rc,
#   optional known.txt (passed as --known), optional args (extra options, one line),
#   optional expected.tsv (compared with the --tsv output).
# splat/<case>/: console.log, expected.rc, optional expected.txt (each non-empty
#   line must appear somewhere in the output).
# manifest/<case>/: see below.
# Scripts run inside the case directory, so file names in the output are relative.
set -euo pipefail

usage() { echo "usage: $0 [RESULTS.tsv]   (appends harness/<kind>/<case> rows to RESULTS.tsv)"; }
case "${1:-}" in -h | --help) usage; exit 0 ;; esac
[ $# -le 1 ] || { usage >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
scripts=$(cd "$here/../../scripts" && pwd)
tsv=${1:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

# record KIND CASE DETAIL -- an empty DETAIL means the case passed.
record() {
    local status=pass
    if [ -z "$3" ]; then
        echo "ok   $1/$2"
        passed=$((passed + 1))
    else
        status=fail
        echo "FAIL $1/$2: $3"
        sed 's/^/    /' "$tmp/diff"
        failed=$((failed + 1))
    fi
    if [ -n "$tsv" ]; then printf 'harness/%s/%s\t%s\t%s\n' "$1" "$2" "$status" "$3" >> "$tsv"; fi
}

# judge KIND DIR RC: the case passes when $tmp/out is DIR/expected.txt exactly and RC is
# DIR/expected.rc (0 when the case has none).
judge() {
    local want=0 problems=() detail
    [ ! -f "$2/expected.rc" ] || want=$(cat "$2/expected.rc")
    : > "$tmp/diff"
    [ "$3" = "$want" ] || problems+=("exit $3, expected $want")
    diff -u "$2/expected.txt" "$tmp/out" >> "$tmp/diff" || problems+=("output differs")
    detail=$(IFS=';'; echo "${problems[*]}")
    record "$1" "$(basename "$2")" "${detail//;/; }"
}

for dir in "$here"/parser/*/; do
    dir=${dir%/} name=$(basename "$dir") args=() problems=()
    [ -f "$dir/known.txt" ] && args+=(--known known.txt)
    [ -f "$dir/expected.tsv" ] && args+=(--tsv "$tmp/out.tsv")
    if [ -f "$dir/args" ]; then read -ra extra < "$dir/args" || true; args+=("${extra[@]}"); fi
    rc=0
    (cd "$dir" && python3 "$scripts/parse-results.py" "${args[@]}" results.log) > "$tmp/out" 2>&1 || rc=$?
    : > "$tmp/diff"
    [ "$rc" = "$(cat "$dir/expected.rc")" ] || problems+=("exit $rc, expected $(cat "$dir/expected.rc")")
    diff -u "$dir/expected.txt" "$tmp/out" >> "$tmp/diff" || problems+=("output differs")
    if [ -f "$dir/expected.tsv" ]; then
        diff -u "$dir/expected.tsv" "$tmp/out.tsv" >> "$tmp/diff" 2>&1 || problems+=("tsv differs")
    fi
    detail=$(IFS=';'; echo "${problems[*]}")
    record parser "$name" "${detail//;/; }"
done

for dir in "$here"/splat/*/; do
    dir=${dir%/} name=$(basename "$dir") problems=()
    rc=0
    (cd "$dir" && python3 "$scripts/splat-check.py" console.log) > "$tmp/out" 2>&1 || rc=$?
    : > "$tmp/diff"
    [ "$rc" = "$(cat "$dir/expected.rc")" ] || problems+=("exit $rc, expected $(cat "$dir/expected.rc")")
    # Substring checks alone would let an extra, spurious report through: every case pins
    # the summary line, which carries the count.
    grep -q '^splat-check: ' "$dir/expected.txt" 2>/dev/null ||
        problems+=("expected.txt does not pin the 'splat-check:' summary line")
    if [ -f "$dir/expected.txt" ]; then
        while IFS= read -r want || [ -n "$want" ]; do
            [ -z "$want" ] || grep -qF -- "$want" "$tmp/out" || echo "missing: $want" >> "$tmp/diff"
        done < "$dir/expected.txt"
        [ ! -s "$tmp/diff" ] || problems+=("expected text missing")
    fi
    if [ ${#problems[@]} -gt 0 ]; then head -n 20 "$tmp/out" | sed 's/^/got: /' >> "$tmp/diff"; fi
    detail=$(IFS=';'; echo "${problems[*]}")
    record splat "$name" "${detail//;/; }"
done

# bench/<case>/: *.log (one pidfs_bench boot each), expected.txt: each target that is not
# n/a as "ID STATE VALUE [LOW..HIGH]" (scripts/bench-report.py's results.json, 3 decimals);
# optional expected-kcidb.txt: "ID STATUS" of every target in scripts/kcidb/bench.py's JSON;
# optional expected-modes.txt: the report's lines for workloads in several modes (none if absent).
for dir in "$here"/bench/*/; do
    dir=${dir%/} name=$(basename "$dir") problems=()
    rc=0
    (cd "$dir" && python3 "$scripts/bench-report.py" --no-plot "$tmp/bench" ./*.log) > "$tmp/out" 2>&1 || rc=$?
    : > "$tmp/diff"
    if [ "$rc" -ne 0 ]; then
        problems+=("bench-report.py exited $rc")
        tail -n 5 "$tmp/out" >> "$tmp/diff"
    else
        python3 -c 'import json, sys
for t in json.load(open(sys.argv[1]))["targets"]:
    if t["state"] != "n/a":
        print("%s %s %.3f [%.3f..%.3f]" % (t["id"], t["state"], t["value"], *t["interval"]))' \
            "$tmp/bench/results.json" > "$tmp/targets" 2>&1 || problems+=("results.json unreadable")
        diff -u "$dir/expected.txt" "$tmp/targets" >> "$tmp/diff" || problems+=("targets differ")
        # The same run as KCIDB JSON (scripts/kcidb/bench.py): valid, one test per target.
        { python3 "$scripts/kcidb/bench.py" --top "$here/../.." --out "$tmp/bench/kcidb.json" "$tmp/bench/results.json" &&
            python3 "$scripts/kcidb/validate.py" "$tmp/bench/kcidb.json"; } >> "$tmp/diff" 2>&1 || problems+=("kcidb.json invalid")
        python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
t = {x["path"].split(".")[-1]: x["status"] for x in d["tests"] if x["path"].startswith("bench.target.")}
print("\n".join("%s %s" % kv for kv in sorted(t.items())))' "$tmp/bench/kcidb.json" > "$tmp/kcidb-targets" 2>&1 || true
        if [ -f "$dir/expected-kcidb.txt" ]; then
            diff -u "$dir/expected-kcidb.txt" "$tmp/kcidb-targets" >> "$tmp/diff" || problems+=("kcidb target statuses differ")
        fi
        # The workloads whose reps fall into several modes, as the report lists them.
        sed -n '/^More than one mode/,/^$/{/^  /s/^  //p}' "$tmp/out" > "$tmp/modes"
        if [ -f "$dir/expected-modes.txt" ]; then
            diff -u "$dir/expected-modes.txt" "$tmp/modes" >> "$tmp/diff" || problems+=("modes differ")
        elif [ -s "$tmp/modes" ]; then
            cat "$tmp/modes" >> "$tmp/diff"
            problems+=("modes reported, none expected")
        fi
    fi
    rm -rf "$tmp/bench"
    detail=$(IFS=';'; echo "${problems[*]}")
    record bench "$name" "${detail//;/; }"
done

# manifest/<case>/: manifest.tsv, run/ (cases.tsv, sections), expected.txt (exact output),
# expected.rc. The checker appends to cases.tsv: it runs on a copy.
for dir in "$here"/manifest/*/; do
    dir=${dir%/} rc=0
    rm -rf "$tmp/run" && cp -r "$dir/run" "$tmp/run"
    python3 "$scripts/manifest-check.py" "$dir/manifest.tsv" "$tmp/run" > "$tmp/out" 2>&1 || rc=$?
    judge manifest "$dir" "$rc"
done

# kcidb/<case>/: either cases.tsv (+ timings.tsv), written with scripts/kcidb/write.py and
# then validated, or a kcidb.json to validate; expected.rc, optional expected.txt (exact).
for dir in "$here"/kcidb/*/; do
    dir=${dir%/} name=$(basename "$dir") problems=() rc=0
    if [ -f "$dir/cases.tsv" ]; then
        timings=()
        [ -f "$dir/timings.tsv" ] && timings=(--timings "$dir/timings.tsv")
        python3 "$scripts/kcidb/write.py" --run-id "golden-$name" --cases "$dir/cases.tsv" "${timings[@]}" \
            --top "$here/../.." --out "$tmp/kcidb.json" --configs x86_64 x86_64-debug i386 > "$tmp/out" 2>&1 || rc=$?
        [ "$rc" -ne 0 ] || (cd "$tmp" && python3 "$scripts/kcidb/validate.py" kcidb.json) > "$tmp/out" 2>&1 || rc=$?
    else
        (cd "$dir" && python3 "$scripts/kcidb/validate.py" kcidb.json) > "$tmp/out" 2>&1 || rc=$?
    fi
    : > "$tmp/diff"
    [ "$rc" = "$(cat "$dir/expected.rc")" ] || problems+=("exit $rc, expected $(cat "$dir/expected.rc")")
    if [ -f "$dir/expected.txt" ]; then diff -u "$dir/expected.txt" "$tmp/out" >> "$tmp/diff" || problems+=("output differs"); fi
    [ ${#problems[@]} -eq 0 ] || sed 's/^/got: /' "$tmp/out" >> "$tmp/diff"
    detail=$(IFS=';'; echo "${problems[*]}")
    record kcidb "$name" "${detail//;/; }"
done

# findings/<case>/: build.log (compiler, sparse or coccinelle output), ktree (the source tree's
# path under a build directory /golden/build), expected.txt: scripts/lib.sh normalize_findings,
# exact. The same finding at base (in a worktree) and at the tip must read the same.
for dir in "$here"/findings/*/; do
    dir=${dir%/} rc=0
    BUILD=/golden/build KTREE=/golden/build/$(cat "$dir/ktree") \
        bash -c 'source "$1/lib.sh" && normalize_findings "$2"' _ "$scripts" "$dir/build.log" > "$tmp/out" 2>&1 || rc=$?
    judge findings "$dir" "$rc"
done

# series/<case>/: series, patches/, expected.txt (exact stdout+stderr), expected.rc: the one
# parser of quilt series files, scripts/series-list.sh, run in the case directory.
for dir in "$here"/series/*/; do
    dir=${dir%/} rc=0
    (cd "$dir" && "$scripts/series-list.sh" series patches) > "$tmp/out" 2>&1 || rc=$?
    judge series "$dir" "$rc"
done

# pipes/<case>/: *.sh, expected.txt (exact stdout+stderr), expected.rc: scripts/pipe-check.py,
# which finds pipelines whose reader may stop early (SIGPIPE under pipefail), run on them.
for dir in "$here"/pipes/*/; do
    dir=${dir%/} rc=0
    (cd "$dir" && python3 "$scripts/pipe-check.py" *.sh) > "$tmp/out" 2>&1 || rc=$?
    judge pipes "$dir" "$rc"
done

# cover/<case>/: cover.txt, runs/<run id>/results.json, kernel-hash (the series' kernel hash the
# check compares with), expected.txt (exact stdout+stderr), expected.rc: scripts/cover-check.py.
for dir in "$here"/cover/*/; do
    dir=${dir%/} rc=0
    (cd "$dir" && COVER_CHECK_KERNEL_HASH=$(cat kernel-hash) python3 "$scripts/cover-check.py" cover.txt runs) > "$tmp/out" 2>&1 || rc=$?
    judge cover "$dir" "$rc"
done

# trace/<case>/: *.trace (function_graph output), expected.txt (exact stdout+stderr),
# expected.rc: scripts/trace-report.py, which bench-trace.sh runs on its traced boots.
for dir in "$here"/trace/*/; do
    dir=${dir%/} rc=0
    (cd "$dir" && python3 "$scripts/trace-report.py" *.trace) > "$tmp/out" 2>&1 || rc=$?
    judge trace "$dir" "$rc"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
