package io.migplan.agent.config;

import static io.migplan.agent.config.FieldChecks.path;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * The {@code limits} section of the agent config: how much one caller, and all callers together,
 * may ask of the agent's gRPC server before it answers {@code RESOURCE_EXHAUSTED}. The agent runs
 * with a 64 MiB heap on every host (deploy/bin/migplan-agent), so what the calls in flight may hold
 * is checked against the heap at start ({@link #requireFitsHeap}).
 *
 * <pre>
 * limits:
 *   maxConcurrentCalls: 4           # calls answered at once; one more is RESOURCE_EXHAUSTED
 *   maxInboundMessageBytes: 1048576 # largest request taken (1 MiB); a larger one is RESOURCE_EXHAUSTED
 *   maxQuestionsPerBatch: 5000      # questions in one ProbeCompatibility call
 * </pre>
 *
 * <p>It decides the numbers and their bounds; the server applies them (grpc.CallLimits).
 */
public record AgentLimits(Integer maxConcurrentCalls, Integer maxInboundMessageBytes, Integer maxQuestionsPerBatch)
    implements SelfChecking {

  /**
   * The scheduler asks one host from a query, from its background refresh and for a rescan at
   * about the same time, and a second replica may do the same: four leaves room for both.
   */
  public static final int DEFAULT_CONCURRENT_CALLS = 4;
  /**
   * A probe batch of {@link #DEFAULT_QUESTIONS_PER_BATCH} questions is 0.55 to 1 MB on the wire (110
   * to 200 bytes a question, most of it the signature); the agent receives nothing larger
   * (GetInventory's request is a few bytes). Four such calls fit the 64 MiB heap by {@link
   * #requireFitsHeap}.
   */
  public static final int DEFAULT_INBOUND_MESSAGE_BYTES = 1024 * 1024;
  /**
   * Five times the 1,000 questions the scheduler asks in one call (migplan.matrix.batch-size); a
   * query asks one host's distinct signatures x types, hundreds at most.
   */
  public static final int DEFAULT_QUESTIONS_PER_BATCH = 5_000;

  static final int MAX_CONCURRENT_CALLS = 1024;
  /** Below 64 KiB not even a small probe batch fits; above 64 MiB no agent heap holds a call. */
  static final int MIN_MESSAGE_BYTES = 64 * 1024;
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
  static final String MESSAGE_RANGE = "must be between " + MIN_MESSAGE_BYTES + " and " + MAX_MESSAGE_BYTES + " bytes";
  /** The command probe reads at most 16 MiB of verdicts (CommandProbe.MAX_STDOUT_BYTES), ~200 bytes each. */
  static final int MAX_QUESTIONS = 50_000;

  /**
   * What one call may hold on the heap, as a multiple of its request's size: the request parsed
   * into objects and the answers built for it. Measured on a batch of 10,000 questions of 110 bytes
   * (protobuf-java 4.33, Java 17): 4.7 times its wire size parsed (every string field is a String
   * of its own, about 40 bytes before its text), 6.4 times with an answer of one sentence each.
   * Longer questions cost less per byte.
   */
  static final int HEAP_PER_REQUEST_BYTE = 6;

  public static final AgentLimits DEFAULTS = new AgentLimits(null, null, null);

  /** Absent values take their defaults. */
  @JsonCreator
  public AgentLimits {
    maxConcurrentCalls = maxConcurrentCalls == null ? DEFAULT_CONCURRENT_CALLS : maxConcurrentCalls;
    maxInboundMessageBytes = maxInboundMessageBytes == null ? DEFAULT_INBOUND_MESSAGE_BYTES : maxInboundMessageBytes;
    maxQuestionsPerBatch = maxQuestionsPerBatch == null ? DEFAULT_QUESTIONS_PER_BATCH : maxQuestionsPerBatch;
  }

  @Override
  public void checkInto(FieldChecks checks, String at) {
    checks.within(path(at, "maxConcurrentCalls"), maxConcurrentCalls, 1, MAX_CONCURRENT_CALLS,
        "must be between 1 and " + MAX_CONCURRENT_CALLS);
    checks.within(path(at, "maxInboundMessageBytes"), maxInboundMessageBytes, MIN_MESSAGE_BYTES, MAX_MESSAGE_BYTES,
        MESSAGE_RANGE);
    checks.within(path(at, "maxQuestionsPerBatch"), maxQuestionsPerBatch, 1, MAX_QUESTIONS,
        "must be between 1 and " + MAX_QUESTIONS);
  }

  public AgentLimits withMaxConcurrentCalls(int v) {
    return new AgentLimits(v, maxInboundMessageBytes, maxQuestionsPerBatch);
  }

  public AgentLimits withMaxInboundMessageBytes(int v) {
    return new AgentLimits(maxConcurrentCalls, v, maxQuestionsPerBatch);
  }

  public AgentLimits withMaxQuestionsPerBatch(int v) {
    return new AgentLimits(maxConcurrentCalls, maxInboundMessageBytes, v);
  }

  /** The most the calls in flight may hold on the heap: every call at its largest request. */
  public long heapInFlightBytes() {
    return (long) maxConcurrentCalls * maxInboundMessageBytes * HEAP_PER_REQUEST_BYTE;
  }

  /**
   * The calls in flight may take at most half of {@code maxHeapBytes} (the JVM's maximum heap); the
   * other half holds the host's inventory, the scans and gRPC's own buffers. A limit that does not
   * fit fails naming both keys and the heap, rather than leaving the agent to run out of memory
   * under load.
   */
  public void requireFitsHeap(long maxHeapBytes) {
    long budget = maxHeapBytes / 2;
    if (heapInFlightBytes() > budget) {
      throw InvalidConfigException.of(
          "limits",
          maxConcurrentCalls + " calls (maxConcurrentCalls) of up to " + mib(maxInboundMessageBytes)
              + " each (maxInboundMessageBytes) may hold " + mib(heapInFlightBytes()) + " of heap, more than half of"
              + " this JVM's " + mib(maxHeapBytes) + " heap; lower them or give the agent a larger -Xmx");
    }
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
