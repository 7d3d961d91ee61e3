// Homeward's English named-entity tagger: Stanford CoreNLP's CRF classifier
// (the 3-class PERSON/LOCATION/ORGANIZATION model) in a long-lived process.
//
// `scripts/corenlp.sh run` starts it for the Python process that owns it
// (pipelines/entities/corenlp.py). It loads the model once, prints
//   ready <corenlp version> <model file name>
// and then answers requests, one at a time, until stdin closes:
//   request  "<n>\n" followed by exactly n bytes of UTF-8 text
//   reply    one line: "ok" then, per entity, " LABEL:start:end" with offsets in
//            Unicode code points (Python string indices), end exclusive;
//            or "error <message>" when that one text could not be tagged.
// Byte-length framing keeps any text (newlines, NULs, any script) safe.
// With --plain (`scripts/corenlp.sh tag`) it tags all of stdin as one text and
// prints "LABEL<TAB>start<TAB>end<TAB>text" per entity, for people and self-checks.
//
// Only the CRF runs: no POS tagger, SUTime, numeric or fine-grained classifiers
// and no regexner, none of which person names need. Each line is tagged as its
// own sequence, so an entity never runs across a paragraph break (a byline
// "By Helen Marsh" and the next paragraph's "Liu Sirui was ...").
// `scripts/corenlp.sh fetch` compiles it against the pinned CoreNLP jar.

import edu.stanford.nlp.ie.crf.CRFClassifier;
import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.util.Triple;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public final class HomewardNer {
  private static final int MAX_BYTES = 64 * 1024 * 1024;

  private record Entity(String label, int start, int end) {}

  private HomewardNer() {}

  public static void main(String[] args) throws Exception {
    boolean plain = args.length == 3 && args[0].equals("--plain");
    if (args.length != (plain ? 3 : 2)) {
      System.err.println("usage: HomewardNer [--plain] <corenlp version> <model.crf.ser.gz>");
      System.exit(2);
    }
    String version = args[args.length - 2];
    String model = args[args.length - 1];
    // stdout carries the protocol: CoreNLP's own messages must go to stderr.
    PrintStream out =
        new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false, StandardCharsets.UTF_8);
    System.setOut(System.err);

    Properties props = new Properties();
    // Characters PTBTokenizer does not know stay tokens, without a warning each.
    props.setProperty("tokenizerOptions", "untokenizable=noneKeep");
    CRFClassifier<CoreLabel> crf = CRFClassifier.getClassifier(model, props);
    InputStream in = new BufferedInputStream(System.in, 1 << 16);

    if (plain) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Entity e : tag(crf, text)) {
        int from = text.offsetByCodePoints(0, e.start());
        int to = text.offsetByCodePoints(from, e.end() - e.start());
        out.print(e.label() + "\t" + e.start() + "\t" + e.end() + "\t" + text.substring(from, to) + "\n");
      }
      out.flush();
      return;
    }

    out.print("ready " + version + " " + model.substring(model.lastIndexOf('/') + 1) + "\n");
    out.flush();
    while (true) {
      String header = readLine(in);
      if (header == null) {
        return; // stdin closed: the owner is done, or gone
      }
      int length = -1;
      try {
        length = Integer.parseInt(header.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
      if (length < 0 || length > MAX_BYTES) {
        System.err.println("HomewardNer: bad request header '" + header + "' (want a byte count up to " + MAX_BYTES + ")");
        System.exit(3);
      }
      byte[] body = in.readNBytes(length);
      if (body.length != length) {
        throw new EOFException("stdin closed inside a request");
      }
      String text = new String(body, StandardCharsets.UTF_8);
      StringBuilder reply = new StringBuilder("ok");
      try {
        for (Entity e : tag(crf, text)) {
          reply.append(' ').append(e.label()).append(':').append(e.start()).append(':').append(e.end());
        }
      } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
        reply.setLength(0);
        reply.append("error ").append(String.valueOf(e).replace('\n', ' ').replace('\r', ' '));
      }
      out.print(reply);
      out.print('\n');
      out.flush();
    }
  }

  /** Entities of the text, line by line, with offsets in code points. */
  private static List<Entity> tag(CRFClassifier<CoreLabel> crf, String text) {
    List<Entity> found = new ArrayList<>();
    int lineStart = 0;
    int codePoints = 0; // code points before lineStart
    while (lineStart <= text.length()) {
      int lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd < 0) {
        lineEnd = text.length();
      }
      String line = text.substring(lineStart, lineEnd);
      if (!line.isBlank()) {
        for (Triple<String, Integer, Integer> e : crf.classifyToCharacterOffsets(line)) {
          int start = codePoints + line.codePointCount(0, e.second());
          int end = start + line.codePointCount(e.second(), e.third());
          found.add(new Entity(e.first(), start, end));
        }
      }
      codePoints += line.codePointCount(0, line.length()) + 1;
      lineStart = lineEnd + 1;
    }
    return found;
  }

  /** One ASCII header line without its newline; null at a clean end of input. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16);
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        if (bytes.size() == 0) {
          return null;
        }
        throw new EOFException("stdin closed inside a request header");
      }
      if (bytes.size() > 32) {
        throw new IOException("request header too long");
      }
      bytes.write(b);
    }
    return bytes.toString(StandardCharsets.US_ASCII);
  }
}
