/*
 * Homeward: the "english" and "cjk" analyzers for the minimal Elasticsearch
 * distribution that scripts/elasticsearch.sh runs for tests and local use.
 *
 * The integ-test zip from Maven Central ships without the analysis-common
 * module, which is where a full Elasticsearch distribution defines these
 * analyzers. Lucene's analyzers themselves are on the node's classpath
 * (lib/lucene-analysis-common-*.jar), so this plugin only registers them the
 * way analysis-common does:
 *
 *  - analyzer types "english" and "cjk" for index settings, e.g.
 *    {"analysis": {"analyzer": {"en": {"type": "english"}}}}, honouring the
 *    same settings as analysis-common's EnglishAnalyzerProvider and
 *    CJKAnalyzerProvider ("stopwords", "stopwords_path", and for english
 *    "stem_exclusion"), with Lucene's default stop sets otherwise;
 *  - prebuilt global analyzers "english" and "cjk", so mappings and _analyze
 *    can name them directly ({"analyzer": "english"}).
 *
 * Installed by scripts/elasticsearch.sh only when the distribution has no
 * modules/analysis-common (the names would clash with a full distribution).
 * Built against the node's own jars; no other dependencies.
 */
package org.homeward.analysis;

import java.util.List;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

public class HomewardAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("english", EnglishAnalyzerProvider::new, "cjk", CJKAnalyzerProvider::new);
    }

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(
            new PreBuiltAnalyzerProviderFactory("english", CachingStrategy.LUCENE, EnglishAnalyzer::new),
            new PreBuiltAnalyzerProviderFactory("cjk", CachingStrategy.LUCENE, CJKAnalyzer::new)
        );
    }

    /** As analysis-common's EnglishAnalyzerProvider. */
    static final class EnglishAnalyzerProvider extends AbstractIndexAnalyzerProvider<EnglishAnalyzer> {
        private final EnglishAnalyzer analyzer;

        EnglishAnalyzerProvider(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            analyzer = new EnglishAnalyzer(
                Analysis.parseStopWords(env, settings, EnglishAnalyzer.getDefaultStopSet()),
                Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
            );
        }

        @Override
        public EnglishAnalyzer get() {
            return analyzer;
        }
    }

    /** As analysis-common's CJKAnalyzerProvider. */
    static final class CJKAnalyzerProvider extends AbstractIndexAnalyzerProvider<CJKAnalyzer> {
        private final CJKAnalyzer analyzer;

        CJKAnalyzerProvider(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name, settings);
            analyzer = new CJKAnalyzer(Analysis.parseStopWords(env, settings, CJKAnalyzer.getDefaultStopSet()));
        }

        @Override
        public CJKAnalyzer get() {
            return analyzer;
        }
    }
}
