package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Collection;
import java.util.Map;

/**
 * The stored verdicts, except that any question about a host whose id starts with
 * {@value #PREFIX} throws, as a matrix that cannot be read would: a plan that needs one fails
 * while its problem is built. Enabled only by the test profiles that list it.
 */
@Alternative
@ApplicationScoped
public class UnreadableVerdicts extends Verdicts {

    static final String PREFIX = "unreadable-";

    @Override
    public Map<MatrixKey, StoredVerdict> stored(ClusterSnapshot snapshot, Collection<MatrixKey> keys) {
        if (keys.stream().anyMatch(k -> k.targetHost().startsWith(PREFIX))) {
            throw new IllegalStateException("the compatibility matrix cannot be read (the test made it so)");
        }
        return super.stored(snapshot, keys);
    }
}
