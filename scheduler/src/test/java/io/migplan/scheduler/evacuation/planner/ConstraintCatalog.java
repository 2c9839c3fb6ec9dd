package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.optaplanner.constraint.streams.bavet.BavetConstraintFactory;
import org.optaplanner.core.api.score.stream.Constraint;
import org.optaplanner.core.api.score.stream.ConstraintFactory;
import org.optaplanner.core.config.solver.EnvironmentMode;
import org.optaplanner.core.impl.domain.solution.descriptor.SolutionDescriptor;

/**
 * The provider's constraints by id, found by reflection: tests ask for a constraint by its id,
 * so a test can never exercise one method while naming another.
 */
final class ConstraintCatalog {

    private static final EvacuationConstraintProvider PROVIDER = new EvacuationConstraintProvider();
    private static final ConstraintFactory FACTORY = new BavetConstraintFactory<>(
            SolutionDescriptor.buildSolutionDescriptor(EvacuationSolution.class, VmMove.class),
            EnvironmentMode.REPRODUCIBLE);

    private ConstraintCatalog() {
    }

    /** The ids in the order defineConstraints lists them. */
    static List<String> definedIds() {
        return Arrays.stream(PROVIDER.defineConstraints(FACTORY)).map(Constraint::getConstraintName).toList();
    }

    /** Constraint id to the provider method that builds it. */
    static Map<String, BiFunction<EvacuationConstraintProvider, ConstraintFactory, Constraint>> methods() {
        Map<String, BiFunction<EvacuationConstraintProvider, ConstraintFactory, Constraint>> out =
                new LinkedHashMap<>();
        for (Method m : EvacuationConstraintProvider.class.getDeclaredMethods()) {
            if (m.getReturnType() == Constraint.class && m.getParameterCount() == 1
                    && !Modifier.isStatic(m.getModifiers())) {
                m.setAccessible(true);
                Constraint c = invoke(m, PROVIDER, FACTORY);
                out.put(c.getConstraintName(), (p, f) -> invoke(m, p, f));
            }
        }
        return out;
    }

    private static Constraint invoke(Method m, EvacuationConstraintProvider provider, ConstraintFactory factory) {
        try {
            return (Constraint) m.invoke(provider, factory);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(m.getName(), e);
        }
    }
}
