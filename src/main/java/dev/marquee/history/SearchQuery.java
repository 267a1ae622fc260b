package dev.marquee.history;

import dev.marquee.api.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * A search as typed: loose words, each matched as the start of a word, and quoted phrases, matched
 * as consecutive words; all of them required, in any order. Nothing in it is an operator. It is
 * passed to PostgreSQL as data (see {@code marquee_search_query} in the V2 migration).
 */
public record SearchQuery(String words, List<String> phrases) {
  static final int MAX_LENGTH = 200;
  static final int MAX_TERMS = 16;

  /**
   * Phones replace a typed quote with a typographic one as the user types, so those count too.
   *
   * @throws ApiException 400 when {@code q} is missing, too long, has an unclosed quote, or names
   *     no word
   */
  public static SearchQuery parse(String q) {
    if (q == null || q.isBlank()) {
      throw ApiException.badRequest("q is required: the words to search for");
    }
    if (q.codePointCount(0, q.length()) > MAX_LENGTH) {
      throw ApiException.badRequest("q must be at most " + MAX_LENGTH + " characters");
    }
    String[] parts = q.replaceAll("[\u201c\u201d\u201e\u00ab\u00bb]", "\"").split("\"", -1);
    if (parts.length % 2 == 0) {
      throw ApiException.badRequest("q has a quote that is not closed");
    }
    StringBuilder words = new StringBuilder();
    List<String> phrases = new ArrayList<>();
    int terms = 0;
    for (int i = 0; i < parts.length; i++) {
      int n = wordCount(parts[i]);
      if (i % 2 == 0) {
        words.append(parts[i]).append(' ');
        terms += n;
      } else if (n == 0) {
        throw ApiException.badRequest("q has a quoted phrase without a word in it");
      } else {
        phrases.add(parts[i].strip());
        terms += 1;
      }
    }
    if (terms == 0) {
      throw ApiException.badRequest("q has no words to search for (letters or digits)");
    }
    if (terms > MAX_TERMS) {
      throw ApiException.badRequest(
          "q has too many words: at most " + MAX_TERMS + " words and phrases");
    }
    return new SearchQuery(words.toString().strip(), List.copyOf(phrases));
  }

  /** Runs of letters and digits, roughly the words PostgreSQL's parser will find. */
  static int wordCount(String text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      boolean wordChar = Character.isLetterOrDigit(cp);
      if (wordChar && !inWord) {
        count++;
      }
      inWord = wordChar;
      i += Character.charCount(cp);
    }
    return count;
  }
}
