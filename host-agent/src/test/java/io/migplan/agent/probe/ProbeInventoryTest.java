package io.migplan.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.HostSnapshot;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ProbeInventoryTest {
  final AtomicLong now = new AtomicLong(1_000_000);
  final AtomicInteger scans = new AtomicInteger();
  final AtomicReference<HostSnapshot> last = new AtomicReference<>();

  final Supplier<HostSnapshot> rescan = () -> {
    HostSnapshot s = HostSnapshot.newBuilder().setGeneration(scans.incrementAndGet())
        .setScannedAtUnixMs(now.get()).build();
    last.set(s);
    return s;
  };

  final ProbeInventory inventory = new ProbeInventory(last::get, rescan, Duration.ofSeconds(30), now::get);

  @Test
  void aScanYoungerThanTheMaximumAgeIsReused() {
    rescan.get();
    now.addAndGet(29_999);
    assertThat(inventory.get().getGeneration()).isEqualTo(1);
    assertThat(inventory.get().getGeneration()).isEqualTo(1);
    assertThat(scans).hasValue(1);
  }

  @Test
  void aScanAsOldAsTheMaximumAgeIsReplaced() {
    rescan.get();
    now.addAndGet(30_000);
    assertThat(inventory.get().getGeneration()).isEqualTo(2);
    assertThat(inventory.get().getGeneration()).isEqualTo(2);
    assertThat(scans).hasValue(2);
  }

  @Test
  void aScanFromTheFutureMeansTheClockWentBackSoItIsReplaced() {
    rescan.get();
    now.addAndGet(-1);
    assertThat(inventory.get().getGeneration()).isEqualTo(2);
  }

  @Test
  void batchesArrivingTogetherOnAStaleScanRescanOnce() throws Exception {
    rescan.get();
    now.addAndGet(60_000);
    CountDownLatch inScan = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Supplier<HostSnapshot> slowRescan = () -> {
      inScan.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return rescan.get();
    };
    ProbeInventory slow = new ProbeInventory(last::get, slowRescan, Duration.ofSeconds(30), now::get);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Future<HostSnapshot> first = pool.submit(slow::get);
      assertThat(inScan.await(5, TimeUnit.SECONDS)).isTrue();
      Future<HostSnapshot> second = pool.submit(slow::get);
      Future<HostSnapshot> third = pool.submit(slow::get);
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS).getGeneration()).isEqualTo(2);
      assertThat(second.get(5, TimeUnit.SECONDS).getGeneration()).isEqualTo(2);
      assertThat(third.get(5, TimeUnit.SECONDS).getGeneration()).isEqualTo(2);
      assertThat(scans).hasValue(2);
    } finally {
      pool.shutdownNow();
    }
  }
}
