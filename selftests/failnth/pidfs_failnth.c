// SPDX-License-Identifier: GPL-2.0
/*
 * pidfs_failnth - systematic fault injection into the calls that create
 * pidfs and nsfs files, pidfds and pidfd bind mounts.
 *
 * For each call C and n = 1, 2, 3, ...: prepare a fresh object so that the
 * call takes its slow path (a new child nobody opened a pidfd of, a child in
 * new namespaces nobody opened), note the state of the file table, write n
 * to /proc/thread-self/fail-nth so that the nth fault point of this thread
 * fails (with CONFIG_FAILSLAB and failslab/ignore-gfp-wait=N every slab
 * allocation is one), make the call, read fail-nth back (0: the fault was
 * injected) and write 0. Then:
 *
 *  - fault injected, call failed: errno must be ENOMEM, the file table (the
 *    lowest free fd and the number of open fds) unchanged, nothing created
 *    (no child for clone3(), nothing mounted for the mount calls), and the
 *    same call without a fault must then work;
 *  - fault injected, call succeeded (a failure the kernel absorbed, such as
 *    kmemleak's own metadata): the result must work;
 *  - no fault injected: the call has fewer than n fault points; the result
 *    must work, and that ends the walk of C.
 *
 * The calls: pidfd_open() as the first pidfd of a fresh child and as a
 * further one, clone3(CLONE_PIDFD), the first open of /proc/PID/ns/uts of a
 * new UTS namespace, PIDFD_GET_UTS_NAMESPACE and PIDFD_GET_NET_NAMESPACE on
 * a child in a new namespace, open_tree(OPEN_TREE_CLONE) of a pidfd and
 * mount(MS_BIND) of /proc/self/fd/N onto a file in a private tmpfs.
 *
 * Path lookups in /proc that the calls make are done once before the fault
 * window, so that their dentries are cached: procfs turns a failure to
 * allocate one of its inodes into ENOENT, which is not what is tested here.
 *
 * The program sets failslab/ignore-gfp-wait to N and the verbose knobs to 0
 * (no stack dump per injected fault on the console) and restores them. It
 * skips everything without /proc/thread-self/fail-nth or failslab, except
 * with -d, which makes each call once without fault injection. The program
 * unshares its mount namespace first, so nothing it mounts is visible to
 * its caller. Output is TAP 13, one case per call; exit status 0 only if
 * all passed.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfs_user.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define DEBUGFS		"/sys/kernel/debug"
#define FAILSLAB	DEBUGFS "/failslab"

/* Wrong errnos and other failures shown per call; the rest are counted. */
#define MAX_SHOWN	8

static struct {
	unsigned int secs;
	unsigned int max_n;
	unsigned int calls;	/* bit i: run call i + 1 */
	bool dry_run;
	bool verbose;
} opt = {
	.secs	= 600,
	.max_n	= 2000,
	.calls	= ~0U,
};

/* debugfs knobs set for the run, restored at exit (also by the watchdog). */
static struct knob {
	const char *path;
	const char *value;
	char saved[32];
	bool set;
} knobs[] = {
	{ .path = FAILSLAB "/ignore-gfp-wait", .value = "N" },
	{ .path = FAILSLAB "/cache-filter", .value = "N" },
	{ .path = FAILSLAB "/verbose", .value = "0" },
	{ .path = DEBUGFS "/fail_page_alloc/verbose", .value = "0" },
};

static int fail_nth_fd = -1;
static pid_t cur_child;			/* killed by the watchdog */
static char tmpdir[64];
static char file[96];			/* mount point: a regular file on the tmpfs */
static unsigned long long file_ino;
static unsigned long long own_uts_ino, own_net_ino;
static int tap_next = 1;
static long long deadline_ms;

static int write_str(const char *path, const char *s)
{
	ssize_t len = strlen(s), ret;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, s, len);
	close(fd);
	if (ret != len)
		return ret < 0 ? -errno : -EIO;
	return 0;
}

