-- Migration 16 for PostgreSQL: what src/store/sqlite/migrations/0016 does (each sighting's
-- TLP 2.0 label; those recorded before read as TLP:AMBER), by the rules of 0001.

ALTER TABLE sightings ADD COLUMN tlp TEXT NOT NULL DEFAULT 'TLP:AMBER';
