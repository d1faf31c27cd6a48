package dev.baton.common.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.error.Diagnostics;
import dev.baton.common.yaml.YNode.YMap;
import dev.baton.common.yaml.YNode.YScalar;
import dev.baton.common.yaml.YNode.YSeq;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafeYamlTest {

  private static List<SafeYaml.Document> load(String text, Diagnostics d) {
    return SafeYaml.loadAll("f.yaml", text, d);
  }

  @Test
  void positionsAreOneBasedLineAndColumn() {
    Diagnostics d = new Diagnostics();
    YMap m = (YMap) load("a: 1\nb:\n  - x\n  - y\n", d).get(0).root();
    assertTrue(d.isEmpty());
    assertEquals(1, m.keyPos("a").line());
    YSeq b = (YSeq) m.get("b");
    assertEquals(3, b.items().get(0).pos().line());
    assertEquals(5, b.items().get(0).pos().column());
  }

  @Test
  void scalarsKeepTheirTextSoNoStaysNo() {
    YMap m = (YMap) load("country: no\nversion: 1.10\nempty:\n", new Diagnostics()).get(0).root();
    assertEquals("no", ((YScalar) m.get("country")).text());
    assertEquals("1.10", ((YScalar) m.get("version")).text());
    assertTrue(((YScalar) m.get("empty")).isNull());
  }

  @Test
  void severalDocumentsPerFile() {
    assertEquals(3, load("a: 1\n---\nb: 2\n---\nc: 3\n", new Diagnostics()).size());
  }

  @Test
  void emptyDocumentsAreIgnored() {
    assertEquals(2, load("---\na: 1\n---\n---\nb: 2\n---\n", new Diagnostics()).size());
  }

  @Test
  void mergeKeysAreFlattenedAndLocalKeysWin() {
    YMap m = (YMap) load("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n", new Diagnostics()).get(0).root();
    YMap thing = (YMap) m.get("thing");
    assertEquals("1", ((YScalar) thing.get("x")).text());
    assertEquals("3", ((YScalar) thing.get("y")).text());
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedWholeWithoutParsing() {
    Diagnostics d = new Diagnostics();
    String big = "a: " + "x".repeat(SafeYaml.MAX_FILE_BYTES) + "\n";
    assertEquals(List.of(), load(big, d));
    assertTrue(d.sorted().get(0).message().contains("larger than"), d.sorted().toString());
  }

  @Test
  void anAliasInsideItselfIsRefused() {
    Diagnostics d = new Diagnostics();
    assertEquals(List.of(), load("a: &a\n  b: *a\n", d));
    assertTrue(!d.isEmpty());
  }

  @Test
  void aFileWithAnyProblemYieldsNoDocuments() {
    Diagnostics d = new Diagnostics();
    assertEquals(List.of(), load("a: 1\n---\nb: !!java.io.File /etc/passwd\n", d));
    assertEquals(1, d.size());
    assertEquals(3, d.sorted().get(0).pos().line());
  }

  @Test
  void duplicateKeysAreReportedAtTheSecondOne() {
    Diagnostics d = new Diagnostics();
    load("a: 1\nb: 2\na: 3\n", d);
    assertEquals(3, d.sorted().get(0).pos().line());
    assertTrue(d.sorted().get(0).message().contains("first set at line 1"));
  }

  @Test
  void tooManyAliasesIsPlacedAtTheAliasThatPassedTheLimitCountedOverTheWholeFile() {
    // 30 aliases to a list in each of two documents: the anchor is per document, the count is not
    String doc = "l: &l [x]\n" + "a: [" + "*l, ".repeat(29) + "*l]\n";
    Diagnostics d = new Diagnostics();
    assertEquals(List.of(), load(doc + "---\n" + doc, d));
    assertEquals(1, d.size(), d.sorted().toString());
    assertEquals("f.yaml:5:" + (5 + 4 * 20), d.sorted().get(0).pos().toString());
    assertTrue(d.sorted().get(0).message().startsWith("invalid YAML: too many aliases: *l here passes the limit of 50"),
        d.sorted().get(0).message());
  }

  @Test
  void aliasesToScalarsAreNotCounted() {
    Diagnostics d = new Diagnostics();
    String text = "s: &s x\nl: &l [x]\na: [" + "*s, ".repeat(200) + "*l]\n";
    assertEquals(1, load(text, d).size());
    assertTrue(d.isEmpty(), d.sorted().toString());
  }

  @Test
  void nestingTooDeepIsPlacedAtTheFirstNodeTooDeep() {
    Diagnostics d = new Diagnostics();
    assertEquals(List.of(), load("a:\n  b: " + "[".repeat(50) + "]".repeat(50) + "\n", d));
    assertEquals("f.yaml:2:" + (6 + 39), d.sorted().get(0).pos().toString());
    assertEquals("invalid YAML: nested deeper than 40 levels here; flatten the structure", d.sorted().get(0).message());
  }
}
