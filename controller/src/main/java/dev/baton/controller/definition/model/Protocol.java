package dev.baton.controller.definition.model;

/** IP protocol of a security-group rule. */
public enum Protocol implements YamlEnum { TCP, UDP, ICMP, ALL }
