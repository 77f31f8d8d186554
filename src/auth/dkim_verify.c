/*
 * DKIM verifying with libopendkim: every signature of a message, with a
 * good signature and a good body hash counted as a pass. Keys come through
 * a lookup callback (herald's resolver, the local keys, or a table in the
 * tests), because libopendkim's own resolver only speaks to port 53.
 */
/* Here dkim_verify is libopendkim's (see dkim.h). */
#define HERALD_DKIM_LIBOPENDKIM

#include <stdlib.h>
#include <string.h>

#include <opendkim/dkim.h>

#include "dkim.h"
#include "dkim_int.h"
#include "dns.h"
#include "store/store.h"
#include "base/util.h"
#include "base/i18n.h"

#define DKIM_VERIFY_MAX		16	/* signatures a verdict describes */

enum { DKIM_SIG_FAIL, DKIM_SIG_PASS, DKIM_SIG_TEMPERROR };

struct dkim_vctx {
	dkim_lookup_fn	 fn;
	void		*arg;
	/* "name\tT|P\twhy\n" per failed lookup: T a temporary failure (the
	 * resolver did not answer), P a permanent one */
	struct buf	 notes;
};

/* What the lookup said about name, or NULL; *temp set when it failed
 * for now only. */
static char *
dkim_vctx_note(struct dkim_vctx *c, const char *name, int *temp)
{
	const char	*p = c->notes.data, *tab, *nl;
	size_t		 len = strlen(name);

	*temp = 0;
	while (p != NULL && *p != '\0') {
		tab = strchr(p, '\t');
		nl = strchr(tab, '\n');
		if ((size_t)(tab - p) == len && memcmp(p, name, len) == 0) {
			*temp = tab[1] == 'T';
			return xstrndup(tab + 3, (size_t)(nl - tab - 3));
		}
		p = nl + 1;
	}
	return NULL;
}

/* libopendkim's key lookup: asks the verifier's source. */
static DKIM_CBSTAT
dkim_key_cb(DKIM *d, DKIM_SIGINFO *sig, u_char *buf, size_t buflen)
{
	struct dkim_vctx	*c = dkim_get_user_context(d);
	const char		*sel, *dom;
	char			*name, *txt = NULL, *why = NULL, *s = NULL;
	size_t			 len = 0;
	int			 rc;
	DKIM_CBSTAT		 ret = DKIM_CBSTAT_CONTINUE;

	sel = (const char *)dkim_sig_getselector(sig);
	dom = (const char *)dkim_sig_getdomain(sig);
	if (c == NULL || sel == NULL || dom == NULL)
		return DKIM_CBSTAT_ERROR;
	name = xprintf("%s._domainkey.%s", sel, dom);
	rc = c->fn(c->arg, name, &txt, &len, &why);
	/* Notes are "NAME\tP|T\tTEXT\n": a permanent or temporary failure. */
	if (rc == 1) {
		s = xprintf(_("no key record at %s"), name);
		buf_printf(&c->notes, "%s\tP\t%s\n", name, s);
		ret = DKIM_CBSTAT_NOTFOUND;
	} else if (rc == -1) {
		/* RFC 6376 6.1.2: a lookup that fails is TEMPFAIL. */
		s = xprintf(_("key lookup failed: %s"), why != NULL ? why :
		    _("unknown error"));
		buf_printf(&c->notes, "%s\tT\t%s\n", name, s);
		ret = DKIM_CBSTAT_ERROR;
	} else if (len >= buflen || memchr(txt, '\0', len) != NULL) {
		s = xprintf(_("the key record at %s is too long or holds a NUL "
		    "byte"), name);
		buf_printf(&c->notes, "%s\tP\t%s\n", name, s);
		ret = DKIM_CBSTAT_ERROR;
	} else {
		memcpy(buf, txt, len);
		buf[len] = '\0';
	}
	free(s);
	free(txt);
	free(why);
	free(name);
	return ret;
}

/* "rsa-sha256" etc. */
static const char *
dkim_alg_name(dkim_alg_t a)
{
	switch (a) {
	case DKIM_SIGN_RSASHA1:
		return "rsa-sha1";
	case DKIM_SIGN_RSASHA256:
		return "rsa-sha256";
	case DKIM_SIGN_ED25519SHA256:
		return "ed25519-sha256";
	default:
		return "unknown";
	}
}

