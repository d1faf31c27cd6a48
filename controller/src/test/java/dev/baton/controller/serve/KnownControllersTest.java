package dev.baton.controller.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The known-controllers file: its lines, what is refused and where, and that a pin is never replaced. */
class KnownControllersTest {
  static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static final String B = "0123456789abcdef".repeat(4);

  @TempDir
  Path dir;

  @Test
  void aMissingFileKnowsNothingAndAddMakesItWithItsDirectory() {
    KnownControllers k = new KnownControllers(dir.resolve("config/baton/known_controllers"));
    assertTrue(k.find("https://ctl.example:7080").isEmpty());
    KnownControllers.Entry e = k.add("https://ctl.example:7080", A);
    assertEquals(1, e.line());
    assertEquals(new KnownControllers.Entry("https://ctl.example:7080", A, 1), k.find("https://ctl.example:7080").orElseThrow());
  }

  @Test
  void linesAreAppendedAfterCommentsAndBlanksAndKeepTheirNumbers() throws Exception {
    Path f = dir.resolve("known_controllers");
    Files.writeString(f, "# pinned by hand\n\nhttps://one.example:7080 SHA256:" + A); // no final newline
    KnownControllers k = new KnownControllers(f);
    assertEquals(4, k.add("https://two.example:7080", B).line());
    assertEquals(List.of(new KnownControllers.Entry("https://one.example:7080", A, 3),
        new KnownControllers.Entry("https://two.example:7080", B, 4)), k.entries());
    assertEquals("# pinned by hand\n\nhttps://one.example:7080 SHA256:" + A + "\nhttps://two.example:7080 SHA256:" + B
        + "\n", Files.readString(f));
  }

  @Test
  void aPinIsNeverReplacedOnlyRemovedByHand() throws Exception {
    KnownControllers k = new KnownControllers(dir.resolve("known_controllers"));
    k.add("https://ctl.example:7080", A);
    assertEquals(1, k.add("https://ctl.example:7080", A).line(), "the same pin again changes nothing");
    BatonException e = assertThrows(BatonException.class, () -> k.add("https://ctl.example:7080", B));
    assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
    assertTrue(e.getMessage().contains(dir.resolve("known_controllers") + ":1"), e.getMessage());
    assertEquals(1, Files.readAllLines(k.file()).size());
  }

  @Test
  void fingerprintsAreReadWithColonsAndInAnyCase() throws Exception {
    Path f = dir.resolve("known_controllers");
    StringBuilder colons = new StringBuilder();
    for (int i = 0; i < B.length(); i += 2) {
      colons.append(i == 0 ? "" : ":").append(B, i, i + 2);
    }
    Files.writeString(f, "HTTPS://CTL.Example:7080   sha256:" + colons.toString().toUpperCase() + "\n");
    assertEquals(B, new KnownControllers(f).find("https://ctl.example:7080").orElseThrow().fingerprint());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://ctl.example:7080|https://ctl.example:7080",
      "https://CTL.example:7080/|https://ctl.example:7080",
      "https://ctl.example|https://ctl.example:443",
      "https://192.0.2.7:17200|https://192.0.2.7:17200"})
  void urlsAreKeptInOneForm(String given, String kept) {
    assertEquals(kept, KnownControllers.normalize(given, "--controller"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://ctl.example:7080", "ctl.example:7080", "https://ctl.example:7080/api",
      "https://user@ctl.example:7080", "https://ctl.example:7080?x=1", "https://"})
  void anythingButAnHttpsUrlIsRefusedNamingTheOption(String url) {
    BatonException e = assertThrows(BatonException.class, () -> KnownControllers.normalize(url, "--controller"));
    assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
    assertTrue(e.getMessage().startsWith("--controller: "), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "https://ctl.example:7080|expected \"https://HOST:PORT SHA256:FINGERPRINT\"",
      "https://ctl.example:7080 SHA256:abc|is not a SHA-256 fingerprint",
      "https://ctl.example:7080 MD5:abc|is not a CA fingerprint",
      "http://ctl.example:7080 SHA256:" + A + "|must be https://HOST:PORT",
      "https://ctl.example:7080 SHA256:" + A + " extra|expected \"https://HOST:PORT SHA256:FINGERPRINT\""})
  void aBadLineIsRefusedNamingTheFileAndLine(String line, String says) throws Exception {
    Path f = dir.resolve("known_controllers");
    Files.writeString(f, "# first\nhttps://ok.example:1 SHA256:" + A + "\n" + line + "\n");
    BatonException e = assertThrows(BatonException.class, () -> new KnownControllers(f).find("https://ok.example:1"));
    assertTrue(e.getMessage().startsWith(f + ":3: "), e.getMessage());
    assertTrue(e.getMessage().contains(says), e.getMessage());
  }

  @Test
  void caPinIsParsedOrRefusedNamingWhereItCameFrom() {
    assertEquals(A, CaPin.parse("SHA256:" + A.toUpperCase(), "--ca-fingerprint"));
    assertEquals("SHA256:" + A, CaPin.format(A));
    BatonException e = assertThrows(BatonException.class, () -> CaPin.parse(A, "BATON_CA_FINGERPRINT"));
    assertTrue(e.getMessage().startsWith("BATON_CA_FINGERPRINT: "), e.getMessage());
  }
}
