-- Migration 2 (issue 3) adds the obligation ledger: one row per obligation a report triggers and
-- its append-only history. Why: deadlines must be explainable later, so obligations are never
-- deleted and their history never edited. The rowid (seq) links the history; id is the UUID the API
-- shows. Creation is not a history row: became_applicable_at and first_version say it.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE TABLE obligations (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL, incident_id TEXT NOT NULL REFERENCES incidents(id),
  rule_id TEXT NOT NULL, stage_id TEXT NOT NULL, recipient_id TEXT NOT NULL,
  regime TEXT NOT NULL, state TEXT NOT NULL, due_state TEXT NOT NULL, due_at INTEGER,
  kind TEXT NOT NULL, mandatory INTEGER NOT NULL, became_applicable_at INTEGER NOT NULL,
  first_version INTEGER NOT NULL, last_version INTEGER NOT NULL, withdrawn_at INTEGER,
  withdrawn_reason TEXT, explanation TEXT NOT NULL, rules_version TEXT NOT NULL,
  updated_at INTEGER NOT NULL, UNIQUE (incident_id, rule_id, stage_id));
CREATE TABLE obligation_events (
  seq INTEGER PRIMARY KEY, obligation_seq INTEGER NOT NULL REFERENCES obligations(seq),
  at INTEGER NOT NULL, version INTEGER NOT NULL, event TEXT NOT NULL,
  old_due_state TEXT, old_due_at INTEGER, new_due_state TEXT, new_due_at INTEGER);
CREATE INDEX obligation_events_ob ON obligation_events(obligation_seq, seq);
CREATE TRIGGER obligations_no_delete BEFORE DELETE ON obligations
  BEGIN SELECT RAISE(ABORT, 'obligations are never deleted'); END;
CREATE TRIGGER obligation_events_no_update BEFORE UPDATE ON obligation_events
  BEGIN SELECT RAISE(ABORT, 'obligation history is append-only'); END;
CREATE TRIGGER obligation_events_no_delete BEFORE DELETE ON obligation_events
  BEGIN SELECT RAISE(ABORT, 'obligation history is append-only'); END;
