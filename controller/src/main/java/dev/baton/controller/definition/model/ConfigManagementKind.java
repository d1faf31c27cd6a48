package dev.baton.controller.definition.model;

/** Which configuration management a node is handed off to. */
public enum ConfigManagementKind implements YamlEnum { PUPPET, SHELL, NONE }
