-- Migration 9 is the lead engineer's (issue 10, items 2 and 4, on main). This placeholder only
-- keeps the numbering contiguous on the inbox branch (scripts/embed_sql.py refuses gaps); at the
-- merge main's 0009 replaces it and nothing here needs to be kept.
--
-- Embedded by scripts/embed_sql.py, which drops the line breaks: each line continues the one
-- before exactly as written, as the C string literals this file replaces did.

SELECT 1;
