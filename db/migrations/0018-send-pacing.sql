-- Version 18: each provider's pace as a send's engine last wrote it
-- (issue #12), for herald status and the console's Send screen: its
-- state (normal, slowed, throttled), the sessions it may have now and at
-- most, the messages a minute it may take now (0: no limit), and when it
-- is next tried (0: now). The engine clears the rows when it starts.
CREATE TABLE send_pacing (
	send_id		INTEGER NOT NULL REFERENCES sends(id) ON DELETE CASCADE,
	provider	TEXT NOT NULL,		-- "yahoo", or an MX host
	state		TEXT NOT NULL,
	sessions	INTEGER NOT NULL,
	max_sessions	INTEGER NOT NULL,
	per_minute	INTEGER NOT NULL DEFAULT 0,
	next_try	INTEGER NOT NULL DEFAULT 0,
	updated_at	INTEGER NOT NULL,
	PRIMARY KEY (send_id, provider)
);
