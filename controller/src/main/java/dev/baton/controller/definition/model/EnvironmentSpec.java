package dev.baton.controller.definition.model;

import java.util.Map;

/** One environment of a platform (dev, test, prod ...), chosen with {@code --env}. */
public record EnvironmentSpec(
    @Field(doc = "Variables of this environment, used as ${name} in resource files; they override the"
        + " platform's", example = "{web_type: t3.large}") Map<String, String> variables,
    @Field(doc = "Tags added to every resource in this environment", example = "{stage: prod}")
        Map<String, String> tags) {}
