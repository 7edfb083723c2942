package io.unshub.broker.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every buffer leak Netty's detector reports, so a test can fail on it. Installed before any
 * Netty buffer class loads by {@link LeakRecorderInstaller}; leak detection runs at paranoid level.
 */
public final class LeakRecorder {

    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    private LeakRecorder() {
    }

    static void install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                      long maxActive) {
                return new Recording<>(resource, samplingInterval);
            }
        });
    }

    /** Leaks reported since the last {@link #clear()}. */
    public static List<String> leaks() {
        return List.copyOf(LEAKS);
    }

    public static void clear() {
        LEAKS.clear();
    }

    private static final class Recording<T> extends ResourceLeakDetector<T> {
        Recording(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + " leaked:" + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType + " leaked (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
