package io.unshub.opcua.connection;

import io.unshub.opcua.pki.CertificateInfo;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one connection for REST and health.
 *
 * @param securityPolicy the policy URI of the endpoint in use ({@code null} when not connected)
 * @param tags           tags known (configured plus imported by browsing)
 * @param items          monitored items running on the server
 */
public record ConnectionStatus(
        String name,
        ConnectionState state,
        String endpoint,
        String endpointInUse,
        String securityPolicy,
        String securityMode,
        CertificateInfo serverCertificate,
        String lastError,
        Instant lastErrorAt,
        Instant since,
        int tags,
        int items,
        List<ItemFailure> failures,
        long values,
        long reconnects,
        long writes,
        long writeFailures) {
}
