package dev.weft.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Why opening or using a file failed, in words both backends share; each backend maps its own
 * codes (errno, Win32) onto these, so that a user gets the exception {@code FileChannel} throws
 * for the same event on the same OS.
 */
public enum FileError {
    NOT_FOUND,
    ACCESS_DENIED,
    ALREADY_EXISTS,
    /** Anything else about the path (a directory where a file was expected, a loop, ...). */
    OTHER;

    /**
     * The exception java.nio.file would throw.
     *
     * @param file   the path as the user gave it
     * @param reason the OS's words, with its code
     */
    public IOException toException(String file, String reason) {
        return switch (this) {
            case NOT_FOUND -> new NoSuchFileException(file);
            case ACCESS_DENIED -> new AccessDeniedException(file);
            case ALREADY_EXISTS -> new FileAlreadyExistsException(file);
            case OTHER -> new FileSystemException(file, null, reason);
        };
    }
}
