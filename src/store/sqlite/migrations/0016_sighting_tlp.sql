-- Migration 16 (issue 13 item 2: "TLP 2.0 as an enforced field on every shareable object …
-- sightings") gives each sighting the label its organisation put on it. The rule that reads it
-- is above the store (src/app/app_sighting.c): a TLP:RED sighting is its own organisation's
-- only and never enters the counts others see. Sightings recorded before this had no label;
-- they read as TLP:AMBER, the label their counts were already treated under.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

ALTER TABLE sightings ADD COLUMN tlp TEXT NOT NULL DEFAULT 'TLP:AMBER';
