/*
 * The law's footer from the configuration, and the gate before an
 * advertisement is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "law.h"
#include "types.h"
#include "config/config.h"
#include "mail/footer.h"
#include "mail/issue_types.h"
#include "store/store.h"
#include "store/store_consent.h"
#include "base/i18n.h"
#include "base/utf8.h"
#include "base/util.h"

int
send_is_ad(const struct issue *is)
{
	return is->kind != NULL && strcmp(is->kind, "ad") == 0;
}

/* 1 if s has kana, kanji or full-width forms: the reader reads Japanese. */
static int
law_japanese(const char *s)
{
	unsigned int	cp;
	size_t		len;
	int		n;

	if (s == NULL)
		return 0;
	len = strlen(s);
	while (len > 0) {
		if ((n = utf8_decode(s, len, &cp)) <= 0)
			n = 1;
		else if ((cp >= 0x3040 && cp <= 0x30ff) ||
		    (cp >= 0x4e00 && cp <= 0x9fff) ||
		    (cp >= 0xff00 && cp <= 0xffef))
			return 1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The template the configuration names for is, or NULL: none. */
static const char *
law_footer_name(const struct config *cfg, const struct issue *is)
{
	const char	*v = config_get(cfg, "footer");

	if (v == NULL || strcmp(v, "auto") == 0) {
		if (!send_is_ad(is))
			return NULL;
		return law_japanese(is->subject) || law_japanese(is->body) ?
		    "ja" : "en";
	}
	if (strcmp(v, "off") == 0)
		return NULL;
	return v;
}

int
send_settings_footer(const struct config *cfg, const struct issue *is,
    struct send_settings *set, char **cause)
{
	const char	*name;
	struct footer	*f;

	if (set->footer != NULL) {
		footer_free(set->footer);
		free(set->footer);
		set->footer = NULL;
	}
	if (cfg == NULL || (name = law_footer_name(cfg, is)) == NULL)
		return 0;
	f = xcalloc(1, sizeof *f);
	if (footer_load(f, name, config_get(cfg, "sender_name"),
	    config_get(cfg, "sender_address"), config_get(cfg, "contact"),
	    cause) == -1) {
		free(f);
		return -1;
	}
	set->footer = f;
	return 0;
}

int
send_settings_footer_id(const struct config *cfg, struct store *st,
    int64_t id, struct send_settings *set, char **cause)
{
	struct issue	is;
	int		rc;

	if ((rc = store_issue_sent(st, id, &is, cause)) != 0) {
		if (rc == 1)
			set_cause(cause, _("no issue %lld"), (long long)id);
		return -1;
	}
	rc = send_settings_footer(cfg, &is, set, cause);
	issue_free(&is);
	return rc;
}

/* Is a display key unset (or only white space)? */
static int
law_unset(const struct config *cfg, const char *key)
{
	const char	*v = config_get(cfg, key);

	if (v == NULL)
		return 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return *v == '\0';
}

int
send_law_check(struct store *st, const struct config *cfg,
    const struct issue *is, struct send_law *law, char **cause)
{
	memset(law, 0, sizeof *law);
	if (!send_is_ad(is))
		return 0;
	law->ad = 1;
	law->no_name = law_unset(cfg, "sender_name");
	law->no_address = law_unset(cfg, "sender_address");
	law->no_contact = law_unset(cfg, "contact");
	law->footer_off = law_footer_name(cfg, is) == NULL;
	if (is->list_id != 0 && is->list_name != NULL &&
	    store_consent_missing(st, is->list_id, is->list_name,
	    &law->no_consent, cause) == -1)
		return -1;
	return 0;
}

int
send_law_blocks(const struct send_law *law)
{
	return law->ad && (law->no_name || law->no_address ||
	    law->no_contact || law->footer_off || law->no_consent > 0);
}

char *
send_law_text(const struct send_law *law, const char *list, int english)
{
	struct buf	 b, keys;

	if (!send_law_blocks(law))
		return NULL;
	buf_init(&b);
	buf_init(&keys);
	if (law->no_name)
		buf_adds(&keys, "sender_name");
	if (law->no_address)
		buf_printf(&keys, "%s%s", keys.len != 0 ? ", " : "",
		    "sender_address");
	if (law->no_contact)
		buf_printf(&keys, "%s%s", keys.len != 0 ? ", " : "", "contact");
	if (keys.len != 0) {
		buf_printf(&b, english ? NT("sender display missing, not "
		    "set: %s (herald config set KEY VALUE)") : _("sender "
		    "display missing, not set: %s (herald config set KEY "
		    "VALUE)"), keys.data);
		buf_addc(&b, '\n');
	}
	if (law->footer_off) {
		buf_adds(&b, english ? NT("footer off: an advertisement must "
		    "carry the sender's display and the way to refuse further "
		    "mail (herald config set footer auto)") : _("footer off: "
		    "an advertisement must carry the sender's display and the "
		    "way to refuse further mail (herald config set footer "
		    "auto)"));
		buf_addc(&b, '\n');
	}
	if (law->no_consent > 0) {
		if (english)
			buf_printf(&b, law->no_consent == 1 ?
			    NT("%lld recipient has no consent record (herald "
			    "list consent %s shows them)") : NT("%lld "
			    "recipients have no consent record (herald list "
			    "consent %s shows them)"),
			    (long long)law->no_consent, list);
		else
			buf_printf(&b, ngettext("%lld recipient has no "
			    "consent record (herald list consent %s shows "
			    "them)", "%lld recipients have no consent record "
			    "(herald list consent %s shows them)",
			    (unsigned long)law->no_consent),
			    (long long)law->no_consent, list);
		buf_addc(&b, '\n');
	}
	buf_free(&keys);
	/* No trailing line end. */
	if (b.len != 0)
		b.data[--b.len] = '\0';
	return buf_take(&b);
}
