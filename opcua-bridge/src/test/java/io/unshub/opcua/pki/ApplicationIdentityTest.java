package io.unshub.opcua.pki;

import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApplicationIdentityTest {

    @Test
    void generatedOnceThenReusedAndItsUriWins(@TempDir Path pki) throws Exception {
        ApplicationIdentity first = ApplicationIdentity.loadOrCreate(pki, "urn:unshub:a");
        assertThat(CertificateUtil.getSanUri(first.certificate())).contains("urn:unshub:a");
        assertThat(pki.resolve("own/hub.p12")).exists();
        assertThat(pki.resolve("own/hub.der")).exists();

        ApplicationIdentity again = ApplicationIdentity.loadOrCreate(pki, "urn:unshub:a");
        assertThat(again.certificate()).isEqualTo(first.certificate());
        assertThat(again.keyPair().getPrivate()).isEqualTo(first.keyPair().getPrivate());

        // A changed URI would not match the certificate, which servers refuse: the certificate's URI is kept.
        assertThat(ApplicationIdentity.loadOrCreate(pki, "urn:unshub:b").applicationUri()).isEqualTo("urn:unshub:a");
    }
}
