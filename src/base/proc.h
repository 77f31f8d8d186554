/*
 * Running a program in the foreground, as system(3) does but from an argv:
 * the operator's editor, from the CLI and from the console (which leaves
 * curses around it). No herald knowledge; uses util.h only.
 */
#ifndef HERALD_PROC_H
#define HERALD_PROC_H

/* Run argv[0] (searched in PATH) on this terminal and wait for it; ^C and
 * ^\ go to it, not to us, meanwhile. Returns its wait status (exit 127:
 * it could not run), or -1 with *cause when it could not be started or
 * waited for. */
int	proc_run(char *const argv[], char **cause);

#endif
