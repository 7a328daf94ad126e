package dev.weft.core;

/**
 * How a file is opened, already checked against the rules {@code FileChannel.open} applies
 * (READ with APPEND, APPEND with TRUNCATE_EXISTING refused; creating and truncating only when
 * writing). Backends translate it into their OS's open flags.
 *
 * @param read      reads are allowed
 * @param write     writes are allowed
 * @param append    sequential writes go to the end of the file
 * @param truncate  an existing file is cut to length 0 when opened
 * @param create    the file is created if it does not exist
 * @param createNew the file is created, and opening fails if it exists
 */
public record FileAccess(boolean read, boolean write, boolean append, boolean truncate, boolean create,
                         boolean createNew) {
}
