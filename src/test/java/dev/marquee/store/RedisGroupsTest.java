package dev.marquee.store;

import static dev.marquee.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RedisGroupsTest {
  @Test
  void groupsRunOneAfterAnotherAndAnswersKeepTheItemsOrder() {
    List<Integer> items = IntStream.range(0, 10).boxed().toList();
    List<Promise<List<Integer>>> pending = new ArrayList<>();

    Future<List<Integer>> done =
        RedisGroups.inGroups(
            items,
            4,
            group -> {
              Promise<List<Integer>> p = Promise.promise();
              pending.add(p);
              return p.future().map(v -> group.stream().map(i -> i * 10).toList());
            });

    assertThat(pending).as("only the first group started").hasSize(1);
    pending.get(0).complete();
    assertThat(pending).hasSize(2);
    pending.get(1).complete();
    pending.get(2).complete();
    assertThat(await(done)).containsExactly(0, 10, 20, 30, 40, 50, 60, 70, 80, 90);
  }

  @Test
  void allAnswersInTheGroupsOrderAndNothingIsEmpty() {
    assertThat(await(RedisGroups.all(List.of(3, 1, 2), i -> Future.succeededFuture(i + 1))))
        .containsExactly(4, 2, 3);
    assertThat(await(RedisGroups.inGroups(List.<Integer>of(), 4, g -> Future.succeededFuture(g))))
        .isEmpty();
  }
}
