package io.migplan.scheduler.config;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Duration;

/**
 * A period a {@code @Scheduled(every = "${...}")} reads: a positive duration as Quarkus writes
 * them ("5s", "500ms", "1h30m", "PT2S") or "off" / "disabled" to stop the timer. Checked with the
 * rest of {@link MigplanConfig} at start, so a wrong value stops the boot naming its key.
 */
@Documented
@Constraint(validatedBy = SchedulerPeriod.Check.class)
@Target({METHOD, FIELD})
@Retention(RUNTIME)
public @interface SchedulerPeriod {

    String message() default "must be a positive duration (\"5s\", \"500ms\", \"PT1M\") or off";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<SchedulerPeriod, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return false;
            }
            if (value.equalsIgnoreCase("off") || value.equalsIgnoreCase("disabled")) {
                return true;
            }
            try {
                Duration d = DurationConverter.parseDuration(value);
                return d != null && d.compareTo(Duration.ZERO) > 0;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
