package io.unshub.namespace.check;

/**
 * The explained outcome of checking one message: accepted under a class, reserved (not UNS), or
 * rejected by a rule with a reason people can act on.
 *
 * @param kind      ACCEPTED, RESERVED or REJECTED
 * @param className the {@code _class} of an accepted topic, {@code null} otherwise
 * @param rule      the broken rule, {@code null} unless rejected
 * @param reason    e.g. {@code UNS-E104 level 'site': 'plant9' is not one of [plant1, plant2]}
 */
public record Verdict(Kind kind, String className, Rule rule, String reason) {

    public enum Kind { ACCEPTED, RESERVED, REJECTED }

    public static final Verdict RESERVED = new Verdict(Kind.RESERVED, null, null, null);

    static Verdict accepted(String className) {
        return new Verdict(Kind.ACCEPTED, className, null, null);
    }

    static Verdict rejected(Rule rule, String detail) {
        return new Verdict(Kind.REJECTED, null, rule, rule.id() + " " + detail);
    }

    public boolean isRejected() {
        return kind == Kind.REJECTED;
    }
}