static int read_str(const char *path, char *buf, size_t size)
{
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = read(fd, buf, size - 1);
	close(fd);
	if (ret < 0)
		return -errno;
	buf[ret] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Number of open file descriptors. */
static int fd_count(void)
{
	struct dirent *de;
	int nr = 0;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(dir))
			nr++;
	}
	closedir(dir);
	return nr;
}

/* The file table: the fd the next open would get, and how many are open. */
struct fdtab {
	int lowest;
	int count;
};

static void fdtab_get(struct fdtab *t)
{
	t->lowest = fcntl(fail_nth_fd >= 0 ? fail_nth_fd : 1, F_DUPFD_CLOEXEC, 0);
	if (t->lowest >= 0)
		close(t->lowest);
	t->count = fd_count();
}

static void knobs_set(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		struct knob *k = &knobs[i];

		if (read_str(k->path, k->saved, sizeof(k->saved)))
			continue;
		if (write_str(k->path, k->value)) {
			printf("# could not set %s to %s: %s\n", k->path, k->value,
			       strerror(errno));
			continue;
		}
		k->set = true;
		if (opt.verbose)
			printf("# %s: %s -> %s\n", k->path, k->saved, k->value);
	}
}

/* Async-signal-safe: also called by the watchdog. */
static void knobs_restore(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		struct knob *k = &knobs[i];
		int fd;

		if (!k->set)
			continue;
		fd = open(k->path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			if (write(fd, k->saved, strlen(k->saved)) < 0)
				k->set = true;
			close(fd);
		}
		k->set = false;
	}
}

/* Async-signal-safe decimal. */
static char *utoa(unsigned int v, char *end)
{
	*--end = '\0';
	do {
		*--end = '0' + v % 10;
		v /= 10;
	} while (v);
	return end;
}

