-- Issue 15: a sync batch's answer is kept gzip-compressed (`answerGzip`), as the service sends it
-- to a client that accepts gzip. An answer names every row of its batch, and a warning shared by a
-- dong-year's lines (over its allocation) is repeated on each: 5,000 rows make 2.5 MB of JSON that
-- DuckDB parsed to check it and wrote whole into the WAL, and about 0.2 MB gzipped. Answers stored
-- before stay as they were, in `answer`; a record has one or the other.
ALTER TABLE sync_batches ADD COLUMN answerGzip BLOB;
ALTER TABLE sync_batches ALTER COLUMN answer DROP NOT NULL;
