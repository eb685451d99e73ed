-- Migration 10 (issue 10, item 7) gives the receiving side an inbox it can work from. Indexes:
-- a page of the inbox is read per recipient in the order asked for — received time (created_at,
-- id) or the deadline the reporter is held to (the obligation's due time, no deadline last) — so
-- a page of 50 reads about 50 index entries per recipient however many submissions exist.
-- Requests: what a receiving authority asks of a reporter about a submission it received (more
-- information, or the intermediate report of a stage sent only on request, NIS2 Art. 23(4)(c)),
-- with the reply-by date the reporter is then held to and the submission that answered it. Why
-- a table of its own that is never deleted: a request and its answer are part of the record of
-- what was reported to whom and when, like the submissions themselves.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE INDEX submissions_inbox_received ON submissions(recipient_id, created_at, id);
CREATE INDEX obligations_recipient_due ON obligations(recipient_id,
  (CASE WHEN due_state = 'set' THEN due_at ELSE 9007199254740991 END));
CREATE TABLE requests (
  id TEXT PRIMARY KEY, submission_id TEXT NOT NULL REFERENCES submissions(id),
  incident_id TEXT NOT NULL, org_id TEXT NOT NULL, recipient_id TEXT NOT NULL,
  authority_org_id TEXT NOT NULL, kind TEXT NOT NULL, obligation_id TEXT, stage_id TEXT,
  message TEXT NOT NULL, lang TEXT NOT NULL, fields TEXT, reply_by INTEGER NOT NULL,
  created_by TEXT NOT NULL, created_at INTEGER NOT NULL, answered_by TEXT,
  answered_at INTEGER);
CREATE INDEX requests_submission ON requests(submission_id, id);
CREATE INDEX requests_incident ON requests(incident_id, id);
CREATE INDEX requests_open ON requests(org_id, reply_by) WHERE answered_at IS NULL;
CREATE INDEX requests_obligation ON requests(obligation_id) WHERE answered_at IS NULL;
CREATE TRIGGER requests_fixed BEFORE UPDATE OF id, submission_id, incident_id, org_id,
  recipient_id, authority_org_id, kind, obligation_id, stage_id, message, lang, fields, reply_by,
  created_by, created_at ON requests
  BEGIN SELECT RAISE(ABORT, 'a request is never changed, only answered'); END;
CREATE TRIGGER requests_answered_once BEFORE UPDATE OF answered_by, answered_at ON requests
  WHEN OLD.answered_at IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'a request is answered once'); END;
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
  BEGIN SELECT RAISE(ABORT, 'requests are never deleted'); END;
