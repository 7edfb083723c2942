package io.unshub.hub.lifecycle;

import java.util.List;

/**
 * One block of the start-up banner. Each module of the hub contributes one as a CDI bean (the broker's
 * listeners, the namespace model, the historian's store, the Sparkplug host, the OPC UA connections ...);
 * {@link StartupBanner} prints them in {@link #order()} once everything has started.
 */
public interface BannerSection {

    /** Where the section goes: lower first. Core sections use 10 to 90; modules use 100 and up. */
    int order();

    /** The section's label, e.g. {@code MQTT}, {@code Historian}. */
    String title();

    /** The section's lines, read after start-up; each should fit on one terminal line. */
    List<String> lines();
}
