package io.migplan.scheduler.testsupport;

import io.migplan.scheduler.error.Violations;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/** Hibernate Validator without Quarkus, for checking the request records' annotations in plain tests. */
public final class Validators {

    public static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    private Validators() {
    }

    /** What a 400 or an INVALID_ARGUMENT would say about the value; empty when it is valid. */
    public static String refusal(Object request) {
        return Violations.describe(VALIDATOR.validate(request));
    }
}