static void on_alarm(int sig)
{
	static const char msg[] = " watchdog: still running past the time limit (-t) + 60 s\n";
	char num[16], *p = utoa(tap_next, num + sizeof(num));

	(void)sig;
	if (fail_nth_fd >= 0 && write(fail_nth_fd, "0", 1) < 0)
		fail_nth_fd = -1;
	knobs_restore();
	if (cur_child > 0)
		kill(cur_child, SIGKILL);
	if (write(1, "not ok ", 7) < 0 || write(1, p, strlen(p)) < 0 ||
	    write(1, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	tmpfs_remove(tmpdir);
	_exit(1);
}

/* What is prepared for one call. */
struct ctx {
	pid_t pid;		/* the child, 0 if none */
	int pidfd;		/* a pidfd of the child, or -1 */
	unsigned long long ino;	/* st_ino of pidfd */
	char path[64];		/* path the call looks up */
	int mounts;		/* lines of mountinfo before the call */
	int clone_pidfd;	/* clone3(): its CLONE_PIDFD pidfd */
};

/* Results of the walk of one call. */
struct result {
	unsigned int points;	/* fault points of the call */
	unsigned int enomem;	/* injected, failed with ENOMEM, all clean */
	unsigned int absorbed;	/* injected, but the call succeeded */
	unsigned int fails;	/* failed checks */
	char first[256];	/* the first failed check */
};

static void failed(struct result *r, const char *name, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!r->fails)
		snprintf(r->first, sizeof(r->first), "%s", buf);
	if (r->fails < MAX_SHOWN)
		printf("# %s: %s\n", name, buf);
	else if (r->fails == MAX_SHOWN)
		printf("# %s: further failures are only counted\n", name);
	r->fails++;
}

static void child_kill(struct ctx *x)
{
	if (x->pid <= 0)
		return;
	kill(x->pid, SIGKILL);
	while (waitpid(x->pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	x->pid = 0;
	cur_child = 0;
}

/* A child that has unshare()d @flags and sleeps until killed. */
static int child_spawn(struct ctx *x, int flags)
{
	int p[2], err = 0;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	x->pid = fork();
	if (x->pid < 0) {
		err = -errno;
		close(p[0]);
		close(p[1]);
		return err;
	}
	if (x->pid == 0) {
		close(p[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL))
			_exit(1);
		if (flags && unshare(flags))
			err = errno;
		if (write(p[1], &err, sizeof(err)) != sizeof(err))
			_exit(1);
		for (;;)
			pause();
	}
	cur_child = x->pid;
	close(p[1]);
	do {
		n = read(p[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n != sizeof(err) || err) {
		child_kill(x);
		return n != sizeof(err) ? -EIO : -err;
	}
	return 0;
}

/* Whether the process has children: ECHILD from a non-blocking wait. */
static bool have_children(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return sys_waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0 ||
	       errno != ECHILD;
}

/* Check a namespace fd against /proc/PID/ns/@type of the prepared child. */
static bool ns_fd_ok(struct result *r, const char *name, struct ctx *x, int fd,
		     const char *type, unsigned long long own)
{
	unsigned long long ino = 0, want = 0;
	struct statfs sfs;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", x->pid, type);
	if (fd_ino(fd, &ino) || fstatfs(fd, &sfs) || path_ino(path, &want)) {
		failed(r, name, "fstat/fstatfs of the namespace fd or stat(%s): %s", path,
		       strerror(errno));
		return false;
	}
	if ((unsigned long)sfs.f_type != NSFS_MAGIC || ino != want || ino == own) {
		failed(r, name, "namespace fd: f_type 0x%lx, st_ino %llu; %s has %llu, ours %llu",
		       (unsigned long)sfs.f_type, ino, path, want, own);
		return false;
	}
	return true;
}

/* A pidfd must be of the prepared child, which is alive. */
static bool pidfd_ok(struct result *r, const char *name, struct ctx *x, int fd)
{
	unsigned long long ino, ino2;
	int other;

	if (fd_ino(fd, &ino)) {
		failed(r, name, "fstat of the pidfd: %s", strerror(errno));
		return false;
	}
	if (sys_pidfd_send_signal(fd, 0)) {
		failed(r, name, "pidfd_send_signal(0): %s", strerror(errno));
		return false;
	}
	if (x->pidfd >= 0) {
		if (ino != x->ino) {
			failed(r, name, "st_ino %llu, the first pidfd's is %llu", ino, x->ino);
			return false;
		}
		return true;
	}
	other = sys_pidfd_open(x->pid, 0);
	if (other < 0 || fd_ino(other, &ino2)) {
		failed(r, name, "another pidfd_open(%d): %s", x->pid, strerror(errno));
		if (other >= 0)
			close(other);
		return false;
	}
	close(other);
	if (ino != ino2) {
		failed(r, name, "st_ino %llu, another pidfd of the process has %llu", ino, ino2);
		return false;
	}
	return true;
}

/* Whether the mount point file is uncovered and the mount table as before. */
static bool unmounted_ok(struct result *r, const char *name, struct ctx *x)
{
	unsigned long long ino;
	int mounts = count_lines("/proc/self/mountinfo");

	if (path_ino(file, &ino) || ino != file_ino) {
		failed(r, name, "%s is covered (st_ino %llu, not %llu) or gone: %s", file, ino,
		       file_ino, strerror(errno));
		return false;
	}
	if (mounts != x->mounts) {
		failed(r, name, "%d lines in mountinfo before, %d after", x->mounts, mounts);
		return false;
	}
	return true;
}

/* A pidfd mounted on the file: reopen it, then unmount it. */
static bool mounted_ok(struct result *r, const char *name, struct ctx *x)
{
	unsigned long long ino = 0;
	int fd;

	fd = open(file, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fd_ino(fd, &ino) || ino != x->ino || sys_pidfd_send_signal(fd, 0)) {
		failed(r, name, "reopening the pidfd mount: fd %d, st_ino %llu (want %llu): %s",
		       fd, ino, x->ino, strerror(errno));
		if (fd >= 0)
			close(fd);
		umount2(file, MNT_DETACH);
		return false;
	}
	close(fd);
	if (umount2(file, 0)) {
		failed(r, name, "umount2(%s): %s", file, strerror(errno));
		umount2(file, MNT_DETACH);
		return false;
	}
	return unmounted_ok(r, name, x);
}

/* The calls: ret is an fd (or a pid), -1 with errno on failure. */

static int call_pidfd_open(struct ctx *x)
{
	return sys_pidfd_open(x->pid, 0);
}

static bool ok_pidfd_open(struct result *r, const char *name, struct ctx *x, int ret)
{
	bool ok = pidfd_ok(r, name, x, ret);

	close(ret);
	return ok;
}

static int call_clone3(struct ctx *x)
{
	pid_t pid = clone3_simple(&x->clone_pidfd, SIGCHLD);

	if (pid == 0)
		_exit(0);
	return pid;
}

static bool ok_clone3(struct result *r, const char *name, struct ctx *x, int ret)
{
	unsigned long long ino;
	bool ok = true;
	siginfo_t si;

	if (x->clone_pidfd < 0 || fd_ino(x->clone_pidfd, &ino)) {
		failed(r, name, "CLONE_PIDFD pidfd %d: %s", x->clone_pidfd, strerror(errno));
		kill(ret, SIGKILL);
		waitpid(ret, NULL, 0);
		return false;
	}
	memset(&si, 0, sizeof(si));
	if (sys_waitid(P_PIDFD, x->clone_pidfd, &si, WEXITED)) {
		failed(r, name, "waitid(P_PIDFD): %s", strerror(errno));
		waitpid(ret, NULL, 0);
		ok = false;
	} else if (si.si_pid != ret || si.si_code != CLD_EXITED || si.si_status) {
		failed(r, name, "child %d: waitid() gave pid %d code %d status %d", ret,
		       si.si_pid, si.si_code, si.si_status);
		ok = false;
	}
	close(x->clone_pidfd);
	x->clone_pidfd = -1;
	return ok;
}

static bool failed_clone3(struct result *r, const char *name, struct ctx *x)
{
	(void)x;
	if (have_children()) {
		failed(r, name, "a failed clone3() left a child");
		while (waitpid(-1, NULL, __WALL) > 0)
			;
		return false;
	}
	return true;
}

static int call_open(struct ctx *x)
{
	return open(x->path, O_RDONLY | O_CLOEXEC);
}

static bool ok_uts(struct result *r, const char *name, struct ctx *x, int ret)
{
	bool ok = ns_fd_ok(r, name, x, ret, "uts", own_uts_ino);

	close(ret);
	return ok;
}

static bool ok_net(struct result *r, const char *name, struct ctx *x, int ret)
{
	bool ok = ns_fd_ok(r, name, x, ret, "net", own_net_ino);

	close(ret);
	return ok;
}

static int call_get_uts(struct ctx *x)
{
	return ioctl(x->pidfd, PIDFD_GET_UTS_NAMESPACE, 0);
}

static int call_get_net(struct ctx *x)
{
	return ioctl(x->pidfd, PIDFD_GET_NET_NAMESPACE, 0);
}

static int call_open_tree(struct ctx *x)
{
	return sys_open_tree(x->pidfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
}

static bool ok_open_tree(struct result *r, const char *name, struct ctx *x, int ret)
{
	unsigned long long ino = 0;

	if (fd_ino(ret, &ino) || ino != x->ino) {
		failed(r, name, "open_tree() fd: st_ino %llu, the pidfd's is %llu: %s", ino,
		       x->ino, strerror(errno));
		close(ret);
		return false;
	}
	if (sys_move_mount(ret, "", AT_FDCWD, file, MOVE_MOUNT_F_EMPTY_PATH)) {
		failed(r, name, "move_mount() onto %s: %s", file, strerror(errno));
		close(ret);
		return false;
	}
	close(ret);
	return mounted_ok(r, name, x);
}

static bool failed_mount(struct result *r, const char *name, struct ctx *x)
{
	return unmounted_ok(r, name, x);
}

static int call_mount(struct ctx *x)
{
	return mount(x->path, file, NULL, MS_BIND, NULL);
}

static bool ok_mount(struct result *r, const char *name, struct ctx *x, int ret)
{
	unsigned long long ino = 0;

	(void)ret;
	if (path_ino(file, &ino) || ino != x->ino) {
		failed(r, name, "stat(%s): st_ino %llu, the pidfd's is %llu: %s", file, ino,
		       x->ino, strerror(errno));
		umount2(file, MNT_DETACH);
		return false;
	}
	return mounted_ok(r, name, x);
}

enum {
	FRESH		= 1 << 0,	/* a new child for every n */
	NEED_CHILD	= 1 << 1,
	NEED_PIDFD	= 1 << 2,	/* and a pidfd of it */
	PATH_NS_UTS	= 1 << 3,	/* path: /proc/PID/ns/uts */
	PATH_PIDFD	= 1 << 4,	/* path: /proc/self/fd/<pidfd> */
	MOUNTS		= 1 << 5,	/* count mountinfo lines */
	CREATES_CHILD	= 1 << 6,	/* no children before; no retry */
};

static const struct call {
	const char *name;
	unsigned int how;
	int unshare;		/* CLONE_NEW* for the child */
	int (*call)(struct ctx *x);
	/* The call worked: check the result and release it. */
	bool (*ok)(struct result *r, const char *name, struct ctx *x, int ret);
	/* The call failed: check that nothing is left. */
	bool (*failed)(struct result *r, const char *name, struct ctx *x);
} calls[] = {
	{
		.name	= "pidfd_open() as the first pidfd of a fresh child",
		.how	= FRESH | NEED_CHILD,
		.call	= call_pidfd_open,
		.ok	= ok_pidfd_open,
	}, {
		.name	= "pidfd_open() of a child that has a pidfd open",
		.how	= NEED_CHILD | NEED_PIDFD,
		.call	= call_pidfd_open,
		.ok	= ok_pidfd_open,
	}, {
		.name	= "clone3(CLONE_PIDFD)",
		.how	= CREATES_CHILD,
		.call	= call_clone3,
		.ok	= ok_clone3,
		.failed	= failed_clone3,
	}, {
		.name	= "first open() of /proc/PID/ns/uts of a new UTS namespace",
		.how	= FRESH | NEED_CHILD | PATH_NS_UTS,
		.unshare = CLONE_NEWUTS,
		.call	= call_open,
		.ok	= ok_uts,
	}, {
		.name	= "PIDFD_GET_UTS_NAMESPACE of a child in a new UTS namespace",
		.how	= FRESH | NEED_CHILD | NEED_PIDFD,
		.unshare = CLONE_NEWUTS,
		.call	= call_get_uts,
		.ok	= ok_uts,
	}, {
		.name	= "PIDFD_GET_NET_NAMESPACE of a child in a new net namespace",
		.how	= FRESH | NEED_CHILD | NEED_PIDFD,
		.unshare = CLONE_NEWNET,
		.call	= call_get_net,
		.ok	= ok_net,
	}, {
		.name	= "open_tree(OPEN_TREE_CLONE) of a pidfd",
		.how	= NEED_CHILD | NEED_PIDFD | MOUNTS,
		.call	= call_open_tree,
		.ok	= ok_open_tree,
		.failed	= failed_mount,
	}, {
		.name	= "mount(MS_BIND) of /proc/self/fd/N of a pidfd onto a file",
		.how	= NEED_CHILD | NEED_PIDFD | PATH_PIDFD | MOUNTS,
		.call	= call_mount,
		.ok	= ok_mount,
		.failed	= failed_mount,
	},
};

static void ctx_release(struct ctx *x)
{
	if (x->pidfd >= 0)
		close(x->pidfd);
	x->pidfd = -1;
	child_kill(x);
}

/* Make the object the call works on. Returns 0 or -errno. */
static int ctx_prepare(const struct call *c, struct ctx *x)
{
	struct stat st;
	int ret;

	x->clone_pidfd = -1;
	if ((c->how & NEED_CHILD) && !x->pid) {
		ret = child_spawn(x, c->unshare);
		if (ret)
			return ret;
	}
	if ((c->how & NEED_PIDFD) && x->pidfd < 0) {
		x->pidfd = sys_pidfd_open(x->pid, 0);
		if (x->pidfd < 0 || fd_ino(x->pidfd, &x->ino))
			return -errno;
	}
	if (c->how & PATH_NS_UTS)
		snprintf(x->path, sizeof(x->path), "/proc/%d/ns/uts", x->pid);
	if (c->how & PATH_PIDFD)
		snprintf(x->path, sizeof(x->path), "/proc/self/fd/%d", x->pidfd);
	/* Cache the /proc dentries on the way; lstat() does not follow the link. */
	if (x->path[0] && lstat(x->path, &st))
		return -errno;
	if (c->how & MOUNTS)
		x->mounts = count_lines("/proc/self/mountinfo");
	return 0;
}

/* Touch the stack so that no page fault happens in the fault window. */
static void prefault(void)
{
	char buf[16384];

	memset(buf, 0, sizeof(buf));
	asm volatile("" : : "r"(buf) : "memory");
}

/*
 * One step: the call with fault n (0: none). Returns 1 if the walk goes
 * on, 0 if it is complete, -1 if it must stop.
 */
static int step(const struct call *c, struct ctx *x, unsigned int n, struct result *r)
{
	char buf[16], rbuf[16];
	struct fdtab before, after;
	int ret, err, len, left;
	bool fired;

	ret = ctx_prepare(c, x);
	if (ret) {
		failed(r, c->name, "n=%u: preparing: %s", n, strerror(-ret));
		return -1;
	}
	if ((c->how & CREATES_CHILD) && have_children()) {
		failed(r, c->name, "n=%u: there are children before clone3()", n);
		return -1;
	}
	fdtab_get(&before);
	len = snprintf(buf, sizeof(buf), "%u", n);
	memset(rbuf, 0, sizeof(rbuf));
	prefault();

	/* The fault window: nothing between the two writes but the call. */
	errno = 0;
	if (n && write(fail_nth_fd, buf, len) != len) {
		failed(r, c->name, "writing %u to " FAIL_NTH ": %s", n, strerror(errno));
		return -1;
	}
	ret = c->call(x);
	err = errno;
	if (n) {
		if (pread(fail_nth_fd, rbuf, sizeof(rbuf) - 1, 0) <= 0)
			rbuf[0] = '?';
		if (write(fail_nth_fd, "0", 1) != 1) {
			failed(r, c->name, "resetting " FAIL_NTH ": %s", strerror(errno));
			return -1;
		}
	}

	if (rbuf[0] == '?') {
		failed(r, c->name, "reading " FAIL_NTH ": %s", strerror(errno));
		return -1;
	}
	left = n ? atoi(rbuf) : 1;
	fired = !left;
	if (opt.verbose && n)
		printf("# %s: n=%u: %s, %s%s\n", c->name, n, fired ? "injected" : "not injected",
		       ret < 0 ? "failed: " : "worked", ret < 0 ? strerror(err) : "");

	if (ret < 0) {
		if (!fired) {
			failed(r, c->name, "n=%u: failed without an injected fault: %s", n,
			       strerror(err));
			return -1;
		}
		fdtab_get(&after);
		if (err != ENOMEM)
			failed(r, c->name, "n=%u: errno %d (%s), not ENOMEM", n, err,
			       strerror(err));
		else if (after.lowest != before.lowest || after.count != before.count)
			failed(r, c->name,
			       "n=%u: file table changed: next fd %d -> %d, %d -> %d open", n,
			       before.lowest, after.lowest, before.count, after.count);
		else if (!c->failed || c->failed(r, c->name, x))
			r->enomem++;
		/* The same call without a fault works. */
		if (!(c->how & CREATES_CHILD)) {
			ret = c->call(x);
			if (ret < 0) {
				failed(r, c->name,
				       "n=%u: the call failed again without a fault: %s", n,
				       strerror(errno));
				return -1;
			}
			c->ok(r, c->name, x, ret);
		}
		return 1;
	}

	if (!c->ok(r, c->name, x, ret))
		failed(r, c->name, "n=%u: the result of the call did not work (%s)", n,
		       fired ? "with an injected fault" : "no fault injected");
	if (fired) {
		r->absorbed++;
		return 1;
	}
	if (n)
		r->points = n - left;
	return 0;
}

static bool run_call(unsigned int idx)
{
	const struct call *c = &calls[idx];
	struct result r;
	struct ctx x;
	unsigned int n;
	int ret = 1;
	bool timeout = false, capped = false;

	memset(&r, 0, sizeof(r));
	memset(&x, 0, sizeof(x));
	x.pidfd = -1;
	if (opt.dry_run) {
		ret = step(c, &x, 0, &r);
		ctx_release(&x);
		if (ret || r.fails) {
			printf("not ok %d %s: dry run: %s\n", tap_next++, c->name, r.first);
			return false;
		}
		printf("ok %d %s: dry run\n", tap_next++, c->name);
		return true;
	}

	for (n = 1; ret > 0; n++) {
		if (n > opt.max_n) {
			capped = true;
			break;
		}
		if (now_ms() > deadline_ms) {
			timeout = true;
			break;
		}
		ret = step(c, &x, n, &r);
		if (c->how & FRESH)
			ctx_release(&x);
		else
			x.path[0] = '\0';
	}
	ctx_release(&x);

	if (!ret && !r.fails && !r.enomem && !r.absorbed) {
		/* Cannot happen: n=1 had a fault point, or the walk went on. */
		r.fails++;
		snprintf(r.first, sizeof(r.first), "no fault point at all");
	}
	if (!ret && !r.fails) {
		const char *s = r.points == 1 ? "" : "s";

		if (r.absorbed)
			printf("ok %d %s: %u fault point%s, %u a clean ENOMEM, %u absorbed\n",
			       tap_next++, c->name, r.points, s, r.enomem, r.absorbed);
		else
			printf("ok %d %s: %u fault point%s, each a clean ENOMEM\n", tap_next++,
			       c->name, r.points, s);
		return true;
	}
	printf("# %s: %u clean ENOMEM, %u absorbed, %u failed checks\n", c->name, r.enomem,
	       r.absorbed, r.fails);
	if (capped)
		printf("not ok %d %s: still injecting at n=%u (-n)\n", tap_next++, c->name,
		       opt.max_n);
	else if (timeout)
		printf("not ok %d %s: time limit (-t %u) reached at n=%u\n", tap_next++, c->name,
		       opt.secs, n);
	else
		printf("not ok %d %s: %s\n", tap_next++, c->name, r.first);
	return false;
}

static int setup_mounts(void)
{
	int fd;

	if (private_tmpfs(tmpdir, sizeof(tmpdir), "pidfs_failnth"))
		return -1;
	/* debugfs where it is not mounted: private to this namespace. */
	if (access(FAILSLAB, F_OK) && !access(DEBUGFS, F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);

	snprintf(file, sizeof(file), "%s/pidfd", tmpdir);
	fd = open(file, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || fd_ino(fd, &file_ino)) {
		printf("# creating %s: %s\n", file, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static void print_usage(const char *prog, FILE *f)
{
	unsigned int i;

	fprintf(f,
		"usage: %s [-t SECONDS] [-n MAX] [-c LIST] [-d] [-v] [-h]\n"
		"  -t SECONDS  time limit for all walks (default 600)\n"
		"  -n MAX      fault n at most MAX per call, not ok if reached (default 2000)\n"
		"  -c LIST     only these calls, e.g. 1,3,5 (default all)\n"
		"  -d          dry run: each call once without fault injection\n"
		"  -v          one line per step\n"
		"  -h          this help\n"
		"calls:\n", prog);
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		fprintf(f, "  %u  %s\n", i + 1, calls[i].name);
}

static void parse_args(int argc, char **argv)
{
	unsigned long v;
	char *tok;
	int c;

	while ((c = getopt(argc, argv, "t:n:c:dvh")) != -1) {
		switch (c) {
		case 't':
			if (!parse_ul(optarg, 10, 1000000, &v) || !v)
				goto bad;
			opt.secs = v;
			break;
		case 'n':
			if (!parse_ul(optarg, 10, 1000000, &v) || !v)
				goto bad;
			opt.max_n = v;
			break;
		case 'c':
			opt.calls = 0;
			for (tok = strtok(optarg, ","); tok; tok = strtok(NULL, ",")) {
				if (!parse_ul(tok, 10, ARRAY_SIZE(calls), &v) || !v)
					goto bad;
				opt.calls |= 1U << (v - 1);
			}
			break;
		case 'd':
			opt.dry_run = true;
			break;
		case 'v':
			opt.verbose = true;
			break;
		case 'h':
			print_usage(argv[0], stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind == argc)
		return;
bad:
	print_usage(argv[0], stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int i, planned = 0;
	bool ok = true;
	long long start;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	printf("TAP version 13\n");
	if (geteuid()) {
		printf("1..0 # SKIP needs root (mounts, namespaces, debugfs)\n");
		return 0;
	}
	if (setup_mounts()) {
		tmpfs_remove(tmpdir);
		printf("1..0 # SKIP cannot set up a private tmpfs\n");
		return 0;
	}
	if (path_ino("/proc/self/ns/uts", &own_uts_ino) ||
	    path_ino("/proc/self/ns/net", &own_net_ino)) {
		tmpfs_remove(tmpdir);
		printf("1..0 # SKIP no UTS or net namespaces: %s\n", strerror(errno));
		return 0;
	}
	if (!opt.dry_run) {
		if (access(FAIL_NTH, F_OK)) {
			tmpfs_remove(tmpdir);
			printf("1..0 # SKIP no " FAIL_NTH " (CONFIG_FAULT_INJECTION)\n");
			return 0;
		}
		if (access(FAILSLAB, F_OK)) {
			tmpfs_remove(tmpdir);
			printf("1..0 # SKIP no " FAILSLAB
			       " (CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS)\n");
			return 0;
		}
		fail_nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
		if (fail_nth_fd < 0) {
			printf("1..0 # SKIP opening " FAIL_NTH ": %s\n", strerror(errno));
			tmpfs_remove(tmpdir);
			return 0;
		}
		knobs_set();
	}

	for (i = 0; i < ARRAY_SIZE(calls); i++)
		planned += !!(opt.calls & (1U << i));
	printf("1..%u\n", planned);

	start = now_ms();
	deadline_ms = start + 1000LL * opt.secs;
	signal(SIGALRM, on_alarm);
	alarm(opt.secs + 60);

	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		if (!(opt.calls & (1U << i)))
			continue;
		if (now_ms() > deadline_ms) {
			printf("not ok %d %s # not run: time limit (-t %u)\n", tap_next++,
			       calls[i].name, opt.secs);
			ok = false;
			continue;
		}
		ok &= run_call(i);
	}
	alarm(0);
	printf("# %lld ms\n", now_ms() - start);

	if (fail_nth_fd >= 0)
		close(fail_nth_fd);
	fail_nth_fd = -1;
	knobs_restore();
	tmpfs_remove(tmpdir);
	return ok ? 0 : 1;
}
