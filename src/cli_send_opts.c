/*
 * The settings of herald send and herald resume: options, the
 * configuration and defaults, checked before anything is queued; and the
 * relay password, read from a mode 0600 file or asked on the terminal,
 * never taken from the command line.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli_int.h"
#include "cli_send.h"
#include "config.h"
#include "deliver.h"
#include "dns.h"

#define SEND_PASSWORD_MAX	512

/* A number option in [min, max]: 0 (unchanged when absent), or -1. */
static int
send_num(const char *name, const char *v, long long min, long long max,
    long long *out)
{
	if (v == NULL)
		return 0;
	if (parse_int(v, min, max, out) == -1) {
		cli_err("--%s: '%s' is not a number from %lld to %lld", name, v,
		    min, max);
		return -1;
	}
	return 0;
}

/* Replace a settings string. */
void
send_set_str(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v != NULL ? v : "");
}

/* Is s usable as a HELO name (a host name or an address literal)? */
static int
send_helo_ok(const char *s)
{
	size_t	len = strlen(s);

	if (len == 0 || len > 255)
		return 0;
	if (s[0] == '[' && s[len - 1] == ']')
		return 1;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-") == len && s[0] != '.' && s[0] != '-';
}

/*
 * Apply the options of send or resume to set. For send, a value not
 * given comes from the configuration (then the default); for resume,
 * only what is given replaces what the send was started with.
 */
int
send_options(struct cli_env *env, const struct cli_cmd *cmd,
    const struct cli_args *a, int resume, struct send_settings *set)
{
	struct deliver_limits	*l = &set->limits;
	const char		*v;
	char			 host[256], *cause = NULL;
	long long		 n;
	int			 port;
	unsigned char		 addr[16];

#define SEND_OPT(name, key) (cli_opt(cmd, a, name) != NULL ?		\
	cli_opt(cmd, a, name) : resume || (key) == NULL ? NULL :	\
	config_get(env->cfg, key))
	if ((v = SEND_OPT("tls", "tls_policy")) != NULL &&
	    tls_policy_parse(v, &set->policy) == -1) {
		cli_err("--tls: '%s': expected none, may, encrypt, verify or "
		    "dane", v);
		return -1;
	}
	if ((v = SEND_OPT("relay", "relay")) != NULL) {
		if (*v != '\0' && deliver_relay_parse(v, host, &port,
		    &cause) == -1) {
			cli_fail(0, cause);
			return -1;
		}
		send_set_str(&set->relay, v);
	}
	if ((v = SEND_OPT("auth", "relay_user")) != NULL)
		send_set_str(&set->relay_user, v);
	if (!resume && (v = config_get(env->cfg, "relay_password_file")) !=
	    NULL)
		send_set_str(&set->relay_password_file, v);
	if ((v = SEND_OPT("helo", "helo")) != NULL) {
		if (!send_helo_ok(v)) {
			cli_err("--helo: '%s' is not a host name", v);
			return -1;
		}
		send_set_str(&set->helo, v);
	}
	if ((v = SEND_OPT("source-ip", "source_ip")) != NULL) {
		if (*v != '\0' && inet_pton(AF_INET, v, addr) != 1 &&
		    inet_pton(AF_INET6, v, addr) != 1) {
			cli_err("--source-ip: '%s' is not an IP address", v);
			return -1;
		}
		send_set_str(&set->source_ip, v);
	}
	if ((v = SEND_OPT("resolver", "resolver")) != NULL)
		send_set_str(&set->resolver, v);
	if ((v = SEND_OPT("ca-file", "ca_file")) != NULL) {
		if (*v != '\0' && access(v, R_OK) == -1) {
			cli_err("--ca-file: cannot read %s: %s", v,
			    strerror(errno));
			return -1;
		}
		send_set_str(&set->ca_file, v);
	}
	if (send_num("smtp-port", SEND_OPT("smtp-port", "smtp_port"), 1,
	    65535, &n) == -1)
		return -1;
	if (SEND_OPT("smtp-port", "smtp_port") != NULL)
		set->smtp_port = (int)n;
	if (send_num("concurrency", v = SEND_OPT("concurrency",
	    "concurrency"), 1, 1000, &n) == -1)
		return -1;
	if (v != NULL)
		l->concurrency = (int)n;
	if (send_num("per-domain", v = SEND_OPT("per-domain", "per_domain"),
	    1, 100, &n) == -1)
		return -1;
	if (v != NULL)
		l->per_domain = (int)n;
	if (send_num("rate", v = SEND_OPT("rate", "rate"), 0, 100000,
	    &n) == -1)
		return -1;
	if (v != NULL)
		l->rate = (int)n;
	if (send_num("retry-first", v = SEND_OPT("retry-first", NULL), 1,
	    7 * 86400, &n) == -1)
		return -1;
	if (v != NULL)
		l->retry_first = n;
	if (send_num("retry-giveup", v = SEND_OPT("retry-giveup", NULL), 0,
	    60 * 86400, &n) == -1)
		return -1;
	if (v != NULL)
		l->retry_giveup = n;
	if (!resume) {
		if ((v = config_get(env->cfg, "dns_timeout")) != NULL &&
		    parse_int(v, 1, 60, &n) == 0)
			set->dns_timeout = (int)n;
		if ((v = config_get(env->cfg, "dns_retries")) != NULL &&
		    parse_int(v, 1, 10, &n) == 0)
			set->dns_retries = (int)n;
		if ((v = config_get(env->cfg, "unsubscribe_url")) != NULL)
			send_set_str(&set->unsubscribe_url, v);
	}
