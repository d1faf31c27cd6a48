package dev.baton.controller.definition;

import java.util.regex.Pattern;

/** IPv4, CIDR, DNS-name and port syntax, with messages that say what is wrong. */
public final class Net {
  private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
  private static final Pattern LABEL = Pattern.compile("^(\\*|_?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$");

  private Net() {}

  /** An IPv4 network: address with no host bits, and prefix length. */
  public record Cidr(long address, int prefix) {
    public long size() {
      return 1L << (32 - prefix);
    }

    public long last() {
      return address + size() - 1;
    }

    public boolean contains(Cidr other) {
      return other.address >= address && other.last() <= last();
    }

    public boolean contains(long ip) {
      return ip >= address && ip <= last();
    }

    public boolean overlaps(Cidr other) {
      return address <= other.last() && other.address <= last();
    }

    @Override
    public String toString() {
      return ipv4(address) + "/" + prefix;
    }
  }

  /** Parses an IPv4 address; returns -1 when it is not one. */
  /**
   * Whether a host an agent is told to connect to means the node itself: {@code localhost}, an
   * address of 127.0.0.0/8, {@code ::1}, or the unspecified {@code 0.0.0.0} / {@code ::}.
   */
  public static boolean isOwnHost(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    h = h.toLowerCase(java.util.Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("::") || h.equals("0.0.0.0")
        || h.equals("0:0:0:0:0:0:0:1")) {
      return true;
    }
    return IPV4.matcher(h).matches() && h.startsWith("127.");
  }

  public static long parseIpv4(String s) {
    var m = IPV4.matcher(s);
    if (!m.matches()) {
      return -1;
    }
    long v = 0;
    for (int i = 1; i <= 4; i++) {
      String part = m.group(i);
      if (part.length() > 1 && part.startsWith("0")) {
        return -1;
      }
      int o = Integer.parseInt(part);
      if (o > 255) {
        return -1;
      }
      v = (v << 8) | o;
    }
    return v;
  }

  public static String ipv4(long v) {
    return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
  }

  /** Why {@code s} is not a CIDR block, or null when it is one. */
  public static String cidrProblem(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return "\"" + s + "\" is not a network: add the prefix length, such as " + s + "/24";
    }
    long ip = parseIpv4(s.substring(0, slash));
    if (ip < 0) {
      return "\"" + s + "\" is not an IPv4 network such as 10.20.0.0/16";
    }
    int prefix;
    try {
      prefix = Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      return "\"" + s + "\" has no valid prefix length after '/'";
    }
    if (prefix < 0 || prefix > 32) {
      return "\"" + s + "\": the prefix length must be between 0 and 32";
    }
    long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    if ((ip & mask) != ip) {
      return "\"" + s + "\" has host bits set; the network is " + ipv4(ip & mask) + "/" + prefix;
    }
    return null;
  }

  /** Parses a CIDR block already checked by {@link #cidrProblem}. */
  public static Cidr parseCidr(String s) {
    int slash = s.indexOf('/');
    return new Cidr(parseIpv4(s.substring(0, slash)), Integer.parseInt(s.substring(slash + 1)));
  }

  /** Why {@code name} is not a DNS name, or null. A trailing dot is allowed. */
  public static String dnsNameProblem(String name) {
    String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (n.isEmpty()) {
      return "a DNS name cannot be empty";
    }
    if (n.length() > 253) {
      return "\"" + name + "\" is longer than 253 characters";
    }
    if (!n.equals(n.toLowerCase(java.util.Locale.ROOT))) {
      return "\"" + name + "\" has capital letters; DNS names are written in lowercase here";
    }
    String[] labels = n.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String l = labels[i];
      if (l.isEmpty()) {
        return "\"" + name + "\" has an empty label (two dots in a row)";
      }
      if (l.length() > 63) {
        return "\"" + name + "\": the label \"" + l + "\" is longer than 63 characters";
      }
      if (!LABEL.matcher(l).matches() || (l.equals("*") && i > 0)) {
        return "\"" + name + "\": the label \"" + l + "\" may hold only a-z, 0-9 and '-', and must not start"
            + " or end with '-'";
      }
    }
    return null;
  }

  /** A port range, inclusive. */
  public record Ports(int from, int to) {}

  /** Parses "443" or "1024-65535"; null with {@code problem[0]} set when it is not one. */
  public static Ports parsePorts(String s, String[] problem) {
    String[] parts = s.split("-", -1);
    if (parts.length > 2) {
      problem[0] = "\"" + s + "\" is not a port or a range such as 1024-65535";
      return null;
    }
    int[] v = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        problem[0] = "\"" + s + "\" is not a port or a range such as 1024-65535";
        return null;
      }
      if (v[i] < 0 || v[i] > 65535) {
        problem[0] = "port " + v[i] + " is out of range; ports are 0 to 65535";
        return null;
      }
    }
    Ports p = new Ports(v[0], v[v.length - 1]);
    if (p.from > p.to) {
      problem[0] = "the range \"" + s + "\" runs backwards; write " + p.to + "-" + p.from;
      return null;
    }
    return p;
  }
}
