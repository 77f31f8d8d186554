/*
 * The console's shell (ui/ui.c): curses set-up, the one loop (keys, the
 * children's pipes, timers, frames), key dispatch, the table of tabs (the
 * only place that names every screen) and leaving curses for an editor.
 * Below it, one folder per screen (ui/lists, ui/compose, ui/keys,
 * ui/health, ui/send, ui/settings, ui/feedback), all on ui/kit
 * (ui/kit/screen.h), all on src/. Nothing includes this header but ui/main.c, the program's
 * entry; src/ never includes anything of ui/.
 */
#ifndef HERALD_UI_H
#define HERALD_UI_H

struct config;

/* Run the console on the database at db_path until the operator quits.
 * Returns a process exit status (0, or EXIT_* from util.h). */
int	ui_main(struct config *cfg, const char *db_path);

#endif
