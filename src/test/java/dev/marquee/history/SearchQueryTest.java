package dev.marquee.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marquee.api.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchQueryTest {
  @Test
  void wordsAndPhrasesAreSeparated() {
    SearchQuery q = SearchQuery.parse(" hello \"brown fox\" wor \u201cquick one\u201d ");

    assertThat(q.words()).isEqualTo("hello   wor");
    assertThat(q.phrases()).containsExactly("brown fox", "quick one");
  }

  @Test
  void operatorsAndQuotesOfTsqueryAreJustText() {
    SearchQuery q = SearchQuery.parse("a & b | !c <-> 'd':*");

    assertThat(q.words()).isEqualTo("a & b | !c <-> 'd':*");
    assertThat(q.phrases()).isEmpty();
  }

  @Test
  void aQueryOfOnlyAPhraseHasNoLooseWords() {
    assertThat(SearchQuery.parse("\"hello world\""))
        .isEqualTo(new SearchQuery("", List.of("hello world")));
  }

  @Test
  void badQueriesAreRefusedWithAReason() {
    assertRefused(null, "q is required");
    assertRefused(" \t", "q is required");
    assertRefused("?!", "no words");
    assertRefused("\"open", "not closed");
    assertRefused("a \" \" b", "quoted phrase without a word");
    assertRefused("x".repeat(SearchQuery.MAX_LENGTH + 1), "at most 200 characters");
    assertRefused("w ".repeat(SearchQuery.MAX_TERMS + 1), "too many words");
  }

  @Test
  void lettersAndDigitsOfAnyScriptAreWords() {
    assertThat(SearchQuery.wordCount("東京 привет 42, e-mail")).isEqualTo(5);
    assertThat(SearchQuery.parse("привет").words()).isEqualTo("привет");
  }

  private static void assertRefused(String q, String reason) {
    assertThatThrownBy(() -> SearchQuery.parse(q))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(((ApiException) e).status()).isEqualTo(400));
  }
}
