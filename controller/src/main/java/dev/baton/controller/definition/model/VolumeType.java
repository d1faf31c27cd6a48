package dev.baton.controller.definition.model;

/** EBS volume type. */
public enum VolumeType implements YamlEnum { GP2, GP3, IO1, IO2, ST1, SC1, STANDARD }
