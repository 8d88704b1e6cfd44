// SPDX-License-Identifier: GPL-2.0
/*
 * pidfs_stress - race pidfd creation, namespace ioctls and pidfd bind mounts
 * against process exit and reaping.
 *
 * One process runs these threads at once for -t seconds (or until each has
 * done -n iterations):
 *
 *  - a forker makes short-lived children (fork(), clone3() with and without
 *    CLONE_PIDFD) that exit after a random delay, some at once, and
 *    publishes them in a ring; a reaper thread reaps them with
 *    waitid(P_ALL) as they exit;
 *  - opener threads pidfd_open() the pids of the ring while those exit and
 *    are reaped: ESRCH or EINVAL only once the child is being reaped, st_ino
 *    stable for a pidfd, equal for two pidfds of an unreaped child and to
 *    that of the child's CLONE_PIDFD pidfd, the Pid: of fdinfo, and
 *    pidfd_send_signal() and poll() that agree with the child's state;
 *  - two namespace threads work on the same children, made in new UTS and
 *    IPC (every Nth also net) namespaces: PIDFD_GET_*_NAMESPACE and opening
 *    /proc/PID/ns/<type> must succeed and agree on st_ino (and with what the
 *    child was expected to get) while the child is held alive, and once it
 *    is released they may only fail with ESRCH (ioctl) or ENOENT/ESRCH
 *    (/proc), for good;
 *  - a mount thread bind-mounts pidfds (mount(MS_BIND) of /proc/self/fd/N,
 *    and open_tree(OPEN_TREE_CLONE) + move_mount()) onto files of a private
 *    tmpfs, reopens them through the mount with open(O_RDWR) (which must
 *    give a working pidfd on the same inode), stacks mounts, unmounts them
 *    (also with MNT_DETACH, also with a file open through the mount) and
 *    keeps mounts over the exit and reaping of the process.
 *
 * The program unshares its mount namespace first and makes "/" private, so
 * nothing it mounts is visible to its caller.
 *
 * Output is TAP 13: one case per kind of work, then one that every child
 * was reaped and that no file descriptor is left open beyond the starting
 * set. A watchdog reports "not ok" and exits after three times the requested
 * time. Exit status 0 only if every case passed.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Shared state is only touched through these (sequentially consistent). */
#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_SEQ_CST)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_SEQ_CST)
#define ADD(x, v)	__atomic_add_fetch(&(x), (v), __ATOMIC_SEQ_CST)

/* Ring of short-lived children shared by the forker, reaper and openers. */
#define RING_SIZE	256
#define RING_PICK	48	/* openers pick among the newest entries */
#define MAX_INFLIGHT	32	/* unreaped ring children at most */
#define MAX_DELAY_US	10000	/* longest life of a ring child */

/* How long a well-behaved step may take on a slow debug kernel. */
#define STEP_TIMEOUT_MS	60000

/* Failures shown per kind; the rest are only counted. */
#define MAX_SHOWN	10

#define MAX_FDS		1024

enum bind_method {
	BIND_MOUNT = 1,		/* mount("/proc/self/fd/N", file, MS_BIND) */
	BIND_OPEN_TREE = 2,	/* open_tree(OPEN_TREE_CLONE) + move_mount() */
};

static struct {
	unsigned int secs;
	unsigned long iters;
	unsigned int openers;
	unsigned int net_every;
	unsigned int methods;
	unsigned long long seed;
} opt = {
	.secs		= 20,
	.openers	= 2,
	.net_every	= 16,
	.methods	= BIND_MOUNT | BIND_OPEN_TREE,
};

enum kind { K_OPEN, K_FORK, K_NS, K_MOUNT, NR_KINDS };

#define NR_CTRS 8

struct kind_stats {
	const char *tag;	/* prefix of diagnostics */
	const char *title;	/* TAP case name */
	const char *unit;
	unsigned long ops;
	unsigned long fails;	/* failed checks */
	unsigned long errnos;	/* of which: unexpected errnos */
	const char *ctr_name[NR_CTRS];
	unsigned long ctr[NR_CTRS];
};

/* Counters, per kind. */
enum { OP_OK, OP_ESRCH, OP_EINVAL, OP_LIVE, OP_CLONE_INO, OP_DEAD, OP_FDINFO };
enum { FK_FORK, FK_CLONE3, FK_CLONE3_PIDFD, FK_REAPED, FK_INSTANT };
enum { NS_CHILDREN, NS_NETNS, NS_IOCTL_OK, NS_PROC_OK, NS_SAME, NS_ESRCH, NS_ENOENT, NS_ABSENT };
enum { MT_MOUNT, MT_OPEN_TREE, MT_REOPEN, MT_UMOUNT, MT_DETACH, MT_STACKED, MT_REAPED, MT_RING };

static struct kind_stats kinds[NR_KINDS] = {
	[K_OPEN] = {
		.tag = "open",
		.title = "pidfd open/close vs exit and reap",
		.unit = "ops",
		.ctr_name = { "opened", "ESRCH", "EINVAL", "live-compared", "clone-ino-compared",
			      "reaped-checked", "fdinfo-checked" },
	},
	[K_FORK] = {
		.tag = "fork",
		.title = "short-lived children reaped by waitid(P_ALL)",
		.unit = "children",
		.ctr_name = { "fork", "clone3", "clone3-pidfd", "reaped", "exit-at-once" },
	},
	[K_NS] = {
		.tag = "ns",
		.title = "namespace ioctls and /proc/PID/ns vs exit",
		.unit = "ops",
		.ctr_name = { "children", "in-new-netns", "ioctl-ok", "proc-ok", "same-ino",
			      "ioctl-ESRCH", "proc-ENOENT", "type-absent" },
	},
	[K_MOUNT] = {
		.tag = "mount",
		.title = "pidfd bind mounts vs exit and reap",
		.unit = "ops",
		.ctr_name = { "mount-bind", "open_tree", "reopen", "umount", "detach", "stacked",
			      "after-reap", "ring-pid" },
	},
};

static bool stop;		/* time is up or the watchdog fired */
static bool all_done;		/* results printed, watchdog stands down */
static int workers;		/* threads still iterating */
static unsigned long nr_children;	/* children created */
static unsigned long nr_reaped;		/* children reaped by the threads */

/*
 * Children copy the file table. A copy of a file opened through one of the
 * mount thread's bind mounts keeps that mount busy, so the mount thread
 * takes this for writing while it has such a file open and every clone
 * takes it for reading.
 */
static pthread_rwlock_t clone_lock;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static int tap_next = 1;	/* next TAP case number, under out_lock */

static long long start_ms;
static char tmpdir[64];
static char files[2][96];	/* mount points: regular files on the tmpfs */
static char subdir[96];
static unsigned long long file_ino[2];

static struct slot {
	unsigned long long ident;	/* gen << 32 | pid; 0 while being reused */
	unsigned long long ino;		/* st_ino of its CLONE_PIDFD pidfd, or 0 */
	int state;
} ring[RING_SIZE];

enum { SLOT_EMPTY, SLOT_ALIVE, SLOT_REAPING, SLOT_REAPED };

static unsigned long ring_count;	/* entries published */
static unsigned int ring_last;		/* index of the newest entry */
static int inflight;			/* ring children not reaped yet */
static bool forker_done;

