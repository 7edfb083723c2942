package io.unshub.hub.lifecycle;

import io.unshub.broker.Broker;
import io.unshub.broker.security.AuthSettings;
import io.unshub.hub.config.UnsConfig;
import io.unshub.hub.demo.DemoRuntime;
import io.unshub.hub.demo.DemoSource;
import io.unshub.hub.namespace.NamespaceRuntime;
import io.unshub.hub.security.SecurityRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The start-up banner's blocks for what is always there: listeners, configuration, data, what is enabled. */
public class CoreBannerSections {

    private CoreBannerSections() {
    }

    /** Every listener with its bound address, and the HTTP paths that matter. */
    @ApplicationScoped
    public static class Listeners implements BannerSection {
        @Inject
        Broker broker;
        @Inject
        UnsConfig config;

        @Override
        public int order() {
            return 10;
        }

        @Override
        public String title() {
            return "Listeners";
        }

        @Override
        public List<String> lines() {
            String host = config.mqtt().host();
            var http = ConfigProvider.getConfig();
            String httpHost = http.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
            int httpPort = http.getOptionalValue(
                    io.quarkus.runtime.LaunchMode.current() == io.quarkus.runtime.LaunchMode.TEST
                            ? "quarkus.http.test-port" : "quarkus.http.port", Integer.class).orElse(8080);
            return List.of(
                    "MQTT tcp   " + port(host, broker.tcpPort(), "off (uns.mqtt.port=0)"),
                    "MQTT ws    " + port(host, broker.wsPort(), "off (uns.mqtt.ws-port=0)")
                            + (broker.wsPort() > 0 ? " path " + config.mqtt().wsPath() : ""),
                    "MQTT tls   " + port(host, broker.tlsPort(), "off (no uns.mqtt.tls.certificate, or port 0)"),
                    "MQTT wss   " + port(host, broker.wssPort(), "off (no uns.mqtt.tls.certificate, or port 0)"),
                    "HTTP       " + httpHost + ":" + (httpPort == 0 ? "(ephemeral)" : httpPort) + "  REST /api/v1, health /q/health, metrics "
                            + "/q/metrics, OpenAPI /q/openapi, Swagger UI /q/swagger-ui");
        }

        private static String port(String host, int port, String off) {
            return port > 0 ? host + ":" + port : off;
        }
    }

    /** Where the configuration came from: the sources in order of precedence, and the YAML files in force. */
    @ApplicationScoped
    public static class Config implements BannerSection {
        @Inject
        UnsConfig config;
        @Inject
        NamespaceRuntime namespace;
        @Inject
        SecurityRuntime security;

        @Override
        public int order() {
            return 20;
        }

        @Override
        public String title() {
            return "Config";
        }

        @Override
        public List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add("directory  " + Path.of(config.configDir()).toAbsolutePath().normalize());
            lines.add("sources    " + sources());
            var model = namespace.current().model();
            lines.add("namespace  " + absolute(model.source()) + " (" + model.name() + ", revision " + model.revision()
                    + (namespace.enforcing() ? ", enforced)" : ", not enforced: live tree only)"));
            AuthSettings auth = security.authenticator().settings();
            Path users = auth.usersFile();
            lines.add("users      " + (users == null ? "none" : absolute(users.toString())
                    + (Files.isRegularFile(users) ? "" : " (absent: no password users)")));
            lines.add("acl        " + absolute(security.aclReloader().file().toString())
                    + (security.aclReloader().status().value() == null ? " (absent: every topic allowed)" : ""));
            return lines;
        }

        /** A file's absolute path, so the operator sees which file a relative setting meant; other text as is. */
        private static String absolute(String source) {
            Path path = Path.of(source);
            return Files.exists(path) || path.getParent() != null && Files.isDirectory(path.getParent())
                    ? path.toAbsolutePath().normalize().toString() : source;
        }

        /** The configuration sources that can set a key, highest precedence first. */
        static String sources() {
            List<String> names = new ArrayList<>();
            for (ConfigSource source : ConfigProvider.getConfig().getConfigSources()) {
                String name = source.getName();
                if (source.getOrdinal() <= 100 || name.contains("BuildTime") || name.contains("DefaultValues")
                        || name.startsWith("ValueRegistry")) {
                    continue; // defaults and Quarkus' internal registry: not something an operator sets
                }
                int jar = name.indexOf(".jar!/");
                if (jar >= 0) {
                    name = name.substring(0, name.indexOf('[') + 1) + "jar:" + name.substring(jar + 6);
                }
                names.add(name + " (" + source.getOrdinal() + ")");
            }
            return String.join(", ", names);
        }
    }

    /** The data directory and what lives in it. */
    @ApplicationScoped
    public static class Data implements BannerSection {
        @Inject
        UnsConfig config;

        @Override
        public int order() {
            return 30;
        }

        @Override
        public String title() {
            return "Data";
        }

        @Override
        public List<String> lines() {
            Path dir = Path.of(config.dataDir()).toAbsolutePath().normalize();
            String persistence = config.mqtt().persistence().trim().toLowerCase(Locale.ROOT);
            return List.of("directory  " + dir,
                    "broker     " + (persistence.equals("rocksdb")
                            ? "RocksDB at " + dir.resolve("broker") + ", durability " + config.mqtt().durability()
                            : persistence + ": retained messages and sessions are lost on restart"));
        }
    }

    /** What is switched on: enforcement, who may connect, logging, the demo. */
    @ApplicationScoped
    public static class Enabled implements BannerSection {
        @Inject
        UnsConfig config;
        @Inject
        NamespaceRuntime namespace;
        @Inject
        SecurityRuntime security;
        @Inject
        DemoRuntime demo;

        @Override
        public int order() {
            return 40;
        }

        @Override
        public String title() {
            return "Enabled";
        }

        @Override
        public List<String> lines() {
            AuthSettings auth = security.authenticator().settings();
            List<String> lines = new ArrayList<>();
            lines.add("namespace  " + (namespace.enforcing() ? "enforced" : "recorded only (uns.namespace.enforce=false)"));
            lines.add("auth       anonymous " + auth.anonymous().name().toLowerCase(Locale.ROOT)
                    + ", JWT " + (auth.jwt() == null ? "off" : "on")
                    + ", certificate login " + config.auth().certificateLogin());
            lines.add("logging    " + (ConfigProvider.getConfig()
                    .getOptionalValue("quarkus.log.console.json.enabled", Boolean.class).orElse(false)
                    ? "JSON (uns.log-json)" : "text (uns.log-json=false)"));
            List<DemoSource> sources = demo.running();
            lines.add("demo       " + (!config.demo() ? "off (uns.demo=false)"
                    : sources.isEmpty() ? "on, no source started"
                    : "on: " + String.join(", ", sources.stream().map(DemoSource::name).toList())));
            return lines;
        }
    }
}
