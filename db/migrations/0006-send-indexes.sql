-- Version 6: indexes a state change does not move. The engine commits
-- every loop turn; with an index on (send_id, state) each turn rewrote a
-- page for every state its recipients left or entered.
DROP INDEX recipients_send_state;
CREATE INDEX recipients_send ON recipients (send_id);
CREATE INDEX recipients_queued ON recipients (send_id, id)
	WHERE state = 'queued';
CREATE INDEX recipients_deferred ON recipients (send_id, id)
	WHERE state = 'deferred';
