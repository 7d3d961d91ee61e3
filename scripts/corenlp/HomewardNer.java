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
// and no regexner, none of which person names need. The model's feature index is
// swapped for a flat open-addressing table (FeatureTable) holding the same strings
// under the same numbers, so every lookup answers as before: the CRF spends a third
// of its time looking up feature strings, most of them absent from the model, and a
// HashMap of Integer boxes costs several cache misses per lookup, a flat table one
// or two. The model's word function (British to American spelling, a dozen regular
// expressions per word) is a pure function of the word, so its answers are kept
// for the words seen (Remembered). Each line is tagged as its
// own sequence, so an entity never runs across a paragraph break (a byline
// "By Helen Marsh" and the next paragraph's "Liu Sirui was ...").
// `scripts/corenlp.sh fetch` compiles it against the pinned CoreNLP jar.

import edu.stanford.nlp.ie.crf.CRFClassifier;
import edu.stanford.nlp.ling.CoreLabel;
import edu.stanford.nlp.process.AmericanizeFunction;
import edu.stanford.nlp.util.Index;
import edu.stanford.nlp.util.Triple;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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
    FeatureTable.install(crf);
    if (crf.flags.wordFunction instanceof AmericanizeFunction americanize) {
      crf.flags.wordFunction = new Remembered(americanize);
    }
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

  /**
   * The CRF's feature index, read-only, as one int array of (hash, number + 1) slots
   * probed linearly: the same strings under the same numbers as the HashIndex it
   * replaces, so the tags are the same; only a lookup costs less.
   */
  static final class FeatureTable extends AbstractCollection<String> implements Index<String> {
    private static final long serialVersionUID = 1L;
    private final String[] keys;
    private final int[] slots;
    private final int mask;
    private final int shift;

    FeatureTable(List<String> features) {
      keys = features.toArray(new String[0]);
      int capacity = Integer.highestOneBit(Math.max(4, keys.length * 2 - 1)) << 1;
      mask = capacity - 1;
      shift = 32 - Integer.numberOfTrailingZeros(capacity);
      slots = new int[capacity * 2];
      for (int id = 0; id < keys.length; id++) {
        int hash = keys[id].hashCode();
        int slot = home(hash);
        while (slots[2 * slot + 1] != 0) {
          if (slots[2 * slot] == hash && keys[slots[2 * slot + 1] - 1].equals(keys[id])) {
            throw new IllegalStateException("feature listed twice: " + keys[id]);
          }
          slot = (slot + 1) & mask;
        }
        slots[2 * slot] = hash;
        slots[2 * slot + 1] = id + 1;
      }
    }

    /** Put a FeatureTable in place of the classifier's feature index (a package-private field). */
    static void install(CRFClassifier<CoreLabel> crf) throws ReflectiveOperationException {
      Field field = CRFClassifier.class.getDeclaredField("featureIndex");
      field.setAccessible(true);
      @SuppressWarnings("unchecked")
      Index<String> index = (Index<String>) field.get(crf);
      Field weightsField = CRFClassifier.class.getDeclaredField("weights");
      weightsField.setAccessible(true);
      float[][] weights = (float[][]) weightsField.get(crf);
      List<String> features = new ArrayList<>(index.size());
      for (int i = 0; i < index.size(); i++) {
        // Copies, made one feature at a time: its string, that string's bytes and its
        // row of weights end up side by side in the heap (the full collection below
        // slides objects together in the order they were made), so a feature found
        // costs one memory fetch rather than three scattered ones.
        features.add(new String(index.get(i).toCharArray()));
        if (weights != null && i < weights.length && weights[i] != null) {
          weights[i] = weights[i].clone();
        }
      }
      field.set(crf, new FeatureTable(features));
      System.gc();
    }

    /** The first slot to probe: the top bits of a Fibonacci hash of String's hash. */
    private int home(int hash) {
      return ((hash ^ (hash >>> 16)) * 0x9E3779B9) >>> shift;
    }

    @Override
    public int indexOf(String feature) {
      int hash = feature.hashCode();
      int slot = home(hash);
      while (true) {
        int id = slots[2 * slot + 1];
        if (id == 0) {
          return -1;
        }
        if (slots[2 * slot] == hash && keys[id - 1].equals(feature)) {
          return id - 1;
        }
        slot = (slot + 1) & mask;
      }
    }

    @Override
    public int indexOf(String feature, boolean add) {
      if (add && indexOf(feature) < 0) {
        throw new UnsupportedOperationException("the feature index is read-only");
      }
      return indexOf(feature);
    }

    @Override
    public int addToIndex(String feature) {
      return indexOf(feature, true);
    }

    @Override
    public int size() {
      return keys.length;
    }

    @Override
    public String get(int i) {
      return keys[i];
    }

    @Override
    public List<String> objectsList() {
      return Collections.unmodifiableList(Arrays.asList(keys));
    }

    @Override
    public Collection<String> objects(int[] indices) {
      List<String> found = new ArrayList<>(indices.length);
      for (int i : indices) {
        found.add(keys[i]);
      }
      return found;
    }

    @Override
    public boolean isLocked() {
      return true;
    }

    @Override
    public void lock() {}

    @Override
    public void unlock() {
      throw new UnsupportedOperationException("the feature index is read-only");
    }

    @Override
    public void saveToWriter(Writer out) {
      throw new UnsupportedOperationException("the feature index is read-only");
    }

    @Override
    public void saveToFilename(String file) {
      throw new UnsupportedOperationException("the feature index is read-only");
    }

    @Override
    public boolean contains(Object o) {
      return o instanceof String feature && indexOf(feature) >= 0;
    }

    @Override
    public Iterator<String> iterator() {
      return objectsList().iterator();
    }
  }

  /** A pure word function with its answers kept, up to a bound (then forgotten at once). */
  static final class Remembered implements Function<String, String> {
    private static final int MAX_WORDS = 50_000;
    private final Function<String, String> function;
    private final Map<String, String> known = new HashMap<>();

    Remembered(Function<String, String> function) {
      this.function = function;
    }

    @Override
    public String apply(String word) {
      String answer = known.get(word);
      if (answer == null) {
        answer = function.apply(word);
        if (known.size() >= MAX_WORDS) {
          known.clear();
        }
        known.put(word, answer);
      }
      return answer;
    }
  }
}
