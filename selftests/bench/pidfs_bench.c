// SPDX-License-Identifier: GPL-2.0
/*
 * pidfs_bench - cost of pidfds (and of a few reference operations) in time,
 * dentries, inodes and slab memory.
 *
 * Runs as root inside the benchmark guest (or anywhere else for a smoke test)
 * and prints one self-contained JSON object per line on stdout: first a
 * {"type":"meta"} line, then one {"type":"result"} line per workload and
 * repetition.  A failed system call prints a {"type":"error"} line and the
 * program exits with status 1.  Diagnostics go to stderr only.
 *
 * Workloads (see Documentation/bench.md for what each one is for):
 *  1   open /proc/self/ns/mnt COUNT times, keeping the fds open
 *  2   pidfd_open(getpid()) COUNT times, keeping the fds open
 *  3   pidfd_open() + close() of one pid in a loop
 *  4   the first pidfd of each of CHILDREN live children, all asleep
 *  5   clone3(CLONE_PIDFD) + waitid(P_PIDFD) + close()
 *  6   workload 3 in two threads at once, on the same pid
 *  7a  dup() + close(), a floor for workload 3
 *  7b  eventfd() + close(), an anon_inode file, the other floor for 3
 *  8   open() + close() of each namespace file of /proc/self/ns in
 *      turn: an nsfs dentry made and freed per open
 *  9   fork() + exit + waitpid(), no pidfd: what every process pays
 * 10   ioctl(PIDFD_GET_INFO) for the pid and credentials of a live process
 * 11   name_to_handle_at() of a pidfd + open_by_handle_at(FD_PIDFS_ROOT) +
 *      close(): a process's identity and a pidfd back from it
 * Workloads 10 and 11 need the pidfs ABI; a kernel without it gets a
 * {"type":"skip"} line for them instead of results.
 *
 * Before each repetition of each workload: sync(), then
 * "echo 2 > /proc/sys/vm/drop_caches" (unless -D), then a short warm-up of
 * the workload's own loop.  Times come from CLOCK_MONOTONIC; counters are
 * /proc/sys/fs/dentry-state (nr_dentry), /proc/sys/fs/inode-nr (nr_inodes)
 * and "Slab:" of /proc/meminfo, read with pread() on fds opened once at
 * start-up so that reading them adds no dentries of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "pidfs_user.h"

#define PIDFS_MAGIC_NR 0x50494446
#define ANON_INODE_MAGIC_NR 0x09041934

#define DEFAULT_REPS 5
#define DEFAULT_COUNT 100000
#define DEFAULT_CHILDREN 2000
#define DEFAULT_LOOPS 20000
/* A clone + exit + wait cycle costs about ten pidfd_open + close pairs. */
#define CLONE_LOOP_DIV 10
#define CURVE_POINTS 10
#define MAX_WARMUP 1000
#define JSON_MAX 8192

struct counters {
	long dentries;
	long inodes;
	long slab_kb;
};

enum wl_id { W1, W2, W3, W4, W5, W6, W7A, W7B, W8, W9, W10, W11, NR_WL };

struct workload {
	const char *id;		/* "1".."6", "7a", "7b", "8".."11" */
	int number;		/* 1..11 */
	const char *variant;	/* NULL, or "dup"/"eventfd" for 7 */
	const char *name;
};

static const struct workload workloads[NR_WL] = {
	[W1]  = { "1",  1, NULL, "open /proc/self/ns/mnt kept open" },
	[W2]  = { "2",  2, NULL, "pidfd_open kept open" },
	[W3]  = { "3",  3, NULL, "pidfd_open+close one pid" },
	[W4]  = { "4",  4, NULL, "first pidfd of distinct live children" },
	[W5]  = { "5",  5, NULL, "clone3(CLONE_PIDFD)+waitid(P_PIDFD)+close" },
	[W6]  = { "6",  6, NULL, "pidfd_open+close one pid, two threads" },
	[W7A] = { "7a", 7, "dup", "dup+close (floor)" },
	[W7B] = { "7b", 7, "eventfd", "eventfd+close (floor)" },
	[W8]  = { "8",  8, NULL, "open+close /proc/self/ns/* in turn" },
	[W9]  = { "9",  9, NULL, "fork+exit+waitpid, no pidfd" },
	[W10] = { "10", 10, NULL, "PIDFD_GET_INFO of a live process" },
	[W11] = { "11", 11, NULL, "file handle of a pidfd, reopened by it" },
};

static struct {
	const char *kernel;
	char release[sizeof(((struct utsname *)0)->release)];
	char uname[4 * sizeof(((struct utsname *)0)->release) + 8];
	char boot_id[64];
	int reps;
	long count;
	long children;
	long loops[NR_WL];
	bool want[NR_WL];
	bool drop;
	int fd_dentry;
	int fd_inode;
	int fd_meminfo;
	int fd_drop;
	int *fds;
	pid_t *pids;
} cfg;

/* The workload running now, for error lines. */
static const struct workload *cur_wl;
static int cur_rep;

/* ---- JSON output: each line is built in a buffer and written at once ---- */

