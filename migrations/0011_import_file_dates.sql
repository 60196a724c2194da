-- 0010: the import log keeps the file's own dates and the kind of a rejection.
--
-- The date shown for a desk's last file is when the desk made it (the header's
-- `created_at`) and the period it covers, not when the coordinator happened to import
-- it: a file imported a week late is still last Monday's file. The rejection's stable
-- kind goes into the desk's receipt (docs/receipt.md), which names it per file.
-- Files imported before this migration keep NULL in all four.
ALTER TABLE imports ADD COLUMN file_created_at TEXT;
ALTER TABLE imports ADD COLUMN period_from TEXT;
ALTER TABLE imports ADD COLUMN period_to TEXT;
ALTER TABLE imports ADD COLUMN rejection TEXT;
