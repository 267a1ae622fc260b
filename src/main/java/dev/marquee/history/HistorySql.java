package dev.marquee.history;

/**
 * The statements behind the history endpoints. Each reads the session's archived messages together
 * with the hot window's ({@code $2..$7}, the window as column arrays), so that a message is found
 * from the moment it is acknowledged, before the archive has it: a window message counts only while
 * the archive does not hold its seq, so none is counted twice. Messages at or below the session's
 * {@code history_cleared_through} are hidden from both.
 */
public final class HistorySql {
  private HistorySql() {}

  private static final String CLEARED =
      "(SELECT history_cleared_through FROM sessions WHERE code = $1)";

  private static final String HOT =
      "hot AS NOT MATERIALIZED (SELECT h.* FROM unnest($2::bigint[], $3::timestamptz[],"
          + " $4::text[], $5::text[], $6::text[], $7::text[])"
          + " AS h(seq, sent_at, client_id, sender_name, sender_role, body)"
          + " WHERE h.seq > "
          + CLEARED
          + " AND NOT EXISTS (SELECT 1 FROM messages a WHERE a.session_code = $1 AND a.seq = h.seq))";

  /** Not materialised, so a count reads only the primary key and a page only its rows. */
  private static final String MERGED =
      "WITH "
          + HOT
          + ", merged AS NOT MATERIALIZED (SELECT seq, sent_at, client_id, sender_name, sender_role,"
          + " body FROM messages WHERE session_code = $1 AND seq > "
          + CLEARED
          + " UNION ALL SELECT * FROM hot) ";

  /**
   * The newest archived messages, up to {@code limit}: a page of the merged history lies within
   * these and the window's, so a page reads the primary key backwards this far and no further.
   */
  private static String newestStored(String limit) {
    return "(SELECT seq, sent_at, client_id, sender_name, sender_role, body FROM messages"
        + " WHERE session_code = $1 AND seq > "
        + CLEARED
        + " ORDER BY seq DESC LIMIT "
        + limit
        + ")";
  }

  /** A page newest first ($8 limit, $9 offset) and the total; one row of nulls past the end. */
  public static final String PAGE =
      MERGED
          + "SELECT t.total, p.* FROM (SELECT count(*) AS total FROM merged) t LEFT JOIN LATERAL"
          + " (SELECT * FROM ("
          + newestStored("$8::bigint + $9::bigint")
          + " UNION ALL SELECT * FROM hot) n ORDER BY seq DESC LIMIT $8 OFFSET $9) p ON true"
          + " ORDER BY p.seq DESC";

  /** The newest $8 messages, newest first. */
  public static final String LATEST =
      "WITH "
          + HOT
          + " SELECT * FROM ("
          + newestStored("$8")
          + " UNION ALL SELECT * FROM hot) n ORDER BY seq DESC LIMIT $8";

  /** Messages, first and last time per sender name, busiest first. */
  public static final String STATS =
      MERGED
          + "SELECT sender_name, count(*) AS count, min(sent_at) AS first_at,"
          + " max(sent_at) AS last_at FROM merged GROUP BY sender_name"
          + " ORDER BY count DESC, sender_name";

  /**
   * The query from $8 (words, each a prefix) and $9 (phrases), see the V2 migration. A subquery, so
   * that it is built once per search: a generic plan (prepared statements are cached) cannot fold
   * the call into a constant, and would build it again for every row it checks.
   */
  private static final String QUERY = "(SELECT marquee_search_query($8, $9))";

  /**
   * The same query over the session's own index keys (V3 migration): it finds the candidates in the
   * session's postings alone, and {@link #QUERY} decides on each.
   */
  private static final String CANDIDATES =
      "marquee_session_terms(session_code, search) @@ (SELECT marquee_session_query($1, $8, $9))";

  /**
   * Private-use characters around each matched word in the highlight: they cannot collide with
   * markup, and are removed from the text first so a message cannot forge them.
   */
  static final char MARK_START = '\uE000';

  static final char MARK_END = '\uE001';

  /**
   * Matches ranked best first (newer first among equals), $10 limit, $11 offset, and the total;
   * each with its text marked. Only the page's rows are marked, as marking parses each text again.
   */
  public static final String SEARCH =
      "WITH "
          + HOT
          + ", matches AS (SELECT seq, sent_at, client_id, sender_name, sender_role, body,"
          + " ts_rank(search, "
          + QUERY
          + ") AS rank FROM messages WHERE session_code = $1 AND seq > "
          + CLEARED
          + " AND "
          + CANDIDATES
          + " AND search @@ "
          + QUERY
          + " UNION ALL SELECT h.*, ts_rank(v.search, "
          + QUERY
          + ") FROM hot h CROSS JOIN LATERAL (SELECT to_tsvector('marquee_search', h.body) AS"
          + " search) v WHERE v.search @@ "
          + QUERY
          + ") SELECT t.total, p.*, ts_headline('marquee_search',"
          + " translate(p.body, chr(57344) || chr(57345), ''), "
          + QUERY
          + ", 'HighlightAll=true, StartSel=\"' || chr(57344) || '\", StopSel=\"' || chr(57345)"
          + " || '\"') AS highlight"
          + " FROM (SELECT count(*) AS total FROM matches) t LEFT JOIN LATERAL"
          + " (SELECT * FROM matches ORDER BY rank DESC, seq DESC LIMIT $10 OFFSET $11) p ON true"
          + " ORDER BY p.rank DESC, p.seq DESC";

  /** Raises the session's clearing point to $2 (never lowers it). */
  public static final String CLEAR_THROUGH =
      "UPDATE sessions SET history_cleared_through = GREATEST(history_cleared_through, $2)"
          + " WHERE code = $1";

  /** Deletes the archived messages up to $2. */
  public static final String DELETE_THROUGH =
      "DELETE FROM messages WHERE session_code = $1 AND seq <= $2";
}
