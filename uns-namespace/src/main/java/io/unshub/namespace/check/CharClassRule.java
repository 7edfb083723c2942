package io.unshub.namespace.check;

/**
 * The fast form of a segment pattern: an optional first character class followed by one repeated
 * character class, all ASCII, e.g. {@code ^[a-z0-9][a-z0-9_-]{0,62}$} or {@code [A-Za-z0-9_.-]+}.
 * Each class is a 128-bit set, so a check is one bit test per character. Patterns of any other shape
 * are left to {@link RegexRule}; the two agree on every input (a property test checks it).
 */
final class CharClassRule implements SegmentRule {

    private final String regex;
    private final long firstLow;
    private final long firstHigh;
    private final boolean firstNegated;
    private final boolean hasFirst;
    private final long restLow;
    private final long restHigh;
    private final boolean restNegated;
    private final int minLength;
    private final int maxLength;

    private CharClassRule(String regex, long[] first, long[] rest, int minLength, int maxLength) {
        this.regex = regex;
        this.hasFirst = first != null;
        this.firstLow = first == null ? 0 : first[0];
        this.firstHigh = first == null ? 0 : first[1];
        this.firstNegated = first != null && first[2] != 0;
        this.restLow = rest[0];
        this.restHigh = rest[1];
        this.restNegated = rest[2] != 0;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    @Override
    public boolean accepts(String topic, int from, int to) {
        // Lengths count code points, as the regex engine does; a surrogate pair is one (non-ASCII) character.
        int length = 0;
        int i = from;
        while (i < to) {
            int c = topic.charAt(i);
            int width = 1;
            if (Character.isHighSurrogate((char) c) && i + 1 < to && Character.isLowSurrogate(topic.charAt(i + 1))) {
                c = Character.MAX_VALUE + 1; // any code point above the BMP: only its ASCII-ness matters here
                width = 2;
            }
            boolean member = length == 0 && hasFirst ? contains(firstLow, firstHigh, firstNegated, c)
                    : contains(restLow, restHigh, restNegated, c);
            if (!member || ++length > maxLength) {
                return false;
            }
            i += width;
        }
        return length >= minLength;
    }

    private static boolean contains(long low, long high, boolean negated, int c) {
        boolean inSet;
        if (c < 64) {
            inSet = (low & (1L << c)) != 0;
        } else if (c < 128) {
            inSet = (high & (1L << (c - 64))) != 0;
        } else {
            inSet = false;
        }
        return inSet != negated;
    }

    @Override
    public String pattern() {
        return regex;
    }

    /** Returns the fast form of {@code regex}, or {@code null} when it has another shape. */
    static CharClassRule tryCompile(String regex) {
        if (regex.contains("&&")) {
            return null; // class intersection
        }
        Parser p = new Parser(regex);
        if (p.peek('^')) {
            p.pos++;
        }
        long[] a = p.charClass();
        if (a == null) {
            return null;
        }
        int[] qa = p.quantifier();
        if (p.atEndOrDollar()) {
            return qa == null ? null : new CharClassRule(regex, null, a, qa[0], qa[1]);
        }
        if (qa == null || qa[0] != 1 || qa[1] != 1) {
            return null; // a lazy or possessive quantifier, or a repeated first class
        }
        long[] b = p.charClass();
        if (b == null) {
            return null;
        }
        int[] qb = p.quantifier();
        if (qb == null || !p.atEndOrDollar()) {
            return null;
        }
        return new CharClassRule(regex, a, b, sat(1 + (long) qb[0]), sat(1 + (long) qb[1]));
    }

    private static int sat(long value) {
        return (int) Math.min(Integer.MAX_VALUE, value);
    }

    /** A tiny recursive-descent reader of the accepted subset; any surprise answers {@code null}. */
    private static final class Parser {
        private final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        boolean atEndOrDollar() {
            if (pos == s.length()) {
                return true;
            }
            return pos == s.length() - 1 && s.charAt(pos) == '$';
        }

        /** A bracket class or a single literal/escaped character, as a 128-bit set. */
        long[] charClass() {
            if (pos >= s.length()) {
                return null;
            }
            long[] set = new long[3];
            char c = s.charAt(pos);
            if (c == '[') {
                pos++;
                if (peek('^')) {
                    set[2] = 1;
                    pos++;
                }
                if (peek(']')) {
                    return null; // a literal ']' first: leave such classes to the regex engine
                }
                while (pos < s.length() && s.charAt(pos) != ']') {
                    int from = classChar(set);
                    if (from == -2) {
                        return null;
                    }
                    if (from >= 0 && peek('-') && pos + 1 < s.length() && s.charAt(pos + 1) != ']') {
                        pos++;
                        int to = classChar(null);
                        if (to < from) {
                            return null;
                        }
                        for (int x = from; x <= to; x++) {
                            add(set, x);
                        }
                    }
                }
                if (!peek(']')) {
                    return null;
                }
                pos++;
                return set;
            }
            if (c == '\\') {
                return classChar(set) == -2 ? null : set;
            }
            if ("()|.*+?{}^$".indexOf(c) >= 0 || c >= 128) {
                return null;
            }
            pos++;
            add(set, c);
            return set;
        }

        /**
         * Reads one member of a class into {@code set}: returns the character when it is a single one (so
         * it may start a range), -1 for a shorthand class such as \d, -2 for something unsupported.
         */
        int classChar(long[] set) {
            char c = s.charAt(pos++);
            if (c == '\\') {
                if (pos >= s.length()) {
                    return -2;
                }
                char e = s.charAt(pos++);
                if (e == 'd' || e == 'w') {
                    if (set == null) {
                        return -2;
                    }
                    addRange(set, '0', '9');
                    if (e == 'w') {
                        addRange(set, 'a', 'z');
                        addRange(set, 'A', 'Z');
                        add(set, '_');
                    }
                    return -1;
                }
                if (Character.isLetterOrDigit(e) || e >= 128) {
                    return -2; // \s, \p{..}, unicode escapes and the like
                }
                c = e;
            } else if (c == '[' || c >= 128) {
                return -2;
            }
            if (set != null) {
                add(set, c);
            }
            return c;
        }

        /** {min, max} of the quantifier at the cursor ({1, 1} when there is none), or null if unsupported. */
        int[] quantifier() {
            if (pos >= s.length()) {
                return new int[] {1, 1};
            }
            char c = s.charAt(pos);
            switch (c) {
                case '?' -> {
                    pos++;
                    return lazyOrPossessive() ? null : new int[] {0, 1};
                }
                case '*' -> {
                    pos++;
                    return lazyOrPossessive() ? null : new int[] {0, Integer.MAX_VALUE};
                }
                case '+' -> {
                    pos++;
                    return lazyOrPossessive() ? null : new int[] {1, Integer.MAX_VALUE};
                }
                case '{' -> {
                    int close = s.indexOf('}', pos);
                    if (close < 0) {
                        return null;
                    }
                    String body = s.substring(pos + 1, close);
                    pos = close + 1;
                    if (lazyOrPossessive()) {
                        return null;
                    }
                    try {
                        int comma = body.indexOf(',');
                        if (comma < 0) {
                            int n = Integer.parseInt(body);
                            return new int[] {n, n};
                        }
                        int min = Integer.parseInt(body.substring(0, comma));
                        String rest = body.substring(comma + 1);
                        int max = rest.isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(rest);
                        return min <= max ? new int[] {min, max} : null;
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                default -> {
                    return new int[] {1, 1};
                }
            }
        }

        private boolean lazyOrPossessive() {
            return peek('?') || peek('+');
        }

        private static void addRange(long[] set, char from, char to) {
            for (char x = from; x <= to; x++) {
                add(set, x);
            }
        }

        private static void add(long[] set, int c) {
            if (c < 64) {
                set[0] |= 1L << c;
            } else {
                set[1] |= 1L << (c - 64);
            }
        }
    }
}
