-- Migration 15 (issue 13 item 3; after the advisories (13) and the
-- TAXII objects (14)): sightings of indicators by the organisations that receive them —
-- "we saw it too" or "it is a false positive here", MISP's sightings. Why a table of its own:
-- a sighting belongs to the organisation that made it, not to any report, and is only ever
-- counted (by indicator and kind, with the k rule above the store), never listed to others.
-- The value is the canonical text (src/sharing/ioc.h), so the same indicator written two ways
-- counts as one.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE TABLE sightings (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL, ioc_type TEXT NOT NULL, value TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('seen', 'false_positive')),
  count INTEGER NOT NULL, first_seen INTEGER NOT NULL DEFAULT 0,
  last_seen INTEGER NOT NULL DEFAULT 0, note TEXT, created_at INTEGER NOT NULL);
CREATE INDEX sightings_value ON sightings(ioc_type, value, kind, org_id);
