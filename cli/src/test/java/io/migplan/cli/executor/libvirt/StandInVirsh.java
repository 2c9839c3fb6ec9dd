package io.migplan.cli.executor.libvirt;

import io.migplan.cli.executor.process.Scripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for {@code virsh} where the real one cannot go (a live migration between two hosts):
 * a shell script that records each call's arguments (one line per call) and answers as configured
 * per subcommand, or per n-th call of a subcommand: exit status, stdout, stderr, a delay, or waiting
 * until a {@code domjobabort} call arrives. It keeps copies of the XML files it is handed, which the
 * executor deletes once it is done. Unconfigured, {@code nodedev-create} answers as virsh does,
 * naming the device libvirt 7.7+ style, and every call exits 0.
 */
final class StandInVirsh {
    private static final Pattern TEMP_FOLDER = Pattern.compile("\\S*/migplan-migrate-[^/\\s]+/");
    private static final Pattern CREATED_UUID = Pattern.compile("<uuid>([^<]+)</uuid>");

    private final Path dir;
    private final Path program;

    private StandInVirsh(Path dir, Path program) {
        this.dir = dir;
        this.program = program;
    }

    static StandInVirsh in(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("answers"));
        Path program = Scripts.write(dir, "virsh", """
                here='%s'
                printf '%%s\\n' "$*" >> "$here/calls"
                sub="$3"
                n=$(awk -v s="$sub" '$3 == s' "$here/calls" | wc -l)
                a="$here/answers/$sub.$n"
                [ -d "$a" ] || a="$here/answers/$sub"
                case "$sub" in
                  nodedev-create) cat "$4" >> "$here/nodedev-create.xml" ;;
                  domjobabort) : > "$here/aborted" ;;
                  migrate)
                    prev=''
                    for arg in "$@"; do
                      case "$prev" in
                        --xml) cp "$arg" "$here/migrate-live.xml" ;;
                        --persistent-xml) cp "$arg" "$here/migrate-persistent.xml" ;;
                      esac
                      prev="$arg"
                    done ;;
                esac
                if [ -f "$a/wait-for-abort" ]; then
                  while [ ! -f "$here/aborted" ]; do sleep 0.05; done
                fi
                if [ -f "$a/delay" ]; then sleep "$(cat "$a/delay")"; fi
                if [ -f "$a/stdout" ]; then
                  cat "$a/stdout"
                elif [ "$sub" = nodedev-create ]; then
                  uuid=$(sed -n 's:.*<uuid>\\(.*\\)</uuid>.*:\\1:p' "$4" | tr - _)
                  parent=$(sed -n 's:.*<parent>pci_\\(.*\\)</parent>.*:\\1:p' "$4")
                  echo "Node device mdev_${uuid}_$parent created from $4"
                  echo
                fi
                if [ -f "$a/stderr" ]; then cat "$a/stderr" >&2; fi
                if [ -f "$a/exit" ]; then exit "$(cat "$a/exit")"; fi
                exit 0
                """.formatted(dir));
        return new StandInVirsh(dir, program);
    }

    /** The program to give as {@code --virsh}. */
    String program() {
        return program.toString();
    }

    /** Every call of {@code subcommand} (or only its n-th, for "nodedev-create.2") answers so. */
    StandInVirsh answers(String subcommand, int exit, String stdout, String stderr) throws IOException {
        Path a = Files.createDirectories(dir.resolve("answers").resolve(subcommand));
        Files.writeString(a.resolve("exit"), Integer.toString(exit));
        if (stdout != null) {
            Files.writeString(a.resolve("stdout"), stdout);
        }
        if (stderr != null) {
            Files.writeString(a.resolve("stderr"), stderr);
        }
        return this;
    }

    /** Calls of {@code subcommand} first wait until {@code domjobabort} has been called. */
    StandInVirsh waitsForAbort(String subcommand) throws IOException {
        Files.writeString(Files.createDirectories(dir.resolve("answers").resolve(subcommand)).resolve("wait-for-abort"), "");
        return this;
    }

    /** Calls of {@code subcommand} first sleep that many seconds. */
    StandInVirsh delays(String subcommand, int seconds) throws IOException {
        Files.writeString(Files.createDirectories(dir.resolve("answers").resolve(subcommand)).resolve("delay"),
                Integer.toString(seconds));
        return this;
    }

    /**
     * The calls so far, one line each, the temporary folder written as {@code <tmp>/} and the UUIDs
     * of the mdevs created on the target as {@code NEW1}, {@code NEW2}, ... (with '_' for '-' as in
     * node device names).
     */
    List<String> calls() throws IOException {
        Path file = dir.resolve("calls");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> created = createdUuids();
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String l = TEMP_FOLDER.matcher(line).replaceAll("<tmp>/");
            for (int i = 0; i < created.size(); i++) {
                l = l.replace(created.get(i).replace('-', '_'), "NEW" + (i + 1));
            }
            lines.add(l);
        }
        return lines;
    }

    /** The UUIDs of the mdevs nodedev-create was asked for, in order. */
    List<String> createdUuids() throws IOException {
        Path file = dir.resolve("nodedev-create.xml");
        List<String> uuids = new ArrayList<>();
        if (Files.exists(file)) {
            Matcher m = CREATED_UUID.matcher(Files.readString(file));
            while (m.find()) {
                uuids.add(m.group(1));
            }
        }
        return uuids;
    }

    /** A file the stand-in kept: "nodedev-create.xml", "migrate-live.xml", "migrate-persistent.xml". */
    String kept(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }
}
