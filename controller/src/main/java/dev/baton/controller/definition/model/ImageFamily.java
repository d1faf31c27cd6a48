package dev.baton.controller.definition.model;

/** Operating-system family of an image; decides how cloud-init installs Java and the agent. */
public enum ImageFamily implements YamlEnum { DEBIAN, UBUNTU, AMAZON_LINUX }
