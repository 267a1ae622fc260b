-- Search by session, read from the session's own postings.
--
-- V2 indexed (session_code, search) in one GIN index, but GIN keeps each column's keys apart: a
-- search for a common word read that word's postings across every session and intersected them
-- with the session's (20 ms for 'hello' among a million messages, growing with the table). Here
-- every key carries the session code, so a lookup reads only the postings of that session and
-- word, however large the table and however common the word elsewhere.
--
-- The keyed vector drops positions: it finds the candidates (every word as a prefix, every word
-- of every phrase), and the search still checks `search @@ marquee_search_query(...)` on each, so
-- phrases, their word order and ranking are exactly as before.

-- The session's keys of a message: each lexeme prefixed with the session code (six characters of
-- a fixed alphabet, so no separator is needed and no two sessions' keys can collide).
CREATE FUNCTION marquee_session_terms(code text, v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT array_to_tsvector(array(SELECT code || lexeme FROM unnest(tsvector_to_array(v)) AS l(lexeme)))
$$;

-- The candidates' query over those keys: every word as a prefix, every phrase's words whole, all
-- required. Normalised and quoted as in marquee_search_query, so nothing typed is an operator.
CREATE FUNCTION marquee_session_query(code text, words text, phrases text[]) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT marquee_tsquery_and(term) FROM (
    SELECT ('''' || replace(replace(code || lexeme, '\', '\\'), '''', '''''') || ''':*')::tsquery
    FROM unnest(to_tsvector('marquee_search', words))
    UNION ALL
    SELECT ('''' || replace(replace(code || lexeme, '\', '\\'), '''', '''''') || '''')::tsquery
    FROM unnest(phrases) AS p(phrase), unnest(to_tsvector('marquee_search', phrase))
  ) AS terms(term)
$$;

CREATE INDEX messages_session_terms_idx ON messages
    USING gin (marquee_session_terms(session_code, search));

DROP INDEX messages_search_idx;
