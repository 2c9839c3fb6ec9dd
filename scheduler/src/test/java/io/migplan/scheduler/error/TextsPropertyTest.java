package io.migplan.scheduler.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.testsupport.Gen;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Texts#problem}'s rule over generated strings: a value is refused exactly when it is longer
 * than its bound in UTF-16 chars (a Java {@code String}'s length, so an emoji counts twice: stricter
 * than PostgreSQL's count of code points) or holds a control character, C0, DEL or C1
 * ({@link Character#isISOControl}); the refusal is a sentence starting with the field that names
 * the first such character or the length. Everything else, format characters such as bidi
 * overrides and unpaired surrogates included, is taken. Each property draws its cases from a fixed
 * seed ({@link Gen}), so a run is repeatable.
 */
class TextsPropertyTest {

    private static final String FIELD = "snapshot.vms[2].name";

    /** A value and the bound it is checked against. */
    record Bounded(String value, int max) {
        String name() {
            return "max=" + max + " length=" + value.length() + " " + quoted(value);
        }
    }

    @TestFactory
    Stream<DynamicTest> aValueIsRefusedExactlyWhenTooLongOrHoldingAControlCharacter() {
        return Gen.cases(20251205L, 500, g -> {
            String value = anyText(g);
            // Mostly any bound; sometimes the value's length or one less, where the rule turns.
            int max = switch (g.weighted(6, 1, 1)) {
                case 0 -> g.between(0, 300);
                case 1 -> Math.min(value.length(), 300);
                default -> Math.max(0, Math.min(value.length() - 1, 300));
            };
            return new Bounded(value, max);
        }, Bounded::name, c -> {
            String value = c.value();
            int max = c.max();
            String problem = Texts.problem(FIELD, value, max);

            boolean tooLong = value.length() > max;
            int control = firstControl(value);
            if (!tooLong && control < 0) {
                assertThat(problem).isNull();
            } else {
                assertThat(problem).startsWith(FIELD + " ");
                assertThat(problem).isEqualTo(FIELD + " " + (tooLong
                        ? "is " + value.length() + " characters long, at most " + max
                        : "contains a control character (" + String.format("U+%04X", (int) value.charAt(control))
                                + ") at " + control));
            }
        });
    }

    /** Plain text, a control character, plain text. */
    record Around(String before, char control, String after) {
        String value() {
            return before + control + after;
        }

        String name() {
            return quoted(value());
        }
    }

    @TestFactory
    Stream<DynamicTest> aControlCharacterAnywhereWithinTheBoundIsRefusedAtItsPosition() {
        return Gen.cases(20251206L, 300, g -> new Around(plainText(g), g.control(), plainText(g)), Around::name,
                c -> assertThat(Texts.problem(FIELD, c.value(), Texts.MAX_TEXT)).isEqualTo(FIELD
                        + " contains a control character (" + String.format("U+%04X", (int) c.control()) + ") at "
                        + c.before().length()));
    }

    @TestFactory
    Stream<DynamicTest> plainTextWithinItsBoundIsTakenWhateverScriptOrFormatCharacters() {
        return Gen.cases(20251207L, 300, TextsPropertyTest::plainText, TextsPropertyTest::quoted, value -> {
            assertThat(Texts.problem(FIELD, value, Texts.MAX_TEXT)).isNull();
            assertThat(Texts.problem(FIELD, value, value.length())).isNull();
        });
    }

    @TestFactory
    Stream<DynamicTest> aValueOneCharPastItsBoundIsRefusedNamingBothLengths() {
        return Gen.cases(20251208L, 200, TextsPropertyTest::plainText, TextsPropertyTest::quoted, value -> {
            String longer = value + "x";

            assertThat(Texts.problem(FIELD, longer, value.length())).isEqualTo(FIELD + " is " + longer.length()
                    + " characters long, at most " + value.length());
        });
    }

    @TestFactory
    Stream<DynamicTest> theBoundCountsCharsSoAnAstralCodePointCountsTwice() {
        return Gen.cases(20251209L, 200, g -> g.between(1, 200), n -> n + " code points", codePoints -> {
            String emoji = "\uD83D\uDCA5".repeat(codePoints);

            assertThat(Texts.problem(FIELD, emoji, 2 * codePoints)).isNull();
            assertThat(Texts.problem(FIELD, emoji, 2 * codePoints - 1)).startsWith(FIELD + " is " + 2 * codePoints
                    + " characters long");
        });
    }

    @TestFactory
    Stream<DynamicTest> anEscapedValueHasNoControlCharacterLeftSoItCannotForgeALogLine() {
        return Gen.cases(20251210L, 300, TextsPropertyTest::anyText, TextsPropertyTest::quoted,
                value -> assertThat(firstControl(Texts.escaped(value))).isEqualTo(-1));
    }

    // ---- generators ----

    /**
     * Every char, with control characters, bidi overrides and surrogates drawn often; mostly up to
     * 320 chars, sometimes around {@link Texts#MAX_TEXT}.
     */
    static String anyText(Gen g) {
        return g.weighted(8, 1) == 0 ? g.string(0, 320, () -> anyChar(g)) : g.string(4090, 4100, () -> anyChar(g));
    }

    private static char anyChar(Gen g) {
        return switch (g.weighted(6, 3, 1, 1, 1)) {
            case 0 -> g.charIn('\u0000', '\uFFFF');
            case 1 -> g.charIn(' ', '~');
            case 2 -> g.control();
            case 3 -> g.of(BIDI);
            default -> g.charIn('\uD800', '\uDFFF');
        };
    }

    /** Text without control characters: any script, emoji, bidi overrides and other format characters. */
    static String plainText(Gen g) {
        StringBuilder out = new StringBuilder();
        for (String piece : g.list(0, 200, () -> switch (g.between(0, 4)) {
            case 0 -> String.valueOf(g.charIn(' ', '~'));
            case 1 -> String.valueOf(g.charIn('\u00A0', '\uD7FF'));
            case 2 -> String.valueOf(g.charIn('\uE000', '\uFFFF'));
            case 3 -> String.valueOf(g.of(BIDI));
            default -> g.of("\uD83D\uDCA5", "\uD83D\uDE00", "e\u0301");
        })) {
            out.append(piece);
        }
        return out.toString();
    }

    /** Embeddings, overrides, isolates and marks: format characters, not control characters. */
    private static final Character[] BIDI = {'\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067',
            '\u2068', '\u2069', '\u200E', '\u200F', '\u061C'};

    private static String quoted(String value) {
        return "\"" + value + "\"";
    }

    private static int firstControl(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= '\u001F' || (c >= '\u007F' && c <= '\u009F')) {
                return i;
            }
        }
        return -1;
    }
}
