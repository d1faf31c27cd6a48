package dev.baton.controller.definition.model;

import java.util.Map;

/** One environment of a platform (dev, test, prod ...), chosen with {@code --env}. */
public record EnvironmentSpec(
    @Field(doc = "Variables of this environment, used as ${name} in resource files; they override the"
        + " platform's", example = "{web_type: t3.large}") Map<String, String> variables,
    @Field(doc = "Tags added to every resource in this environment", example = "{stage: prod}")
        Map<String, String> tags,
    @Field(doc = "Off-hours: the controller stops this environment's instances and sets its groups to zero at"
        + " \"stop\", and restores them at \"start\"", example = "{stop: \"0 19 * * 1-5\", start: \"0 7 * * 1-5\","
        + " time_zone: Europe/Paris}") ScheduleSpec schedule) {}
