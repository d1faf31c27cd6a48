package dev.baton.controller.definition.model;

/** Shell hand-off: commands the agent runs on the node. */
public record ShellSpec(
    @Field(doc = "Command of the bootstrap phase", example = "/usr/local/sbin/bootstrap.sh") String bootstrap,
    @Field(doc = "Command of the final phase", example = "systemctl is-active nginx") String final_,
    @Field(doc = "Seconds each command may run", dflt = "600", min = 1, max = 86400) Integer timeoutSeconds) {}
