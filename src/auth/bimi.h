/*
 * The BIMI assertion record (draft-brand-indicators-for-message-
 * identification) at default._bimi.DOMAIN: "v=BIMI1; l=https://...svg;
 * a=https://...pem". Syntax only: v first, each tag once, l and a empty
 * (a declination) or one https: URL. Whether receivers show the logo
 * (DMARC at enforcement, a mark certificate) is theirs to decide. No I/O:
 * the fuzz harness tests/fuzz/bimi.c drives the parser.
 */
#ifndef HERALD_BIMI_H
#define HERALD_BIMI_H

#include <stddef.h>

#define BIMI_RECORD_MAX		2048	/* longer TXT values are refused */
#define BIMI_URL_MAX		1024

struct bimi_record {
	char	*l;		/* the logo's URL, "" when declined */
	char	*a;		/* the evidence's URL, "" or NULL (no a=) */
	int	 svg;		/* l's path ends in .svg */
	size_t	 unknown;	/* tags of no meaning here, ignored */
};

/* Does the TXT value start as a BIMI record ("v=BIMI1")? */
int	 bimi_is_record(const char *txt, size_t len);
/* Parse a record: 0, or -1 with *why (a static English sentence marked
 * N_(): show it with _()). r needs bimi_record_free either way. */
int	 bimi_parse(const char *txt, size_t len, struct bimi_record *r,
	    const char **why);
void	 bimi_record_free(struct bimi_record *);

#endif