#undef SEND_OPT
	if (*set->relay_user != '\0' && *set->relay == '\0') {
		cli_err("--auth (relay_user) needs --relay: AUTH is for a "
		    "relay, never for recipients' MX hosts");
		return -1;
	}
	return 0;
}

/* The HELO name when none is set: the PTR name of the source address,
 * else this host's name. */
void
send_default_helo(struct cli_env *env, struct send_settings *set)
{
	struct dns_answer	 a;
	struct dns		*dns;
	char			 host[256], *rev;

	if (*set->helo != '\0')
		return;
	if (*set->source_ip != '\0' &&
	    (rev = dns_reverse_name(set->source_ip)) != NULL) {
		if ((dns = cli_dns(env)) != NULL) {
			memset(&a, 0, sizeof a);
			if (dns_query(dns, rev, DNS_PTR, &a) == DNS_OK &&
			    send_helo_ok(a.rr[0].u.name))
				send_set_str(&set->helo, a.rr[0].u.name);
			dns_answer_free(&a);
			dns_close(dns);
		}
		free(rev);
		if (*set->helo != '\0')
			return;
	}
	if (gethostname(host, sizeof host) == -1 || !send_helo_ok(host))
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	send_set_str(&set->helo, host);
}

/* Read the relay password from a 0600 file. 0 or an exit status. */
static int
send_password_file(const char *path, char **out)
{
	struct stat	 sb;
	char		 buf[SEND_PASSWORD_MAX + 2];
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		cli_err("relay_password_file %s: %s", path, strerror(errno));
		return EXIT_NOINPUT;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		cli_err("relay_password_file %s is not a file", path);
		close(fd);
		return EXIT_CONFIG;
	}
	if ((sb.st_mode & 077) != 0) {
		cli_err("relay_password_file %s can be read by others (mode "
		    "%03o): chmod 600 %s", path, (unsigned int)(sb.st_mode &
		    0777), path);
		close(fd);
		return EXIT_CONFIG;
	}
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0) {
		cli_err("relay_password_file %s: %s", path, strerror(errno));
		return EXIT_IOERR;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (*buf == '\0' || (size_t)n > SEND_PASSWORD_MAX) {
		explicit_bzero(buf, sizeof buf);
		cli_err("relay_password_file %s: no password on its first line "
		    "(or longer than %d bytes)", path, SEND_PASSWORD_MAX);
		return EXIT_CONFIG;
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return 0;
}

/* Ask for the relay password on the terminal, without echo. */
static int
send_password_prompt(const struct send_settings *set, char **out)
{
	struct termios	 old, quiet;
	char		 buf[SEND_PASSWORD_MAX + 2];
	FILE		*tty;
	int		 ok;

	if ((tty = fopen("/dev/tty", "r+e")) == NULL) {
		cli_err("the relay needs a password and there is no terminal "
		    "to ask it on: set relay_password_file (a mode 0600 "
		    "file)");
		return EXIT_USAGE;
	}
	fprintf(tty, "password for %s at %s: ", set->relay_user, set->relay);
	fflush(tty);
	tcgetattr(fileno(tty), &old);
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	ok = fgets(buf, sizeof buf, tty) != NULL;
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	buf[ok ? strcspn(buf, "\r\n") : 0] = '\0';
	if (*buf == '\0') {
		cli_err("no password given");
		return EXIT_USAGE;
	}
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof buf);
	return 0;
}

/* The relay password when the send authenticates: a file or a prompt,
 * never the command line. 0 or an exit status; *out NULL when none. */
int
send_password(const struct send_settings *set, char **out)
{
	*out = NULL;
	if (*set->relay == '\0' || *set->relay_user == '\0')
		return 0;
	if (*set->relay_password_file != '\0')
		return send_password_file(set->relay_password_file, out);
	return send_password_prompt(set, out);
}

/* Wipe and free a password. */
void
send_password_free(char *pw)
{
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}
