package io.unshub.hub.historian;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/** The hub exporting to an external QuestDB and reading aggregates from it ({@code uns.historian.query.target=external}). */
public class ExternalQueryProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ExternalQuestDbResource.class));
    }
}
