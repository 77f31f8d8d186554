/*
 * The editor round trip: message_edit() with ui_run_external() as the way
 * to run the editor, so the console leaves curses, the editor gets the
 * terminal, and the console comes back and redraws everything. A file
 * that does not parse is reopened by message_edit() with the error on
 * top, as many times as it takes.
 */
#include <stdlib.h>
#include <string.h>

#include "compose_ui.h"
#include "config/config.h"
#include "mail/message.h"
#include "store/store.h"

/* Run the editor through the console. */
static int
compose_editor(char *const argv[], void *ui, char **cause)
{
	return ui_run_external(ui, argv, cause);
}

/* An empty issue from the configured From, for list. */
void
compose_new_issue(struct ui *ui, struct issue *is, const char *list)
{
	const char	*from = config_get(ui_config(ui), "from");
	const char	*enc = config_get(ui_config(ui), "transfer_encoding");
	const char	*cs = config_get(ui_config(ui), "charset");
	char		*cause = NULL;

	memset(is, 0, sizeof *is);
	is->from = xstrdup(from != NULL ? from : "");
	is->reply_to = xstrdup("");
	is->subject = xstrdup("");
	is->body = xstrdup("");
	is->unsubscribe = xstrdup("");
	is->encoding = xstrdup(enc != NULL ? enc : "auto");
	is->kind = xstrdup("notice");
	is->charset = xstrdup(cs != NULL ? cs : "utf-8");
	is->list_name = list != NULL ? xstrdup(list) : NULL;
	/* With its id the editor names the list's merge fields. */
	if (list != NULL && store_list_find(ui_store(ui), list, &is->list_id,
	    &cause) == -1) {
		free(cause);
		is->list_id = 0;
	}
}

/* c: a new issue with issue id's text; the status line says what
 * happened. Its id, or 0. */
int64_t
compose_copy(struct ui *ui, int64_t id)
{
	char	*cause = NULL;
	int64_t	 copy;

	switch (store_issue_copy(ui_store(ui), id, &copy, &cause)) {
	case -1:
		ui_cause(ui, _("The issue was not copied"), cause);
		return 0;
	case 1:
		ui_error(ui, _("Issue %lld is gone"), (long long)id);
		return 0;
	}
	ui_info(ui, _("Issue %lld is a copy of issue %lld: e edits it"),
	    (long long)copy, (long long)id);
	return copy;
}

/* Edit an issue; the status line says how it ended. */
int
compose_edit(struct ui *ui, struct issue *is)
{
	enum message_edit_result	 res;
	char				*cause = NULL;
	int64_t				 id = is->id;
	int				 isnew = is->id == 0;

	/* Its send renders the text it started with: refuse before the
	 * editor opens rather than lose the edit when it is saved. */
	if (!isnew) {
		switch (store_issue_busy(ui_store(ui), is->id, &cause)) {
		case -1:
			ui_cause(ui, _("Cannot read the issue"), cause);
			return -1;
		case 1:
			ui_error(ui, _("Issue %lld cannot be edited: its send "
			    "is not finished. c copies it (herald issue copy "
			    "%lld)"), (long long)is->id, (long long)is->id);
			return 0;
		}
	}
	if (message_edit(ui_store(ui), is, compose_editor, ui, &res,
	    &cause) == -1) {
		ui_cause(ui, isnew ? _("The new issue was not saved") :
		    _("The issue is unchanged"), cause);
		ui_dirty(ui);
		return -1;
	}
	ui_dirty(ui);
	switch (res) {
	case MESSAGE_EDIT_SAVED:
		ui_info(ui, isnew ?
		    _("Issue %lld created. Enter previews it.") :
		    _("Issue %lld saved. Enter previews it."),
		    (long long)is->id);
		return 1;
	case MESSAGE_EDIT_COPIED:
		ui_info(ui, _("Issue %lld saved: a copy, as the send of issue "
		    "%lld started while it was edited"), (long long)is->id,
		    (long long)id);
		return 1;
	case MESSAGE_EDIT_UNCHANGED:
		if (isnew)
			ui_info(ui, _("Nothing saved: the new issue was left "
			    "as it was"));
		else
			ui_info(ui, _("Issue %lld unchanged"),
			    (long long)is->id);
		return 0;
	default:
		if (isnew)
			ui_info(ui, _("Nothing saved: the new issue was given "
			    "up"));
		else
			ui_info(ui, _("Issue %lld unchanged: the edit was "
			    "given up"), (long long)is->id);
		return 0;
	}
}
