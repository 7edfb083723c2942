package io.unshub.broker.testing;

import io.netty.handler.ssl.util.SimpleTrustManagerFactory;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.math.BigInteger;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client-side trust manager that really checks the server (trusts only the given CA, verifies the host name
 * the client asked for) and records, per handshake, the server certificate's serial and the negotiated TLS
 * version, so a test can tell which certificate and protocol a connection got.
 */
public final class ServerCertificateRecorder extends X509ExtendedTrustManager {

    /** One verified server handshake. */
    public record Handshake(BigInteger serial, String subject, String protocol) {
    }

    private final X509ExtendedTrustManager delegate;
    private final List<Handshake> handshakes = new CopyOnWriteArrayList<>();

    public ServerCertificateRecorder(X509Certificate trustedAuthority) {
        TrustManagerFactory pkix = TestCertificates.trusting(trustedAuthority);
        delegate = (X509ExtendedTrustManager) pkix.getTrustManagers()[0];
    }

    /** For a client's {@code sslConfig().trustManagerFactory(...)}. */
    public TrustManagerFactory factory() {
        ServerCertificateRecorder self = this;
        return new SimpleTrustManagerFactory() {
            @Override
            protected void engineInit(KeyStore keyStore) {
            }

            @Override
            protected void engineInit(ManagerFactoryParameters parameters) {
            }

            @Override
            protected TrustManager[] engineGetTrustManagers() {
                return new TrustManager[] {self};
            }
        };
    }

    /** Every verified server handshake so far, oldest first. */
    public List<Handshake> handshakes() {
        return List.copyOf(handshakes);
    }

    /** The most recent verified server handshake. */
    public Handshake last() {
        if (handshakes.isEmpty()) {
            throw new AssertionError("no TLS handshake was verified");
        }
        return handshakes.getLast();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, engine); // chain to the CA, validity, host name
        record(chain, engine.getHandshakeSession());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("only SSLEngine clients are expected");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("only SSLEngine clients are expected");
    }

    private void record(X509Certificate[] chain, SSLSession session) {
        handshakes.add(new Handshake(chain[0].getSerialNumber(), chain[0].getSubjectX500Principal().getName(),
                session == null ? "?" : session.getProtocol()));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
