-- Migration 9 is the lead engineer's (issue 10 items 2 and 4, updates and withdrawal). On this
-- branch it is only a placeholder, so that migration 11 (e-mail) keeps the numbering the build
-- requires (no gaps); at the merge it is replaced by the lead's own 0009 file.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks.

SELECT 9;
