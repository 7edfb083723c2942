package io.unshub.hub.historian;

import io.unshub.historian.Historian;
import io.unshub.historian.pgwire.PgWireListener;
import io.unshub.hub.lifecycle.BannerSection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/** The historian's block of the start-up banner: where the store is and whether SQL clients can read it. */
@ApplicationScoped
public class HistorianBanner implements BannerSection {

    @Inject
    HistorianRuntime runtime;

    @Override
    public int order() {
        return 110;
    }

    @Override
    public String title() {
        return "Historian";
    }

    @Override
    public List<String> lines() {
        Historian historian = runtime.historian();
        if (historian == null) {
            return List.of("store      off (uns.historian.enabled=false)");
        }
        PgWireListener pg = runtime.pgListener();
        return List.of("store      embedded QuestDB at " + historian.store().directory().toAbsolutePath().normalize(),
                "pg wire    " + (pg == null ? "off (uns.historian.pg.enabled=false)"
                        : pg.host() + ":" + pg.port() + " user " + pg.user() + ", read-only, database qdb"));
    }
}
