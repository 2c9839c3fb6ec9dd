package io.migplan.agent.probe;

import io.migplan.agent.inventory.Problems;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers "would device type T on this host accept migration state with signature S?". A backend
 * never creates, changes or removes a device, and an answer it cannot give is UNKNOWN, never
 * COMPATIBLE.
 */
public interface ProbeBackend {
  /** One answer; may throw, {@link #answer(List, HostSnapshot)} turns that into UNKNOWN. */
  ProbeAnswer answerOne(ProbeQuestion question, HostSnapshot inventory) throws Exception;

  /** The name reported in {@code ProbeAnswer.backend}. */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * Answers in question order, ids echoed; no exception escapes but a {@link ProbeBusyException},
   * which refuses the whole call.
   */
  default List<ProbeAnswer> answer(List<ProbeQuestion> questions, HostSnapshot inventory) {
    List<ProbeAnswer> answers = new ArrayList<>(questions.size());
    for (ProbeQuestion q : questions) {
      ProbeAnswer a;
      try {
        a = answerOne(q, inventory);
      } catch (Exception | LinkageError e) {
        a =
            ProbeAnswers.unknown(
                q,
                name(),
                "probing type "
                    + q.getTargetTypeId()
                    + " failed: "
                    + (e instanceof Exception ex ? Problems.describe(ex) : e.toString()));
      }
      answers.add(a);
    }
    return answers;
  }
}
