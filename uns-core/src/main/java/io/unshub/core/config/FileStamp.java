package io.unshub.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * What identifies a version of a file without reading it: modification time, size and file key (an inode
 * on Unix), which together also notice the symlink swaps of mounted config maps. Every config file the hub
 * reloads (namespace model, users, ACL, TLS certificates) is polled by comparing stamps.
 */
public record FileStamp(long modifiedNanos, long size, Object key) {

    /** The stamp of {@code file} now, or {@code null} when it does not exist or cannot be read. */
    public static FileStamp of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), a.fileKey());
        } catch (IOException e) {
            return null;
        }
    }
}
