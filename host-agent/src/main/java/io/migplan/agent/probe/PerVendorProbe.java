package io.migplan.agent.probe;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.config.ProbeBackendChoice;
import io.migplan.agent.config.ProbeSettings;
import io.migplan.agent.inventory.Problems;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes each question to the backend configured for its vendor ({@link ProbeSettings}): the
 * {@link Vendors vendor} of the first parent holding the target type (parents in address order),
 * and a type absent from the host goes to the default backend, which says NO_SUCH_TYPE. Questions
 * for one backend go to it as one batch, so a vendor command runs once per batch; answers come
 * back in question order and name the backend that decided.
 *
 * <p>It decides only who answers, never the answer.
 */
public final class PerVendorProbe implements ProbeBackend {
  private final ProbeSettings settings;
  private final Map<ProbeBackendChoice, ProbeBackend> backends;

  private PerVendorProbe(ProbeSettings settings, Map<ProbeBackendChoice, ProbeBackend> backends) {
    this.settings = settings;
    this.backends = backends;
  }

  /**
   * Builds every configured backend. A configured rules file is loaded and validated even when no
   * vendor uses it yet, so a bad one fails at start (an InvalidConfigException for probes.rulesFile).
   */
  public static PerVendorProbe create(ProbeSettings settings, HostRoot root) {
    settings.validate();
    ProbeRules rules = null;
    if (settings.rulesFile() != null) {
      rules = ProbeRules.load(settings.rulesFile());
    } else if (settings.choices().contains(ProbeBackendChoice.RULES)) {
      rules = ProbeRules.defaults();
    }
    Map<ProbeBackendChoice, ProbeBackend> backends = new EnumMap<>(ProbeBackendChoice.class);
    for (ProbeBackendChoice c : settings.choices()) {
      backends.put(
          c,
          switch (c) {
            case RULES -> new RulesProbe(rules);
            case COMMAND -> new CommandProbe(settings.commandExec(), settings.commandTimeout(),
                settings.commandMaxConcurrent(), settings.commandMaxWait());
            default -> AutoProbe.forChoice(c, root);
          });
    }
    return new PerVendorProbe(settings, backends);
  }

  public ProbeSettings settings() {
    return settings;
  }

  /** The backend that answers this question on this inventory. */
  public ProbeBackend backendFor(ProbeQuestion q, HostSnapshot inventory) {
    TargetTypes targets = TargetTypes.of(q, inventory);
    String vendor =
        targets.isEmpty() ? "" : Vendors.of(targets.targets().get(0).parent(), q.getTargetTypeId());
    return backends.get(vendor.isEmpty() ? settings.defaultBackend() : settings.choiceFor(vendor));
  }

  @Override
  public ProbeAnswer answerOne(ProbeQuestion q, HostSnapshot inventory) throws Exception {
    return backendFor(q, inventory).answerOne(q, inventory);
  }

  @Override
  public List<ProbeAnswer> answer(List<ProbeQuestion> questions, HostSnapshot inventory) {
    Map<ProbeBackend, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < questions.size(); i++) {
      groups.computeIfAbsent(backendFor(questions.get(i), inventory), b -> new ArrayList<>()).add(i);
    }
    ProbeAnswer[] answers = new ProbeAnswer[questions.size()];
    for (var g : groups.entrySet()) {
      ProbeBackend backend = g.getKey();
      List<ProbeQuestion> batch = g.getValue().stream().map(questions::get).toList();
      List<ProbeAnswer> got;
      try {
        got = backend.answer(batch, inventory);
      } catch (ProbeBusyException e) {
        // Not an answer: the whole call is refused and asked again (see ProbeBusyException).
        throw e;
      } catch (RuntimeException e) {
        // A backend's batch method must not throw; if one does, its questions stay unanswered, not compatible.
        got =
            batch.stream()
                .map(q -> ProbeAnswers.unknown(q, backend.name(),
                    "probing type " + q.getTargetTypeId() + " failed: " + Problems.describe(e)))
                .toList();
      }
      for (int k = 0; k < batch.size(); k++) {
        answers[g.getValue().get(k)] = got.get(k);
      }
    }
    return List.of(answers);
  }
}
