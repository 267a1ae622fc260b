package dev.marquee.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisUrlTest {

  @Test
  void standaloneWithPasswordAndDatabase() {
    RedisUrl url = RedisUrl.parse("redis://:p%40ss@cache.internal:6380/2");
    assertThat(url.mode()).isEqualTo(RedisUrl.Mode.STANDALONE);
    assertThat(url.hosts()).containsExactly("cache.internal:6380");
    assertThat(url.password()).isEqualTo("p@ss");
    assertThat(url.user()).isNull();
    assertThat(url.database()).isEqualTo(2);
    assertThat(url.endpoints()).containsExactly("redis://cache.internal:6380/2");
    assertThat(url.toString()).doesNotContain("p@ss").contains(":***@");
  }

  @Test
  void defaultsToPort6379AndDatabaseZero() {
    RedisUrl url = RedisUrl.parse("redis://127.0.0.1");
    assertThat(url.endpoints()).containsExactly("redis://127.0.0.1:6379/0");
    assertThat(RedisUrl.parse("rediss://h:6379").endpoints()).containsExactly("rediss://h:6379/0");
  }

  @Test
  void sentinelNeedsItsMasterName() {
    RedisUrl url = RedisUrl.parse("redis-sentinel://app:secret@s1,s2:26380/mymaster");
    assertThat(url.mode()).isEqualTo(RedisUrl.Mode.SENTINEL);
    assertThat(url.hosts()).containsExactly("s1:26379", "s2:26380");
    assertThat(url.masterName()).isEqualTo("mymaster");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.redacted()).isEqualTo("redis-sentinel://app:***@s1:26379,s2:26380/mymaster");
    assertThatThrownBy(() -> RedisUrl.parse("redis-sentinel://s1:26379"))
        .hasMessageContaining("master name");
  }

  @Test
  void clusterTakesSeedNodes() {
    RedisUrl url = RedisUrl.parse("redis-cluster://n1:7000,n2:7001,n3:7002");
    assertThat(url.mode()).isEqualTo(RedisUrl.Mode.CLUSTER);
    assertThat(url.endpoints())
        .containsExactly("redis://n1:7000", "redis://n2:7001", "redis://n3:7002");
    assertThatThrownBy(() -> RedisUrl.parse("redis-cluster://n1:7000/3"))
        .hasMessageContaining("no database");
  }

  @Test
  void badUrlsSayWhatIsWrong() {
    assertThatThrownBy(() -> RedisUrl.parse("http://x")).hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisUrl.parse("redis://a:1,b:2")).hasMessageContaining("several");
    assertThatThrownBy(() -> RedisUrl.parse("redis://h/99")).hasMessageContaining("0-15");
    assertThatThrownBy(() -> RedisUrl.parse("redis://")).hasMessageContaining("no host");
  }
}