/* One line about one signature; returns DKIM_SIG_PASS, _FAIL or
 * _TEMPERROR (its key could not be looked up now). */
static int
dkim_describe_sig(struct dkim_vctx *c, DKIM_SIGINFO *sig, struct buf *out)
{
	const char	*dom, *sel, *e;
	char		*name, *note;
	dkim_alg_t	 alg = DKIM_SIGN_UNKNOWN;
	unsigned int	 flags = dkim_sig_getflags(sig);
	int		 bh = dkim_sig_getbh(sig), err = dkim_sig_geterror(sig);
	int		 pass, temp = 0;

	dom = (const char *)dkim_sig_getdomain(sig);
	sel = (const char *)dkim_sig_getselector(sig);
	dkim_sig_getsignalg(sig, &alg);
	buf_printf(out, "d=%s s=%s a=%s: ", dom != NULL ? dom : "?",
	    sel != NULL ? sel : "?", dkim_alg_name(alg));
	pass = (flags & DKIM_SIGFLAG_PASSED) != 0 && bh == DKIM_SIGBH_MATCH;
	if (pass) {
		buf_adds(out, "pass");
		if (flags & DKIM_SIGFLAG_TESTKEY)
			buf_adds(out, _(" (t=y: a test key)"));
	} else if ((flags & DKIM_SIGFLAG_PASSED) && bh != DKIM_SIGBH_MATCH)
		buf_adds(out, _("fail (body hash mismatch: the body was "
		    "changed)"));
	else if (err == DKIM_SIGERROR_NOKEY || err == DKIM_SIGERROR_KEYFAIL ||
	    err == DKIM_SIGERROR_UNKNOWN) {
		name = xprintf("%s._domainkey.%s", sel != NULL ? sel : "",
		    dom != NULL ? dom : "");
		note = dkim_vctx_note(c, name, &temp);
		e = err == DKIM_SIGERROR_UNKNOWN && note == NULL ?
		    _("not checked") : dkim_sig_geterrorstr(err);
		buf_printf(out, "%s (%s)", temp ? "temperror" : "fail",
		    note != NULL ? note : e != NULL ? e : _("no key"));
		free(note);
		free(name);
	} else if (err == DKIM_SIGERROR_OK || err == DKIM_SIGERROR_BADSIG) {
		if (bh == DKIM_SIGBH_MISMATCH)
			buf_adds(out, _("fail (signature mismatch and body "
			    "hash mismatch)"));
		else
			buf_adds(out, _("fail (signature mismatch: a signed "
			    "header field was changed, or the wrong key)"));
	} else {
		e = dkim_sig_geterrorstr(err);
		buf_printf(out, "fail (%s)", e != NULL ? e : "error");
	}
	buf_addc(out, '\n');
	return pass ? DKIM_SIG_PASS : temp ? DKIM_SIG_TEMPERROR : DKIM_SIG_FAIL;
}

