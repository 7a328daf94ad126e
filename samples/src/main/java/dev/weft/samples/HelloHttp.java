package dev.weft.samples;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Just enough HTTP/1.1 to answer every request with "Hello, world!": shared by
 * {@link HttpHelloServer} (weft) and {@link JdkHttpHelloServer} (java.net), so the two differ
 * only in their sockets.
 *
 * <p>What it does: parses the request line and headers; honours {@code Content-Length}
 * (the body is read and discarded), {@code Connection: close} and {@code keep-alive}, and the
 * HTTP/1.0 default of closing; answers pipelined requests in order, many per write. What it
 * does not: chunked request bodies (501), heads or bodies larger than the input buffer (431,
 * 413). Each of those answers closes the connection.
 *
 * <p>No I/O here and no state between calls: the caller owns the buffers.
 */
final class HelloHttp {
    /** Input buffer size the servers use: the largest request head (and body) accepted. */
    static final int BUFFER_SIZE = 8192;

    /** {@link #serve} result: every complete request is answered; read more input. */
    static final int NEED_INPUT = 0;
    /** {@link #serve} result: {@code out} is full; write it, clear it and call again. */
    static final int OUTPUT_FULL = 1;
    /** {@link #serve} result: write {@code out}, then close the connection. */
    static final int CLOSE = 2;

    private static final byte[] BODY = "Hello, world!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = response("200 OK", BODY, false);
    private static final byte[] KEEP_ALIVE_HEAD = head(KEEP_ALIVE);
    private static final byte[] LAST = response("200 OK", BODY, true);
    private static final byte[] LAST_HEAD = head(LAST);
    private static final int LONGEST_RESPONSE = 256;

    private HelloHttp() {
    }

    /**
     * Answers the complete requests at the front of {@code in} (read mode), appending the
     * responses to {@code out} (write mode) and consuming those requests from {@code in}; an
     * incomplete request is left in {@code in} for the next call.
     *
     * @return {@link #NEED_INPUT}, {@link #OUTPUT_FULL} or {@link #CLOSE}
     */
    static int serve(ByteBuffer in, ByteBuffer out) {
        while (true) {
            if (out.remaining() < LONGEST_RESPONSE) {
                return OUTPUT_FULL;
            }
            int start = in.position();
            int headEnd = endOfHead(in, start, in.limit());
            if (headEnd < 0) {
                if (in.remaining() == in.capacity()) {
                    return fail(out, "431 Request Header Fields Too Large");
                }
                return NEED_INPUT;
            }
            // request line: METHOD SP target SP HTTP/1.x
            int lineEnd = indexOf(in, start, headEnd, (byte) '\n');
            String requestLine = ascii(in, start, lineEnd).strip();
            String[] parts = requestLine.split(" ");
            if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
                return fail(out, "400 Bad Request");
            }
            boolean http10 = parts[2].equals("HTTP/1.0");
            boolean head = parts[0].equals("HEAD");
            boolean close = http10;
            long contentLength = 0;
            for (int line = lineEnd + 1; line < headEnd; ) {
                int next = indexOf(in, line, headEnd, (byte) '\n');
                String header = ascii(in, line, next);
                int colon = header.indexOf(':');
                if (colon > 0) {
                    String name = header.substring(0, colon).strip();
                    String value = header.substring(colon + 1).strip();
                    if (name.equalsIgnoreCase("Content-Length")) {
                        try {
                            contentLength = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            return fail(out, "400 Bad Request");
                        }
                        if (contentLength < 0) {
                            return fail(out, "400 Bad Request");
                        }
                    } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                        return fail(out, "501 Not Implemented");
                    } else if (name.equalsIgnoreCase("Connection")) {
                        String v = value.toLowerCase();
                        if (v.contains("close")) {
                            close = true;
                        } else if (v.contains("keep-alive")) {
                            close = false;
                        }
                    }
                }
                line = next + 1;
            }
            int headLength = headEnd - start;
            // Compared before adding: head + a hostile length (up to 2^63 - 1) would overflow.
            if (contentLength > in.capacity() - headLength) {
                return fail(out, "413 Content Too Large");
            }
            long requestLength = headLength + contentLength;
            if (requestLength > in.remaining()) {
                return NEED_INPUT; // the body has not all arrived yet
            }
            in.position(start + (int) requestLength);
            out.put(close ? (head ? LAST_HEAD : LAST) : (head ? KEEP_ALIVE_HEAD : KEEP_ALIVE));
            if (close) {
                return CLOSE;
            }
        }
    }

    /** Position just past the blank line ending the head, or -1 if it has not arrived. */
    private static int endOfHead(ByteBuffer in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in.get(i) == '\n') {
                if (i + 1 < to && in.get(i + 1) == '\n') {
                    return i + 2;
                }
                if (i + 2 < to && in.get(i + 1) == '\r' && in.get(i + 2) == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static int indexOf(ByteBuffer in, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (in.get(i) == b) {
                return i;
            }
        }
        return to;
    }

    private static String ascii(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static int fail(ByteBuffer out, String status) {
        out.put(response(status, (status + "\n").getBytes(StandardCharsets.US_ASCII), true));
        return CLOSE;
    }

    private static byte[] response(String status, byte[] body, boolean close) {
        String head = "HTTP/1.1 " + status + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    /** The response without its body, for HEAD. */
    private static byte[] head(byte[] response) {
        return java.util.Arrays.copyOf(response, response.length - BODY.length);
    }
}
