-- Migration 9 (issue 10, items 2, 4 and 9) adds updates (続報), withdrawal and an
-- organisation's time zone. Why: after a stage
-- went, a newer version goes to the same recipient as an update of that stage, linked to the
-- submission it follows; an incident filed by mistake or twice is withdrawn with a reason, its
-- queued deliveries cancelled and a withdrawal notice sent to every recipient that received
-- something. kind: stage (a stage of an obligation), update (a newer version of a stage already
-- sent), withdrawal (the notice). Nothing is deleted: a withdrawn incident keeps its versions,
-- submissions and ledger. time_zone: the IANA zone an organisation's deadlines are shown in
-- (calendar feed, open obligations); '' = derived from the prefecture (docs/delivery.md §8).
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

ALTER TABLE submissions ADD COLUMN kind TEXT NOT NULL DEFAULT 'stage';
ALTER TABLE submissions ADD COLUMN previous_id TEXT;
ALTER TABLE incidents ADD COLUMN withdrawn_at INTEGER;
ALTER TABLE incidents ADD COLUMN withdrawn_reason TEXT;
ALTER TABLE incidents ADD COLUMN withdrawn_by TEXT;
ALTER TABLE organizations ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
CREATE TRIGGER submissions_kind_fixed BEFORE UPDATE OF kind, previous_id ON submissions
  BEGIN SELECT RAISE(ABORT, 'what was sent is never changed'); END;
