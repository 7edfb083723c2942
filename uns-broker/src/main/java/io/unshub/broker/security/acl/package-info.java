/**
 * Topic authorization: which network clients and in-process components may publish and subscribe to which
 * topics, from {@code config/acl.yaml}. The user guide is {@code docs/acl.md}.
 *
 * <h2>The file</h2>
 * <pre>{@code
 * default: deny          # allow | deny: for network clients no rule matches (deny when left out)
 * rules:                 # tried in order, first match wins
 *   - allow: [publish, subscribe]     # or deny: [...]
 *     users: [plc-line1]              # who: any of users / roles / clients / components;
 *     roles: [mes]                    #      none given = every network client
 *     clients: [sensor-01]
 *     topics: ["acme/dallas/press/line1/#", "users/%u/#", "devices/%c/#"]
 *   - deny: [publish]
 *     components: [opcua-bridge]      # in-process publishers (Origin INTERNAL, id = component name)
 *     topics: ["acme/+/+/_cmd/#"]
 * }</pre>
 * <ul>
 *   <li>Top-level keys: {@code default} and {@code rules}. Rule keys: exactly one of {@code allow} / {@code deny}
 *       (a list of {@code publish}, {@code subscribe}), {@code topics} (required), and any of {@code users},
 *       {@code roles}, {@code clients}, {@code components} (each a non-empty list when given). A single word
 *       may stand for a list of one.</li>
 *   <li>A rule is for a client when its user name, one of its roles or its client id is listed (exact, case
 *       sensitive); a rule listing none of users/roles/clients/components is for every network client. Wills
 *       carry the identity of the client that set them.</li>
 *   <li>Topics are MQTT filters ({@code +}, {@code #}) and may use {@code %u} (the authenticated user name) and
 *       {@code %c} (the client id). A filter with {@code %u} never matches an anonymous client; a value that is
 *       empty or contains {@code + # /} never matches. Any other {@code %} is literal. {@code $share/} is not
 *       allowed in a rule.</li>
 *   <li>Errors (unknown keys, bad filters, both allow and deny, unknown actions, empty lists, bad YAML) name the
 *       file, the 1-based line and the key ({@link io.unshub.broker.security.acl.AclException}); a broken file
 *       fails loading.</li>
 * </ul>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li><b>Publish</b> (also wills and in-process publishers): a rule applies when it is for the publisher,
 *       lists {@code publish}, and one of its filters matches the topic.</li>
 *   <li><b>Subscribe</b> (the filter without its {@code $share/<group>/} prefix): an allow rule applies when one
 *       of its filters <em>covers</em> the requested filter (every topic the request can match is matched by
 *       the rule's filter); a deny rule applies when one of its filters <em>overlaps</em> the request (some
 *       topic matches both). So with {@code deny subscribe acme/secret/#} first, {@code acme/#} is refused
 *       while {@code acme/dallas/#} is judged by the next rules; and with only {@code allow subscribe
 *       acme/dallas/#}, a request for {@code acme/#} is not covered and falls through to the default.</li>
 *   <li>Network clients no rule applies to get {@code default}. In-process components are judged only by rules
 *       that list {@code components}; when none applies they are allowed.</li>
 *   <li>No file: everything is allowed.</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * A check is a linear scan of the rules that can apply (split per action and per kind of publisher when the
 * file is compiled); a few dozen rules are cheap. A publish check allocates nothing unless it tries a rule
 * filter with {@code %u}/{@code %c}, which is resolved into a new string; refusals return shared instances.
 *
 * <h2>Wiring</h2>
 * {@link io.unshub.broker.security.acl.AclGuard} is both the publish guard and the subscription policy;
 * {@link io.unshub.broker.security.acl.AclReloader} loads the file into it and polls it for changes.
 */
package io.unshub.broker.security.acl;
