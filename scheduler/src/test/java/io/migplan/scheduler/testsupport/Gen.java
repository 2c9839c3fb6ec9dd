package io.migplan.scheduler.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Generated inputs for property tests, drawn from a {@link SplittableRandom} with a fixed seed, so
 * a run draws the same cases every time. {@link #cases} draws a property's cases, each from its own
 * seed taken from the property's seed, and makes one {@link DynamicTest} per case; a failure names
 * the case, the property's seed, the case's own seed ({@code new Gen(seed)} draws it again alone)
 * and the drawn input, abbreviated.
 */
public final class Gen {

    /** At most this many chars of an input in a test's name. */
    public static final int NAME_CHARS = 100;

    /** At most this many chars of an input in a failure message. */
    public static final int SHOWN_CHARS = 2_000;

    private final SplittableRandom random;

    public Gen(long seed) {
        this.random = new SplittableRandom(seed);
    }

    // ---- cases ----

    /**
     * {@code tries} cases of a property: each input drawn by {@code draw} from its own seed, the
     * test named by its number and {@code name} of the input, {@code check} run on it.
     */
    public static <T> Stream<DynamicTest> cases(long seed, int tries, Function<Gen, T> draw,
            Function<T, String> name, Consumer<T> check) {
        SplittableRandom seeds = new SplittableRandom(seed);
        List<DynamicTest> out = new ArrayList<>(tries);
        for (int i = 0; i < tries; i++) {
            long caseSeed = seeds.nextLong();
            T input = draw.apply(new Gen(caseSeed));
            String origin = origin(seed, i, caseSeed);
            out.add(DynamicTest.dynamicTest("#" + i + " " + shown(name.apply(input), NAME_CHARS),
                    () -> reproducibly(origin, input, () -> check.accept(input))));
        }
        return out.stream();
    }

    /** The seeds of {@code tries} cases of a property, for a parameterized test that draws its own. */
    public static long[] caseSeeds(long seed, int tries) {
        SplittableRandom seeds = new SplittableRandom(seed);
        return IntStream.range(0, tries).mapToLong(i -> seeds.nextLong()).toArray();
    }

    /** Where a case comes from, enough to draw it again. */
    public static String origin(long seed, int index, long caseSeed) {
        return "case #" + index + " of seed " + seed + "L (alone: new Gen(" + caseSeed + "L))";
    }

    /** Runs {@code check}; a failure says which case, and what input, it failed on. */
    public static void reproducibly(String origin, Object input, Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            throw new AssertionError(origin + " drew " + shown(String.valueOf(input), SHOWN_CHARS) + "\n"
                    + e.getMessage(), e);
        }
    }

    /**
     * {@code text} for a name or a message: control, format and separator characters and
     * surrogates as {@code \}{@code uXXXX}, cut to {@code max} chars with the full length said.
     */
    public static String shown(String text, int max) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < text.length() && out.length() <= max; i++) {
            char c = text.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.FORMAT || type == Character.SURROGATE
                    || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return i == text.length() && out.length() <= max ? out.toString()
                : out.substring(0, Math.min(max, out.length())) + "… (" + text.length() + " chars)";
    }

    // ---- numbers and choices ----

    /** An int in [min, max]. */
    public int between(int min, int max) {
        return (int) between((long) min, (long) max);
    }

    /** A long in [min, max], the whole range of long included. */
    public long between(long min, long max) {
        if (max < Long.MAX_VALUE) {
            return random.nextLong(min, max + 1);
        }
        if (min > Long.MIN_VALUE) {
            return random.nextLong(min - 1, max) + 1;
        }
        return random.nextLong();
    }

    /** True {@code percent} times in a hundred. */
    public boolean percent(int percent) {
        return random.nextInt(100) < percent;
    }

    /** An index into {@code weights}, each drawn as often as its weight says. */
    public int weighted(int... weights) {
        int total = IntStream.of(weights).sum();
        int pick = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    @SafeVarargs
    public final <T> T of(T... values) {
        return values[random.nextInt(values.length)];
    }

    public <T> T of(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** One of the generators, each as likely. */
    @SafeVarargs
    public final <T> T oneOf(Supplier<? extends T>... generators) {
        return of(generators).get();
    }

    /** A value of {@code draw} that {@code accept} takes; the rejects are drawn again. */
    public <T> T until(Supplier<T> draw, Predicate<? super T> accept) {
        for (int i = 0; i < 10_000; i++) {
            T value = draw.get();
            if (accept.test(value)) {
                return value;
            }
        }
        throw new IllegalStateException("no value taken in 10000 draws");
    }

    // ---- chars, strings and lists ----

    /** A char in [from, to]. */
    public char charIn(char from, char to) {
        return (char) between(from, to);
    }

    /** A control character, C0 and DEL or C1 as likely: what {@link Character#isISOControl} calls one. */
    public char control() {
        return random.nextBoolean() ? charIn('\u0000', '\u001F') : charIn('\u007F', '\u009F');
    }

    /** A string of {@code min} to {@code max} chars, each from {@code chars}. */
    public String string(int min, int max, Supplier<Character> chars) {
        int n = between(min, max);
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append((char) chars.get());
        }
        return out.toString();
    }

    /** A list of {@code min} to {@code max} elements, each from {@code element}. */
    public <T> List<T> list(int min, int max, Supplier<T> element) {
        int n = between(min, max);
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(element.get());
        }
        return out;
    }

    /** {@code list} with each element after the first, {@code percent} times in a hundred, one before it again. */
    public <T> List<T> withRepeats(List<T> list, int percent) {
        List<T> out = new ArrayList<>(list);
        for (int i = 1; i < out.size(); i++) {
            if (percent(percent)) {
                out.set(i, out.get(random.nextInt(i)));
            }
        }
        return out;
    }
}
