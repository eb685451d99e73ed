-- Migration 14 (issue 13 item 5): the TAXII 2.1 server's collections, objects and status
-- resources. Why this shape: a collection carries one TLP label and one audience, and every
-- object in it is no more restrictive than that label (checked when it is added), so a read of
-- a collection is allowed or refused once, by the sharing policy, and a page of objects is one
-- range scan. date_added is assigned by the writer strictly increasing within a collection
-- (milliseconds, as TAXII's timestamps are written; one more than the newest when two
-- versions enter in the same millisecond, so a bulk add runs briefly ahead of the clock), so
-- added_after alone pages exactly and X-TAXII-Date-Added-First/Last never tie (TAXII 2.1 §3.4,
-- §3.6). is_last / is_first mark each object's newest and oldest version, which the default
-- match[version]=last and match[version]=first select without a grouping query. A status
-- resource (TAXII 2.1 §4.3) is the JSON the server answered an envelope POST with, kept for
-- the organisation that posted it.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

CREATE TABLE taxii_collections (
  id TEXT PRIMARY KEY, alias TEXT UNIQUE, title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '', owner_org TEXT NOT NULL REFERENCES organizations(id),
  tlp INTEGER NOT NULL, audience TEXT NOT NULL, writers TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE taxii_objects (
  collection_id TEXT NOT NULL REFERENCES taxii_collections(id), object_id TEXT NOT NULL,
  version_ms INTEGER NOT NULL, type TEXT NOT NULL, spec_version TEXT NOT NULL,
  date_added INTEGER NOT NULL, is_last INTEGER NOT NULL, is_first INTEGER NOT NULL,
  org_id TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (collection_id, object_id, version_ms)) WITHOUT ROWID;
CREATE UNIQUE INDEX taxii_objects_added ON taxii_objects(collection_id, date_added);
CREATE TABLE taxii_status (
  id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, org_id TEXT NOT NULL, body TEXT NOT NULL,
  created_at INTEGER NOT NULL);
