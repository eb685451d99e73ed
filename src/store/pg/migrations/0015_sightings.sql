-- Migration 15 for PostgreSQL: what src/store/sqlite/migrations/0015 creates (sightings of
-- indicators), by the rules of 0001.

CREATE TABLE sightings (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL, ioc_type TEXT NOT NULL, value TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('seen', 'false_positive')),
  count BIGINT NOT NULL, first_seen BIGINT NOT NULL DEFAULT 0,
  last_seen BIGINT NOT NULL DEFAULT 0, note TEXT, created_at BIGINT NOT NULL);
CREATE INDEX sightings_value ON sightings(ioc_type, value, kind, org_id);
