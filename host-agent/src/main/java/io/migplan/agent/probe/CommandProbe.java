package io.migplan.agent.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.migplan.agent.config.ProbeSettings;
import io.migplan.agent.exec.BoundedProcess;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Asks an external vendor tool (an NVML wrapper, say) and reports what it says. Protocol, one
 * process per batch, no shell ({@link ProcessBuilder} with the configured argv):
 *
 * <ul>
 *   <li>stdin: one JSON object per line per question whose target type exists here: {@code id,
 *       targetTypeId, targetParent, sourceSignature, sourceTypeId, sourceBoard, sourceDriver,
 *       sourceDriverVersion, sourceRelease} (source facts from the question, else parsed from a
 *       derived signature, "" when unknown) and {@code targets}: every (parent, type) on this host
 *       the state could land on, each {@code parent, typeId, name, board, driver, driverVersion,
 *       signature, signatureSource, deviceApi}. stdin is closed after the last line.
 *   <li>stdout: one line per question, {@code {"id":"q1","verdict":"COMPATIBLE|INCOMPATIBLE|UNKNOWN",
 *       "code":"...","message":"..."}}, in any order; {@code id} may be left out when the batch
 *       has one question. An INCOMPATIBLE without a code reads {@code VENDOR_REJECTED}.
 *   <li>exit status 0. Anything else, a line that is not such an object, an unknown or repeated
 *       id, or no exit within the timeout (the process and its children are killed) makes every
 *       answer of the batch UNKNOWN with what went wrong (and a stderr excerpt); a question the
 *       tool did not answer is UNKNOWN.
 * </ul>
 *
 * <p>A type absent from this host is answered NO_SUCH_TYPE without asking the tool. The timeout
 * bounds the whole batch, so a tool has to answer all of it within that time. At most {@code
 * maxConcurrent} runs of the tool exist at once; a batch that finds them all taken waits up to
 * {@code maxWait} for one to end, then fails with {@link ProbeBusyException} (the call is refused
 * RESOURCE_EXHAUSTED and asked again, rather than answered UNKNOWN and stored).
 *
 * <p>It does not judge what the tool says; a tool that creates or changes devices breaks the
 * probe contract, and nothing here can stop it.
 */
public final class CommandProbe implements ProbeBackend {
  /**
   * Keep this much of stderr in a message: a tool's error line fits, and the message still reads
   * as one sentence in the scheduler's diagnosis.
   */
  static final int STDERR_EXCERPT_CHARS = 400;
  /**
   * Read at most this much stdout: a verdict line is ~200 bytes, so the largest batch the agent
   * takes (limits.maxQuestionsPerBatch, at most 50,000) needs ~10 MB; the cap only stops a
   * runaway tool.
   */
  static final int MAX_STDOUT_BYTES = 16 * 1024 * 1024;
  /** Quote this much of a bad output line: enough to recognise it, short enough for one sentence. */
  static final int QUOTE_CHARS = 80;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> VERDICTS = Set.of("COMPATIBLE", "INCOMPATIBLE", "UNKNOWN");

  private final List<String> exec;
  private final Duration timeout;
  private final int maxConcurrent;
  private final Duration maxWait;
  /** One permit per run of the tool that may exist at once; fair, so no batch waits behind later ones. */
  private final Semaphore runs;

  /** Runs at most as often at once as the config's default (ProbeSettings.DEFAULT_COMMAND_MAX_CONCURRENT). */
  public CommandProbe(List<String> exec, Duration timeout) {
    this(exec, timeout, ProbeSettings.DEFAULT_COMMAND_MAX_CONCURRENT, ProbeSettings.DEFAULT_COMMAND_MAX_WAIT);
  }

