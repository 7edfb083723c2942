package io.unshub.broker.security.acl;

/** What an ACL rule can allow or deny. */
enum AclAction {
    PUBLISH("publish"),
    SUBSCRIBE("subscribe");

    private final String word;

    AclAction(String word) {
        this.word = word;
    }

    /** The word used in {@code acl.yaml} and in audit lines. */
    String word() {
        return word;
    }
}