static const struct ns_type {
	const char *name;
	unsigned long req;
	int flag;	/* CLONE_NEW* if the namespace children get a new one */
} ns_types[] = {
	{ "cgroup",		PIDFD_GET_CGROUP_NAMESPACE,		0 },
	{ "ipc",		PIDFD_GET_IPC_NAMESPACE,		CLONE_NEWIPC },
	{ "mnt",		PIDFD_GET_MNT_NAMESPACE,		0 },
	{ "net",		PIDFD_GET_NET_NAMESPACE,		CLONE_NEWNET },
	{ "pid",		PIDFD_GET_PID_NAMESPACE,		0 },
	{ "pid_for_children",	PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE,	0 },
	{ "time",		PIDFD_GET_TIME_NAMESPACE,		0 },
	{ "time_for_children",	PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE,	0 },
	{ "user",		PIDFD_GET_USER_NAMESPACE,		0 },
	{ "uts",		PIDFD_GET_UTS_NAMESPACE,		CLONE_NEWUTS },
};

#define NR_NS ARRAY_SIZE(ns_types)

static bool ns_present[NR_NS];
static unsigned long long ns_self_ino[NR_NS];

/* The child both namespace threads work on. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long gen;	/* bumped for each child */
	unsigned long done;	/* last gen the helper is done with */
	bool quit;
	pid_t pid;
	int pidfd;
	int flags;		/* CLONE_NEW* the child unshared */
	int phase;		/* 1: held alive, 2: released */
} nsc = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static void sleep_us(unsigned long us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000,
		.tv_nsec = (long)(us % 1000000) * 1000,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* xorshift64*, one state per thread */
static unsigned long long rnd_next(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static unsigned int rnd(unsigned long long *s, unsigned int n)
{
	return n ? (unsigned int)((rnd_next(s) >> 32) % n) : 0;
}

static unsigned long long rnd_seed(unsigned int salt)
{
	unsigned long long s = opt.seed ^ (0x9e3779b97f4a7c15ULL * (salt + 1));

	return s ? s : 1;
}

static void out(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&out_lock);
}

static void vfail(enum kind k, const char *fmt, va_list ap)
{
	unsigned long n = ADD(kinds[k].fails, 1);
	char buf[512];

	if (n > MAX_SHOWN + 1)
		return;
	if (n == MAX_SHOWN + 1) {
		out("# %s: further failures are only counted\n", kinds[k].tag);
		return;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	out("# %s: FAIL: %s\n", kinds[k].tag, buf);
}

/* A failed check of kind @k: counted, and the first few shown. */
static void fail(enum kind k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(k, fmt, ap);
	va_end(ap);
}

/* A failed check because a call failed, or failed with the wrong errno. */
static void efail(enum kind k, const char *fmt, ...)
{
	va_list ap;

	ADD(kinds[k].errnos, 1);
	va_start(ap, fmt);
	vfail(k, fmt, ap);
	va_end(ap);
}

static void count(enum kind k, int ctr)
{
	ADD(kinds[k].ctr[ctr], 1);
}

/* Whether a pidfd polls readable: its process has exited. */
static bool pidfd_exited(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* Sorted list of the open file descriptors. Returns the count or -errno. */
static int fd_list(int *fds, int max)
{
	struct dirent *de;
	int nr = 0, i, j;
	DIR *dir;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(dir) || nr == max)
			continue;
		for (i = nr; i > 0 && fds[i - 1] > fd; i--)
			fds[i] = fds[i - 1];
		fds[i] = fd;
		nr++;
	}
	closedir(dir);
	/* Drop duplicates, if any. */
	for (i = 0, j = 0; i < nr; i++) {
		if (!j || fds[j - 1] != fds[i])
			fds[j++] = fds[i];
	}
	return j;
}

/* The Pid: field of a pidfd's fdinfo. Returns 0 or -errno. */
static int fdinfo_pid(int fd, long *pid)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	p = strstr(buf, "\nPid:");
	if (!p)
		return -ENOENT;
	*pid = strtol(p + 5, NULL, 10);
	return 0;
}

/*
 * Children the namespace and mount threads hold alive until they release
 * them: clone3() with CLONE_PIDFD and no exit signal, so that the reaper's
 * waitid(P_ALL) (without __WCLONE) never sees them.
 */
struct held {
	pid_t pid;
	int pidfd;
	int go;		/* write end of the pipe the child waits on */
	int err;	/* errno of the child's unshare(), or 0 */
};

