package dev.baton.controller.definition.model;

import java.util.List;

@Kind(value = "dns_record", doc = "A Route53 record, set with UPSERT. Its values are written out, or taken"
    + " from an instance (its public address, else its private one) or an elastic_ip.")
public record DnsRecordSpec(
    @Field(onChange = OnChange.REPLACE, doc = "The hosted zone", required = true, format = Format.DNS_NAME, example = "example.com") String zone,
    @Field(onChange = OnChange.REPLACE, doc = "Record name: fully qualified inside the zone, or relative to it (`www`); `@` is the zone itself",
        required = true, example = "www") String record,
    @Field(onChange = OnChange.REPLACE, doc = "A, AAAA, CNAME, TXT, MX, SRV, NS or CAA", dflt = "A") DnsType type,
    @Field(doc = "Time to live in seconds", dflt = "300", min = 0, max = 2147483647) Integer ttl,
    @Field(doc = "The values, written out", example = "[203.0.113.10]", scaffold = true) List<String> values,
    @Field(doc = "Take the value from this instance's address (type A only)", ref = "instance", example = "web-1")
        String instance,
    @Field(doc = "Take the value from this Elastic IP (type A only)", ref = "elastic_ip", example = "web-1")
        String elasticIp) implements ResourceSpec {}
