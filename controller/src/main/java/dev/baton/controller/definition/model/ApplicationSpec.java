package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "application", doc = "An application that `controller deploy` releases onto nodes through their agents:"
    + " where each revision's archive comes from, which nodes run it and the commands of each stage. Not a cloud"
    + " resource: plan, provision, audit and destroy leave it out.")
public record ApplicationSpec(
    @Field(onChange = OnChange.NONE, doc = "Where each revision's archive comes from", required = true) ArtifactSourceSpec source,
    @Field(onChange = OnChange.NONE, doc = "Autoscaling groups whose nodes run it", ref = "autoscaling_group", example = "[web]",
        scaffold = true) List<String> groups,
    @Field(onChange = OnChange.NONE, doc = "Instances that run it", ref = "instance", example = "[web-1]") List<String> instances,
    @Field(onChange = OnChange.NONE, doc = "Roles whose nodes run it: every autoscaling group of one of these roles, and every"
        + " instance whose Puppet role is one", example = "[webapp]") List<String> roles,
    @Field(onChange = OnChange.NONE, doc = "Commands the agent runs on each node at each stage of a deployment (sh -c, in the"
        + " release's directory)") DeployHooksSpec hooks,
    @Field(onChange = OnChange.NONE, doc = "Nodes changed at a time: a number, or a share of the targets such as 25%",
        dflt = "1", example = "25%") String batch,
    @Field(onChange = OnChange.NONE, doc = "Instead of batch: the share of the nodes that keep running the release before"
        + " while a batch changes, such as 75% (batches of the rest, at least one node)", example = "75%") String minHealthy,
    @Field(onChange = OnChange.NONE, doc = "Previous releases each node keeps (to go back to without a download)", dflt = "2",
        min = 1, max = 50) Integer keep,
    @Field(onChange = OnChange.NONE, doc = "User the application runs as: it owns the releases and the hooks run as it"
        + " (needs an agent that runs as root)", format = Format.NAME, example = "webapp") String user,
    @Field(onChange = OnChange.NONE, doc = "Directory on the node of its releases/REV, current and previous; absolute, or"
        + " relative to the agent's directory", dflt = "apps/{name}", example = "/srv/webapp") String path,
    @Field(onChange = OnChange.NONE, doc = "Seconds each hook may run on a node", dflt = "300", min = 1, max = 86400)
        Integer hookTimeoutSeconds) implements ResourceSpec {}
