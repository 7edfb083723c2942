package io.unshub.namespace.check;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast segment check ({@link CharClassRule}) must agree with {@code java.util.regex} full matching on
 * every input, including non-ASCII text, surrogate pairs, lone surrogates and sub-ranges of a longer string.
 */
class CharClassRulePropertyTest {

    /** Patterns of the shapes the fast path takes: [first]rest{m,n}, with ^ and $ optional. */
    static final List<String> FAST = List.of(
            "^[a-z0-9][a-z0-9_-]{0,62}$",
            "[A-Za-z0-9_.-]+",
            "[^+#]{1,256}",
            "^[^+#]{1,256}$",
            "\\w{2,5}",
            "[a-c]?",
            "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$",
            "^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$",
            "^[A-Za-z0-9_-]{1,64}$",
            "\\d+",
            "[\\d]*",
            "[^a-z]{2}",
            "[^\\w]+",
            "x[^/]*",
            "[-a]{1,3}",
            "[a-]+",
            "[\\-\\]\\\\]+",
            "[.]+",
            "\\.[a-z]",
            "[a-c-e]+",
            "[\\w-]+",
            "[a-z]{3,}",
            "[a-z]{0}",
            "^a$",
            "ab",
            "_[a-z]*",
            "[$][a-zA-Z]+",
            "[^+#]*");

    /** Valid patterns the fast path must leave to the regex engine. */
    static final List<String> SLOW = List.of(
            "(ab|cd)+",
            "^[a-z]+?[0-9]*$",
            "[^+#]+?",
            "[a-z]++",
            "[a-z]{2,4}?",
            "\\p{L}{1,3}",
            "(?i)[a-z]+",
            "[a-z&&[^x]]+",
            "\\s*",
            ".{0,3}",
            "[]a]+",
            "[é-ü]+",
            "^(cell|unit)[0-9]{1,3}$",
            "x{2}{3}",
            "abc",
            "[a-z]{2}[0-9]");

    /** Characters that matter: classes, separators, wildcards, escapes, non-ASCII, surrogates. */
    static final List<String> TOKENS = List.of(
            "a", "b", "c", "d", "m", "x", "z", "A", "Q", "Z", "0", "5", "9", "_", "-", ".", ":", "+", "#", "/", "$",
            " ", "\t", "\n", "\\", "]", "[", "^", "\u007f", "\u0080", "é", "ü", "€", "\uFFFF",
            "😀", "\uD83D", "\uDE00", "𝔸");

    @Example
    void fastPatternsTakeTheFastPathAndSlowOnesDoNot() {
        for (String p : FAST) {
            assertThat(SegmentRule.compile(p)).as(p).isInstanceOf(CharClassRule.class);
            assertThat(SegmentRule.compile(p).pattern()).isEqualTo(p);
        }
        for (String p : SLOW) {
            assertThat(SegmentRule.compile(p)).as(p).isInstanceOf(RegexRule.class);
            assertThat(SegmentRule.compile(p).pattern()).isEqualTo(p);
        }
    }