static void held_child(int ready, int go, pid_t parent, int flags)
{
	int err = 0;
	char c;

	/* The creating thread outlives the child unless the process dies. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	if (flags && unshare(flags))
		err = errno;
	if (write(ready, &err, sizeof(err)) != sizeof(err))
		_exit(1);
	while (read(go, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int held_reap(struct held *h, enum kind k)
{
	siginfo_t si;
	int ret;

	memset(&si, 0, sizeof(si));
	do {
		ret = sys_waitid(P_PIDFD, h->pidfd, &si, WEXITED | __WCLONE);
	} while (ret && errno == EINTR);
	if (ret) {
		efail(k, "waitid(P_PIDFD) for child %d: %s", h->pid, strerror(errno));
		return -1;
	}
	ADD(nr_reaped, 1);
	if (si.si_pid != h->pid || si.si_code != CLD_EXITED || si.si_status != 0) {
		fail(k, "child %d: waitid() gave pid %d code %d status %d", h->pid,
		     si.si_pid, si.si_code, si.si_status);
		return -1;
	}
	return 0;
}

/* Let the child exit. */
static void held_release(struct held *h)
{
	if (h->go >= 0) {
		if (write(h->go, "x", 1) != 1)
			sys_pidfd_send_signal(h->pidfd, SIGKILL);
		close(h->go);
		h->go = -1;
	}
}

/* Release, reap and forget a held child. */
static void held_finish(struct held *h, enum kind k)
{
	held_release(h);
	held_reap(h, k);
	close(h->pidfd);
	h->pidfd = -1;
}

/* Create a held child that has unshare()d @flags. Returns 0 or -errno. */
static int held_spawn(struct held *h, int flags, enum kind k)
{
	struct pollfd pfd[2];
	int ready[2], go[2], err, ret;
	pid_t parent = getpid();
	ssize_t n = -1;

	h->pidfd = -1;
	h->go = -1;
	h->err = 0;
	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	if (pipe2(go, O_CLOEXEC)) {
		err = -errno;
		close(ready[0]);
		close(ready[1]);
		return err;
	}

	pthread_rwlock_rdlock(&clone_lock);
	h->pid = clone3_simple(&h->pidfd, 0);
	err = errno;
	if (h->pid == 0)
		held_child(ready[1], go[0], parent, flags);
	pthread_rwlock_unlock(&clone_lock);

	close(ready[1]);
	close(go[0]);
	if (h->pid < 0) {
		close(ready[0]);
		close(go[1]);
		return -err;
	}
	ADD(nr_children, 1);
	h->go = go[1];

	/* Other children may hold copies of the write end: poll the pidfd too. */
	pfd[0].fd = ready[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = h->pidfd;
	pfd[1].events = POLLIN;
	do {
		pfd[0].revents = 0;
		pfd[1].revents = 0;
		ret = poll(pfd, 2, STEP_TIMEOUT_MS);
	} while (ret < 0 && errno == EINTR);
	if (ret > 0 && (pfd[0].revents & POLLIN))
		n = read(ready[0], &h->err, sizeof(h->err));
	close(ready[0]);
	if (n != sizeof(h->err)) {
		sys_pidfd_send_signal(h->pidfd, SIGKILL);
		close(h->go);
		h->go = -1;
		held_reap(h, k);
		close(h->pidfd);
		h->pidfd = -1;
		return ret == 0 ? -ETIMEDOUT : -EIO;
	}
	return 0;
}

/*
 * The ring. The forker publishes a child by storing its state, then its
 * ident; the reaper sets SLOT_REAPING before it reaps the child and
 * SLOT_REAPED after; the forker reuses a slot only once it is SLOT_REAPED,
 * clearing the ident before anything else. So, for an ident X read before a
 * system call on X's pid, reading SLOT_ALIVE and then X again after the
 * call proves that X had not been reaped by the end of the call.
 */
static bool slot_alive(struct slot *s, unsigned long long x)
{
	int state = LOAD(s->state);

	return state == SLOT_ALIVE && LOAD(s->ident) == x;
}

/* Whether X has certainly been reaped. */
static bool slot_reaped(struct slot *s, unsigned long long x)
{
	int state = LOAD(s->state);

	return state == SLOT_REAPED || LOAD(s->ident) != x;
}

static void ring_child(unsigned int delay_us)
{
	if (delay_us)
		sleep_us(delay_us);
	_exit(0);
}

static struct slot *ring_free_slot(unsigned int *pos)
{
	unsigned int i;

	for (;;) {
		for (i = 0; i < RING_SIZE; i++) {
			unsigned int idx = (*pos + i) % RING_SIZE;
			int state = LOAD(ring[idx].state);

			if (state == SLOT_EMPTY || state == SLOT_REAPED) {
				*pos = idx + 1;
				return &ring[idx];
			}
		}
		if (LOAD(stop))
			return NULL;
		sleep_us(1000);
	}
}

static void worker_done(void)
{
	ADD(workers, -1);
}

static void *forker_main(void *arg)
{
	unsigned long long rs = rnd_seed(100), gen = 0;
	unsigned int pos = 0;
	unsigned long i;

	(void)arg;
	for (i = 0; !LOAD(stop) && (!opt.iters || i < opt.iters); i++) {
		unsigned long long ino = 0, ino2 = 0;
		unsigned int delay, how;
		int pidfd = -1, err;
		struct slot *s;
		pid_t pid;

		while (LOAD(inflight) >= MAX_INFLIGHT && !LOAD(stop))
			sleep_us(100);
		s = ring_free_slot(&pos);
		if (!s)
			break;

		/* A quarter exit at once, a quarter within 1 ms. */
		switch (rnd(&rs, 4)) {
		case 0:
			delay = 0;
			break;
		case 1:
			delay = rnd(&rs, 1000);
			break;
		default:
			delay = rnd(&rs, MAX_DELAY_US);
			break;
		}
		how = rnd(&rs, 3);
		ADD(inflight, 1);
		pthread_rwlock_rdlock(&clone_lock);
		if (how == 0)
			pid = fork();
		else
			pid = clone3_simple(how == 2 ? &pidfd : NULL, SIGCHLD);
		err = errno;
		if (pid == 0)
			ring_child(delay);
		pthread_rwlock_unlock(&clone_lock);
		if (pid < 0) {
			ADD(inflight, -1);
			efail(K_FORK, "%s: %s", how ? "clone3" : "fork", strerror(err));
			sleep_us(10000);
			continue;
		}
		ADD(nr_children, 1);
		ADD(kinds[K_FORK].ops, 1);
		count(K_FORK, how == 0 ? FK_FORK : how == 1 ? FK_CLONE3 : FK_CLONE3_PIDFD);
		if (!delay)
			count(K_FORK, FK_INSTANT);
		if (pidfd >= 0) {
			if (fd_ino(pidfd, &ino) || fd_ino(pidfd, &ino2))
				efail(K_FORK, "fstat of CLONE_PIDFD pidfd: %s", strerror(errno));
			else if (ino != ino2 || !ino)
				fail(K_FORK, "CLONE_PIDFD pidfd st_ino %llu then %llu", ino, ino2);
			if (ino != ino2)
				ino = 0;
			close(pidfd);
		}

		/* Publish: see the comment above slot_alive(). */
		STORE(s->ident, 0ULL);
		STORE(s->ino, ino);
		STORE(s->state, SLOT_ALIVE);
		if (!(++gen & 0xffffffffULL))
			gen++;
		STORE(s->ident, (gen << 32) | (unsigned int)pid);
		STORE(ring_last, (unsigned int)(s - ring));
		ADD(ring_count, 1);
	}
	STORE(forker_done, true);
	worker_done();
	return NULL;
}

/* The slot of the unreaped ring child @pid, marked SLOT_REAPING. */
static struct slot *ring_claim(pid_t pid)
{
	long long deadline = now_ms() + STEP_TIMEOUT_MS;
	unsigned int i;

	do {
		for (i = 0; i < RING_SIZE; i++) {
			struct slot *s = &ring[i];
			unsigned long long x = LOAD(s->ident);
			int state = SLOT_ALIVE;

			if (!x || (pid_t)(unsigned int)x != pid)
				continue;
			if (__atomic_compare_exchange_n(&s->state, &state, SLOT_REAPING, false,
							__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
				if (LOAD(s->ident) == x)
					return s;
				/* Reused meanwhile by another child: undo. */
				STORE(s->state, SLOT_ALIVE);
			}
		}
		/* Not published yet: the forker is about to. */
		sleep_us(50);
	} while (now_ms() < deadline);
	return NULL;
}

static void *reaper_main(void *arg)
{
	(void)arg;
	while (!LOAD(forker_done) || LOAD(inflight) > 0) {
		struct slot *s;
		siginfo_t si;
		pid_t pid;
		int ret;

		memset(&si, 0, sizeof(si));
		ret = sys_waitid(P_ALL, 0, &si, WEXITED | WNOWAIT);
		if (ret) {
			if (errno == ECHILD) {
				sleep_us(1000);
				continue;
			}
			if (errno != EINTR) {
				efail(K_FORK, "waitid(P_ALL, WNOWAIT): %s", strerror(errno));
				sleep_us(10000);
			}
			continue;
		}
		pid = si.si_pid;
		s = ring_claim(pid);
		if (!s)
			fail(K_FORK, "exited child %d never showed up in the ring", pid);

		memset(&si, 0, sizeof(si));
		do {
			ret = sys_waitid(P_PID, pid, &si, WEXITED);
		} while (ret && errno == EINTR);
		if (ret) {
			efail(K_FORK, "waitid(P_PID, %d): %s", pid, strerror(errno));
		} else {
			ADD(nr_reaped, 1);
			count(K_FORK, FK_REAPED);
			if (si.si_pid != pid || si.si_code != CLD_EXITED || si.si_status)
				fail(K_FORK, "child %d: waitid() gave pid %d code %d status %d",
				     pid, si.si_pid, si.si_code, si.si_status);
		}
		if (s)
			STORE(s->state, SLOT_REAPED);
		ADD(inflight, -1);
	}
	return NULL;
}

/*
 * A recent ring entry: its slot, ident and CLONE_PIDFD st_ino. Unreaped
 * children are preferred; most entries are gone already.
 */
static struct slot *ring_pick(unsigned long long *rs, unsigned long long *x,
			      unsigned long long *ino)
{
	unsigned long cnt = LOAD(ring_count);
	unsigned int last = LOAD(ring_last), back, try;
	struct slot *s = NULL;

	if (!cnt)
		return NULL;
	for (try = 0; try < 16; try++) {
		back = rnd(rs, cnt < RING_PICK ? (unsigned int)cnt : RING_PICK);
		s = &ring[(last + RING_SIZE - back) % RING_SIZE];
		if (LOAD(s->state) == SLOT_ALIVE)
			break;
	}
	/* Mostly gone: leave the CPU to the forker now and then. */
	if (try == 16 && !rnd(rs, 4))
		sched_yield();
	*x = LOAD(s->ident);
	*ino = LOAD(s->ino);
	if (!*x || LOAD(s->ident) != *x)
		return NULL;
	return s;
}

static void open_one(unsigned long long *rs, struct slot *s, unsigned long long x,
		     unsigned long long known)
{
	pid_t pid = (pid_t)(unsigned int)x;
	unsigned long long ia = 0, ib = 0, ic = 0;
	int a, b, err, errb, ret;
	bool alive, reaped;

	a = sys_pidfd_open(pid, rnd(rs, 2) ? PIDFD_NONBLOCK : 0);
	err = errno;
	ADD(kinds[K_OPEN].ops, 1);
	if (a < 0) {
		if (err != ESRCH && err != EINVAL)
			efail(K_OPEN, "pidfd_open(%d): %s", pid, strerror(err));
		else if (slot_alive(s, x))
			efail(K_OPEN, "pidfd_open(%d): %s while that child was not reaped", pid,
			      strerror(err));
		else
			count(K_OPEN, err == ESRCH ? OP_ESRCH : OP_EINVAL);
		return;
	}
	count(K_OPEN, OP_OK);
	if (fd_ino(a, &ia) || fd_ino(a, &ib)) {
		efail(K_OPEN, "fstat of pidfd for %d: %s", pid, strerror(errno));
		close(a);
		return;
	}
	if (ia != ib)
		fail(K_OPEN, "pidfd for %d: st_ino %llu then %llu", pid, ia, ib);

	b = sys_pidfd_open(pid, 0);
	errb = errno;
	if (b >= 0 && fd_ino(b, &ic))
		efail(K_OPEN, "fstat of second pidfd for %d: %s", pid, strerror(errno));

	/* Whatever a refers to, its number is pid: Pid: is pid or -1. */
	if (!rnd(rs, 4)) {
		long fpid;

		ret = fdinfo_pid(a, &fpid);
		if (ret)
			efail(K_OPEN, "fdinfo of pidfd for %d: %s", pid, strerror(-ret));
		else if (fpid != pid && fpid != -1)
			fail(K_OPEN, "fdinfo of pidfd for %d shows Pid: %ld", pid, fpid);
		else
			count(K_OPEN, OP_FDINFO);
	}

	alive = slot_alive(s, x);
	if (alive) {
		/* Both pidfd_open()s found our unreaped child. */
		count(K_OPEN, OP_LIVE);
		if (b < 0)
			efail(K_OPEN, "second pidfd_open(%d) of an unreaped child: %s", pid,
			      strerror(errb));
		else if (ic != ia)
			fail(K_OPEN, "two pidfds of unreaped child %d: st_ino %llu and %llu", pid,
			     ia, ic);
		if (known) {
			count(K_OPEN, OP_CLONE_INO);
			if (known != ia)
				fail(K_OPEN, "pidfd_open(%d): st_ino %llu, CLONE_PIDFD gave %llu",
				     pid, ia, known);
		}
		/* Sometimes keep it open over the child's exit and reaping. */
		if (!rnd(rs, 8))
			sleep_us(rnd(rs, 2000));
	} else if (b < 0 && errb != ESRCH && errb != EINVAL) {
		efail(K_OPEN, "second pidfd_open(%d): %s", pid, strerror(errb));
	}

	reaped = slot_reaped(s, x);
	ret = sys_pidfd_send_signal(a, 0);
	err = errno;
	if (ret && err != ESRCH) {
		efail(K_OPEN, "pidfd_send_signal(0) to %d: %s", pid, strerror(err));
	} else if (alive) {
		/* a is our child X. */
		if (!ret && reaped)
			fail(K_OPEN, "pidfd_send_signal(0) to reaped child %d worked", pid);
		if (ret && slot_alive(s, x))
			efail(K_OPEN, "pidfd_send_signal(0) to unreaped child %d: ESRCH", pid);
		if (reaped) {
			count(K_OPEN, OP_DEAD);
			if (!pidfd_exited(a))
				fail(K_OPEN, "pidfd of reaped child %d does not poll readable",
				     pid);
		}
	}

	close(a);
	if (b >= 0)
		close(b);
}

static void *opener_main(void *arg)
{
	unsigned long long rs = rnd_seed((unsigned int)(uintptr_t)arg);
	unsigned long i = 0;

	while (!LOAD(stop) && (!opt.iters || i < opt.iters)) {
		unsigned long long x, ino;
		struct slot *s;

		s = ring_pick(&rs, &x, &ino);
		if (!s) {
			if (LOAD(forker_done))
				break;
			sleep_us(200);
			continue;
		}
		open_one(&rs, s, x, ino);
		i++;
	}
	worker_done();
	return NULL;
}

/* Per thread and child: which failures have been seen, which are final. */
struct ns_track {
	bool esrch;		/* an ioctl failed with ESRCH */
	bool gone[NR_NS];	/* opening /proc/PID/ns/<type> failed */
};

/* st_ino and filesystem of a namespace fd, against what the child has. */
static void ns_check_fd(int fd, unsigned int i, int flags, pid_t pid, const char *how,
			unsigned long long *ino)
{
	bool own = ns_types[i].flag & flags;
	struct statfs sfs;

	if (fd_ino(fd, ino) || fstatfs(fd, &sfs)) {
		efail(K_NS, "%s %s of %d: fstat: %s", how, ns_types[i].name, pid, strerror(errno));
		*ino = 0;
		return;
	}
	if ((unsigned long)sfs.f_type != NSFS_MAGIC)
		fail(K_NS, "%s %s of %d: f_type 0x%lx", how, ns_types[i].name, pid,
		     (unsigned long)sfs.f_type);
	if (own && *ino == ns_self_ino[i])
		fail(K_NS, "%s %s of %d: st_ino %llu, ours, not the child's new one", how,
		     ns_types[i].name, pid, *ino);
	else if (!own && *ino != ns_self_ino[i])
		fail(K_NS, "%s %s of %d: st_ino %llu, ours is %llu", how, ns_types[i].name, pid,
		     *ino, ns_self_ino[i]);
}

/*
 * One PIDFD_GET_*_NAMESPACE ioctl and one open of /proc/PID/ns/<type> for
 * each type. @phase tells whether the child was still held alive after the
 * calls (then both must succeed); the child is never reaped meanwhile.
 */
static void ns_round(unsigned long long *rs, pid_t pid, int pidfd, int flags, int *phase,
		     struct ns_track *t)
{
	unsigned int first = rnd(rs, NR_NS), j;

	for (j = 0; j < NR_NS; j++) {
		unsigned int i = (first + j) % NR_NS;
		unsigned long long ino1 = 0, ino2 = 0;
		int r1, r2, e1, e2;
		bool exited, held;
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns_types[i].name);
		exited = pidfd_exited(pidfd);
		r1 = ioctl(pidfd, ns_types[i].req, 0);
		e1 = errno;
		r2 = open(path, O_RDONLY | O_CLOEXEC);
		e2 = errno;
		held = LOAD(*phase) == 1;
		ADD(kinds[K_NS].ops, 2);

		if (!ns_present[i]) {
			/* A namespace type this kernel does not have. */
			count(K_NS, NS_ABSENT);
			if (r1 >= 0 || e1 != EOPNOTSUPP)
				efail(K_NS, "ioctl for absent type %s: %s", ns_types[i].name,
				      r1 >= 0 ? "worked" : strerror(e1));
			if (r2 >= 0 || e2 != ENOENT)
				efail(K_NS, "open(%s) for absent type: %s", path,
				      r2 >= 0 ? "worked" : strerror(e2));
		} else {
			if (r1 >= 0) {
				count(K_NS, NS_IOCTL_OK);
				if (exited)
					fail(K_NS, "PIDFD_GET %s of %d worked after it exited",
					     ns_types[i].name, pid);
				if (t->esrch)
					fail(K_NS, "PIDFD_GET %s of %d worked after an ESRCH",
					     ns_types[i].name, pid);
				ns_check_fd(r1, i, flags, pid, "PIDFD_GET", &ino1);
			} else if (e1 == ESRCH && !held) {
				count(K_NS, NS_ESRCH);
				t->esrch = true;
			} else {
				efail(K_NS, "PIDFD_GET %s of %s child %d: %s", ns_types[i].name,
				      held ? "live" : "exiting", pid, strerror(e1));
			}

			if (r2 >= 0) {
				count(K_NS, NS_PROC_OK);
				if (t->gone[i])
					fail(K_NS, "open(%s) worked after it had failed", path);
				ns_check_fd(r2, i, flags, pid, "open", &ino2);
			} else if ((e2 == ENOENT || e2 == ESRCH) && !held) {
				count(K_NS, NS_ENOENT);
				t->gone[i] = true;
			} else {
				efail(K_NS, "open(%s) of %s child: %s", path,
				      held ? "live" : "exiting", strerror(e2));
			}

			/* The child's namespaces are fixed: both name the same one. */
			if (ino1 && ino2) {
				count(K_NS, NS_SAME);
				if (ino1 != ino2)
					fail(K_NS, "%s of %d: ioctl st_ino %llu, %s st_ino %llu",
					     ns_types[i].name, pid, ino1, path, ino2);
			}
		}
		if (r1 >= 0)
			close(r1);
		if (r2 >= 0)
			close(r2);
	}
}

/*
 * Rounds on the current child: while it is held, until @max_held rounds are
 * done (0: until it is released); once released, until it has exited.
 */
static void ns_rounds(unsigned long long *rs, pid_t pid, int pidfd, int flags, int *phase,
		      unsigned int max_held)
{
	long long deadline = 0;
	unsigned int held = 0;
	struct ns_track t;
	bool exited;

	memset(&t, 0, sizeof(t));
	for (;;) {
		if (LOAD(*phase) == 1) {
			if (max_held && held++ >= max_held)
				return;
			ns_round(rs, pid, pidfd, flags, phase, &t);
			continue;
		}
		if (!deadline)
			deadline = now_ms() + STEP_TIMEOUT_MS;
		exited = pidfd_exited(pidfd);
		ns_round(rs, pid, pidfd, flags, phase, &t);
		if (exited)
			return;
		if (now_ms() > deadline) {
			fail(K_NS, "released child %d still running after %d s", pid,
			     STEP_TIMEOUT_MS / 1000);
			return;
		}
	}
}

static void ns_child_checks(unsigned long long *rs, struct held *h)
{
	unsigned long long ino = 0, ino2 = 0;
	int fd, ret;

	/* A second pidfd of the held child is on the same inode. */
	fd = sys_pidfd_open(h->pid, rnd(rs, 2) ? PIDFD_NONBLOCK : 0);
	ADD(kinds[K_NS].ops, 1);
	if (fd < 0) {
		efail(K_NS, "pidfd_open(%d) of a held child: %s", h->pid, strerror(errno));
	} else {
		if (fd_ino(fd, &ino) || fd_ino(h->pidfd, &ino2))
			efail(K_NS, "fstat of pidfds of %d: %s", h->pid, strerror(errno));
		else if (ino != ino2)
			fail(K_NS, "pidfds of %d: st_ino %llu and %llu", h->pid, ino, ino2);
		close(fd);
	}

	/* Commands of the range that are not defined. */
	ret = ioctl(h->pidfd, _IO(PIDFS_IOCTL_MAGIC, 0), 0);
	if (ret >= 0 || errno != ENOTTY)
		efail(K_NS, "ioctl _IO(0xFF, 0) on a pidfd: %s", ret >= 0 ? "worked" :
		      strerror(errno));
	if (ret >= 0)
		close(ret);
	ADD(kinds[K_NS].ops, 1);
}

static void *ns_main(void *arg)
{
	unsigned long long rs = rnd_seed(200);
	unsigned long i;

	(void)arg;
	for (i = 0; !LOAD(stop) && (!opt.iters || i < opt.iters); i++) {
		int flags = CLONE_NEWUTS | CLONE_NEWIPC;
		struct held h;
		int ret;

		if (opt.net_every && i % opt.net_every == opt.net_every - 1)
			flags |= CLONE_NEWNET;
		ret = held_spawn(&h, flags, K_NS);
		if (ret) {
			efail(K_NS, "creating a child: %s", strerror(-ret));
			sleep_us(10000);
			continue;
		}
		count(K_NS, NS_CHILDREN);
		if (flags & CLONE_NEWNET)
			count(K_NS, NS_NETNS);
		if (h.err) {
			efail(K_NS, "child's unshare(0x%x): %s", flags, strerror(h.err));
			held_finish(&h, K_NS);
			continue;
		}
		ns_child_checks(&rs, &h);

		pthread_mutex_lock(&nsc.lock);
		nsc.pid = h.pid;
		nsc.pidfd = h.pidfd;
		nsc.flags = flags;
		STORE(nsc.phase, 1);
		nsc.gen++;
		pthread_cond_broadcast(&nsc.cond);
		pthread_mutex_unlock(&nsc.lock);

		/* Held: everything must work. */
		ns_rounds(&rs, h.pid, h.pidfd, flags, &nsc.phase, 1 + rnd(&rs, 3));

		/* Released: race the child's exit. */
		STORE(nsc.phase, 2);
		held_release(&h);
		ns_rounds(&rs, h.pid, h.pidfd, flags, &nsc.phase, 0);

		/* Wait for the helper before reaping. */
		pthread_mutex_lock(&nsc.lock);
		while (nsc.done != nsc.gen)
			pthread_cond_wait(&nsc.cond, &nsc.lock);
		pthread_mutex_unlock(&nsc.lock);

		if (!held_reap(&h, K_NS)) {
			ret = ioctl(h.pidfd, PIDFD_GET_UTS_NAMESPACE, 0);
			if (ret >= 0 || errno != ESRCH)
				efail(K_NS, "PIDFD_GET uts of reaped child %d: %s", h.pid,
				      ret >= 0 ? "worked" : strerror(errno));
			if (ret >= 0)
				close(ret);
		}
		close(h.pidfd);
	}

	pthread_mutex_lock(&nsc.lock);
	nsc.quit = true;
	pthread_cond_broadcast(&nsc.cond);
	pthread_mutex_unlock(&nsc.lock);
	worker_done();
	return NULL;
}

/* The second namespace thread: the same calls on the same child at once. */
static void *ns_helper_main(void *arg)
{
	unsigned long long rs = rnd_seed(300);
	unsigned long seen = 0;

	(void)arg;
	for (;;) {
		int pidfd, flags;
		pid_t pid;

		pthread_mutex_lock(&nsc.lock);
		while (nsc.gen == seen && !nsc.quit)
			pthread_cond_wait(&nsc.cond, &nsc.lock);
		if (nsc.gen == seen) {
			pthread_mutex_unlock(&nsc.lock);
			break;
		}
		seen = nsc.gen;
		pid = nsc.pid;
		pidfd = nsc.pidfd;
		flags = nsc.flags;
		pthread_mutex_unlock(&nsc.lock);

		ns_rounds(&rs, pid, pidfd, flags, &nsc.phase, 0);

		pthread_mutex_lock(&nsc.lock);
		nsc.done = seen;
		pthread_cond_broadcast(&nsc.cond);
		pthread_mutex_unlock(&nsc.lock);
	}
	return NULL;
}

/*
 * Files opened through the bind mounts keep them busy, also as copies in
 * children: no clone while one is open (see clone_lock).
 */
static void pin_begin(void)
{
	pthread_rwlock_wrlock(&clone_lock);
}

static void pin_end(void)
{
	pthread_rwlock_unlock(&clone_lock);
}

static const char *method_name(int method)
{
	return method == BIND_MOUNT ? "mount(MS_BIND)" : "open_tree+move_mount";
}

static int pick_method(unsigned long long *rs)
{
	if (opt.methods == (BIND_MOUNT | BIND_OPEN_TREE))
		return rnd(rs, 2) ? BIND_MOUNT : BIND_OPEN_TREE;
	return opt.methods;
}

/* Bind-mount a pidfd onto @target. Returns 0 or -errno. */
static int bind_pidfd(int pidfd, const char *target, int method)
{
	char path[64];
	int tfd, ret, err;

	ADD(kinds[K_MOUNT].ops, 1);
	if (method == BIND_MOUNT) {
		count(K_MOUNT, MT_MOUNT);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", pidfd);
		return mount(path, target, NULL, MS_BIND, NULL) ? -errno : 0;
	}

	count(K_MOUNT, MT_OPEN_TREE);
	pin_begin();
	tfd = sys_open_tree(pidfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tfd < 0) {
		err = -errno;
		pin_end();
		return err;
	}
	ret = sys_move_mount(tfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH);
	err = errno;
	close(tfd);
	pin_end();
	return ret ? -err : 0;
}

static bool mnt_bind(unsigned long long *rs, int pidfd, const char *target, const char *what)
{
	int method = pick_method(rs);
	int ret;

	ret = bind_pidfd(pidfd, target, method);
	if (ret)
		efail(K_MOUNT, "%s of %s onto %s: %s", method_name(method), what, target,
		      strerror(-ret));
	return !ret;
}

static void mnt_umount(unsigned long long *rs, const char *target, int idx, bool top)
{
	int flags = rnd(rs, 2) ? MNT_DETACH : 0;
	unsigned long long ino;

	ADD(kinds[K_MOUNT].ops, 1);
	count(K_MOUNT, flags ? MT_DETACH : MT_UMOUNT);
	if (umount2(target, flags)) {
		efail(K_MOUNT, "umount2(%s, %s): %s", target, flags ? "MNT_DETACH" : "0",
		      strerror(errno));
		return;
	}
	if (!top)
		return;
	/* Nothing left on the file. */
	if (path_ino(target, &ino))
		efail(K_MOUNT, "stat(%s) after umount: %s", target, strerror(errno));
	else if (ino != file_ino[idx])
		fail(K_MOUNT, "%s after umount: st_ino %llu, not the file's %llu", target, ino,
		     file_ino[idx]);
}

/*
 * open(O_RDWR) through the mount gives a pidfd on the mounted inode;
 * @alive: 1 held alive, 0 reaped, -1 unknown.
 */
static void mnt_reopen(const char *target, unsigned long long want, pid_t pid, int alive)
{
	unsigned long long ino = 0, ino2 = 0;
	int fd, ret;

	ADD(kinds[K_MOUNT].ops, 1);
	count(K_MOUNT, MT_REOPEN);
	if (path_ino(target, &ino2))
		efail(K_MOUNT, "stat(%s): %s", target, strerror(errno));
	else if (ino2 != want)
		fail(K_MOUNT, "stat(%s): st_ino %llu, the pidfd's is %llu", target, ino2, want);

	pin_begin();
	fd = open(target, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		efail(K_MOUNT, "open(%s, O_RDWR) of a pidfd mount (pid %d): %s", target, pid,
		      strerror(errno));
		pin_end();
		return;
	}
	if (fd_ino(fd, &ino))
		efail(K_MOUNT, "fstat of %s: %s", target, strerror(errno));
	else if (ino != want)
		fail(K_MOUNT, "open(%s): st_ino %llu, the pidfd's is %llu", target, ino, want);

	ret = sys_pidfd_send_signal(fd, 0);
	if (alive == 1 && ret)
		efail(K_MOUNT, "pidfd_send_signal(0) through %s to live %d: %s", target, pid,
		      strerror(errno));
	else if (alive == 0 && (!ret || errno != ESRCH))
		efail(K_MOUNT, "pidfd_send_signal(0) through %s to reaped %d: %s", target, pid,
		      ret ? strerror(errno) : "worked");
	else if (alive == -1 && ret && errno != ESRCH)
		efail(K_MOUNT, "pidfd_send_signal(0) through %s: %s", target, strerror(errno));
	if (alive == 0 && !pidfd_exited(fd))
		fail(K_MOUNT, "pidfd from %s of reaped %d does not poll readable", target, pid);
	close(fd);
	pin_end();
}

/* Bind a pidfd of a recent ring child, which may be exiting or gone. */
static void mnt_ring(unsigned long long *rs)
{
	unsigned long long x, known, ino;
	struct slot *s;
	int fd;

	s = ring_pick(rs, &x, &known);
	if (!s)
		return;
	fd = sys_pidfd_open((pid_t)(unsigned int)x, 0);
	if (fd < 0) {
		if (errno != ESRCH && errno != EINVAL)
			efail(K_MOUNT, "pidfd_open(%d): %s", (int)(unsigned int)x,
			      strerror(errno));
		return;
	}
	count(K_MOUNT, MT_RING);
	if (fd_ino(fd, &ino)) {
		efail(K_MOUNT, "fstat of pidfd: %s", strerror(errno));
	} else if (mnt_bind(rs, fd, files[1], "a ring child's pidfd")) {
		close(fd);
		fd = -1;
		mnt_reopen(files[1], ino, (pid_t)(unsigned int)x, -1);
		mnt_umount(rs, files[1], 1, true);
	}
	if (fd >= 0)
		close(fd);
}

static void mnt_cycle(unsigned long long *rs)
{
	const char *f = files[0];
	unsigned long long ino = 0, ino2 = 0;
	struct held c, d;
	int fd, fd2, ret;

	ret = held_spawn(&c, 0, K_MOUNT);
	if (ret) {
		efail(K_MOUNT, "creating a child: %s", strerror(-ret));
		sleep_us(10000);
		return;
	}
	if (fd_ino(c.pidfd, &ino)) {
		efail(K_MOUNT, "fstat of pidfd: %s", strerror(errno));
		goto out_child;
	}

	/* A pidfd is not a directory. */
	if (opt.methods & BIND_MOUNT) {
		ret = bind_pidfd(c.pidfd, subdir, BIND_MOUNT);
		if (!ret)
			umount2(subdir, MNT_DETACH);
		if (ret != -ENOTDIR)
			efail(K_MOUNT, "mount(MS_BIND) of a pidfd onto a directory: %s",
			      ret ? strerror(-ret) : "worked");
	}

	if (!mnt_bind(rs, c.pidfd, f, "a held child's pidfd"))
		goto out_child;
	mnt_reopen(f, ino, c.pid, 1);
	if (rnd(rs, 2)) {
		/* Detach with a file open through the mount. */
		pin_begin();
		fd = open(f, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			efail(K_MOUNT, "open(%s): %s", f, strerror(errno));
			pin_end();
			goto out_child;
		}
		ADD(kinds[K_MOUNT].ops, 2);
		count(K_MOUNT, MT_DETACH);
		if (umount2(f, MNT_DETACH))
			efail(K_MOUNT, "umount2(%s, MNT_DETACH) while open: %s", f,
			      strerror(errno));
		if (fd_ino(fd, &ino2))
			efail(K_MOUNT, "fstat of a pidfd opened through a detached mount: %s",
			      strerror(errno));
		else if (ino2 != ino)
			fail(K_MOUNT, "pidfd through a detached mount: st_ino %llu, not %llu",
			     ino2, ino);
		if (sys_pidfd_send_signal(fd, 0))
			efail(K_MOUNT, "pidfd opened through a detached mount: %s",
			      strerror(errno));
		close(fd);
		pin_end();
	} else {
		mnt_umount(rs, f, 0, true);
	}

	/* Rebind from another pidfd of the same process. */
	fd2 = sys_pidfd_open(c.pid, rnd(rs, 2) ? PIDFD_NONBLOCK : 0);
	if (fd2 < 0) {
		efail(K_MOUNT, "pidfd_open(%d) of a held child: %s", c.pid, strerror(errno));
		goto out_child;
	}
	if (!mnt_bind(rs, fd2, f, "a second pidfd")) {
		close(fd2);
		goto out_child;
	}
	mnt_reopen(f, ino, c.pid, 1);

	/* Stack another process's pidfd on top. */
	if (rnd(rs, 2) && !held_spawn(&d, 0, K_MOUNT)) {
		if (fd_ino(d.pidfd, &ino2)) {
			efail(K_MOUNT, "fstat of pidfd: %s", strerror(errno));
		} else if (mnt_bind(rs, d.pidfd, f, "a pidfd over a pidfd mount")) {
			count(K_MOUNT, MT_STACKED);
			mnt_reopen(f, ino2, d.pid, 1);
			mnt_umount(rs, f, 0, false);
			mnt_reopen(f, ino, c.pid, 1);
		}
		held_finish(&d, K_MOUNT);
	}

	/* The mount outlives the process and both pidfds. */
	held_release(&c);
	if (!held_reap(&c, K_MOUNT)) {
		count(K_MOUNT, MT_REAPED);
		mnt_reopen(f, ino, c.pid, 0);
	}
	close(fd2);
	close(c.pidfd);
	c.pidfd = -1;
	if (!rnd(rs, 4))
		mnt_reopen(f, ino, c.pid, 0);
	mnt_umount(rs, f, 0, true);
	return;

out_child:
	/* After a failure: uncover the file again. */
	while (!path_ino(f, &ino) && ino != file_ino[0] && !umount2(f, MNT_DETACH))
		;
	held_finish(&c, K_MOUNT);
}

static void *mount_main(void *arg)
{
	unsigned long long rs = rnd_seed(400);
	unsigned long i;

	(void)arg;
	for (i = 0; !LOAD(stop) && (!opt.iters || i < opt.iters); i++) {
		mnt_cycle(&rs);
		mnt_ring(&rs);
	}
	worker_done();
	return NULL;
}

static const char * const case_names[] = {
	"pidfd open/close vs exit and reap",
	"short-lived children reaped by waitid(P_ALL)",
	"namespace ioctls and /proc/PID/ns vs exit",
	"pidfd bind mounts vs exit and reap",
	"all children reaped, no fd left open",
};

/* Fail the next case for @what, the remaining ones as not run. */
static void bail_out(const char *what, const char *why)
{
	printf("not ok %d %s: %s\n", tap_next, what, why);
	for (tap_next++; tap_next <= (int)ARRAY_SIZE(case_names); tap_next++)
		printf("not ok %d %s # not run\n", tap_next, case_names[tap_next - 1]);
	fflush(stdout);
}

static void *watchdog_main(void *arg)
{
	long long deadline = start_ms + 3000LL * opt.secs;
	struct timespec ts;
	char why[96];

	(void)arg;
	while (!LOAD(all_done)) {
		if (now_ms() >= deadline) {
			STORE(stop, true);
			snprintf(why, sizeof(why), "still running after %u s (3 x -t %u)",
				 3 * opt.secs, opt.secs);
			/* Printing goes ahead even if a stuck thread holds the lock. */
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 5;
			pthread_mutex_timedlock(&out_lock, &ts);
			bail_out("watchdog", why);
			tmpfs_remove(tmpdir);
			/* Held children die with their threads (PR_SET_PDEATHSIG). */
			_exit(1);
		}
		sleep_us(100000);
	}
	return NULL;
}

static int setup_mounts(void)
{
	unsigned int i;
	int fd;

	if (private_tmpfs(tmpdir, sizeof(tmpdir), "pidfs_stress"))
		return -1;
	for (i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(files[i], sizeof(files[i]), "%s/pidfd%u", tmpdir, i);
		fd = open(files[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0 || fd_ino(fd, &file_ino[i])) {
			printf("# creating %s: %s\n", files[i], strerror(errno));
			return -1;
		}
		close(fd);
	}
	snprintf(subdir, sizeof(subdir), "%s/dir", tmpdir);
	if (mkdir(subdir, 0700)) {
		printf("# mkdir(%s): %s\n", subdir, strerror(errno));
		return -1;
	}
	return 0;
}

static void setup_ns_types(void)
{
	unsigned int i;
	char path[64];

	for (i = 0; i < NR_NS; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_types[i].name);
		ns_present[i] = !path_ino(path, &ns_self_ino[i]);
		if (!ns_present[i])
			printf("# no %s namespaces in this kernel: expecting EOPNOTSUPP\n",
			       ns_types[i].name);
	}
}

static void print_usage(const char *prog, FILE *f)
{
	fprintf(f,
		"usage: %s [-t SECONDS] [-n COUNT] [-j OPENERS] [-N EVERY] [-b METHOD] [-s SEED] [-h]\n"
		"  -t SECONDS  run time (default 20); a watchdog fails the run after 3x that\n"
		"  -n COUNT    stop each thread after COUNT iterations (default 0: no limit)\n"
		"  -j OPENERS  pidfd_open() threads (default 2)\n"
		"  -N EVERY    every EVERYth namespace child also gets a new net namespace\n"
		"              (default 16, 0: never)\n"
		"  -b METHOD   how to bind-mount pidfds: mount, open_tree or both (default)\n"
		"  -s SEED     random seed (default: from the clock; printed)\n"
		"  -h          this help\n", prog);
}

static int parse_args(int argc, char **argv)
{
	unsigned long v;
	int c;

	opt.seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 20);
	while ((c = getopt(argc, argv, "t:n:j:N:b:s:h")) != -1) {
		switch (c) {
		case 't':
			if (!parse_ul(optarg, 0, 100000, &v) || !v)
				goto bad;
			opt.secs = v;
			break;
		case 'n':
			if (!parse_ul(optarg, 0, ~0UL, &v))
				goto bad;
			opt.iters = v;
			break;
		case 'j':
			if (!parse_ul(optarg, 0, 64, &v) || !v)
				goto bad;
			opt.openers = v;
			break;
		case 'N':
			if (!parse_ul(optarg, 0, 1000000, &v))
				goto bad;
			opt.net_every = v;
			break;
		case 'b':
			if (!strcmp(optarg, "mount"))
				opt.methods = BIND_MOUNT;
			else if (!strcmp(optarg, "open_tree"))
				opt.methods = BIND_OPEN_TREE;
			else if (!strcmp(optarg, "both"))
				opt.methods = BIND_MOUNT | BIND_OPEN_TREE;
			else
				goto bad;
			break;
		case 's':
			if (!parse_ul(optarg, 0, ~0UL, &v))
				goto bad;
			opt.seed = v;
			break;
		case 'h':
			print_usage(argv[0], stdout);
			exit(0);
		default:
			goto bad;
		}
	}
	if (optind == argc)
		return 0;
bad:
	print_usage(argv[0], stderr);
	exit(2);
}

static bool report_kind(enum kind k)
{
	struct kind_stats *ks = &kinds[k];
	bool ok = !ks->fails && ks->ops;
	unsigned int i;
	char buf[512];
	int len = 0;

	for (i = 0; i < NR_CTRS && ks->ctr_name[i]; i++)
		len += snprintf(buf + len, sizeof(buf) - len, " %s=%lu", ks->ctr_name[i],
				ks->ctr[i]);
	out("# %s:%s failures=%lu (unexpected errno: %lu)\n", ks->tag, buf, ks->fails,
	    ks->errnos);
	pthread_mutex_lock(&out_lock);
	if (ok)
		printf("ok %d %s: %lu %s\n", tap_next++, ks->title, ks->ops, ks->unit);
	else
		printf("not ok %d %s: %lu %s, %lu failures%s\n", tap_next++, ks->title, ks->ops,
		       ks->unit, ks->fails, ks->ops ? "" : " (nothing done)");
	pthread_mutex_unlock(&out_lock);
	return ok;
}

int main(int argc, char **argv)
{
	static int fds_before[MAX_FDS], fds_after[MAX_FDS];
	pthread_t forker, reaper, ns, ns_helper, mounter, watchdog;
	pthread_t openers[64];
	int nr_before, nr_after, mounts_before, mounts_after;
	pthread_rwlockattr_t rwattr;
	unsigned long left = 0;
	bool ok = true, leak;
	unsigned int i;
	long long deadline;
	int fd, ret;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);

	printf("TAP version 13\n");
	if (geteuid()) {
		printf("1..0 # SKIP needs root (mounts, namespaces)\n");
		return 0;
	}
	fd = sys_pidfd_open(getpid(), 0);
	if (fd < 0) {
		printf("1..0 # SKIP pidfd_open: %s\n", strerror(errno));
		return 0;
	}
	close(fd);

	nr_before = fd_list(fds_before, MAX_FDS);
	if (nr_before < 0) {
		printf("1..0 # SKIP listing /proc/self/fd: %s\n", strerror(-nr_before));
		return 0;
	}

	printf("1..5\n");
	printf("# seed %llu, %u s, %lu iterations per thread, %u openers, netns every %u, %s\n",
	       opt.seed, opt.secs, opt.iters, opt.openers, opt.net_every,
	       opt.methods == BIND_MOUNT ? "mount(MS_BIND)" :
	       opt.methods == BIND_OPEN_TREE ? "open_tree" : "mount(MS_BIND) and open_tree");
	start_ms = now_ms();
	if (setup_mounts()) {
		bail_out("setup", "setting up a private tmpfs failed");
		tmpfs_remove(tmpdir);
		return 1;
	}
	setup_ns_types();
	mounts_before = count_lines("/proc/self/mountinfo");

	pthread_rwlockattr_init(&rwattr);
	pthread_rwlockattr_setkind_np(&rwattr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&clone_lock, &rwattr);

	ret = pthread_create(&watchdog, NULL, watchdog_main, NULL);
	workers = 3 + opt.openers;
	ret = ret ?: pthread_create(&reaper, NULL, reaper_main, NULL);
	ret = ret ?: pthread_create(&forker, NULL, forker_main, NULL);
	for (i = 0; i < opt.openers && !ret; i++)
		ret = pthread_create(&openers[i], NULL, opener_main, (void *)(uintptr_t)(i + 1));
	ret = ret ?: pthread_create(&ns_helper, NULL, ns_helper_main, NULL);
	ret = ret ?: pthread_create(&ns, NULL, ns_main, NULL);
	ret = ret ?: pthread_create(&mounter, NULL, mount_main, NULL);
	if (ret) {
		/* Cannot clean up threads that run: let the watchdog's cleanup do it. */
		printf("# pthread_create: %s\n", strerror(ret));
		bail_out("setup", "could not start the threads");
		tmpfs_remove(tmpdir);
		_exit(1);
	}

	deadline = start_ms + 1000LL * opt.secs;
	while (now_ms() < deadline && LOAD(workers) > 0)
		sleep_us(20000);
	STORE(stop, true);

	pthread_join(forker, NULL);
	for (i = 0; i < opt.openers; i++)
		pthread_join(openers[i], NULL);
	pthread_join(ns, NULL);
	pthread_join(ns_helper, NULL);
	pthread_join(mounter, NULL);
	pthread_join(reaper, NULL);
	printf("# ran %lld ms\n", now_ms() - start_ms);

	/* Every child must have been reaped by the thread that owns it. */
	deadline = now_ms() + STEP_TIMEOUT_MS;
	for (;;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		ret = sys_waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL);
		if (ret && errno == EINTR)
			continue;
		if (ret)
			break;
		if (si.si_pid) {
			left++;
			continue;
		}
		if (now_ms() > deadline) {
			printf("# children still running %d s after the end\n",
			       STEP_TIMEOUT_MS / 1000);
			left++;
			break;
		}
		sleep_us(10000);
	}
	if (ret && errno != ECHILD)
		printf("# waitid(P_ALL, __WALL): %s\n", strerror(errno));

	mounts_after = count_lines("/proc/self/mountinfo");
	if (mounts_after != mounts_before)
		fail(K_MOUNT, "%d lines in mountinfo before, %d after", mounts_before,
		     mounts_after);

	tmpfs_remove(tmpdir);

	for (i = 0; i < NR_KINDS; i++)
		ok &= report_kind(i);

	nr_after = fd_list(fds_after, MAX_FDS);
	leak = nr_after != nr_before ||
	       memcmp(fds_before, fds_after, nr_before * sizeof(fds_before[0]));
	if (leak) {
		out("# file descriptors before:");
		for (i = 0; i < (unsigned int)nr_before; i++)
			out(" %d", fds_before[i]);
		out("; after:");
		for (i = 0; i < (unsigned int)(nr_after > 0 ? nr_after : 0); i++)
			out(" %d", fds_after[i]);
		out("\n");
	}
	out("# children: %lu created, %lu reaped by their threads, %lu left\n", nr_children,
	    nr_reaped, left);
	pthread_mutex_lock(&out_lock);
	if (!leak && !left && nr_children == nr_reaped) {
		printf("ok %d all children reaped, no fd left open: %lu children, %d fds\n",
		       tap_next++, nr_children, nr_after);
	} else {
		printf("not ok %d all children reaped, no fd left open\n", tap_next++);
		ok = false;
	}
	STORE(all_done, true);
	pthread_mutex_unlock(&out_lock);
	pthread_join(watchdog, NULL);
	return ok ? 0 : 1;
}
