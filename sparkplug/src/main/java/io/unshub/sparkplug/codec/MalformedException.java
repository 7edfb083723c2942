package io.unshub.sparkplug.codec;

/** Carries a malformed-payload reason out of the decoder's recursion; no stack trace, it is not a bug. */
final class MalformedException extends Exception {

    MalformedException(String reason) {
        super(reason, null, false, false);
    }
}
