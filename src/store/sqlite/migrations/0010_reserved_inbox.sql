-- Migration 10 is the authority inbox's (issue 10 item 7). On this branch it is only a
-- placeholder, so that migration 11 (e-mail) keeps the numbering the build requires (no gaps);
-- at the merge it is replaced by the inbox's own 0010 file.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks.

SELECT 10;
