package io.unshub.namespace.load;

import io.unshub.namespace.model.NamespaceModel;
import io.unshub.namespace.sparkplug.SparkplugMapping;
import io.unshub.namespace.sparkplug.TopicTemplate;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model's optional {@code sparkplug:} section: templates, matching, defaults and errors with line and key. */
class SparkplugSectionTest {

    private static final String HEAD = """
            apiVersion: uns-hub/v1
            kind: NamespaceModel
            spec:
              levels:
                - { name: enterprise, required: true }
                - { name: site }
                - { name: area }
              classes:
                _edge: {}
                _meta: {}
                _cmd: {}
            """;

    @Test
    void withoutTheSectionIdsBecomeLevelsAndTheDeviceLeadsTheTag() throws Exception {
        NamespaceModel m = ModelLoader.parse(HEAD, "ns.yaml");
        SparkplugMapping s = m.sparkplug();
        assertThat(s.valueClass()).isEqualTo("_edge");
        assertThat(s.metaClass()).isEqualTo("_meta");
        assertThat(s.commandClass()).isEqualTo("_cmd");
        SparkplugMapping.Rule rule = s.ruleFor("G1", "E1", "D1");
        assertThat(rule.location().render("G1", "E1", "D1", "Inputs/A")).isEqualTo("G1/E1");
        assertThat(rule.tag().render("G1", "E1", "D1", "Inputs/A")).isEqualTo("D1/Inputs/A");
        assertThat(rule.tag().render("G1", "E1", "", "Supply Voltage")).isEqualTo("Supply Voltage");
    }

    @Test
    void rulesMatchIdsAndMetricNamesCanCarryThePath() throws Exception {
        NamespaceModel m = ModelLoader.parse(HEAD + """
                  sparkplug:
                    metaClass: ""
                    mappings:
                      - match: { group: plant1, device: "+" }
                        location: "acme/plant1/{node}"
                        tag: "{device}/{metric}"
                      - match: { group: paths }
                        location: "{metric[0:3]}"
                        tag: "{metric[3:]}"
                """, "ns.yaml");
        SparkplugMapping s = m.sparkplug();
        assertThat(s.metaClass()).isNull();
        SparkplugMapping.Rule byIds = s.ruleFor("plant1", "press", "spindle");
        assertThat(byIds.location().render("plant1", "press", "spindle", "speed")).isEqualTo("acme/plant1/press");
        // A node metric of plant1 does not match device "+" and falls through to the default.
        assertThat(s.ruleFor("plant1", "press", "")).isSameAs(SparkplugMapping.DEFAULT_RULE);
        SparkplugMapping.Rule byPath = s.ruleFor("paths", "E", "");
        String metric = "acme/vancouver/area1/line1/T1";
        assertThat(byPath.location().render("paths", "E", "", metric)).isEqualTo("acme/vancouver/area1");
        assertThat(byPath.tag().render("paths", "E", "", metric)).isEqualTo("line1/T1");
    }

    @Test
    void slicesCountFromTheEndToo() {
        TopicTemplate t = TopicTemplate.parse("{metric[:-1]}/x/{metric[-1]}");
        assertThat(t.render("g", "n", "", "a/b/c")).isEqualTo("a/b/x/c");
    }

    @Test
    void anUnknownClassIsReportedWithItsLineAndKey() {
        assertThatThrownBy(() -> ModelLoader.parse(HEAD + """
                  sparkplug:
                    valueClass: _values
                """, "ns.yaml"))
                .isInstanceOf(ModelException.class)
                .hasMessage("ns.yaml:13: spec.sparkplug.valueClass: class '_values' is not defined in spec.classes "
                        + "(known: _edge, _meta, _cmd)");
    }

    @Test
    void aBrokenTemplateIsReportedWithItsLineAndKey() {
        assertThatThrownBy(() -> ModelLoader.parse(HEAD + """
                  sparkplug:
                    mappings:
                      - match: { group: g }
                        location: "{site}/{node}"
                """, "ns.yaml"))
                .isInstanceOf(ModelException.class)
                .hasMessageStartingWith("ns.yaml:15: spec.sparkplug.mappings[0].location: '{site}/{node}' is not a "
                        + "topic template: '{site}' names no value");
    }

    @Test
    void aRuleThatDropsTheMetricNameIsRefused() {
        assertThatThrownBy(() -> ModelLoader.parse(HEAD + """
                  sparkplug:
                    mappings:
                      - location: "{group}"
                        tag: "{node}"
                """, "ns.yaml"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("spec.sparkplug.mappings[0].tag: neither location nor tag names {metric}");
    }
}
