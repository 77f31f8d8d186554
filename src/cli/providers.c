/*
 * herald providers: the pace in use per provider (smtp/provider.h's
 * built-in table with provider.NAME over it), per recipient domain
 * (pace.DOMAIN), and for a domain at no provider the table knows (its MX
 * host, from per_domain), each value with its source.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_int.h"
#include "config/config.h"
#include "base/json.h"
#include "smtp/provider.h"

/* One value of a pace with where it comes from. */
struct pv {
	int		 v;		/* 0: not set (per_minute: no limit) */
	const char	*src;		/* "built-in", a key, "unset" */
};

/* A provider's three values: the table's, or the key's where it sets
 * them. */
static void
prov_values(const struct config *cfg, const struct provider *p,
    struct pv out[3], char **key)
{
	struct pace	 over;
	const char	*val;
	int		 i, set[3];

	*key = xprintf("provider.%s", p->name);
	memset(&over, 0, sizeof over);
	if ((val = config_get(cfg, *key)) != NULL)
		(void)pace_parse(val, &over, NULL);
	set[0] = over.sessions;
	set[1] = over.per_session;
	set[2] = over.per_minute;
	out[0].v = p->def.sessions;
	out[1].v = p->def.per_session;
	out[2].v = p->def.per_minute;
	for (i = 0; i < 3; i++) {
		out[i].src = "built-in";
		if (set[i] > 0) {
			out[i].v = set[i];
			out[i].src = *key;
		}
	}
}

static void
pv_json(struct json *j, const struct pv v[3])
{
	static const char *const names[] = { "sessions", "per_session",
	    "per_minute" };
	int	i;

	for (i = 0; i < 3; i++) {
		json_open_object(j, names[i]);
		if (v[i].v > 0)
			json_put_int(j, "value", v[i].v);
		else
			json_put_null(j, "value");
		json_put_str(j, "source", v[i].src);
		json_close(j);
	}
}

/* "5 (built-in)", "no limit (built-in)", "-" when unset. */
static void
pv_text(const struct pv *v, int cols)
{
	char	*s;

	if (strcmp(v->src, "unset") == 0)
		s = xstrdup("-");
	else if (v->v > 0)
		s = xprintf("%d (%s)", v->v, strcmp(v->src, "built-in") == 0 ?
		    _("built-in") : v->src);
	else
		s = xprintf(_("no limit (%s)"), strcmp(v->src, "built-in") ==
		    0 ? _("built-in") : v->src);
	cli_pad(s, cols, 0, " ");
	free(s);
}

/* The values for an MX host of no known provider: per_domain's
 * sessions, and a send's messages per session (SEND_LIMITS_DEFAULT). */
static void
other_values(const struct config *cfg, struct pv out[3], char **a)
{
	const char	*src;
	char		*v;

	v = config_effective(cfg, "per_domain", &src);
	out[0].v = v != NULL ? atoi(v) : 2;
	free(v);
	*a = xprintf("per_domain%s", strcmp(src, "set") == 0 ? "" :
	    NT(", default"));
	out[0].src = *a;
	out[1].v = 100;
	out[1].src = "built-in";
	out[2].v = 0;
	out[2].src = "built-in";
}

static int
cmd_providers(struct cli_env *env, const struct cli_cmd *cmd,
    struct cli_args *a)
{
	const struct provider	*p;
	const char		*key, *val;
	struct pv		 v[3];
	struct pace		 over;
	struct buf		 b;
	struct json		 j;
	char			*k, *oa;
	size_t			 i, m;

	(void)cmd;
	(void)a;
	if (env->json) {
		cli_json_open(&j, &b);
		json_open_array(&j, "providers");
	} else {
		cli_pad(_("PROVIDER"), 12, 0, " ");
		cli_pad(_("SESSIONS"), 22, 0, " ");
		cli_pad(_("PER SESSION"), 22, 0, " ");
		cli_pad(_("PER MINUTE"), 22, 0, " ");
		printf("%s\n", _("MX HOSTS"));
	}
	for (p = providers; p->name != NULL; p++) {
		prov_values(env->cfg, p, v, &k);
		if (env->json) {
			json_open_object(&j, NULL);
			json_put_str(&j, "name", p->name);
			json_put_str(&j, "label", p->label);
			json_open_array(&j, "mx");
			for (m = 0; p->mx[m] != NULL; m++)
				json_put_str(&j, NULL, p->mx[m]);
			json_close(&j);
			pv_json(&j, v);
			json_close(&j);
		} else {
			cli_pad(p->name, 12, 0, " ");
			for (i = 0; i < 3; i++)
				pv_text(&v[i], 22);
			for (m = 0; p->mx[m] != NULL; m++)
				printf("%s%s", m > 0 ? " " : "", p->mx[m]);
			printf("\n");
		}
		free(k);
	}
	other_values(env->cfg, v, &oa);
	if (env->json) {
		json_close(&j);
		json_open_object(&j, "others");
		pv_json(&j, v);
		json_close(&j);
		json_open_array(&j, "domains");
	} else {
		printf("\n%s\n  ", _("Any other MX host (every domain it "
		    "serves shares it):"));
		for (i = 0; i < 3; i++)
			pv_text(&v[i], 28);
		printf("\n");
	}
	free(oa);
	for (i = 0; config_prefixed_at(env->cfg, "pace.", i, &key, &val);
	    i++) {
		if (pace_parse(val, &over, NULL) == -1)
			continue;
		v[0].v = over.sessions;
		v[1].v = over.per_session;
		v[2].v = over.per_minute;
		for (m = 0; m < 3; m++)
			v[m].src = v[m].v > 0 ? key : "unset";
		if (env->json) {
			json_open_object(&j, NULL);
			json_put_str(&j, "domain", key + 5);
			pv_json(&j, v);
			json_close(&j);
		} else {
			if (i == 0)
				printf("\n%s\n", _("Domains with a pace of their "
				    "own (over their provider's; - : the "
				    "provider's):"));
			fputs("  ", stdout);
			cli_pad(key + 5, 24, 0, " ");
			for (m = 0; m < 3; m++)
				pv_text(&v[m], 24);
			printf("\n");
		}
	}
	if (env->json) {
		json_close(&j);
		cli_json_print(&j, &b);
	}
	return 0;
}

const struct cli_cmd cli_providers_cmds[] = {
	{ "providers", "", 0, 0, N_("the pace per mail provider: sessions, "
	  "messages per session and a minute"),
	  N_("Destinations are grouped by the provider running their MX "
	  "(Google, Microsoft,\n"
	  "Yahoo, Apple, docomo, au, SoftBank; any other MX host on its "
	  "own): every domain\n"
	  "hosted there shares the provider's limits. Prints the built-in "
	  "table with\n"
	  "provider.NAME over it, pace.DOMAIN, and what any other MX host "
	  "gets, each value\n"
	  "with its source. A provider that defers with its words for \"too "
	  "fast\" is\n"
	  "slowed down alone (herald status shows it). --json: "
	  "{\"providers\",\"others\",\n"
	  "\"domains\"}, each value {\"value\",\"source\"}."),
	  NULL, cmd_providers },
	{ NULL, NULL, 0, 0, NULL, NULL, NULL, NULL }
};
