package dev.baton.common.error;

import java.util.List;

/** Input files have problems; nothing may be applied. Carries every problem found. */
public final class InvalidDefinitionException extends BatonException {
  private static final long serialVersionUID = 1L;
  private final transient List<Diagnostic> diagnostics;

  public InvalidDefinitionException(List<Diagnostic> diagnostics) {
    super(ErrorCode.INVALID_ARGUMENT, diagnostics.size() + " error" + (diagnostics.size() == 1 ? "" : "s")
        + " in the definitions" + (diagnostics.isEmpty() ? "" : ", the first: " + diagnostics.get(0)));
    this.diagnostics = List.copyOf(diagnostics);
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }
}
