#!/usr/bin/env bash
# Collect what a lab needs to run configuration NAME's guest test, after
# `scripts/test-kernel.sh --prepare NAME`, into build/artifacts/NAME/: bzImage, vmlinux,
# config, kselftest.tar.gz (the kselftests and the guest programs), initramfs.cpio.gz,
# cmdline (the harness's kernel command line), sections (what the verdict expects),
# SHA256SUMS, and lava-job.yaml: a LAVA job for its QEMU device (the form tuxrun renders)
# that boots them and reads the KTAP results off the console. The harness's own guest run
# (test-kernel.sh --run) boots these files. ARTIFACT_URL: where the lab will fetch them
# from (default: file:// of the directory); the job's timeout follows BOOT_LIMIT.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

usage() { echo "usage: $0 NAME CMDLINE   (writes build/artifacts/NAME/)"; }
[ "${1:-}" = -h ] && { usage; exit 0; }
[ $# -eq 2 ] || { usage >&2; exit 2; }
name=$1 cmdline=$2
arch=$(config_arch "$name")
obj=$BUILD/obj/$name
out=$BUILD/artifacts/$name
for f in "$obj/arch/x86/boot/bzImage" "$obj/vmlinux" "$obj/.config" "$BUILD/initramfs/$name.cpio.gz" \
	"$BUILD/initramfs/$name.sections"; do
	[ -f "$f" ] || die "artifacts $name: no $f (run scripts/test-kernel.sh --prepare $name)"
done
[ -d "$BUILD/ksft/$name" ] || die "artifacts $name: no $BUILD/ksft/$name"

rm -rf "$out"
mkdir -p "$out"
cp "$obj/arch/x86/boot/bzImage" "$out/bzImage"
cp "$obj/vmlinux" "$out/vmlinux"
cp "$obj/.config" "$out/config"
cp "$BUILD/initramfs/$name.cpio.gz" "$out/initramfs.cpio.gz"
cp "$BUILD/initramfs/$name.sections" "$out/sections"
read -ra words <<<"$cmdline"
cmdline="${words[*]}"
printf '%s\n' "$cmdline" >"$out/cmdline"
post=()
[ -d "$BUILD/post-$name" ] && post=(-C "$BUILD" "post-$name")
tar -C "$BUILD/ksft" --sort=name --owner=0 --group=0 --mtime=@946684800 -czf "$out/kselftest.tar.gz" \
	"$name" "${post[@]}"
# The kernel source, for scripts/decode_stacktrace.sh beside vmlinux (as in an object dir).
ln -s "$(readlink -f "$obj/source")" "$out/source"
(cd "$out" && sha256sum bzImage vmlinux config kselftest.tar.gz initramfs.cpio.gz >SHA256SUMS)

url=${ARTIFACT_URL:-file://$out}
url=${url%/}
qarch=x86_64 cpu=max
[ "$arch" = i386 ] && qarch=i386 cpu=qemu32
limit=${BOOT_LIMIT:-900}
python3 - "$out/lava-job.yaml" "$name" "$url" "$qarch" "$cpu" "$cmdline" "$limit" <<'PY' ||
import sys
import yaml
path, name, url, arch, cpu, cmdline, limit = sys.argv[1:8]
minutes = int(limit) // 60 + 1
append = ' '.join(f'console=ttyS0 panic=-1 loglevel=7 {cmdline} harness.out=/dev/ttyS0'.split())
job = {
    'device_type': 'qemu',
    'job_name': f'pidfs {name}: kselftests in QEMU',
    'priority': 'medium',
    'visibility': 'public',
    'context': {'arch': arch, 'cpu': cpu, 'machine': 'pc', 'memory': '2048M',
                'extra_options': ['-smp 2', '-no-reboot'], 'no_kvm': True, 'no_network': True},
    'timeouts': {'job': {'minutes': minutes + 10}, 'action': {'minutes': minutes},
                 'connection': {'minutes': 2}},
    'actions': [
        {'deploy': {'to': 'tmpfs', 'timeout': {'minutes': 5}, 'images': {
            'kernel': {'image_arg': f'-kernel {{kernel}} -append "{append}"', 'url': f'{url}/bzImage'},
            'ramdisk': {'image_arg': '-initrd {ramdisk}', 'url': f'{url}/initramfs.cpio.gz'}}}},
        {'boot': {'method': 'qemu', 'media': 'tmpfs', 'timeout': {'minutes': 5},
                  'prompts': ['### BEGIN guest-tools']}},
        {'test': {'timeout': {'minutes': minutes}, 'monitors': [{
            'name': f'pidfs-{name}',
            'start': '### BEGIN kselftests',
            'end': '### HARNESS-EXIT',
            'pattern': r'^(?P<result>ok|not ok) \d+ (?P<test_case_id>[^#\r\n]+)',
            'fixupdict': {'ok': 'pass', 'not ok': 'fail'}}]}},
    ],
}
with open(path, 'w') as f:
    f.write(f'# LAVA job for the {name} guest test (scripts/artifacts.sh); submit with\n'
            f'# lavacli jobs submit lava-job.yaml once {url} is reachable from the lab.\n')
    yaml.safe_dump(job, f, sort_keys=False, width=1000)
PY
	die "artifacts $name: writing lava-job.yaml failed"
python3 "$TOP/scripts/lava-check.py" "$out" || die "artifacts $name: lava-job.yaml does not name these artifacts"
log "artifacts $name: $out ($(du -sh --apparent-size "$out" | cut -f1))"
