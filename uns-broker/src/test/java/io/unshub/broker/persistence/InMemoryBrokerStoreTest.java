package io.unshub.broker.persistence;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryBrokerStoreTest {

    @Test
    void keepsNothingAndCompletesAtOnce() {
        try (InMemoryBrokerStore store = new InMemoryBrokerStore()) {
            assertThat(store.persistent()).isFalse();
            assertThat(store.commit(new StoreBatch().putRetained(StoreTestData.message("a", "b"))))
                    .isCompletedWithValue(null);
            assertThat(store.recover()).isSameAs(RecoveredState.EMPTY);
        }
    }

    @Test
    void durabilityParsesTheConfigurationForms() {
        assertThat(Durability.parse("sync-each")).isEqualTo(Durability.syncEach());
        assertThat(Durability.parse("Group-Commit")).isEqualTo(Durability.groupCommit(0));
        assertThat(Durability.parse("group-commit:5ms")).isEqualTo(Durability.groupCommit(5));
        assertThat(Durability.parse("group-commit:5")).isEqualTo(Durability.groupCommit(5));
        assertThat(Durability.parse("no-sync")).isEqualTo(Durability.noSync());
        assertThat(Durability.DEFAULT.survivesPowerLoss()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Durability.parse("fsync"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sync-each");
    }
}
