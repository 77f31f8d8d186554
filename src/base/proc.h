/*
 * Running a program in the foreground, as system(3) does but from an argv:
 * the operator's editor, from the CLI and from the console (which leaves
 * curses around it); and the lock file that keeps a background process
 * one of its kind. No herald knowledge; uses util.h only.
 */
#ifndef HERALD_PROC_H
#define HERALD_PROC_H

/* Run argv[0] (searched in PATH) on this terminal and wait for it; ^C and
 * ^\ go to it, not to us, meanwhile. Returns its wait status (exit 127:
 * it could not run), or -1 with *cause when it could not be started or
 * waited for. */
int	proc_run(char *const argv[], char **cause);

/* Start a process that is nobody's child here and never has a terminal:
 * fork, a session of its own, SIGHUP ignored, then a grandchild. Returns 0
 * in that grandchild (which goes on to exec); in the caller, once the
 * child between has exited, 1, or -1 with *cause ("cannot start WHAT"). */
int	proc_detach(const char *what, char **cause);

/* Take an open file description lock (F_OFD_SETLK) on path (created 0600,
 * never through a symlink) for the rest of this process's life: the kernel
 * drops it when the process ends, however it ends. Writes our pid into the
 * file as a courtesy. The descriptor goes into *held (closing the one there
 * before, if any). Returns 0, 1 when another process holds the lock, or -1
 * with *cause. */
int	proc_lock(const char *path, int *held, char **cause);

#endif
