package dev.baton.controller.definition.model;

/** Effect of a policy statement. */
public enum Effect implements YamlEnum { ALLOW, DENY }
