package dev.baton.controller.definition.model;

import java.util.List;

/** How agents reach the controllers. */
public record ControllerEndpointSpec(
    @Field(doc = "Event-bus bridge endpoints (HOST:PORT) nodes reach the controllers at, tried in turn; the agent is"
        + " downloaded from the first one's host. Required on aws for a platform with nodes, and never a loopback address"
        + " there (on the local provider nodes use the controller's own)", format = Format.ENDPOINT, scaffold = true,
        example = "[controller-1.example.net:7443, controller-2.example.net:7443]")
        List<String> endpoints) {}
