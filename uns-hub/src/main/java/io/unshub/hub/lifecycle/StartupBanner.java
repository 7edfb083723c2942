package io.unshub.hub.lifecycle;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Logs, once every component has started, one message that tells an operator what this hub is doing: its
 * listeners, where its configuration came from, its data directory and what is enabled. The text is built
 * from every {@link BannerSection} bean, so a module adds its own block without touching this class.
 */
@ApplicationScoped
public class StartupBanner {

    /** After every component's start-up observer (broker 10 ... demo 50). */
    static final int PRIORITY = 1_000;
    private static final Logger LOG = Logger.getLogger(StartupBanner.class);

    private final Instance<BannerSection> sections;
    private volatile String text = "";

    StartupBanner(@Any Instance<BannerSection> sections) {
        this.sections = sections;
    }

    void onStart(@Observes @Priority(PRIORITY) StartupEvent event) {
        text = render();
        LOG.info(text);
    }

    /** The banner as last logged (empty before start-up finished). */
    public String text() {
        return text;
    }

    String render() {
        List<BannerSection> all = new ArrayList<>();
        sections.forEach(all::add);
        all.sort(Comparator.comparingInt(BannerSection::order).thenComparing(BannerSection::title));
        var config = ConfigProvider.getConfig();
        StringBuilder out = new StringBuilder();
        out.append("UNS hub ").append(config.getOptionalValue("quarkus.application.version", String.class).orElse("dev"))
                .append(" started on Java ").append(Runtime.version()).append(", pid ").append(ProcessHandle.current().pid());
        int width = all.stream().mapToInt(s -> s.title().length()).max().orElse(0) + 2;
        for (BannerSection section : all) {
            List<String> lines = section.lines();
            for (int i = 0; i < lines.size(); i++) {
                out.append('\n').append("  ");
                String label = i == 0 ? section.title() : "";
                out.append(label).append(" ".repeat(width - label.length())).append(lines.get(i));
            }
        }
        return out.toString();
    }
}
