package io.migplan.agent.grpc;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.migplan.agent.inventory.Problems;
import io.migplan.agent.probe.ProbeBackend;
import io.migplan.agent.probe.ProbeBusyException;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.proto.v1.ProbeQuestion;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The agent's gRPC face: returns the inventory and answers probe batches. Validates requests
 * (INVALID_ARGUMENT with a sentence); the decisions belong to the scanner and the probe backend.
 * How much a call may ask (questions per batch, calls at once, message size) is {@link CallLimits}'
 * business; a probe backend out of room refuses the call RESOURCE_EXHAUSTED.
 */
public final class AgentServiceImpl extends AgentServiceGrpc.AgentServiceImplBase {

  private final Supplier<HostSnapshot> lastScan;
  private final Supplier<HostSnapshot> rescan;
  private final Supplier<HostSnapshot> probeInventory;
  private final ProbeBackend probes;

  /** Probes read a fresh scan per batch. */
  public AgentServiceImpl(
      Supplier<HostSnapshot> lastScan, Supplier<HostSnapshot> rescan, ProbeBackend probes) {
    this(lastScan, rescan, rescan, probes);
  }

  /**
   * Probes read {@code probeInventory}, e.g. a {@link io.migplan.agent.probe.ProbeInventory} that
   * reuses the last scan while it is recent.
   */
  public AgentServiceImpl(
      Supplier<HostSnapshot> lastScan,
      Supplier<HostSnapshot> rescan,
      Supplier<HostSnapshot> probeInventory,
      ProbeBackend probes) {
    this.lastScan = lastScan;
    this.rescan = rescan;
    this.probeInventory = probeInventory;
    this.probes = probes;
  }

  @Override
  public void getInventory(GetInventoryRequest request, StreamObserver<HostSnapshot> response) {
    try {
      String serving = lastScan.get().getHost().getId();
      if (!request.getHostId().isEmpty() && !request.getHostId().equals(serving)) {
        // The caller means another host: an answer from this one would be evidence about the wrong host.
        response.onError(
            Status.FAILED_PRECONDITION
                .withDescription("this agent serves host " + serving + ", not " + Problems.excerpt(request.getHostId()))
                .asRuntimeException());
        return;
      }
      response.onNext(request.getRescan() ? rescan.get() : lastScan.get());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription("scan failed: " + e).asRuntimeException());
    }
  }

  @Override
  public void probeCompatibility(
      ProbeCompatibilityRequest request, StreamObserver<ProbeCompatibilityResponse> response) {
    String invalid = validate(request);
    if (invalid != null) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(invalid).asRuntimeException());
      return;
    }
    try {
      HostSnapshot inventory = probeInventory.get();
      response.onNext(
          ProbeCompatibilityResponse.newBuilder()
              .addAllAnswers(probes.answer(request.getQuestionsList(), inventory))
              .build());
      response.onCompleted();
    } catch (ProbeBusyException e) {
      response.onError(Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException());
    } catch (RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription("probe failed: " + e).asRuntimeException());
    }
  }

  static String validate(ProbeCompatibilityRequest request) {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < request.getQuestionsCount(); i++) {
      ProbeQuestion q = request.getQuestions(i);
      String which = "question " + i + (q.getId().isEmpty() ? "" : " (id " + q.getId() + ")");
      if (q.getId().isBlank()) {
        return which + " has no id; every question needs one to match its answer.";
      }
      if (!ids.add(q.getId())) {
        return which + " repeats an id used earlier in the batch; ids must be unique.";
      }
      if (q.getTargetTypeId().isBlank()) {
        return which + " has no target_type_id.";
      }
      if (q.getSourceSignature().isBlank()) {
        return which + " has no source_signature.";
      }
    }
    return null;
  }
}
