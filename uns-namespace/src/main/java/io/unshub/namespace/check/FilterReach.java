package io.unshub.namespace.check;

import io.unshub.namespace.check.CompiledNamespace.ClassCheck;
import io.unshub.namespace.check.CompiledNamespace.CompiledTree;
import io.unshub.namespace.check.CompiledNamespace.LevelCheck;

/**
 * Decides whether a subscription filter can match any topic a model accepts, by walking the filter
 * through the model's levels, tree, classes and tag-path rules, branching on {@code +}. Used for strict
 * subscriptions (0x8F for filters that can never match). Errs on the side of "can match": the total
 * topic length and depth limits are not considered. Subscribing is rare, so this may allocate.
 */
final class FilterReach {

    private final CompiledNamespace ns;
    private final String[] rootParts;

    FilterReach(CompiledNamespace ns) {
        this.ns = ns;
        String root = ns.rootPrefix();
        this.rootParts = root.isEmpty() ? new String[0] : root.substring(0, root.length() - 1).split("/", -1);
    }

    boolean canMatch(String filter) {
        String[] f = filter.split("/", -1);
        for (String reserved : ns.reserved()) {
            if (overlap(f, reserved.split("/", -1))) {
                return true;
            }
        }
        return fromRoot(f, 0, 0);
    }

    /** Whether some topic matches both filters. */
    static boolean overlap(String[] a, String[] b) {
        boolean aWild = a[0].equals("+") || a[0].equals("#");
        boolean bWild = b[0].equals("+") || b[0].equals("#");
        // A filter starting with a wildcard never matches a topic starting with '$' [MQTT-4.7.2-1].
        if ((aWild && b[0].startsWith("$")) || (bWild && a[0].startsWith("$"))) {
            return false;
        }
        return overlap(a, 0, b, 0);
    }

    private static boolean overlap(String[] a, int i, String[] b, int j) {
        if (i < a.length && a[i].equals("#") || j < b.length && b[j].equals("#")) {
            return true;
        }
        if (i == a.length || j == b.length) {
            return i == a.length && j == b.length;
        }
        if (a[i].equals("+") || b[j].equals("+") || a[i].equals(b[j])) {
            return overlap(a, i + 1, b, j + 1);
        }
        return false;
    }

    private boolean fromRoot(String[] f, int i, int r) {
        if (r == rootParts.length) {
            return location(f, i, 0, ns.tree());
        }
        if (i == f.length) {
            return false;
        }
        String segment = f[i];
        if (segment.equals("#")) {
            return completable(0, ns.tree());
        }
        return (segment.equals("+") || segment.equals(rootParts[r])) && fromRoot(f, i + 1, r + 1);
    }

    private boolean location(String[] f, int i, int level, CompiledTree node) {
        if (i == f.length) {
            return false; // a topic never ends inside the location
        }
        String segment = f[i];
        if (segment.equals("#")) {
            return completable(level, node);
        }
        LevelCheck[] levels = ns.levels();
        boolean classMayFollow = level >= ns.requiredLevels();
        if (segment.equals("+")) {
            if (classMayFollow) {
                for (ClassCheck cls : ns.classes()) {
                    if (tags(f, i + 1, cls, 0)) {
                        return true;
                    }
                }
            }
            if (level == levels.length) {
                return false;
            }
            if (node == null) {
                return location(f, i + 1, level + 1, null);
            }
            for (CompiledTree child : node.childList()) {
                if (location(f, i + 1, level + 1, child)) {
                    return true;
                }
            }
            return node.any() != null && location(f, i + 1, level + 1, node.any());
        }
        if (segment.startsWith("_")) {
            ClassCheck cls = ns.classTable().get(segment, 0, segment.length());
            return classMayFollow && cls != null && tags(f, i + 1, cls, 0);
        }
        if (level == levels.length) {
            return false;
        }
        CompiledTree next = null;
        if (node != null) {
            next = node.children().get(segment, 0, segment.length());
            if (next == null) {
                if (node.any() == null || !levels[level].accepts(segment, 0, segment.length())) {
                    return false;
                }
                next = node.any();
            }
        } else if (!levels[level].accepts(segment, 0, segment.length())) {
            return false;
        }
        return location(f, i + 1, level + 1, next);
    }

    private boolean completable(int level, CompiledTree node) {
        if (ns.classes().length == 0) {
            return false;
        }
        return node != null ? node.completable() : ns.levels().length >= ns.requiredLevels();
    }

    private static boolean tags(String[] f, int i, ClassCheck cls, int depth) {
        if (i == f.length) {
            return depth >= cls.minTags() && depth <= cls.maxTags();
        }
        String segment = f[i];
        if (segment.equals("#")) {
            return depth <= cls.maxTags();
        }
        if (depth + 1 > cls.maxTags()) {
            return false;
        }
        if (!segment.equals("+") && !cls.tagRule().accepts(segment, 0, segment.length())) {
            return false;
        }
        return tags(f, i + 1, cls, depth + 1);
    }
}
