package dev.baton.agent;

/** Entry point of the node-side agent. Registration over the event bus lands with issue 5. */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      System.out.println("baton agent " + AgentMain.class.getPackage().getImplementationVersion());
      return;
    }
    System.err.println("usage: java -jar baton-agent.jar --version");
    System.exit(64);
  }
}