struct json {
	char buf[JSON_MAX];
	size_t len;
	bool first;
};

static void json_raw(struct json *j, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->len >= sizeof(j->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(j->buf + j->len, sizeof(j->buf) - j->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		j->len += n;
	if (j->len >= sizeof(j->buf))
		j->len = sizeof(j->buf) - 1;
}

static void json_key(struct json *j, const char *key)
{
	json_raw(j, "%s\"%s\":", j->first ? "" : ",", key);
	j->first = false;
}

static void json_strval(struct json *j, const char *s)
{
	json_raw(j, "\"");
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			json_raw(j, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			json_raw(j, "\\u%04x", c);
		else
			json_raw(j, "%c", c);
	}
	json_raw(j, "\"");
}

static void json_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_strval(j, s);
}

static void json_long(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_raw(j, "%lld", v);
}

static void json_double(struct json *j, const char *key, double v)
{
	json_key(j, key);
	json_raw(j, "%.1f", v);
}

static void json_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_raw(j, "%s", v ? "true" : "false");
}

static void json_begin(struct json *j, const char *type)
{
	j->len = 0;
	j->first = true;
	json_raw(j, "{");
	json_str(j, "type", type);
	json_str(j, "kernel", cfg.kernel);
	json_str(j, "uname", cfg.release);
	json_str(j, "boot_id", cfg.boot_id);
}

