package dev.baton.controller.definition.model;

import java.util.List;

/** How agents reach the controllers. */
public record ControllerEndpointSpec(
    @Field(doc = "Event-bus bridge endpoints agents connect to; they try each in turn", format = Format.ENDPOINT,
        dflt = "[127.0.0.1:7443]", example = "[controller-1.example.net:7443, controller-2.example.net:7443]")
        List<String> endpoints) {}
