package io.migplan.scheduler.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.migplan.scheduler.campaigns.CampaignConflictException;
import io.migplan.scheduler.inventory.UnknownObjectException;
import io.migplan.scheduler.plans.PlanFinishedException;
import io.migplan.scheduler.rest.InvalidRequestException;
import io.migplan.scheduler.rest.Violations;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Completes a unary call: the value, a deliberate status, or INTERNAL for anything else,
 * whose trace is logged here under an incident id and never sent to the caller.
 */
final class GrpcCalls {

    private static final Logger LOG = Logger.getLogger(GrpcCalls.class);

    private GrpcCalls() {
    }

    static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (StatusRuntimeException e) {
            observer.onError(e);
            return;
        } catch (RuntimeException e) {
            StatusRuntimeException refusal = refusal(e);
            if (refusal != null) {
                observer.onError(refusal);
                return;
            }
            String incident = UUID.randomUUID().toString();
            LOG.errorf(e, "internal error in a gRPC call, incident %s", incident);
            observer.onError(Status.INTERNAL.withDescription(
                    "internal error; the scheduler's log has the details under incident " + incident).asRuntimeException());
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }

    /**
     * The request, once it meets its record's constraints, the same the REST API checks with
     * {@code @Valid}; else a {@link ConstraintViolationException}, refused as INVALID_ARGUMENT.
     */
    static <R> R valid(Validator validator, R request) {
        Set<ConstraintViolation<R>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return request;
    }

    /**
     * The status matching the REST API's 400, 404 and 409 for the services' refusals, so both APIs
     * refuse the same things; null for anything else, which is an internal fault. A campaign
     * conflict has several causes, so its stable code leads the description, as in
     * {@code "CAMPAIGN_ACTIVE: campaign camp-1 is still running ..."}.
     */
    static StatusRuntimeException refusal(RuntimeException e) {
        if (e instanceof InvalidRequestException) {
            return Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof ConstraintViolationException c && !Violations.onReturnValue(c.getConstraintViolations())) {
            return Status.INVALID_ARGUMENT.withDescription(Violations.describe(c.getConstraintViolations()))
                    .asRuntimeException();
        }
        if (e instanceof UnknownObjectException) {
            return Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof PlanFinishedException) {
            return Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException();
        }
        if (e instanceof CampaignConflictException c) {
            return Status.FAILED_PRECONDITION.withDescription(c.code() + ": " + c.getMessage()).asRuntimeException();
        }
        return null;
    }
}
