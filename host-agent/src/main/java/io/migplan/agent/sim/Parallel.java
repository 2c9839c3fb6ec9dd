package io.migplan.agent.sim;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs one task per index on as many threads as there are cores and returns the results in
 * index order, so parallel work still gives the same list every time. The first failure is
 * thrown after every task has finished; it decides nothing about what the tasks do.
 */
final class Parallel {
  private Parallel() {}

  @FunctionalInterface
  interface Task<T> {
    T run(int index) throws IOException;
  }

  static <T> List<T> map(int count, Task<T> task) throws IOException {
    int threads = Math.max(1, Math.min(count, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "fleet-setup");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> futures = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit(() -> task.run(index)));
      }
      List<T> results = new ArrayList<>(count);
      Throwable first = null;
      for (Future<T> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          first = first == null ? e.getCause() : first;
        }
      }
      if (first instanceof IOException io) {
        throw io;
      }
      if (first instanceof RuntimeException re) {
        throw re;
      }
      if (first instanceof Error error) {
        throw error;
      }
      if (first != null) {
        throw new IOException(first);
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while setting up the fleet", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
