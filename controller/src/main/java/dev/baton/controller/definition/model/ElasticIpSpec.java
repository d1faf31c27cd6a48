package dev.baton.controller.definition.model;

@Kind(value = "elastic_ip", doc = "A fixed public IPv4 address. An instance names it in `elastic_ip`;"
    + " it is associated once that instance runs.")
public record ElasticIpSpec() implements ResourceSpec {}
