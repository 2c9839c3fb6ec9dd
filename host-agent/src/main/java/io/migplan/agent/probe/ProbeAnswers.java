package io.migplan.agent.probe;

import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;

/** Builds answers with the question's id echoed and the backend named. */
public final class ProbeAnswers {
  private ProbeAnswers() {}

  public static ProbeAnswer compatible(ProbeQuestion q, String backend, String message) {
    return base(q, backend).setVerdict(Verdict.VERDICT_COMPATIBLE).setMessage(message).build();
  }

  public static ProbeAnswer incompatible(
      ProbeQuestion q, String backend, String code, String message) {
    return base(q, backend)
        .setVerdict(Verdict.VERDICT_INCOMPATIBLE)
        .setCode(code)
        .setMessage(message)
        .build();
  }

  public static ProbeAnswer unknown(ProbeQuestion q, String backend, String message) {
    return unknown(q, backend, ProbeCodes.PROBE_ERROR, message);
  }

  public static ProbeAnswer unknown(ProbeQuestion q, String backend, String code, String message) {
    return base(q, backend)
        .setVerdict(Verdict.VERDICT_UNKNOWN)
        .setCode(code)
        .setMessage(message)
        .build();
  }

  private static ProbeAnswer.Builder base(ProbeQuestion q, String backend) {
    return ProbeAnswer.newBuilder().setId(q.getId()).setBackend(backend);
  }
}
