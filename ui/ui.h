/*
 * The full-screen console. ui/ depends on src/; src/ never includes this.
 */
#ifndef HERALD_UI_H
#define HERALD_UI_H

struct config;

/* Run the console on the database at db_path until the operator quits.
 * Returns a process exit status (0, or EXIT_* from util.h). */
int	ui_main(struct config *cfg, const char *db_path);

#endif
