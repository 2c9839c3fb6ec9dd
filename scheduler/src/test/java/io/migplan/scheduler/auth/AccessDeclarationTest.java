package io.migplan.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.api.grpc.GrpcRoles;
import io.migplan.scheduler.audit.Audited;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every REST operation (JAX-RS resources found by reflection) and every gRPC method the scheduler
 * serves (its service descriptors) declares who may call it; a new one without a declaration
 * fails here before it can ship open.
 */
@QuarkusTest
class AccessDeclarationTest {

    @Inject
    GrpcRoles grpc;

    @Test
    void everyRestOperationDeclaresItsRoles() {
        List<Operation> operations = Operation.rest();
        assertThat(operations).as("the resources were found").hasSizeGreaterThan(15);
        assertThat(operations).filteredOn(o -> !o.isPublic() && Access.declared(o.method()).isEmpty())
                .as("operations without a role").isEmpty();
    }

    @Test
    void onlyTheConsolesSignInAndOutAreOpenToAnyone() {
        assertThat(Operation.rest()).filteredOn(o -> o.method().isAnnotationPresent(PermitAll.class)
                || o.resource().isAnnotationPresent(PermitAll.class)).extracting(Operation::toString)
                .containsExactlyInAnyOrderElementsOf(Operation.PUBLIC);
    }

    @Test
    void everyRestOperationThatIsNotAGetIsClosedToViewersAndEveryOneOpenToThemIsAGet() {
        assertThat(Operation.rest()).filteredOn(o -> !o.isPublic()).allSatisfy(o -> {
            boolean closed = Roles.changesState(Access.roles(o.method()).orElseThrow());
            if (!o.verb().equals("GET")) {
                assertThat(closed).as(o.toString()).isTrue();
            }
            if (!closed) {
                assertThat(o.verb()).as(o.toString()).isEqualTo("GET");
            }
        });
    }

    @Test
    void everyOperationThatChangesStateIsAuditedAndNoGetIs() {
        assertThat(Operation.rest()).filteredOn(o -> !o.verb().equals("GET") && !o.isPublic())
                .allSatisfy(o -> assertThat(o.resource().isAnnotationPresent(Audited.class)).as(o.toString()).isTrue());
        assertThat(Operation.rest()).filteredOn(o -> o.verb().equals("GET") && !o.isPublic())
                .allSatisfy(o -> assertThat(o.resource().isAnnotationPresent(Audited.class)
                        && Roles.changesState(Access.roles(o.method()).orElseThrow())).as(o.toString()).isFalse());
        assertThat(grpc.all()).allSatisfy((name, d) -> {
            if (!d.roles().isEmpty() && Roles.changesState(d.roles())) {
                assertThat(d.type().isAnnotationPresent(Audited.class)).as(name).isTrue();
            }
        });
    }

    @Test
    void everyGrpcMethodDeclaresItsRolesOrTheHostIdentity() {
        Map<String, GrpcRoles.Declared> methods = grpc.all();
        assertThat(methods).as("the served services were found")
                .containsKeys("migplan.v1.CampaignService/AbortCampaign", "migplan.v1.PlanService/CreateEvacuationPlan",
                        "migplan.v1.PlacementService/WhereCanMove", "migplan.v1.InventoryService/Heartbeat");
        assertThat(methods).allSatisfy((name, d) -> assertThat(d.access()).as(name).isNotEqualTo(Optional.empty()));
        assertThat(methods.get("migplan.v1.InventoryService/ReportInventory").access()).contains(Access.HOST_IDENTITY);
    }
}
