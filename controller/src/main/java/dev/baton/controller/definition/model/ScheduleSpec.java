package dev.baton.controller.definition.model;

/**
 * Off-hours of an environment: when the controller stops its instances and sets its groups to
 * zero, and when it starts them again (cron expressions: minute hour day-of-month month day-of-week).
 */
public record ScheduleSpec(
    @Field(doc = "When to stop (cron: minute hour day-of-month month day-of-week)", required = true,
        example = "0 19 * * 1-5") String stop,
    @Field(doc = "When to start again (cron)", required = true, example = "0 7 * * 1-5") String start,
    @Field(doc = "Time zone of both (IANA name)", dflt = "UTC", example = "Europe/Paris") String timeZone) {}