  public CommandProbe(List<String> exec, Duration timeout, int maxConcurrent, Duration maxWait) {
    if (exec.isEmpty()) {
      throw new IllegalArgumentException("a command probe needs a program to run");
    }
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("a command probe needs at least one run at a time, got " + maxConcurrent);
    }
    this.exec = List.copyOf(exec);
    this.timeout = timeout;
    this.maxConcurrent = maxConcurrent;
    this.maxWait = maxWait;
    this.runs = new Semaphore(maxConcurrent, true);
  }

  @Override
  public ProbeAnswer answerOne(ProbeQuestion q, HostSnapshot inventory) {
    return answer(List.of(q), inventory).get(0);
  }

  @Override
  public List<ProbeAnswer> answer(List<ProbeQuestion> questions, HostSnapshot inventory) {
    ProbeAnswer[] answers = new ProbeAnswer[questions.size()];
    Map<String, Integer> asked = new LinkedHashMap<>();
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < questions.size(); i++) {
      ProbeQuestion q = questions.get(i);
      TargetTypes targets = TargetTypes.of(q, inventory);
      if (targets.isEmpty()) {
        answers[i] =
            ProbeAnswers.incompatible(
                q, name(), ProbeCodes.NO_SUCH_TYPE, TargetTypes.where(q) + " does not exist on this host.");
        continue;
      }
      asked.put(q.getId(), i);
      input.append(requestLine(q, targets)).append('\n');
    }
    if (!asked.isEmpty()) {
      Run run = runInTurn(input.toString().getBytes(StandardCharsets.UTF_8));
      Map<String, ProbeAnswer> told = run.failure == null ? parse(run, questions, asked) : Map.of();
      for (var e : asked.entrySet()) {
        ProbeQuestion q = questions.get(e.getValue());
        ProbeAnswer a = told.get(e.getKey());
        if (a == null) {
          a =
              run.failure != null
                  ? ProbeAnswers.unknown(q, name(), run.failureCode, run.failure + " (type " + q.getTargetTypeId() + ")")
                  : ProbeAnswers.unknown(
                      q, name(), ProbeCodes.PROBE_ERROR,
                      command() + " gave no answer for question " + q.getId() + " (type " + q.getTargetTypeId() + ").");
        }
        answers[e.getValue()] = a;
      }
    }
    return List.of(answers);
  }

  private String command() {
    return "command " + exec.get(0);
  }

  static String requestLine(ProbeQuestion q, TargetTypes targets) {
    SourceFacts src = SourceFacts.of(q);
    ObjectNode line = JSON.createObjectNode();
    line.put("id", q.getId());
    line.put("targetTypeId", q.getTargetTypeId());
    line.put("targetParent", q.getTargetParent());
    line.put("sourceSignature", q.getSourceSignature());
    line.put("sourceTypeId", src.typeId());
    line.put("sourceBoard", src.board());
    line.put("sourceDriver", src.driver());
    line.put("sourceDriverVersion", src.driverVersion());
    line.put("sourceRelease", q.getSourceRelease());
    ArrayNode list = line.putArray("targets");
    for (TargetTypes.Target t : targets.targets()) {
      ParentDevice p = t.parent();
      DeviceType type = t.type();
      list.addObject()
          .put("parent", p.getAddress())
          .put("typeId", type.getTypeId())
          .put("name", type.getName())
          .put("board", p.getBoard())
          .put("driver", p.getDriver())
          .put("driverVersion", p.getDriverVersion())
          .put("signature", type.getSignature())
          .put("signatureSource", type.getSignatureSource().name())
          .put("deviceApi", type.getDeviceApi());
    }
    try {
      return JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What one process run produced; {@code failure} set means no answer of it is trusted. */
  private static final class Run {
    String stdout = "";
    String failure;
    String failureCode = ProbeCodes.PROBE_ERROR;
  }

  /** {@link #run} once a run of the tool may start, within {@code maxWait}; else {@link ProbeBusyException}. */
  private Run runInTurn(byte[] input) {
    boolean turn;
    try {
      turn = runs.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProbeBusyException(command() + " was not started: the agent is stopping");
    }
    if (!turn) {
      throw new ProbeBusyException(
          command() + " already runs " + maxConcurrent + " times at once (probes.command.maxConcurrent) and none"
              + " ended within " + format(maxWait) + " (probes.command.maxWait); ask again shortly");
    }
    try {
      return run(input);
    } finally {
      runs.release();
    }
  }

  private Run run(byte[] input) {
    Run run = new Run();
    BoundedProcess.Outcome o =
        BoundedProcess.run(exec, input, timeout, MAX_STDOUT_BYTES, STDERR_EXCERPT_CHARS * 4);
    switch (o.end()) {
      case NOT_STARTED -> run.failure = command() + " could not be started: " + o.startFailure();
      case TIMED_OUT -> {
        run.failure = command() + " timed out after " + format(timeout) + " and was killed" + excerpt(o.stderr());
        run.failureCode = ProbeCodes.PROBE_TIMEOUT;
      }
      case INTERRUPTED -> run.failure = command() + " was interrupted (the agent is stopping)";
      case EXITED -> {
        if (o.exitValue() != 0) {
          run.failure = command() + " exited with status " + o.exitValue() + excerpt(o.stderr());
        } else if (o.stdoutOverflowed()) {
          run.failure = command() + " printed more than " + MAX_STDOUT_BYTES + " bytes";
        } else {
          run.stdout = o.stdout();
        }
      }
    }
    return run;
  }

  private Map<String, ProbeAnswer> parse(Run run, List<ProbeQuestion> questions, Map<String, Integer> asked) {
    Map<String, ProbeAnswer> told = new HashMap<>();
    String[] lines = run.stdout.split("\n");
    int number = 0;
    for (String raw : lines) {
      number++;
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      String problem = null;
      JsonNode node = null;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        problem = "is not JSON";
      }
      String id = null;
      if (problem == null) {
        if (node == null || !node.isObject()) {
          problem = "is not a JSON object";
        } else {
          id = text(node, "id");
          if (id.isEmpty() && asked.size() == 1) {
            id = asked.keySet().iterator().next();
          }
          if (!asked.containsKey(id)) {
            problem = id.isEmpty() ? "has no id" : "answers id '" + id + "', which was not asked";
          } else if (told.containsKey(id)) {
            problem = "answers id '" + id + "' a second time";
          } else if (!VERDICTS.contains(text(node, "verdict"))) {
            problem = "has verdict '" + text(node, "verdict") + "', not COMPATIBLE, INCOMPATIBLE or UNKNOWN";
          }
        }
      }
      if (problem != null) {
        // One bad line means the tool and the agent disagree on the protocol: trust none of it.
        String failure = command() + " broke the protocol: output line " + number + " '" + quote(line) + "' " + problem;
        Map<String, ProbeAnswer> all = new HashMap<>();
        for (var e : asked.entrySet()) {
          ProbeQuestion q = questions.get(e.getValue());
          all.put(e.getKey(), ProbeAnswers.unknown(q, name(), ProbeCodes.PROBE_ERROR, failure + " (type " + q.getTargetTypeId() + ")."));
        }
        return all;
      }
      told.put(id, toAnswer(questions.get(asked.get(id)), node));
    }
    return told;
  }

  private ProbeAnswer toAnswer(ProbeQuestion q, JsonNode node) {
    String code = text(node, "code");
    String message = text(node, "message");
    String said = message.isEmpty() ? command() + " said so for type " + q.getTargetTypeId() + "." : message;
    return switch (text(node, "verdict")) {
      case "COMPATIBLE" -> ProbeAnswers.compatible(q, name(), said);
      case "INCOMPATIBLE" -> ProbeAnswers.incompatible(q, name(), code.isEmpty() ? ProbeCodes.VENDOR_REJECTED : code, said);
      default -> ProbeAnswers.unknown(q, name(), code.isEmpty() ? ProbeCodes.PROBE_ERROR : code, said);
    };
  }

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() || !v.isValueNode() ? "" : v.asText().strip();
  }

  private static String excerpt(String stderr) {
    String text = stderr.strip();
    if (text.isEmpty()) {
      return "";
    }
    String one = text.replaceAll("\\s*\\n\\s*", " | ");
    return "; stderr: " + (one.length() > STDERR_EXCERPT_CHARS ? one.substring(0, STDERR_EXCERPT_CHARS) + "..." : one);
  }

  private static String quote(String line) {
    return line.length() > QUOTE_CHARS ? line.substring(0, QUOTE_CHARS) + "..." : line;
  }

  /** "2s", "1500ms": as a config would spell it. */
  static String format(Duration d) {
    return BoundedProcess.format(d);
  }
}
