/*
 * The send's row and enum types: what a send, its recipients and their
 * events are, as the store keeps them and the engine, the CLI and the
 * console read them. Types only, so the store may include this without
 * the engine (send.h); includes only other type headers. The words of the
 * recipient states are the store's (rcpt_state_name, store.h): it writes
 * them.
 */
#ifndef HERALD_SEND_TYPES_H
#define HERALD_SEND_TYPES_H

#include <stdint.h>

#include "smtp/tls_types.h"

enum rcpt_state {
	RCPT_QUEUED,
	RCPT_CONNECTING,
	RCPT_SENT_DATA,
	RCPT_DELIVERED,
	RCPT_DEFERRED,
	RCPT_BOUNCED,
	RCPT_UNKNOWN,
};
#define RCPT_NSTATES	7

/* What `herald status` says about a send. */
enum send_state {
	SEND_RUNNING,		/* an engine works on it */
	SEND_PAUSED,		/* `herald pause`: no new transactions */
	SEND_INTERRUPTED,	/* work remains and no engine runs */
	SEND_WAITING,		/* only deferred recipients are left */
	SEND_FINISHED,		/* nothing queued, in flight or deferred */
	SEND_SCHEDULED,		/* `herald send --at`: waiting for its time */
	SEND_HELD,		/* a pre-send check failed at its time */
	SEND_CANCELLED,		/* `herald cancel` before its time */
	SEND_OUTSIDE,		/* its engine waits for its window to open */
};

/* Recipients of a send by state, and the earliest next attempt. */
struct send_counts {
	int64_t		 n[RCPT_NSTATES];
	int64_t		 total;
	int64_t		 next_at;	/* earliest deferred next_at, 0: none */
};
/* A send's failures by class (reply_class.h): bounced recipients by
 * class, deferred ones refused as the sender, and the reasons the sender
 * was refused ("authentication, reputation"). */
struct send_classes {
	int64_t		 bounced[5];	/* by enum reply_class */
	int64_t		 sender_deferred;
	char		 sender_reasons[96];
};

/*
 * Every limit of a send in one place, as OpenSMTPD's mta.c keeps them.
 * Destination back-off: a 4xx or 421 from a destination holds it for
 * hold_first seconds (doubled per further failure up to hold_max) and
 * takes one session from its limit; each delivery gives one back.
 */
struct send_limits {
	int		 concurrency;	/* sessions at once (20) */
	int		 per_domain;	/* sessions per destination (2) */
	int		 rate;		/* messages/s overall, 0: no limit */
	int		 per_connection; /* messages per session (100) */
	int64_t		 retry_first;	/* seconds to the first retry (300) */
	int64_t		 retry_max;	/* the longest wait between tries */
	int64_t		 retry_giveup;	/* deferred this long: bounced (2d) */
	int		 hold_first;	/* destination back-off, seconds */
	int		 hold_max;
};
/* The defaults of every limit (send_limits_default); the store starts
 * from them for the limits a sends row does not keep. */
#define SEND_LIMITS_DEFAULT {					\
	.concurrency = 20,						\
	.per_domain = 2,						\
	.rate = 0,							\
	.per_connection = 100,						\
	.retry_first = 300,						\
	.retry_max = 4 * 3600,						\
	.retry_giveup = 2 * 86400,					\
	.hold_first = 10,						\
	.hold_max = 300,						\
}

struct footer;

/* What a send was started with (a sends row). Strings are allocated, ""
 * when unset. */
struct send_settings {
	enum tls_policy	 policy;
	char		*relay;			/* HOST[:PORT], "": direct */
	char		*relay_user;
	char		*relay_password_file;
	char		*helo;
	char		*source_ip;
	char		*resolver;
	char		*ca_file;
	char		*envelope_from;
	char		*unsubscribe_url;
	char		*smtp_timeouts;		/* "NAME=SECS,...", "" */
	int		 dns_timeout;		/* seconds per try */
	int		 dns_retries;
	int		 smtp_port;
	struct send_limits limits;
	/* Not kept in the sends row: config verp, verp_delimiter and
	 * unsubscribe_mailto as each engine starts (like dnssec_anchor),
	 * since either form of a bounce address is read back. */
	char		 verp;			/* the delimiter; '\0': off */
	char		*unsubscribe_mailto;	/* "" when unset */
	/* Not kept either: the law's footer (config footer, sender_name,
	 * sender_address, contact) as each engine starts; NULL: none. */
	struct footer	*footer;
};

/* A send as stored. */
struct send_info {
	int64_t			 id;		/* the id */
	int64_t			 created_at, updated_at, finished_at;
	int			 paused;
	int64_t			 engine_pid, engine_at;
	struct send_settings	 set;
};

/*
 * One recipient event (a send_events row), or a recipient's latest state
 * (report rows). Strings point into the row and are valid during the
 * callback; "" when unset.
 */
struct send_event {
	int64_t		 id;		/* event id (report: recipient id) */
	int64_t		 rcpt_id;
	const char	*rcpt;
	const char	*domain;	/* report rows only */
	enum rcpt_state	 state;
	const char	*mx, *ip;
	const char	*tls_version, *tls_cipher, *tls_verify, *tls_dane;
	const char	*tls_policy;	/* the policy that applied, "" */
	int		 code;
	const char	*enhanced, *reply;
	int		 attempts;
	int64_t		 at, next_at;
	const char	*cls, *reason;	/* the reply's class (reply_class.h) */
	/* store_send_rcpt only: the latest attempt's peer certificate */
	const char	*peer_subject, *peer_issuer;
};
/* A recipient the engine takes up (store_send_due); strings valid during
 * the callback. */
struct send_rcpt {
	int64_t		 id;
	const char	*addr, *name, *attrs, *domain, *token;
	enum rcpt_state	 state;
	int		 attempts;
	int64_t		 first_at;
};

/* One state change the engine records (store_send_record): the row is
 * updated and an event appended, in the turn's transaction. */
struct send_change {
	int64_t		 rcpt_id;
	enum rcpt_state	 state;
	int64_t		 at;		/* Unix seconds */
	int		 attempts;
	int64_t		 first_at, next_at;
	int		 attempt;	/* the fields below describe this
					 * attempt and replace the row's */
	char		 mx[256];
	char		 ip[64];
	struct tls_status tls;
	int		 code;
	char		 enhanced[16];
	char		 reply[600];
	char		 stage[12];
	char		 cls[8];	/* hard, soft, sender, unknown; "" */
	char		 reason[24];	/* user-unknown, policy, ... */
	int		 suppress;	/* hard: suppress the address */
	/* A soft bounce: counted once per send, and the address suppressed
	 * once that makes soft_limit distinct sends (0: not soft). */
	int		 soft_limit;
	/* A refusal of the sender: the alert it raises or counts again
	 * (provider "" when none). */
	char		 alert_provider[64];
	char		 alert_text[256];
};

#endif