static void json_end(struct json *j)
{
	size_t off = 0;
	ssize_t n;

	json_raw(j, "}\n");
	if (j->buf[j->len - 1] != '\n') {
		/* truncated: keep the line a line, even if not valid JSON */
		j->buf[j->len - 1] = '\n';
	}
	while (off < j->len) {
		n = write(STDOUT_FILENO, j->buf + off, j->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			exit(1);
		off += n;
	}
}

static noreturn void die(const char *what, int err)
{
	struct json j;

	json_begin(&j, "error");
	if (cur_wl) {
		json_long(&j, "workload", cur_wl->number);
		json_str(&j, "id", cur_wl->id);
		json_long(&j, "rep", cur_rep);
	}
	json_str(&j, "what", what);
	json_long(&j, "errno", err);
	json_str(&j, "error", strerror(err));
	json_end(&j);
	fprintf(stderr, "pidfs_bench: %s: %s\n", what, strerror(err));
	exit(1);
}

/* A failure that is not a system call's: errno-less. */
static noreturn void die_msg(const char *what)
{
	die(what, EINVAL);
}

/* ---- clock and counters ---- */

static long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		die("clock_gettime", errno);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int open_counter(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		die(path, errno);
	return fd;
}

static ssize_t pread_all(int fd, char *buf, size_t size, const char *what)
{
	ssize_t n;

	do {
		n = pread(fd, buf, size - 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die(what, errno);
	buf[n] = '\0';
	return n;
}

static long first_field(int fd, const char *what)
{
	char buf[256];
	char *end;
	long v;

	pread_all(fd, buf, sizeof(buf), what);
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf)
		die_msg(what);
	return v;
}

static long slab_kb(void)
{
	char buf[8192];
	char *p, *end;
	long v;

	pread_all(cfg.fd_meminfo, buf, sizeof(buf), "/proc/meminfo");
	p = strstr(buf, "\nSlab:");
	if (!p)
		die_msg("/proc/meminfo has no Slab:");
	p += strlen("\nSlab:");
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || end == p)
		die_msg("/proc/meminfo Slab: unreadable");
	return v;
}

static void read_counters(struct counters *c)
{
	c->dentries = first_field(cfg.fd_dentry, "/proc/sys/fs/dentry-state");
	c->inodes = first_field(cfg.fd_inode, "/proc/sys/fs/inode-nr");
	c->slab_kb = slab_kb();
}

/* sync; echo 2 > /proc/sys/vm/drop_caches: dentries and inodes only */
static void drop_dcache(void)
{
	ssize_t n;

	if (!cfg.drop)
		return;
	sync();
	do {
		n = pwrite(cfg.fd_drop, "2\n", 2, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die("write /proc/sys/vm/drop_caches", errno);
}

/* ---- the operations ---- */

static void xclose(int fd)
{
	/* close() of a valid fd only fails with EINTR/EIO, never here */
	if (close(fd))
		die("close", errno);
}

static int open_ns(void)
{
	int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open /proc/self/ns/mnt", errno);
	return fd;
}

static int open_pidfd_self(void)
{
	int fd = sys_pidfd_open(getpid(), 0);

	if (fd < 0)
		die("pidfd_open", errno);
	return fd;
}

static long warmup_count(long loops)
{
	long w = loops / 10;

	if (w > MAX_WARMUP)
		w = MAX_WARMUP;
	return w < 1 ? 1 : w;
}

/* One operation; closes what it returns, if it returns an fd. */
static void op_close(int (*op)(void))
{
	int fd = op();

	if (fd >= 0)
		xclose(fd);
}

static void warm_up(int (*op)(void), long loops)
{
	long i, w = warmup_count(loops);

	for (i = 0; i < w; i++)
		op_close(op);
}

/* ---- result lines ---- */

static void result_begin(struct json *j, const struct workload *wl, int rep,
			 long n)
{
	json_begin(j, "result");
	json_long(j, "workload", wl->number);
	json_str(j, "id", wl->id);
	if (wl->variant)
		json_str(j, "variant", wl->variant);
	json_str(j, "name", wl->name);
	json_long(j, "rep", rep);
	json_long(j, "n", n);
}

static void result_time(struct json *j, long long elapsed, long n)
{
	json_long(j, "elapsed_ns", elapsed);
	json_double(j, "ns_per_op", (double)elapsed / n);
}

static void result_counters(struct json *j, const struct counters *before,
			    const struct counters *after,
			    const struct counters *left,
			    const struct counters *dropped)
{
	json_long(j, "dentries_added", after->dentries - before->dentries);
	json_long(j, "inodes_added", after->inodes - before->inodes);
	json_long(j, "slab_kb_added", after->slab_kb - before->slab_kb);
	json_long(j, "dentries_left", left->dentries - before->dentries);
	json_long(j, "inodes_left", left->inodes - before->inodes);
	json_long(j, "slab_kb_left", left->slab_kb - before->slab_kb);
	json_long(j, "dentries_left_dropped",
		  dropped->dentries - before->dentries);
	json_long(j, "inodes_left_dropped", dropped->inodes - before->inodes);
	json_long(j, "slab_kb_left_dropped", dropped->slab_kb - before->slab_kb);
	json_bool(j, "dropped_caches", cfg.drop);
}

/* ---- workloads 1 and 2: COUNT fds kept open ---- */

static void wl_keep_open(const struct workload *wl, int rep, int (*op)(void),
			 bool curve)
{
	long pts_n[CURVE_POINTS + 1], pts_d[CURVE_POINTS + 1];
	long pts_i[CURVE_POINTS + 1];
	struct counters before, after, left, dropped;
	long long elapsed = 0, t0;
	long n = cfg.count, i, k, lo, hi;
	struct json j;

	drop_dcache();
	warm_up(op, n);
	read_counters(&before);
	pts_n[0] = 0;
	pts_d[0] = 0;
	pts_i[0] = 0;
	/*
	 * Ten timed chunks in every rep, so that the rep that samples the
	 * curve (outside the timed part) is timed like the others.
	 */
	for (k = 0; k < CURVE_POINTS; k++) {
		lo = n * k / CURVE_POINTS;
		hi = n * (k + 1) / CURVE_POINTS;
		t0 = now_ns();
		for (i = lo; i < hi; i++)
			cfg.fds[i] = op();
		elapsed += now_ns() - t0;
		if (curve) {
			struct counters c;

			read_counters(&c);
			pts_n[k + 1] = hi;
			pts_d[k + 1] = c.dentries - before.dentries;
			pts_i[k + 1] = c.inodes - before.inodes;
		}
	}
	read_counters(&after);
	for (i = 0; i < n; i++)
		xclose(cfg.fds[i]);
	read_counters(&left);
	drop_dcache();
	read_counters(&dropped);

	result_begin(&j, wl, rep, n);
	result_time(&j, elapsed, n);
	result_counters(&j, &before, &after, &left, &dropped);
	if (curve) {
		json_key(&j, "curve");
		json_raw(&j, "[");
		for (k = 0; k <= CURVE_POINTS; k++)
			json_raw(&j, "%s[%ld,%ld]", k ? "," : "", pts_n[k],
				 pts_d[k]);
		json_raw(&j, "]");
		json_key(&j, "curve_inodes");
		json_raw(&j, "[");
		for (k = 0; k <= CURVE_POINTS; k++)
			json_raw(&j, "%s[%ld,%ld]", k ? "," : "", pts_n[k],
				 pts_i[k]);
		json_raw(&j, "]");
	}
	json_end(&j);
}

/* ---- workloads 3, 7a, 7b: open + close pairs ---- */

static int pipe_fd = -1;

static int dup_fd(void)
{
	int fd = dup(pipe_fd);

	if (fd < 0)
		die("dup", errno);
	return fd;
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	if (fd < 0)
		die("eventfd", errno);
	return fd;
}

static void wl_pairs(const struct workload *wl, int rep, int (*op)(void),
		     long loops)
{
	long long t0, elapsed;
	struct json j;
	long i;

	drop_dcache();
	warm_up(op, loops);
	t0 = now_ns();
	for (i = 0; i < loops; i++)
		op_close(op);
	elapsed = now_ns() - t0;

	result_begin(&j, wl, rep, loops);
	result_time(&j, elapsed, loops);
	json_end(&j);
}

/* ---- workload 4: first pidfd of each of CHILDREN live children ---- */

/* The state letter of /proc/PID/stat ('S', 'R', ...), or 0 if unreadable. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * Wait until every child has told it started (a byte on @ready) and sleeps in
 * its read() of the release pipe.  A child that has not run yet, or has not
 * yet blocked, would run inside the timed loop and add its first schedule,
 * page faults and exit path to some pidfd_open()s but not to others: on one
 * vCPU that made the figure bimodal per repetition.
 */
static void settle_children(int ready, long n)
{
	long got = 0, i, tries;
	char buf[256];
	ssize_t r;

	while (got < n) {
		r = read(ready, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die_msg("a child of workload 4 died before it was ready");
		got += r;
	}
	for (i = 0; i < n; i++) {
		for (tries = 0; proc_state(cfg.pids[i]) != 'S'; tries++) {
			if (tries == 100000)
				die_msg("a child of workload 4 does not go to sleep");
			sched_yield();
		}
	}
}

static void wl_children(const struct workload *wl, int rep)
{
	struct counters before, after, left, dropped;
	long n = cfg.children, forked, i;
	long long t0, elapsed;
	int p[2], ready[2], status;
	struct json j;
	char c;

	if (pipe2(p, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		die("pipe2", errno);
	for (forked = 0; forked < n; forked++) {
		pid_t pid = fork();

		if (pid < 0) {
			int err = errno;

			xclose(p[1]);
			for (i = 0; i < forked; i++)
				waitpid(cfg.pids[i], &status, 0);
			die("fork", err);
		}
		if (pid == 0) {
			/* say so, then block until the parent closes the write end */
			close(p[1]);
			close(ready[0]);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			close(ready[1]);
			while (read(p[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		cfg.pids[forked] = pid;
	}
	xclose(p[0]);
	xclose(ready[1]);
	settle_children(ready[0], n);
	xclose(ready[0]);

	drop_dcache();
	warm_up(open_pidfd_self, n);
	read_counters(&before);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		cfg.fds[i] = sys_pidfd_open(cfg.pids[i], 0);
		if (cfg.fds[i] < 0)
			break;
	}
	elapsed = now_ns() - t0;
	if (i < n) {
		int err = errno;

		xclose(p[1]);
		die("pidfd_open of a child", err);
	}
	read_counters(&after);
	for (i = 0; i < n; i++)
		xclose(cfg.fds[i]);
	read_counters(&left);
	drop_dcache();
	read_counters(&dropped);

	/* release and reap the children */
	xclose(p[1]);
	for (i = 0; i < n; i++) {
		pid_t r;

		do {
			r = waitpid(cfg.pids[i], &status, 0);
		} while (r < 0 && errno == EINTR);
		if (r < 0)
			die("waitpid", errno);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			die_msg("a child did not exit with status 0");
	}

	result_begin(&j, wl, rep, n);
	result_time(&j, elapsed, n);
	result_counters(&j, &before, &after, &left, &dropped);
	json_end(&j);
}

/* ---- workload 5: clone3(CLONE_PIDFD) + waitid(P_PIDFD) + close ---- */

static int clone_cycle(void)
{
	siginfo_t info;
	int pidfd = -1;
	pid_t pid;

	pid = clone3_simple(&pidfd, SIGCHLD);
	if (pid < 0)
		die("clone3", errno);
	if (pid == 0)
		_exit(0);
	memset(&info, 0, sizeof(info));
	while (waitid((idtype_t)P_PIDFD, pidfd, &info, WEXITED)) {
		if (errno != EINTR)
			die("waitid(P_PIDFD)", errno);
	}
	if (info.si_pid != pid || info.si_code != CLD_EXITED ||
	    info.si_status != 0)
		die_msg("waitid(P_PIDFD) returned the wrong child or status");
	return pidfd;
}

/* ---- workload 8: each namespace file in turn, opened and closed ---- */

static const char *const ns_names[] = {
	"mnt", "net", "uts", "ipc", "pid", "user", "cgroup", "time",
};
static char ns_paths[sizeof(ns_names) / sizeof(ns_names[0])][32];
static unsigned int nr_ns_paths;

/* The namespace files this kernel has: the set workload 8 cycles through. */
static void find_ns_paths(void)
{
	unsigned int i;
	int fd;

	for (i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
		snprintf(ns_paths[nr_ns_paths], sizeof(ns_paths[0]),
			 "/proc/self/ns/%s", ns_names[i]);
		fd = open(ns_paths[nr_ns_paths], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		xclose(fd);
		nr_ns_paths++;
	}
	if (!nr_ns_paths)
		die("open /proc/self/ns/*", ENOENT);
}

static int open_ns_next(void)
{
	static unsigned int next;
	const char *path = ns_paths[next++ % nr_ns_paths];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die(path, errno);
	return fd;
}

/* ---- workloads 10, 11: PIDFD_GET_INFO and pidfs file handles ---- */

static int abi_fd = -1;
static struct {
	struct file_handle fh;
	unsigned char bytes[MAX_HANDLE_SZ];
} handle;

static int get_info(void)
{
	struct pidfd_info info = {
		.mask = PIDFD_INFO_PID | PIDFD_INFO_CREDS,
	};

	if (ioctl(abi_fd, PIDFD_GET_INFO, &info))
		die("ioctl(PIDFD_GET_INFO)", errno);
	return -1;
}

static int reopen_by_handle(void)
{
	int mnt_id, fd;

	handle.fh.handle_bytes = MAX_HANDLE_SZ;
	if (name_to_handle_at(abi_fd, "", &handle.fh, &mnt_id, AT_EMPTY_PATH))
		die("name_to_handle_at(pidfd)", errno);
	fd = open_by_handle_at(FD_PIDFS_ROOT, &handle.fh, O_CLOEXEC);
	if (fd < 0)
		die("open_by_handle_at(FD_PIDFS_ROOT)", errno);
	return fd;
}

/*
 * Whether the kernel has what workload @wl needs.  6.1 (anonymous inodes)
 * answers ENOTTY and EOPNOTSUPP, 6.12 EINVAL (its pidfd ioctls refuse a
 * non-zero argument first) and EOPNOTSUPP: say so in a skip line, with the
 * error.  Any other error is one.
 */
static bool abi_supported(const struct workload *wl, int rep)
{
	struct pidfd_info info = { .mask = PIDFD_INFO_PID };
	const char *what;
	int mnt_id, fd, err = 0;
	struct json j;

	if (wl == &workloads[W10]) {
		what = "ioctl(PIDFD_GET_INFO)";
		if (ioctl(abi_fd, PIDFD_GET_INFO, &info))
			err = errno;
	} else {
		what = "name_to_handle_at(pidfd) + open_by_handle_at(FD_PIDFS_ROOT)";
		handle.fh.handle_bytes = MAX_HANDLE_SZ;
		fd = -1;
		if (name_to_handle_at(abi_fd, "", &handle.fh, &mnt_id,
				      AT_EMPTY_PATH) == 0)
			fd = open_by_handle_at(FD_PIDFS_ROOT, &handle.fh,
					       O_CLOEXEC);
		if (fd < 0)
			err = errno;
		else
			xclose(fd);
	}
	if (!err)
		return true;
	if (err != ENOTTY && err != EOPNOTSUPP && err != EINVAL && err != EBADF)
		die(what, err);
	json_begin(&j, "skip");
	json_long(&j, "workload", wl->number);
	json_str(&j, "id", wl->id);
	json_long(&j, "rep", rep);
	json_str(&j, "what", what);
	json_str(&j, "error", strerror(err));
	json_end(&j);
	return false;
}

static void wl_abi(const struct workload *wl, int rep)
{
	abi_fd = open_pidfd_self();
	if (abi_supported(wl, rep))
		wl_pairs(wl, rep, wl == &workloads[W10] ? get_info :
			 reopen_by_handle, cfg.loops[wl - workloads]);
	xclose(abi_fd);
	abi_fd = -1;
}

/* ---- workload 9: fork + exit + waitpid, no pidfd ---- */

static int fork_cycle(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		die("fork", errno);
	if (pid == 0)
		_exit(0);
	while (waitpid(pid, &status, 0) != pid) {
		if (errno != EINTR)
			die("waitpid", errno);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		die_msg("waitpid returned a wrong status");
	return -1;
}

/* ---- workload 6: workload 3 in two threads ---- */

#define NR_THREADS 2

struct thread_arg {
	pthread_barrier_t *barrier;
	long loops;
	pid_t pid;
	long long start;
	long long end;
	int err;
	const char *what;
};

static void *pair_thread(void *p)
{
	struct thread_arg *a = p;
	long i;
	int fd;

	pthread_barrier_wait(a->barrier);
	a->start = now_ns();
	for (i = 0; i < a->loops; i++) {
		fd = sys_pidfd_open(a->pid, 0);
		if (fd < 0) {
			a->err = errno;
			a->what = "pidfd_open";
			break;
		}
		if (close(fd)) {
			a->err = errno;
			a->what = "close";
			break;
		}
	}
	a->end = now_ns();
	return NULL;
}

static void *idle_thread(void *arg)
{
	return arg;
}

/*
 * Start and join as many threads as workload 6 does, before the first
 * rep.  The C library keeps the stacks of joined threads mapped for the
 * next ones, and fork() copies those mappings: without this, the first
 * rep of the fork workloads (5, 9) ran before workload 6 ever had and
 * forked a smaller process than every later rep.
 */
static void settle_threads(void)
{
	pthread_t tids[NR_THREADS];
	int i, err;

	for (i = 0; i < NR_THREADS; i++) {
		err = pthread_create(&tids[i], NULL, idle_thread, NULL);
		if (err)
			die("pthread_create", err);
	}
	for (i = 0; i < NR_THREADS; i++) {
		err = pthread_join(tids[i], NULL);
		if (err)
			die("pthread_join", err);
	}
}

static void wl_threads(const struct workload *wl, int rep, long loops)
{
	struct thread_arg args[NR_THREADS];
	pthread_t tids[NR_THREADS];
	pthread_barrier_t barrier;
	long long start, end;
	struct json j;
	int i, err;

	drop_dcache();
	warm_up(open_pidfd_self, loops);
	err = pthread_barrier_init(&barrier, NULL, NR_THREADS);
	if (err)
		die("pthread_barrier_init", err);
	for (i = 0; i < NR_THREADS; i++) {
		memset(&args[i], 0, sizeof(args[i]));
		args[i].barrier = &barrier;
		args[i].loops = loops;
		args[i].pid = getpid();
		err = pthread_create(&tids[i], NULL, pair_thread, &args[i]);
		if (err)
			die("pthread_create", err);
	}
	for (i = 0; i < NR_THREADS; i++) {
		err = pthread_join(tids[i], NULL);
		if (err)
			die("pthread_join", err);
	}
	pthread_barrier_destroy(&barrier);
	start = args[0].start;
	end = args[0].end;
	for (i = 0; i < NR_THREADS; i++) {
		if (args[i].err)
			die(args[i].what, args[i].err);
		if (args[i].start < start)
			start = args[i].start;
		if (args[i].end > end)
			end = args[i].end;
	}

	/* ns_per_op: wall time of both threads / pairs per thread */
	result_begin(&j, wl, rep, loops);
	result_time(&j, end - start, loops);
	json_long(&j, "threads", NR_THREADS);
	json_double(&j, "aggregate_ns_per_op",
		    (double)(end - start) / (loops * NR_THREADS));
	json_key(&j, "thread_ns_per_op");
	json_raw(&j, "[");
	for (i = 0; i < NR_THREADS; i++)
		json_raw(&j, "%s%.1f", i ? "," : "",
			 (double)(args[i].end - args[i].start) / loops);
	json_raw(&j, "]");
	json_end(&j);
}

/* ---- set-up ---- */

static void print_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [-r REPS] [-n COUNT] [-c CHILDREN] [-l [W=]LOOPS]...\n"
		"       [-k LABEL] [-w LIST] [-D] [-h]\n"
		"  -r REPS      repetitions of each workload (default %d)\n"
		"  -n COUNT     fds kept open by workloads 1 and 2 (default %d)\n"
		"  -c CHILDREN  live children of workload 4 (default %d)\n"
		"  -l LOOPS     loops of workloads 3, 6, 7a, 7b, 8, 10, 11\n"
		"               (default %d);\n"
		"               workloads 5 and 9 run LOOPS/%d process cycles\n"
		"  -l W=LOOPS   loops of workload W only (3, 5-11, 7a, 7b)\n"
		"  -k LABEL     kernel label copied into every line (base,\n"
		"               series or peer for bench-report.py)\n"
		"  -w LIST      workloads to run, comma-separated: 1,2,...,11\n"
		"               (7 = 7a and 7b; default all)\n"
		"  -D           do not drop caches (dentries and inodes) before\n"
		"               each rep and after closing\n"
		"  -h           this help\n"
		"Output: one JSON object per line on stdout; see\n"
		"Documentation/bench.md.\n",
		prog, DEFAULT_REPS, DEFAULT_COUNT, DEFAULT_CHILDREN,
		DEFAULT_LOOPS, CLONE_LOOP_DIV);
}

static long parse_long(const char *s, const char *prog, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min) {
		fprintf(stderr, "pidfs_bench: bad number '%s'\n", s);
		print_usage(stderr, prog);
		exit(2);
	}
	return v;
}

/* "3", "7", "7a": the workloads it names, as a bit mask of enum wl_id */
static unsigned int parse_wl(const char *s)
{
	int i;

	if (!strcmp(s, "7"))
		return 1U << W7A | 1U << W7B;
	for (i = 0; i < NR_WL; i++)
		if (!strcmp(s, workloads[i].id))
			return 1U << i;
	return 0;
}

static void parse_loops(const char *arg, const char *prog)
{
	const char *eq = strchr(arg, '=');
	unsigned int mask;
	char w[8];
	long v;
	int i;

	if (!eq) {
		v = parse_long(arg, prog, 1);
		cfg.loops[W3] = v;
		cfg.loops[W6] = v;
		cfg.loops[W7A] = v;
		cfg.loops[W7B] = v;
		cfg.loops[W8] = v;
		cfg.loops[W10] = v;
		cfg.loops[W11] = v;
		cfg.loops[W5] = v / CLONE_LOOP_DIV ? v / CLONE_LOOP_DIV : 1;
		cfg.loops[W9] = cfg.loops[W5];
		return;
	}
	if ((size_t)(eq - arg) >= sizeof(w))
		goto bad;
	memcpy(w, arg, eq - arg);
	w[eq - arg] = '\0';
	mask = parse_wl(w);
	if (!mask || (mask & (1U << W1 | 1U << W2 | 1U << W4)))
		goto bad;
	v = parse_long(eq + 1, prog, 1);
	for (i = 0; i < NR_WL; i++)
		if (mask & 1U << i)
			cfg.loops[i] = v;
	return;
bad:
	fprintf(stderr, "pidfs_bench: bad -l '%s'\n", arg);
	print_usage(stderr, prog);
	exit(2);
}

static void parse_list(char *list, const char *prog)
{
	unsigned int mask;
	char *tok, *save;
	int i;

	memset(cfg.want, 0, sizeof(cfg.want));
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		mask = parse_wl(tok);
		if (!mask) {
			fprintf(stderr, "pidfs_bench: unknown workload '%s'\n",
				tok);
			print_usage(stderr, prog);
			exit(2);
		}
		for (i = 0; i < NR_WL; i++)
			if (mask & 1U << i)
				cfg.want[i] = true;
	}
}

static void read_small_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/*
 * RLIMIT_NOFILE: COUNT (or CHILDREN) fds plus slack.  Without
 * CAP_SYS_RESOURCE the hard limit cannot grow; then the soft limit goes up to
 * the hard one, which is enough if it leaves a little slack.
 */
#define NOFILE_SLACK 256
#define NOFILE_MIN_SLACK 32

/* The most fds that the selected workloads keep open at once. */
static long most_fds(void)
{
	long most = 1;

	if ((cfg.want[W1] || cfg.want[W2]) && cfg.count > most)
		most = cfg.count;
	if (cfg.want[W4] && cfg.children > most)
		most = cfg.children;
	return most;
}

static void raise_nofile(void)
{
	long most = most_fds();
	long need = most + NOFILE_SLACK;
	struct rlimit rl;
	char buf[64];
	long nr_open;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit(RLIMIT_NOFILE)", errno);
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= (rlim_t)need)
		return;
	read_small_file("/proc/sys/fs/nr_open", buf, sizeof(buf));
	nr_open = strtol(buf, NULL, 10);
	if (nr_open > 0 && nr_open < need) {
		fprintf(stderr, "pidfs_bench: fs.nr_open %ld < %ld needed\n",
			nr_open, need);
		die("RLIMIT_NOFILE above fs.nr_open", EMFILE);
	}
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= (rlim_t)need) {
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			die("setrlimit(RLIMIT_NOFILE)", errno);
		return;
	}
	rl.rlim_cur = need;
	rl.rlim_max = need;
	if (!setrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (errno != EPERM)
		die("setrlimit(RLIMIT_NOFILE)", errno);
	if (getrlimit(RLIMIT_NOFILE, &rl))
		die("getrlimit(RLIMIT_NOFILE)", errno);
	if (rl.rlim_max < (rlim_t)(most + NOFILE_MIN_SLACK)) {
		fprintf(stderr,
			"pidfs_bench: hard RLIMIT_NOFILE %lu < %ld needed; lower -n/-c or run with CAP_SYS_RESOURCE\n",
			(unsigned long)rl.rlim_max, most + NOFILE_MIN_SLACK);
		die("setrlimit(RLIMIT_NOFILE) above the hard limit", EPERM);
	}
	fprintf(stderr, "pidfs_bench: RLIMIT_NOFILE stays at the hard limit %lu\n",
		(unsigned long)rl.rlim_max);
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit(RLIMIT_NOFILE)", errno);
}

/* Which filesystem a pidfd lives on: "pidfs", "anon_inode" or the magic. */
static void pidfd_fs(char *buf, size_t size)
{
	struct statfs sfs;
	int fd = open_pidfd_self();

	if (fstatfs(fd, &sfs))
		die("fstatfs(pidfd)", errno);
	xclose(fd);
	if (sfs.f_type == PIDFS_MAGIC_NR)
		snprintf(buf, size, "pidfs");
	else if (sfs.f_type == ANON_INODE_MAGIC_NR)
		snprintf(buf, size, "anon_inode");
	else
		snprintf(buf, size, "0x%lx", (unsigned long)sfs.f_type);
}

static void print_meta(void)
{
	bool first = true;
	struct json j;
	char fs[32];
	int i;

	pidfd_fs(fs, sizeof(fs));
	json_begin(&j, "meta");
	json_str(&j, "uname_a", cfg.uname);
	json_long(&j, "nproc", sysconf(_SC_NPROCESSORS_ONLN));
	json_str(&j, "pidfd_fs", fs);
	json_long(&j, "reps", cfg.reps);
	json_long(&j, "count", cfg.count);
	json_long(&j, "children", cfg.children);
	json_key(&j, "loops");
	json_raw(&j,
		 "{\"3\":%ld,\"5\":%ld,\"6\":%ld,\"7a\":%ld,\"7b\":%ld,\"8\":%ld,\"9\":%ld,\"10\":%ld,\"11\":%ld}",
		 cfg.loops[W3], cfg.loops[W5], cfg.loops[W6], cfg.loops[W7A],
		 cfg.loops[W7B], cfg.loops[W8], cfg.loops[W9], cfg.loops[W10],
		 cfg.loops[W11]);
	json_key(&j, "workloads");
	json_raw(&j, "[");
	for (i = 0; i < NR_WL; i++) {
		if (!cfg.want[i])
			continue;
		json_raw(&j, "%s\"%s\"", first ? "" : ",", workloads[i].id);
		first = false;
	}
	json_raw(&j, "]");
	json_bool(&j, "drop_caches", cfg.drop);
	json_str(&j, "clock", "CLOCK_MONOTONIC");
	json_end(&j);
}

static void setup(void)
{
	long slots = most_fds();
	struct utsname u;
	int p[2];

	if (uname(&u))
		die("uname", errno);
	snprintf(cfg.release, sizeof(cfg.release), "%s", u.release);
	snprintf(cfg.uname, sizeof(cfg.uname), "%s %s %s %s", u.sysname,
		 u.release, u.version, u.machine);
	read_small_file("/proc/sys/kernel/random/boot_id", cfg.boot_id,
			sizeof(cfg.boot_id));

	cfg.fd_dentry = open_counter("/proc/sys/fs/dentry-state", O_RDONLY);
	cfg.fd_inode = open_counter("/proc/sys/fs/inode-nr", O_RDONLY);
	cfg.fd_meminfo = open_counter("/proc/meminfo", O_RDONLY);
	if (cfg.drop)
		cfg.fd_drop = open_counter("/proc/sys/vm/drop_caches",
					   O_WRONLY);
	raise_nofile();

	cfg.fds = calloc(slots, sizeof(*cfg.fds));
	cfg.pids = calloc(cfg.children, sizeof(*cfg.pids));
	if (!cfg.fds || !cfg.pids)
		die("calloc", ENOMEM);
	if (pipe2(p, O_CLOEXEC))
		die("pipe2", errno);
	pipe_fd = p[0];
	if (cfg.want[W8])
		find_ns_paths();
}

int main(int argc, char **argv)
{
	int opt, rep, i;
	long long t0;

	cfg.kernel = "unlabelled";
	cfg.reps = DEFAULT_REPS;
	cfg.count = DEFAULT_COUNT;
	cfg.children = DEFAULT_CHILDREN;
	cfg.drop = true;
	cfg.loops[W3] = DEFAULT_LOOPS;
	cfg.loops[W5] = DEFAULT_LOOPS / CLONE_LOOP_DIV;
	cfg.loops[W6] = DEFAULT_LOOPS;
	cfg.loops[W7A] = DEFAULT_LOOPS;
	cfg.loops[W7B] = DEFAULT_LOOPS;
	cfg.loops[W8] = DEFAULT_LOOPS;
	cfg.loops[W10] = DEFAULT_LOOPS;
	cfg.loops[W11] = DEFAULT_LOOPS;
	cfg.loops[W9] = DEFAULT_LOOPS / CLONE_LOOP_DIV;
	for (i = 0; i < NR_WL; i++)
		cfg.want[i] = true;

	while ((opt = getopt(argc, argv, "r:n:c:l:k:w:Dh")) != -1) {
		switch (opt) {
		case 'r':
			cfg.reps = parse_long(optarg, argv[0], 1);
			break;
		case 'n':
			cfg.count = parse_long(optarg, argv[0], 1);
			break;
		case 'c':
			cfg.children = parse_long(optarg, argv[0], 1);
			break;
		case 'l':
			parse_loops(optarg, argv[0]);
			break;
		case 'k':
			cfg.kernel = optarg;
			break;
		case 'w':
			parse_list(optarg, argv[0]);
			break;
		case 'D':
			cfg.drop = false;
			break;
		case 'h':
			print_usage(stdout, argv[0]);
			return 0;
		default:
			print_usage(stderr, argv[0]);
			return 2;
		}
	}
	if (optind != argc) {
		print_usage(stderr, argv[0]);
		return 2;
	}

	setup();
	settle_threads();
	print_meta();

	/* rep-major: every workload once per round, so drift hits all alike */
	for (rep = 1; rep <= cfg.reps; rep++) {
		cur_rep = rep;
		for (i = 0; i < NR_WL; i++) {
			const struct workload *wl = &workloads[i];

			if (!cfg.want[i])
				continue;
			cur_wl = wl;
			t0 = now_ns();
			switch (i) {
			case W1:
				wl_keep_open(wl, rep, open_ns, false);
				break;
			case W2:
				wl_keep_open(wl, rep, open_pidfd_self,
					     rep == 1);
				break;
			case W3:
				wl_pairs(wl, rep, open_pidfd_self,
					 cfg.loops[W3]);
				break;
			case W4:
				wl_children(wl, rep);
				break;
			case W5:
				wl_pairs(wl, rep, clone_cycle, cfg.loops[W5]);
				break;
			case W6:
				wl_threads(wl, rep, cfg.loops[W6]);
				break;
			case W7A:
				wl_pairs(wl, rep, dup_fd, cfg.loops[W7A]);
				break;
			case W7B:
				wl_pairs(wl, rep, new_eventfd,
					 cfg.loops[W7B]);
				break;
			case W8:
				wl_pairs(wl, rep, open_ns_next, cfg.loops[W8]);
				break;
			case W9:
				wl_pairs(wl, rep, fork_cycle, cfg.loops[W9]);
				break;
			case W10:
			case W11:
				wl_abi(wl, rep);
				break;
			}
			fprintf(stderr,
				"pidfs_bench: rep %d workload %s took %.3f s\n",
				rep, wl->id, (now_ns() - t0) / 1e9);
		}
	}
	cur_wl = NULL;
	return 0;
}
