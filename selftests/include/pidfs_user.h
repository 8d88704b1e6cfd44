/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidfs_user.h - what the pidfs test programs (selftests/stress, failnth and
 * bench) share: the uapi definitions they use where the libc headers may
 * lack them (system call numbers, struct clone_args, the
 * PIDFD_GET_*_NAMESPACE ioctls, ...), system call wrappers and a few small
 * helpers for files and for a private tmpfs.
 *
 * Define _GNU_SOURCE before including anything.
 */
#ifndef PIDFS_USER_H
#define PIDFS_USER_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef PIDFS_IOCTL_MAGIC
#define PIDFS_IOCTL_MAGIC 0xFF
#endif
#ifndef PIDFD_GET_CGROUP_NAMESPACE
#define PIDFD_GET_CGROUP_NAMESPACE		_IO(PIDFS_IOCTL_MAGIC, 1)
#endif
#ifndef PIDFD_GET_IPC_NAMESPACE
#define PIDFD_GET_IPC_NAMESPACE			_IO(PIDFS_IOCTL_MAGIC, 2)
#endif
#ifndef PIDFD_GET_MNT_NAMESPACE
#define PIDFD_GET_MNT_NAMESPACE			_IO(PIDFS_IOCTL_MAGIC, 3)
#endif
#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE			_IO(PIDFS_IOCTL_MAGIC, 4)
#endif
#ifndef PIDFD_GET_PID_NAMESPACE
#define PIDFD_GET_PID_NAMESPACE			_IO(PIDFS_IOCTL_MAGIC, 5)
#endif
#ifndef PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE
#define PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE	_IO(PIDFS_IOCTL_MAGIC, 6)
#endif
#ifndef PIDFD_GET_TIME_NAMESPACE
#define PIDFD_GET_TIME_NAMESPACE		_IO(PIDFS_IOCTL_MAGIC, 7)
#endif
#ifndef PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE
#define PIDFD_GET_TIME_FOR_CHILDREN_NAMESPACE	_IO(PIDFS_IOCTL_MAGIC, 8)
#endif
#ifndef PIDFD_GET_USER_NAMESPACE
#define PIDFD_GET_USER_NAMESPACE		_IO(PIDFS_IOCTL_MAGIC, 9)
#endif
#ifndef PIDFD_GET_UTS_NAMESPACE
#define PIDFD_GET_UTS_NAMESPACE			_IO(PIDFS_IOCTL_MAGIC, 10)
#endif

/* PIDFD_GET_INFO: the first 64 bytes (PIDFD_INFO_SIZE_VER0) of struct pidfd_info. */
#ifndef PIDFD_GET_INFO
struct pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid;
	uint32_t tgid;
	uint32_t ppid;
	uint32_t ruid;
	uint32_t rgid;
	uint32_t euid;
	uint32_t egid;
	uint32_t suid;
	uint32_t sgid;
	uint32_t fsuid;
	uint32_t fsgid;
	int32_t exit_code;
};
#define PIDFD_GET_INFO _IOWR(PIDFS_IOCTL_MAGIC, 11, struct pidfd_info)
#define PIDFD_INFO_PID (1UL << 0)
#define PIDFD_INFO_CREDS (1UL << 1)
#endif

/* open_by_handle_at()'s directory fd for pidfs file handles. */
#ifndef FD_PIDFS_ROOT
#define FD_PIDFS_ROOT -10002
#endif

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
/* An idtype_t value (waitid()); <sys/wait.h> is included above. */
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

#ifndef CLONE_ARGS_SIZE_VER0
#define CLONE_ARGS_SIZE_VER0 64
/* The first CLONE_ARGS_SIZE_VER0 bytes of the uapi struct clone_args. */
struct clone_args {
	unsigned long long flags;
	unsigned long long pidfd;
	unsigned long long child_tid;
	unsigned long long parent_tid;
	unsigned long long exit_signal;
	unsigned long long stack;
	unsigned long long stack_size;
	unsigned long long tls;
};
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ---- system calls ---- */

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

static inline int sys_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0);
}

static inline int sys_waitid(int which, int id, siginfo_t *info, int options)
{
	return syscall(__NR_waitid, which, id, info, options, NULL);
}

static inline int sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return syscall(__NR_open_tree, dfd, path, flags);
}

static inline int sys_move_mount(int from_dfd, const char *from_path, int to_dfd,
				 const char *to_path, unsigned int flags)
{
	return syscall(__NR_move_mount, from_dfd, from_path, to_dfd, to_path, flags);
}

static inline pid_t sys_clone3(struct clone_args *args, size_t size)
{
	return syscall(__NR_clone3, args, size);
}

/*
 * clone3() like fork(), with a pidfd if @pidfd is not NULL. The child may
 * only make plain system calls: in a threaded process it is a copy of one
 * thread that glibc knows nothing about.
 */
static inline pid_t clone3_simple(int *pidfd, int exit_signal)
{
	struct clone_args args;

	memset(&args, 0, sizeof(args));
	if (pidfd) {
		args.flags = CLONE_PIDFD;
		args.pidfd = (unsigned long long)(uintptr_t)pidfd;
	}
	args.exit_signal = exit_signal;
	return sys_clone3(&args, CLONE_ARGS_SIZE_VER0);
}

/* ---- time and files ---- */

static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* st_ino of an fd or of a path. Return 0 or -errno (errno also set). */
static inline int fd_ino(int fd, unsigned long long *ino)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

static inline int path_ino(const char *path, unsigned long long *ino)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

/* Number of lines of a file, or -errno. */
static inline int count_lines(const char *path)
{
	char buf[4096];
	int fd, lines = 0;
	ssize_t n, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++)
			lines += buf[i] == '\n';
	}
	close(fd);
	return lines;
}

/* ---- a private tmpfs ---- */

/*
 * Unshare the mount namespace, make "/" private in it and mount a tmpfs on
 * a new directory /tmp/@name.XXXXXX, whose path goes to @dir (@size bytes,
 * empty before). Returns 0, or -1 after a TAP diagnostic ("# ...") on
 * stdout, with @dir empty: nothing is left for tmpfs_remove() then.
 */
static inline int private_tmpfs(char *dir, size_t size, const char *name)
{
	if (unshare(CLONE_NEWNS)) {
		printf("# unshare(CLONE_NEWNS): %s\n", strerror(errno));
		return -1;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		printf("# making / private: %s\n", strerror(errno));
		return -1;
	}
	snprintf(dir, size, "/tmp/%s.XXXXXX", name);
	if (!mkdtemp(dir)) {
		printf("# mkdtemp(%s): %s\n", dir, strerror(errno));
		dir[0] = '\0';
		return -1;
	}
	if (mount("tmpfs", dir, "tmpfs", 0, "mode=0700")) {
		printf("# mounting tmpfs on %s: %s\n", dir, strerror(errno));
		rmdir(dir);
		dir[0] = '\0';
		return -1;
	}
	return 0;
}

/* Unmount and remove the tmpfs of private_tmpfs(), if any. Async-signal-safe. */
static inline void tmpfs_remove(char *dir)
{
	if (!dir[0])
		return;
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	dir[0] = '\0';
}

/*
 * Parse a whole option argument as an unsigned number in @base (0: C
 * prefixes allowed) no larger than @max.
 */
static inline bool parse_ul(const char *s, int base, unsigned long max,
			    unsigned long *val)
{
	char *end;

	errno = 0;
	*val = strtoul(s, &end, base);
	return !errno && end != s && !*end && *val <= max;
}

#endif /* PIDFS_USER_H */