    @Example
    void invalidRegexIsReportedAsSuch() {
        for (String p : List.of("[a-z", "a{2,1}", "*", "(a", "[z-a]")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SegmentRule.compile(p))
                    .as(p).isInstanceOf(PatternSyntaxException.class);
        }
    }

    @Example
    void lengthBoundsCountCodePoints() {
        SegmentRule rule = SegmentRule.compile("[^+#]{1,256}");
        String smileys = "😀".repeat(256);            // 512 chars, 256 code points
        assertThat(rule.accepts(smileys, 0, smileys.length())).isTrue();
        assertThat(rule.accepts(smileys + "😀", 0, smileys.length() + 2)).isFalse();
        assertThat(SegmentRule.compile("\\w{2,5}").accepts("ab😀", 0, 4)).isFalse();
    }

    @Property(tries = 3000)
    void agreesWithRegexOnWholeStrings(@ForAll("fast") String pattern, @ForAll("strings") String s) {
        SegmentRule rule = SegmentRule.compile(pattern);
        boolean expected = Pattern.compile(pattern).matcher(s).matches();
        Statistics.label("matches").collect(expected);
        assertThat(rule.accepts(s, 0, s.length())).as("%s on '%s'", pattern, s).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void agreesWithRegexOnSubRanges(@ForAll("fast") String pattern, @ForAll("strings") String prefix,
                                    @ForAll("strings") String segment, @ForAll("strings") String suffix) {
        String topic = prefix + segment + suffix;
        int from = prefix.length();
        int to = from + segment.length();
        boolean expected = Pattern.compile(pattern).matcher(segment).matches();
        assertThat(SegmentRule.compile(pattern).accepts(topic, from, to))
                .as("%s on [%d,%d) of '%s'", pattern, from, to, topic).isEqualTo(expected);
    }

    @Property(tries = 2000)
    void agreesOnArbitraryRangesOfOneString(@ForAll("fast") String pattern, @ForAll("strings") String s,
                                            @ForAll int a, @ForAll int b) {
        int x = Math.floorMod(a, s.length() + 1);
        int y = Math.floorMod(b, s.length() + 1);
        int from = Math.min(x, y);
        int to = Math.max(x, y);
        boolean expected = Pattern.compile(pattern).matcher(s.substring(from, to)).matches();
        assertThat(SegmentRule.compile(pattern).accepts(s, from, to))
                .as("%s on [%d,%d) of '%s'", pattern, from, to, s).isEqualTo(expected);
    }

    /**
     * Randomly built patterns of (roughly) the supported shape, lazy and possessive quantifiers included:
     * compiling a valid regex never fails, and whichever rule it becomes agrees with the regex engine.
     */
    @Property(tries = 3000)
    void randomShapedPatternsCompileAndAgree(@ForAll("shapedPatterns") String pattern, @ForAll("strings") String s) {
        Pattern regex;
        try {
            regex = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            Assume.that(false);
            return;
        }
        SegmentRule rule = SegmentRule.compile(pattern);
        Statistics.label("fast path").collect(rule instanceof CharClassRule);
        assertThat(rule.pattern()).isEqualTo(pattern);
        assertThat(rule.accepts(s, 0, s.length())).as("%s on '%s'", pattern, s)
                .isEqualTo(regex.matcher(s).matches());
        String framed = "x/" + s + "/y";
        assertThat(rule.accepts(framed, 2, 2 + s.length())).as("%s on a range holding '%s'", pattern, s)
                .isEqualTo(regex.matcher(s).matches());
        Statistics.label("fast path").coverage(c -> c.check(true).percentage(p -> p > 10));
    }

    /**
     * The regex fallback checks a region of the topic; on segments (ranges that do not cut a surrogate pair,
     * as a '/' never does) it agrees with matching the substring.
     */
    @Property(tries = 1500)
    void regexFallbackAgreesOnSegments(@ForAll("slow") String pattern, @ForAll("strings") String prefix,
                                       @ForAll("strings") String segment, @ForAll("strings") String suffix) {
        String topic = prefix + "/" + segment + "/" + suffix;
        int from = prefix.length() + 1;
        int to = from + segment.length();
        SegmentRule rule = SegmentRule.compile(pattern);
        boolean expected = Pattern.compile(pattern).matcher(segment).matches();
        assertThat(rule.accepts(topic, from, to)).as("%s on '%s'", pattern, segment).isEqualTo(expected);
        assertThat(rule.accepts(segment, 0, segment.length())).isEqualTo(expected);
    }

    @Provide
    Arbitrary<String> fast() {
        return Arbitraries.of(FAST);
    }

    @Provide
    Arbitrary<String> slow() {
        return Arbitraries.of(SLOW);
    }

    @Provide
    Arbitrary<String> strings() {
        Arbitrary<String> token = Arbitraries.of(TOKENS);
        Arbitrary<String> mixed = token.list().ofMaxSize(12).map(l -> String.join("", l));
        // long runs reach the {0,62}, {1,64}, {0,127} and {1,256} bounds
        Arbitrary<String> runs = Combinators.combine(token, Arbitraries.integers().between(0, 300), token)
                .as((t, n, end) -> t.repeat(n) + end);
        Arbitrary<String> nearBounds = Combinators.combine(Arbitraries.of("a", "0", "😀", "é"),
                        Arbitraries.of(1, 2, 5, 6, 62, 63, 64, 65, 127, 128, 129, 255, 256, 257))
                .as(String::repeat);
        Arbitrary<String> wordish = Arbitraries.strings().withCharRange('a', 'e').withChars("_-.09").ofMaxLength(8);
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(10);
        return Arbitraries.frequencyOf(
                Tuple.of(5, mixed), Tuple.of(2, runs), Tuple.of(2, nearBounds), Tuple.of(3, wordish), Tuple.of(1, any));
    }

    @Provide
    Arbitrary<String> shapedPatterns() {
        Arbitrary<String> member = Arbitraries.of("a-z", "A-Z", "0-9", "a-c", "_", "\\-", "-", ".", "\\w", "\\d", "+",
                "#", "$", "/", "\\]", "\\\\", " ", "x", "^", "é", "\\s", "[", ":");
        Arbitrary<String> set = Combinators.combine(Arbitraries.of(false, true), member.list().ofMinSize(1).ofMaxSize(4))
                .as((negated, members) -> "[" + (negated ? "^" : "") + String.join("", members) + "]");
        Arbitrary<String> atom = Arbitraries.frequencyOf(
                Tuple.of(4, set),
                Tuple.of(1, Arbitraries.of("a", "x", "\\.", "\\-", "\\w", "\\d", "_", "\\$", ".", "é", "\\+")));
        Arbitrary<String> quantifier = Arbitraries.of("", "", "?", "*", "+", "{2}", "{0,3}", "{1,}", "{0,62}", "{3,5}",
                "+?", "*?", "??", "*+", "++", "{1,2}?", "{2}+");
        return Combinators.combine(Arbitraries.of("", "^"), atom, quantifier, Arbitraries.of(false, true), atom,
                        quantifier, Arbitraries.of("", "$"))
                .as((caret, a1, q1, two, a2, q2, dollar) -> caret + a1 + q1 + (two ? a2 + q2 : "") + dollar);
    }
}
