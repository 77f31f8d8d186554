/*
 * Whom the preview is for: the member at a place in the list (address
 * order; the first by default, ] and [ step), or the member whose address
 * was typed with t (a non-member is refused: the preview shows what a
 * member gets, with their name and attributes).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/addr.h"
#include "preview.h"
#include "store/store.h"

/* The member found. */
struct pv_member {
	const char	*want;		/* NULL: take the first one given */
	char		*addr, *name, *attrs;
	int		 suppressed, exact;
};

/* Keep a member: the first one, or the one whose address is wanted. */
static int
pv_member_cb(const struct contact *c, void *arg)
{
	struct pv_member	*m = arg;
	int			 exact;

	if (m->want == NULL) {
		if (m->addr == NULL) {
			m->addr = xstrdup(c->addr);
			m->name = xstrdup(c->name);
			m->attrs = xstrdup(c->attrs);
			m->suppressed = c->suppressed;
		}
		return 1;
	}
	exact = strcmp(c->addr, m->want) == 0;
	if (!exact && strcasecmp(c->addr, m->want) != 0)
		return 0;
	if (m->addr != NULL && (m->exact || !exact))
		return 0;
	free(m->addr);
	free(m->name);
	free(m->attrs);
	m->addr = xstrdup(c->addr);
	m->name = xstrdup(c->name);
	m->attrs = xstrdup(c->attrs);
	m->suppressed = c->suppressed;
	m->exact = exact;
	return 0;
}

/* Counting members up to the one wanted. */
struct pv_count {
	const char	*want;
	int64_t		 n;
	int		 found;
};

/* Count until the address wanted. */
static int
pv_count_cb(const struct contact *c, void *arg)
{
	struct pv_count	*pc = arg;

	if (strcmp(c->addr, pc->want) == 0) {
		pc->found = 1;
		return 1;
	}
	pc->n++;
	return 0;
}

/* The place of addr in the list (address order), or -1. */
static int64_t
pv_index(struct ui *ui, int64_t list, const char *addr)
{
	struct pv_count	 pc;
	char		*cause = NULL;

	memset(&pc, 0, sizeof pc);
	pc.want = addr;
	if (store_contacts(ui_store(ui), list, NULL, 0, 0, pv_count_cb, &pc,
	    &cause) == -1) {
		free(cause);
		return -1;
	}
	return pc.found ? pc.n : -1;
}

/* Find the recipient; -1 with p->error. */
int
preview_member(struct ui *ui, struct preview *p)
{
	struct store		*st = ui_store(ui);
	struct pv_member	 m;
	char			*cause = NULL;
	int			 rc;

	if (store_contacts_count(st, p->is.list_id, NULL, &p->members,
	    &cause) == -1) {
		p->error = cause;
		return -1;
	}
	if (p->members == 0) {
		p->error = xprintf(_("The list \"%s\" has no members to "
		    "preview for: import some on the Lists screen."),
		    p->is.list_name);
		return -1;
	}
	if (p->index >= p->members)
		p->index = p->members - 1;
	memset(&m, 0, sizeof m);
	m.want = p->index < 0 ? p->want : NULL;
	rc = store_contacts(st, p->is.list_id, m.want, m.want != NULL ? 0 :
	    p->index, m.want != NULL ? 0 : 1, pv_member_cb, &m, &cause);
	if (rc == -1) {
		p->error = cause;
		return -1;
	}
	if (m.addr == NULL) {
		/* Removed since: back to the first member. */
		p->index = 0;
		free(p->want);
		p->want = NULL;
		p->error = xstrdup(_("That member is gone from the list: r "
		    "shows the first member."));
		return -1;
	}
	free(p->addr);
	free(p->name);
	free(p->attrs);
	p->addr = m.addr;
	p->name = m.name;
	p->attrs = m.attrs;
	p->suppressed = m.suppressed;
	return 0;
}

/* t: the address is typed. */
int
preview_to(struct ui *ui, const char *text, void *arg)
{
	struct preview		*p = arg;
	struct pv_member	 m;
	const char		*reason;
	char			 name[ADDR_NAME_MAX + 1], addr[ADDR_MAX + 1];
	char			*cause = NULL, *t;

	if (text == NULL)
		return 0;
	t = trim(xstrdup(text));
	if (addr_parse_mailbox(t, strlen(t), name, addr, &reason) == -1) {
		ui_error(ui, "'%s': %s", t, reason);
		free(t);
		return -1;
	}
	free(t);
	memset(&m, 0, sizeof m);
	m.want = addr;
	if (store_contacts(ui_store(ui), p->is.list_id, addr, 0, 0,
	    pv_member_cb, &m, &cause) == -1) {
		ui_cause(ui, _("Cannot search the list"), cause);
		return -1;
	}
	free(m.name);
	free(m.attrs);
	if (m.addr == NULL) {
		ui_error(ui, _("%s is not a member of \"%s\""), addr,
		    p->is.list_name);
		return -1;
	}
	free(p->want);
	p->want = m.addr;
	/* Its place, so that ] and [ go on from it. */
	if ((p->index = pv_index(ui, p->is.list_id, m.addr)) >= 0) {
		free(p->want);
		p->want = NULL;
	}
	p->top = 0;
	preview_build(ui, p);
	return 0;
}

