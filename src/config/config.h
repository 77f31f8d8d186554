/*
 * src/config: herald.conf, every key with its default and its check. It
 * may use src/base and the protocol folders whose values it validates
 * (src/mail addresses, src/smtp timeouts); src/send and the front ends
 * read it.
 *
 * Configuration: herald.conf ("key = value" lines, '#' comments), XDG
 * paths, defaults, and command-line overrides. Precedence: command line,
 * then environment (HERALD_DB, HERALD_CONFIG), then the file, then defaults.
 */
#ifndef HERALD_CONFIG_H
#define HERALD_CONFIG_H

#include <stddef.h>

struct config;
struct dns_options;

/* Description of one known key. */
struct config_key {
	const char	*name;
	const char	*def;		/* default, or NULL: none */
	const char	*help;
};
extern const struct config_key config_keys[];
const struct config_key *config_key_find(const char *name);

/* Default paths, allocated: $XDG_DATA_HOME/herald/herald.db and
 * $XDG_CONFIG_HOME/herald/herald.conf (XDG defaults when unset). */
char	*config_default_db(void);
char	*config_default_file(void);

/* Load path (a missing file is an empty config). NULL on error. */
struct config *config_load(const char *path, char **cause);
void	 config_free(struct config *);
const char *config_file(const struct config *);
/* Value from override, file, or default (NULL when none). */
const char *config_get(const struct config *, const char *key);
/* The i-th key set in the file or on the command line that starts with
 * prefix ("pace."), each once, with its value in effect: 1 with *key and
 * *value, 0 past the last. */
int	 config_prefixed_at(const struct config *, const char *prefix,
	    size_t i, const char **key, const char **value);
/* 1 if the value comes from the file or an override, 0 if default. */
int	 config_is_set(const struct config *, const char *key);
/* The value key takes in effect, allocated (NULL: none), the defaults
 * that follow other keys spelled out (domain and bounce follow From);
 * *source is "set", "default" or "from". */
char	*config_effective(const struct config *, const char *key,
	    const char **source);
/* Command-line override for this run only; validated. */
int	 config_override(struct config *, const char *key, const char *value,
	    char **cause);
/* The i-th override from the command line (in the order given): 1 with
 * *key and *value set, 0 when there are no more. */
int	 config_override_at(const struct config *, size_t i, const char **key,
	    const char **value);
/* Validate, then write key = value to the file (keeps comments and order;
 * creates the file 0600 in a 0700 directory); config_write without a note. */
int	 config_set(struct config *, const char *key, const char *value,
	    char **cause);
/* Rewrite the file with key = value (outer white space trimmed, as
 * loading does), or without key when value is NULL. The setting that
 * counts (the last) is replaced and earlier ones commented out; *note
 * (NULL if nothing else changed) names those lines, or the removed ones. */
int	 config_write(struct config *, const char *key, const char *value,
	    char **note, char **cause);
/* What loading noticed that is not an error ("FILE:LINE: ..."), the i-th;
 * NULL past the last. */
const char *config_warning(const struct config *, size_t i);
/* 1 if local_part_case is strict: local parts differing in letter case
 * are different addresses. */
int	 config_local_part_strict(const struct config *);
/* The resolver the configuration names (resolver, dns_timeout,
 * dns_retries), for dns_open; a number out of range keeps the default. */
void	 config_dns_options(const struct config *, struct dns_options *);
/* Check a value for a key (numbers in range, addresses parse, ...). */
int	 config_validate(const char *key, const char *value, char **cause);

#endif
