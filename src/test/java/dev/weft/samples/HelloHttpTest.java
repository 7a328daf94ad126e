package dev.weft.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP parsing the hello servers share, against hostile Content-Length values. */
class HelloHttpTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "9223372036854775752",      // head + length = 2^63: overflowed the sum before
            "9223372036854775807",      // Long.MAX_VALUE
            "9223372036854767616",      // 2^63 - 8192: the sum with the buffer overflows too
            "4294967296",               // beyond an int
            "2147483648",
            "8193",                     // just beyond what the buffer holds
    })
    void contentLengthBeyondTheBufferGets413AndClose(String length) {
        String request = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n";
        ByteBuffer in = input(request);
        ByteBuffer out = ByteBuffer.allocate(HelloHttp.BUFFER_SIZE);

        int result = HelloHttp.serve(in, out);

        assertThat(result).as("Content-Length %s", length).isEqualTo(HelloHttp.CLOSE);
        assertThat(text(out)).startsWith("HTTP/1.1 413 ").contains("Connection: close").doesNotContain("200 OK");
    }

    @Test
    void aBodyThatFitsIsStillAccepted() {
        ByteBuffer in = input("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
        ByteBuffer out = ByteBuffer.allocate(HelloHttp.BUFFER_SIZE);

        assertThat(HelloHttp.serve(in, out)).isEqualTo(HelloHttp.NEED_INPUT);
        assertThat(text(out)).startsWith("HTTP/1.1 200 OK");
        assertThat(in.remaining()).as("the body was consumed").isZero();
    }

    private static ByteBuffer input(String request) {
        ByteBuffer in = ByteBuffer.allocate(HelloHttp.BUFFER_SIZE);
        in.put(request.getBytes(StandardCharsets.ISO_8859_1)).flip();
        return in;
    }

    private static String text(ByteBuffer out) {
        return new String(out.array(), 0, out.position(), StandardCharsets.ISO_8859_1);
    }
}
