-- Version 21: when a send starts and the hours it may send in (issue
-- #13). scheduled_at: the time `herald send --at` asked for (0: at once);
-- schedule: '' (started, or never scheduled), 'scheduled' (waiting for its
-- time), 'held' (a pre-send check failed at its time: held_reason says
-- which) or 'cancelled' (`herald cancel`); send_window: the hours and days
-- the engine may start transactions in ("09:00-18:00,mon-fri"; '': any
-- time).
ALTER TABLE sends ADD COLUMN scheduled_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sends ADD COLUMN schedule TEXT NOT NULL DEFAULT '';
ALTER TABLE sends ADD COLUMN held_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE sends ADD COLUMN send_window TEXT NOT NULL DEFAULT '';
