package io.unshub.broker.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What identifies a version of a file without reading it: modification time, size and file key (an inode
 * on Unix), which together also notice the symlink swaps of mounted config maps.
 */
record FileStamp(long modified, long size, Object key) {

    /** The stamp of {@code file} now, or {@code null} when it does not exist or cannot be read. */
    static FileStamp of(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(a.lastModifiedTime().toMillis(), a.size(), a.fileKey());
        } catch (IOException e) {
            return null;
        }
    }
}
