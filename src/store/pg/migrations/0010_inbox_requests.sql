-- Migration 10 for PostgreSQL: what src/store/sqlite/migrations/0010 creates (the inbox's
-- indexes, requests by receiving authorities), by the rules of 0001. The expression index keeps
-- its expression in parentheses (PostgreSQL 15 §11.7).

CREATE INDEX submissions_inbox_received ON submissions(recipient_id, created_at, id);
CREATE INDEX obligations_recipient_due ON obligations(recipient_id,
  (CASE WHEN due_state = 'set' THEN due_at ELSE 9007199254740991 END));
CREATE TABLE requests (
  id TEXT PRIMARY KEY, submission_id TEXT NOT NULL REFERENCES submissions(id),
  incident_id TEXT NOT NULL, org_id TEXT NOT NULL, recipient_id TEXT NOT NULL,
  authority_org_id TEXT NOT NULL, kind TEXT NOT NULL, obligation_id TEXT, stage_id TEXT,
  message TEXT NOT NULL, lang TEXT NOT NULL, fields TEXT, reply_by BIGINT NOT NULL,
  created_by TEXT NOT NULL, created_at BIGINT NOT NULL, answered_by TEXT,
  answered_at BIGINT);
CREATE INDEX requests_submission ON requests(submission_id, id);
CREATE INDEX requests_incident ON requests(incident_id, id);
CREATE INDEX requests_open ON requests(org_id, reply_by) WHERE answered_at IS NULL;
CREATE INDEX requests_obligation ON requests(obligation_id) WHERE answered_at IS NULL;
CREATE TRIGGER requests_fixed BEFORE UPDATE OF id, submission_id, incident_id, org_id,
  recipient_id, authority_org_id, kind, obligation_id, stage_id, message, lang, fields, reply_by,
  created_by, created_at ON requests
  FOR EACH ROW EXECUTE FUNCTION ichigen_refuse('a request is never changed, only answered');
CREATE TRIGGER requests_answered_once BEFORE UPDATE OF answered_by, answered_at ON requests
  FOR EACH ROW WHEN (OLD.answered_at IS NOT NULL)
  EXECUTE FUNCTION ichigen_refuse('a request is answered once');
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
  FOR EACH ROW EXECUTE FUNCTION ichigen_refuse('requests are never deleted');
