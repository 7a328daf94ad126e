package dev.weft;

import dev.weft.core.FileAccess;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/** Reads the open options of {@link WeftFile#open} with the rules and exceptions of {@code FileChannel.open}. */
final class FileOptions {
    private FileOptions() {
    }

    static FileAccess parse(OpenOption... options) {
        Objects.requireNonNull(options, "options");
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean truncate = false;
        boolean create = false;
        boolean createNew = false;
        for (OpenOption option : options) {
            Objects.requireNonNull(option, "option");
            if (!(option instanceof StandardOpenOption standard)) {
                throw new UnsupportedOperationException(option + " not supported");
            }
            switch (standard) {
                case READ -> read = true;
                case WRITE -> write = true;
                case APPEND -> append = true;
                case TRUNCATE_EXISTING -> truncate = true;
                case CREATE -> create = true;
                case CREATE_NEW -> createNew = true;
                case SPARSE -> { } // a hint, as FileChannel treats it where sparse files need no flag
                default -> throw new UnsupportedOperationException(option + " not supported");
            }
        }
        if (!read && !write) {
            if (append) {
                write = true;
            } else {
                read = true;
            }
        }
        if (read && append) {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncate) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        // As FileChannel: creating and truncating only apply to a file opened for writing.
        return new FileAccess(read, write, append, write && truncate, write && create, write && createNew);
    }
}
