-- History reads, full-text search and clearing (docs/protocol.md, "History and search").

-- Both extensions ship with PostgreSQL (contrib) and are trusted: a database owner without
-- superuser rights may create them (PostgreSQL 13 and later).
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- Messages come in every language, often several in one session, and no column says which. A
-- language's configuration would stem and drop stop words by the wrong rules for the others
-- ('die' is a German article and an English verb), so words are kept whole, lower-cased and
-- without accents; prefix matching in queries stands in for stemming.
CREATE TEXT SEARCH CONFIGURATION marquee_search (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION marquee_search
    ALTER MAPPING FOR word, hword, hword_part, numword, numhword, hword_numpart
    WITH unaccent, simple;

-- Stored, not computed per query: search reads it through the index and ranks with it. Adding it
-- rewrites the table once.
ALTER TABLE messages
    ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('marquee_search', body)) STORED;

-- The session code leads so that a search reads only its own session's postings, however common
-- the words are elsewhere (btree_gin lets a GIN index hold the text column).
CREATE INDEX messages_search_idx ON messages USING gin (session_code, search);

-- Clearing a session's history deletes its messages up to this seq and hides any that arrive
-- later with a seq at or below it (the Redis outbox may still hold some): reads and the archive
-- both filter by it.
ALTER TABLE sessions ADD COLUMN history_cleared_through bigint NOT NULL DEFAULT 0;

-- Every word of the query as a prefix, and every phrase, all required. The words are normalised by
-- the configuration first, so the prefixes are lexemes as stored; each is quoted for tsquery
-- syntax here, so nothing a user types is ever read as an operator.
CREATE AGGREGATE marquee_tsquery_and (tsquery) (SFUNC = tsquery_and, STYPE = tsquery);

CREATE FUNCTION marquee_search_query(words text, phrases text[]) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT marquee_tsquery_and(term) FROM (
    SELECT ('''' || replace(replace(lexeme, '\', '\\'), '''', '''''') || ''':*')::tsquery
    FROM unnest(to_tsvector('marquee_search', words))
    UNION ALL
    SELECT phraseto_tsquery('marquee_search', phrase) FROM unnest(phrases) AS p(phrase)
  ) AS terms(term)
$$;
