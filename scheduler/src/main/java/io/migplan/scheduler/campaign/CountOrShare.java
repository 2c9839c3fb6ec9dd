package io.migplan.scheduler.campaign;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.regex.Pattern;

/**
 * A number of hosts written as a count ("4") of at least one, or a share of the hosts in scope
 * ("10%") in (0, 100]. The form is {@link #FORMAT}, checked by a {@code @Pattern} beside this
 * one (so the API description shows it); this constraint checks the range of a value in that
 * form. Blank or absent takes the default.
 */
@Documented
@Constraint(validatedBy = CountOrShare.Check.class)
@Target({FIELD, METHOD, PARAMETER})
@Retention(RUNTIME)
public @interface CountOrShare {

    /** A count, or a share with a percent sign, or nothing; a sign is read so that it is refused by value. */
    String FORMAT = "\\s*([+-]?\\d{1,9}|[+-]?(\\d{1,9}(\\.\\d*)?|\\.\\d+)\\s*%)?\\s*";

    /** What {@link #FORMAT} asks for, in words. */
    String FORMAT_MESSAGE = "must be a count (\"4\") or a share (\"10%\")";

    String message() default "must be at least 1";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<CountOrShare, String> {

        private static final Pattern FORM = Pattern.compile(FORMAT);

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null || value.isBlank() || !FORM.matcher(value).matches()) {
                return true; // the default, or the form's own violation
            }
            String v = value.strip();
            if (v.endsWith("%")) {
                double share = share(v);
                if (share > 0 && share <= 100) {
                    return true;
                }
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must be a share in (0, 100]%").addConstraintViolation();
                return false;
            }
            return count(v) >= 1;
        }

        /** The share in percent of a stripped value in {@link #FORMAT} ending in "%". */
        static double share(String stripped) {
            return Double.parseDouble(stripped.substring(0, stripped.length() - 1).strip());
        }

        /** The count of a stripped value in {@link #FORMAT} without "%". */
        static int count(String stripped) {
            return Integer.parseInt(stripped);
        }
    }
}
