-- Migration 14 for PostgreSQL: what src/store/sqlite/migrations/0014 creates (TAXII 2.1
-- collections, objects and status resources), by the rules of 0001.

CREATE TABLE taxii_collections (
  id TEXT PRIMARY KEY, alias TEXT UNIQUE, title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '', owner_org TEXT NOT NULL REFERENCES organizations(id),
  tlp BIGINT NOT NULL, audience TEXT NOT NULL, writers TEXT NOT NULL,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE TABLE taxii_objects (
  collection_id TEXT NOT NULL REFERENCES taxii_collections(id), object_id TEXT NOT NULL,
  version_ms BIGINT NOT NULL, type TEXT NOT NULL, spec_version TEXT NOT NULL,
  date_added BIGINT NOT NULL, is_last BIGINT NOT NULL, is_first BIGINT NOT NULL,
  org_id TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY (collection_id, object_id, version_ms));
CREATE UNIQUE INDEX taxii_objects_added ON taxii_objects(collection_id, date_added);
CREATE TABLE taxii_status (
  id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, org_id TEXT NOT NULL, body TEXT NOT NULL,
  created_at BIGINT NOT NULL);
