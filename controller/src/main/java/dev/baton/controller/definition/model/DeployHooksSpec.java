package dev.baton.controller.definition.model;

/**
 * The commands of a deployment on one node, in the order they run: {@code block_traffic}, the
 * running release's {@code stop}, {@code before_install}, the switch of {@code current},
 * {@code after_install}, {@code start}, {@code validate}, {@code allow_traffic}. Each is optional.
 */
public record DeployHooksSpec(
    @Field(doc = "Takes the node out of service before anything changes", example = "touch /run/webapp/drain")
        String blockTraffic,
    @Field(doc = "Stops the release that runs (its failure is reported, never blocks a deployment or a rollback)",
        example = "systemctl stop webapp") String stop,
    @Field(doc = "Runs in the new release's directory before it becomes current", example = "./bin/migrate --check")
        String beforeInstall,
    @Field(doc = "Runs once the new release is current", example = "chmod +x current/bin/*") String afterInstall,
    @Field(doc = "Starts the application", example = "systemctl start webapp") String start,
    @Field(doc = "Says whether the started release works (exit 0); a failure rolls the node back",
        example = "curl -fsS http://127.0.0.1:8080/health") String validate,
    @Field(doc = "Puts the node back in service", example = "rm -f /run/webapp/drain") String allowTraffic) {}
