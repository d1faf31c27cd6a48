package dev.baton.controller.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.controller.definition.model.ApplicationSpec;
import dev.baton.controller.definition.model.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplicationTargetsTest {
  @Test
  void namedGroupsAndInstancesAndThoseOfItsRolesEachOnce(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("platform.yaml"), "name: p\ncustomer: c\nprovider: local\nregion: local-1\n"
        + "domain: p.test\n");
    Files.writeString(dir.resolve("nodes.yaml"), """
        kind: vpc
        name: main
        uuid: 00000000-0000-4000-8000-00000000b001
        cidr: 10.0.0.0/16
        ---
        kind: subnet
        name: a
        uuid: 00000000-0000-4000-8000-00000000b002
        vpc: main
        cidr: 10.0.1.0/24
        az: local-1a
        ---
        kind: autoscaling_group
        name: web
        uuid: 00000000-0000-4000-8000-00000000b003
        cluster: c
        role: webapp
        launch: {instance_type: t3.small}
        subnets: [a]
        min: 1
        max: 2
        handoff: {config_management: none}
        ---
        kind: instance
        name: web-1
        uuid: 00000000-0000-4000-8000-00000000b004
        subnet: a
        instance_type: t3.small
        handoff: {config_management: puppet, puppet: {role: webapp}}
        ---
        kind: instance
        name: db-1
        uuid: 00000000-0000-4000-8000-00000000b005
        subnet: a
        instance_type: t3.small
        handoff: {config_management: none}
        ---
        kind: application
        name: app
        uuid: 00000000-0000-4000-8000-00000000b006
        source: {directory: .}
        instances: [db-1, web-1]
        roles: [webapp]
        """);
    Platform p = DefinitionLoader.load(dir, dir.toString(), null);
    ApplicationSpec a = p.find(ResourceKind.APPLICATION, "app").orElseThrow().spec(ApplicationSpec.class);
    assertEquals(List.of("db-1", "web-1", "web"), ApplicationTargets.of(p, a).stream().map(Resource::name).toList());
  }
}
