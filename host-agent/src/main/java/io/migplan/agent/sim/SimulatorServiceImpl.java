package io.migplan.agent.sim;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.Migration;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.proto.v1.ListSimHostsRequest;
import io.migplan.proto.v1.ListSimHostsResponse;
import io.migplan.proto.v1.MigrateVmRequest;
import io.migplan.proto.v1.MigrateVmResponse;
import io.migplan.proto.v1.SimHost;
import io.migplan.proto.v1.SimHostRef;
import io.migplan.proto.v1.SimulatorServiceGrpc;
import io.migplan.proto.v1.UpgradeHostRequest;
import java.util.function.Supplier;

/**
 * {@code migplan.v1.SimulatorService} over a running fleet: translates requests to the fleet's
 * Java operations and their refusals to statuses (NOT_FOUND, INVALID_ARGUMENT,
 * FAILED_PRECONDITION with the operation's sentence, INTERNAL). Decides nothing itself.
 */
final class SimulatorServiceImpl extends SimulatorServiceGrpc.SimulatorServiceImplBase {
  private final RunningFleet fleet;

  SimulatorServiceImpl(RunningFleet fleet) {
    this.fleet = fleet;
  }

  @Override
  public void listHosts(ListSimHostsRequest request, StreamObserver<ListSimHostsResponse> response) {
    answer(response, () -> ListSimHostsResponse.newBuilder()
        .addAllHosts(fleet.listHosts().stream().map(SimulatorServiceImpl::toProto).toList())
        .build());
  }

  @Override
  public void migrateVm(MigrateVmRequest request, StreamObserver<MigrateVmResponse> response) {
    answer(response, () -> {
      Migration m = fleet.migrateVm(request.getVm(), request.getTargetHost(), request.getTargetParent());
      return MigrateVmResponse.newBuilder().setVm(m.vm()).setSourceHost(m.sourceHost())
          .setTargetHost(m.targetHost()).addAllTargetParents(m.targetParents()).build();
    });
  }

  @Override
  public void upgradeHost(UpgradeHostRequest request, StreamObserver<SimHost> response) {
    answer(response, () -> toProto(
        fleet.upgradeHost(request.getHost(), request.getRelease(), request.getDriverVersion())));
  }

  @Override
  public void failHost(SimHostRef request, StreamObserver<SimHost> response) {
    answer(response, () -> toProto(fleet.failHost(request.getHost())));
  }

  @Override
  public void recoverHost(SimHostRef request, StreamObserver<SimHost> response) {
    answer(response, () -> toProto(fleet.recoverHost(request.getHost())));
  }

  private static <T> void answer(StreamObserver<T> response, Supplier<T> operation) {
    T result;
    try {
      result = operation.get();
    } catch (SimulationException e) {
      Status status = switch (e.kind()) {
        case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
        case NOT_FOUND -> Status.NOT_FOUND;
        case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        case INTERNAL -> Status.INTERNAL;
      };
      response.onError(status.withDescription(e.getMessage()).asRuntimeException());
      return;
    } catch (RuntimeException e) {
      response.onError(Status.INTERNAL.withDescription("simulator fault: " + e).asRuntimeException());
      return;
    }
    response.onNext(result);
    response.onCompleted();
  }

  static SimHost toProto(HostStatus h) {
    return SimHost.newBuilder().setHost(h.host()).setEndpoint(h.endpoint()).setRelease(h.release())
        .setDriverVersion(h.driverVersion()).setBoard(h.board()).setFailed(h.failed()).setVms(h.vms()).build();
  }
}
