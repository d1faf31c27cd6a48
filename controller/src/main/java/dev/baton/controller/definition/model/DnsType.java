package dev.baton.controller.definition.model;

/** DNS record type; written in capitals. */
public enum DnsType implements YamlEnum {
  A, AAAA, CNAME, TXT, MX, SRV, NS, CAA;

  @Override
  public String yaml() {
    return name();
  }
}
