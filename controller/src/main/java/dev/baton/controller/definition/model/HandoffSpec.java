package dev.baton.controller.definition.model;

/** How a node is handed off to configuration management once it has proved who it is. */
public record HandoffSpec(
    @Field(doc = "puppet, shell or none", dflt = "puppet") ConfigManagementKind configManagement,
    @Field(doc = "Puppet settings; required when config_management is puppet", example = "{role: webserver}",
        scaffold = true) PuppetSpec puppet,
    @Field(doc = "Shell settings; required when config_management is shell") ShellSpec shell) {}
