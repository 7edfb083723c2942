package io.unshub.hub.api;

/** The body of every error answer of the REST API. */
public record ApiError(String error, String detail) {
}
