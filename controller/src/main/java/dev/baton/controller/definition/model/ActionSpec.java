package dev.baton.controller.definition.model;

/**
 * An action of the platform that {@code controller run DIR GROUP ACTION} runs on the nodes of a
 * group through their agents. Only actions written here (and the built-in {@code puppet-run} and
 * {@code facts}) can be run: never free-form shell.
 */
public record ActionSpec(
    @Field(doc = "Command the agent runs on each node (sh -c)", required = true, example = "systemctl restart webapp")
        String command,
    @Field(doc = "What the action does, for people") String description,
    @Field(doc = "Seconds the command may run on a node", dflt = "300", min = 1, max = 86400) Integer timeoutSeconds) {}
