package dev.baton.controller.definition.model;

import java.util.List;

/** Puppet settings of a node. */
public record PuppetSpec(
    @Field(doc = "The node's role (a roles:: class), also sent as the pp_role certificate extension",
        format = Format.NAME, example = "webserver") String role,
    @Field(doc = "Extra classes for the node", example = "[profile::base]") List<String> classes,
    @Field(doc = "Environment of the final run", dflt = "production", example = "production") String environment,
    @Field(doc = "Environment of the bootstrap run", dflt = "bootstrap") String bootstrapEnvironment) {}
