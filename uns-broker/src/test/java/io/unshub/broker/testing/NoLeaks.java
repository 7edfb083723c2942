package io.unshub.broker.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Leaks are only reported after
 * the leaked buffer is collected and another buffer is allocated, so this collects garbage and
 * allocates a few tracked buffers before it looks.
 */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakRecorder.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        assertNoLeaks(context.getDisplayName());
    }

    /**
     * Fails if Netty reported a leaked buffer since the last {@link LeakRecorder#clear()}. For test engines that
     * do not run JUnit Jupiter extensions (jqwik): call {@link LeakRecorder#clear()} before and this after.
     *
     * @param what names the tests in the failure message
     */
    public static void assertNoLeaks(String what) {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            for (int i = 0; i < 64; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                heap.release();
            }
        }
        assertThat(LeakRecorder.leaks()).as("Netty buffer leaks reported during " + what).isEmpty();
    }
}
