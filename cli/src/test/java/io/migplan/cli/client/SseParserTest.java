package io.migplan.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event stream read as the HTML specification says, fed the way a connection delivers it: in pieces. */
class SseParserTest {

    static List<SseParser.Event> feed(SseParser p, String... chunks) throws Exception {
        List<SseParser.Event> out = new ArrayList<>();
        for (String c : chunks) {
            out.addAll(p.feed(ByteBuffer.wrap(c.getBytes(StandardCharsets.UTF_8))));
        }
        return out;
    }

    @Test
    void anEventIsItsIdKindAndDataDispatchedByABlankLine() throws Exception {
        SseParser p = new SseParser();
        assertThat(feed(p, "id:17\nevent:MIGRATION_DONE\ndata:{\"position\":17}\n")).isEmpty();
        assertThat(feed(p, "\n")).containsExactly(new SseParser.Event("17", "MIGRATION_DONE", "{\"position\":17}"));
        assertThat(p.lastEventId()).isEqualTo("17");
    }

    @Test
    void dataLinesAreJoinedByNewlinesAndOneSpaceAfterTheColonIsDropped() throws Exception {
        SseParser p = new SseParser();
        assertThat(feed(p, "data: one\ndata:  two\ndata\n\n"))
                .containsExactly(new SseParser.Event(null, "message", "one\n two\n"));
    }

    @Test
    void linesEndAtCrLfOrCrLfEvenWhenSplitBetweenChunks() throws Exception {
        SseParser p = new SseParser();
        List<SseParser.Event> events = feed(p, "id:1\r", "\ndata:a\r", "\r", "id:2\rdata:b\n", "\r\n");
        assertThat(events).containsExactly(new SseParser.Event("1", "message", "a"),
                new SseParser.Event("2", "message", "b"));
    }

    @Test
    void aCharacterSplitBetweenChunksIsReadWhole() throws Exception {
        byte[] bytes = "data:h\u00f4te \u2192 h\u00f4te\n\n".getBytes(StandardCharsets.UTF_8);
        SseParser p = new SseParser();
        List<SseParser.Event> out = new ArrayList<>();
        for (byte b : bytes) {
            out.addAll(p.feed(ByteBuffer.wrap(new byte[] {b})));
        }
        assertThat(out).extracting(SseParser.Event::data).containsExactly("h\u00f4te \u2192 h\u00f4te");
    }

    @Test
    void commentsAndUnknownFieldsAreCountedOrPassedOverAndABlankLineWithoutDataDispatchesNothing() throws Exception {
        SseParser p = new SseParser();
        assertThat(feed(p, ":keep-alive\n\n", "event:X\nfoo:bar\n\n", "data:after\n\n"))
                .containsExactly(new SseParser.Event(null, "message", "after"));
        assertThat(p.comments()).isEqualTo(1);
    }

    @Test
    void theLastIdStaysUntilAnotherReplacesItAndAnIdWithNulIsIgnored() throws Exception {
        SseParser p = new SseParser();
        List<SseParser.Event> events = feed(p, "id:5\ndata:a\n\n", "data:b\n\n", "id:6\u0000\ndata:c\n\n");
        assertThat(events).extracting(SseParser.Event::id).containsExactly("5", "5", "5");
    }

    @Test
    void retryIsKeptWhenItIsAWholeNumber() throws Exception {
        SseParser p = new SseParser();
        feed(p, "retry:soon\n", "retry:1500\n\n");
        assertThat(p.retryMillis()).isEqualTo(1500);
    }

    @Test
    void aResetDropsTheHalfReadEventButKeepsTheIdToResumeAfter() throws Exception {
        SseParser p = new SseParser();
        feed(p, "id:3\ndata:done\n\n", "id:4\ndata:half");
        p.reset();
        assertThat(p.lastEventId()).isEqualTo("3");
        assertThat(feed(p, "id:4\ndata:whole\n\n")).containsExactly(new SseParser.Event("4", "message", "whole"));
    }

    @Test
    void aLineLongerThanTheBoundIsRefused() {
        SseParser p = new SseParser(16, 1024);
        assertThatThrownBy(() -> feed(p, "data:" + "x".repeat(20)))
                .isInstanceOf(SseParser.TooLarge.class).hasMessageContaining("longer than 16 bytes");
    }

    @Test
    void anEventWithMoreDataThanTheBoundIsRefused() {
        SseParser p = new SseParser(1024, 10);
        assertThatThrownBy(() -> feed(p, "data:123456\ndata:123456\n"))
                .isInstanceOf(SseParser.TooLarge.class).hasMessageContaining("more than 10 characters");
    }

    @Test
    void aByteOrderMarkBeforeTheFirstLineIsDropped() throws Exception {
        SseParser p = new SseParser();
        assertThat(feed(p, "\uFEFFdata:x\n\n")).extracting(SseParser.Event::data).containsExactly("x");
    }
}
