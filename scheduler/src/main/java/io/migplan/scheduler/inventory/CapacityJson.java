package io.migplan.scheduler.inventory;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.migplan.proto.v1.Capacity;

/**
 * A parent's capacity model as stored and served: protobuf's canonical JSON form of the
 * agent's {@link Capacity} message, so the column, the REST answer and the contract never
 * drift apart. Decides nothing about what the numbers mean (the placement's capacity rules do).
 */
public final class CapacityJson {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace()
            .sortingMapKeys();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private CapacityJson() {
    }

    public static String write(Capacity capacity) {
        try {
            return PRINTER.print(capacity);
        } catch (InvalidProtocolBufferException e) {
            // Only Any fields with unknown types fail to print; Capacity has none.
            throw new IllegalStateException("capacity model cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    public static Capacity read(String json) {
        Capacity.Builder b = Capacity.newBuilder();
        if (json == null || json.isBlank()) {
            return b.build();
        }
        try {
            PARSER.merge(json, b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored capacity model is not valid JSON: " + e.getMessage(), e);
        }
        return b.build();
    }
}