/* Verify every signature of msg with keys from lookup. */
int
dkim_verify_lookup(dkim_lookup_fn lookup, void *arg, const char *msg,
    size_t len, struct dkim_verdict *v, char **cause)
{
	struct dkim_msg	  m;
	struct dkim_vctx  c;
	struct buf	  sum;
	DKIM_LIB	 *lib;
	DKIM		 *d;
	DKIM_STAT	  st;
	DKIM_SIGINFO	**sigs;
	int		  nsigs = 0, i, stage, rc = -1;

	memset(v, 0, sizeof *v);
	if (dkim_msg_split(msg, len, &m, cause) == -1)
		return -1;
	memset(&c, 0, sizeof c);
	c.fn = lookup;
	c.arg = arg;
	buf_init(&c.notes);
	buf_init(&sum);
	if ((lib = dkim_init(NULL, NULL)) == NULL) {
		free(m.f);
		return set_cause(cause, _("libopendkim: dkim_init failed"));
	}
	dkim_set_key_lookup(lib, dkim_key_cb);
	if ((d = dkim_verify(lib, (const u_char *)"herald", NULL, &st)) ==
	    NULL) {
		set_cause(cause, "libopendkim: %s", dkim_getresultstr(st));
		goto out;
	}
	dkim_set_user_context(d, &c);
	st = dkim_msg_feed(d, &m, 1, &stage);
	if (st == DKIM_STAT_NOSIG) {
		v->summary = xstrdup(_("no DKIM-Signature field\n"));
		rc = 0;
		goto out;
	}
	if (stage == 0 && st != DKIM_STAT_OK) {
		set_cause(cause, _("the message cannot be checked: %s"),
		    dkim_lib_error(d, st));
		goto out;
	}
	if (dkim_getsiglist(d, &sigs, &nsigs) != DKIM_STAT_OK || nsigs == 0) {
		v->summary = xprintf(_("no usable DKIM-Signature field (%s)\n"),
		    dkim_lib_error(d, st));
		rc = 0;
		goto out;
	}
	v->signatures = nsigs;
	for (i = 0; i < nsigs && i < DKIM_VERIFY_MAX; i++)
		switch (dkim_describe_sig(&c, sigs[i], &sum)) {
		case DKIM_SIG_PASS:
			v->passed++;
			break;
		case DKIM_SIG_TEMPERROR:
			v->temperror++;
			break;
		}
	if (nsigs > DKIM_VERIFY_MAX)
		buf_printf(&sum, _("(%d more signatures not described)\n"),
		    nsigs - DKIM_VERIFY_MAX);
	v->summary = buf_take(&sum);
	rc = 0;
out:
	if (d != NULL)
		dkim_free(d);
	dkim_close(lib);
	buf_free(&sum);
	buf_free(&c.notes);
	free(m.f);
	return rc;
}

/* Key records from DNS: the TXT record that is a DKIM key record. */
static int
dkim_dns_lookup(void *arg, const char *name, char **txt, size_t *len,
    char **why)
{
	struct dns		*dns = arg;
	struct dns_answer	 ans;
	enum dns_status		 st;
	size_t			 i;
	int			 rc = 1;

	memset(&ans, 0, sizeof ans);
	st = dns_query(dns, name, DNS_TXT, &ans);
	switch (st) {
	case DNS_OK:
		for (i = 0; i < ans.n; i++)
			if (dkim_txt_is_key(ans.rr[i].u.txt, ans.rr[i].len)) {
				*txt = xmalloc(ans.rr[i].len + 1);
				memcpy(*txt, ans.rr[i].u.txt, ans.rr[i].len);
				(*txt)[ans.rr[i].len] = '\0';
				*len = ans.rr[i].len;
				rc = 0;
				break;
			}
		break;
	case DNS_NXDOMAIN:
	case DNS_NODATA:
		break;
	default:
		*why = xprintf("%s%s%s (resolver %s)", dns_status_name(st),
		    ans.why != NULL ? ": " : "", ans.why != NULL ? ans.why : "",
		    dns_describe(dns));
		rc = -1;
		break;
	}
	dns_answer_free(&ans);
	return rc;
}

/* Verify every signature of msg, keys from DNS. */
int
dkim_verify_message(struct dns *dns, const char *msg, size_t len,
    struct dkim_verdict *v, char **cause)
{
	return dkim_verify_lookup(dkim_dns_lookup, dns, msg, len, v, cause);
}

/* Key records from the local keys: name is SELECTOR._domainkey.DOMAIN. */
static int
dkim_local_lookup(void *arg, const char *name, char **txt, size_t *len,
    char **why)
{
	struct store	*st = arg;
	struct dkim_key	 k;
	const char	*mid;
	char		*sel, *cause = NULL;
	int		 rc;

	if ((mid = strstr(name, "._domainkey.")) == NULL)
		return 1;
	sel = xstrndup(name, (size_t)(mid - name));
	rc = store_dkim_get(st, mid + strlen("._domainkey."), sel, &k, &cause);
	free(sel);
	if (rc == -1) {
		*why = cause;
		return -1;
	}
	if (rc == 1)
		return 1;
	*txt = dkim_record_value(&k);
	*len = strlen(*txt);
	dkim_key_free(&k);
	return 0;
}

/* Verify every signature of msg against the local public keys. */
int
dkim_verify_local(struct store *st, const char *msg, size_t len,
    struct dkim_verdict *v, char **cause)
{
	return dkim_verify_lookup(dkim_local_lookup, st, msg, len, v, cause);
}

/* Free a verdict's summary. */
void
dkim_verdict_free(struct dkim_verdict *v)
{
	free(v->summary);
	v->summary = NULL;
}
