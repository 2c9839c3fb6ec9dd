package io.migplan.scheduler.inventory.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.inventory.export.HostPage.ExportedHost;
import io.migplan.scheduler.inventory.export.HostPage.ExportedVerdict;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writes the fleet the scheduler holds as one JSON document (docs/fleet-format.md, format {@value
 * #FORMAT} version {@value #VERSION}): per host its reported inventory in the protobuf JSON form
 * agents report in, its liveness and admin state, and the verdicts valid at its generation.
 *
 * <p>Decides: that the document is one consistent picture (one read-only REPEATABLE READ
 * transaction, whose start is {@code takenAt} on the database's clock); that memory stays bounded
 * whatever the fleet size (hosts are read {@value #PAGE_HOSTS} at a time and written as they are
 * read, never gathered); that at most {@value #MAX_RUNNING} exports run at once (each holds one
 * database connection for as long as its client reads), the next one refused as BUSY. It changes
 * nothing.
 */
@ApplicationScoped
public class FleetExport {

    /** The document's {@code format} field: what kind of document this is. */
    public static final String FORMAT = "migplan-fleet";
    /** The document's {@code version}: raised when a field changes meaning or goes away, not when one is added. */
    public static final int VERSION = 1;
    /** Hosts per read: a few MB of rows at most (a benchmark fleet's host is ~37 KB of JSON, docs/benchmarks.md). */
    static final int PAGE_HOSTS = 100;
    /** Exports at once; each holds a pooled connection while its client reads (the pool has 20 by default). */
    static final int MAX_RUNNING = 2;
    /** What a refused caller is told to wait: an export of 5,000 hosts takes seconds. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);

    private static final JsonFormat.Printer PROTO = JsonFormat.printer().omittingInsignificantWhitespace()
            .sortingMapKeys();
    /** The response stream is the server's to close, not the generator's. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private final Semaphore running = new Semaphore(MAX_RUNNING);

    @Inject
    AgroalDataSource dataSource;

    /** One claimed export slot; {@link #write} gives it back, and so does {@link #close}, once. */
    public final class Slot implements AutoCloseable {
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Slot() {
        }

        @Override
        public void close() {
            if (held.compareAndSet(true, false)) {
                running.release();
            }
        }
    }

    /**
     * Claims an export slot before any byte is written, so a refusal is a proper answer.
     *
     * @throws RefusalException BUSY (429, EXPORT_BUSY) when {@value #MAX_RUNNING} exports are running
     */
    public Slot claim() {
        if (!running.tryAcquire()) {
            throw new RefusalException(ErrorKind.BUSY, "EXPORT_BUSY", MAX_RUNNING
                    + " fleet exports are being written now, as many as run at once; try again in "
                    + RETRY_AFTER.toSeconds() + " s", RETRY_AFTER);
        }
        return new Slot();
    }

    /** Writes the document to {@code out} and gives the slot back, whatever happens. */
    public void write(Slot slot, OutputStream out) throws IOException {
        try (slot; Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                write(c, out);
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IOException("the fleet could not be read from the database: " + e.getMessage(), e);
        }
    }

    private void write(Connection c, OutputStream out) throws SQLException, IOException {
        Instant takenAt;
        List<String> ids = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            // The first statement fixes the transaction's snapshot; now() is its start on the database's clock.
            try (ResultSet r = s.executeQuery("select now()")) {
                r.next();
                takenAt = r.getTimestamp(1).toInstant();
            }
        }
        try (PreparedStatement s = c.prepareStatement("select id from host order by id collate \"C\"");
                ResultSet r = s.executeQuery()) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            writeDocument(c, g, takenAt, ids);
        }
    }

    private static void writeDocument(Connection c, JsonGenerator g, Instant takenAt, List<String> ids)
            throws SQLException, IOException {
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("version", VERSION);
        g.writeStringField("takenAt", takenAt.toString());
        g.writeNumberField("hostCount", ids.size());
        g.writeArrayFieldStart("hosts");
        for (int from = 0; from < ids.size(); from += PAGE_HOSTS) {
            for (ExportedHost h : HostPage.read(c, ids.subList(from, Math.min(ids.size(), from + PAGE_HOSTS)))) {
                writeHost(g, h);
            }
            g.flush();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
    }

    private static void writeHost(JsonGenerator g, ExportedHost h) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", h.id());
        g.writeStringField("state", h.state());
        g.writeStringField("adminState", h.adminState());
        g.writeStringField("adminReason", h.adminReason());
        g.writeFieldName("inventory");
        try {
            g.writeRawValue(PROTO.print(h.inventory()));
        } catch (InvalidProtocolBufferException e) {
            // Only Any fields with unknown types fail to print; a HostSnapshot has none.
            throw new UncheckedIOException(new IOException("host " + h.id() + " cannot be written as JSON", e));
        }
        g.writeArrayFieldStart("verdicts");
        for (ExportedVerdict v : h.verdicts()) {
            g.writeStartObject();
            g.writeStringField("parent", v.parent());
            g.writeStringField("typeId", v.typeId());
            g.writeStringField("sourceSignature", v.sourceSignature());
            g.writeStringField("verdict", v.verdict());
            g.writeStringField("code", v.code());
            g.writeStringField("message", v.message());
            g.writeStringField("backend", v.backend());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
