package io.migplan.scheduler.compatibility;

import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import java.util.Comparator;

/** One cell of the compatibility matrix: a source signature against one type on one target parent. */
public record MatrixKey(String targetHost, String targetParent, String targetTypeId, String sourceSignature) {

    /** Host, parent, type, signature: the order in which cells are written, so writers lock rows alike. */
    public static final Comparator<MatrixKey> ORDER = Comparator.comparing(MatrixKey::targetHost)
            .thenComparing(MatrixKey::targetParent).thenComparing(MatrixKey::targetTypeId)
            .thenComparing(MatrixKey::sourceSignature);

    /** The cell a question to {@code host}'s agent asks about. */
    public static MatrixKey of(String host, ProbeQuestion q) {
        return new MatrixKey(host, q.getTargetParent(), q.getTargetTypeId(), q.getSourceSignature());
    }

    /**
     * The question that asks this cell, with what is known of the source for rule backends. The
     * source type is the target type: no vendor migrates state between different mdev types.
     */
    public ProbeQuestion question(String id, SourceFacts source) {
        return ProbeQuestion.newBuilder().setId(id).setTargetTypeId(targetTypeId).setTargetParent(targetParent)
                .setSourceSignature(sourceSignature).setSourceTypeId(targetTypeId).setSourceBoard(source.board())
                .setSourceDriver(source.driver()).setSourceDriverVersion(source.driverVersion())
                .setSourceRelease(source.release()).build();
    }
}
