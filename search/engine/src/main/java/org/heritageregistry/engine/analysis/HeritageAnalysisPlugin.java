package org.heritageregistry.engine.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.index.analysis.PreConfiguredCharFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.elasticsearch.plugins.AnalysisPlugin.requiresAnalysisSettings;

/**
 * Analysis components of the stock distribution's {@code analysis-common} module that the registry's
 * index definitions use, registered under the stock names with the stock parameters, built from
 * Lucene's {@code lucene-analysis-common}. The same index definitions therefore work on this node and,
 * unchanged, on a stock Elasticsearch 9 cluster.
 *
 * <p>Each configurable component is registered twice, as in the stock module: once as a type that
 * takes parameters ({@code {"type": "edge_ngram", "min_gram": 1, ...}}) and, where the stock module
 * does so, once as a pre-configured instance that can be named directly ({@code "filter": ["asciifolding"]}).
 * The core server already provides: analyzers {@code standard}, {@code default}, pre-built {@code keyword};
 * tokenizer {@code standard}; token filters {@code lowercase} (pre-configured), {@code stop},
 * {@code shingle}; normalizer {@code lowercase}. Those names are not registered again here.
 */
public final class HeritageAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> analyzers = new TreeMap<>();
        analyzers.put(
            "cjk",
            (indexSettings, env, name, settings) -> provider(
                name,
                new CJKAnalyzer(Analysis.parseStopWords(env, settings, CJKAnalyzer.getDefaultStopSet()))
            )
        );
        analyzers.put("whitespace", (indexSettings, env, name, settings) -> provider(name, new WhitespaceAnalyzer()));
        analyzers.put("simple", (indexSettings, env, name, settings) -> provider(name, new SimpleAnalyzer()));
        analyzers.put("keyword", (indexSettings, env, name, settings) -> provider(name, new KeywordAnalyzer()));
        return analyzers;
    }

    private static <A extends Analyzer> AnalyzerProvider<A> provider(String name, A analyzer) {
        return new AbstractIndexAnalyzerProvider<>(name) {
            @Override
            public A get() {
                return analyzer;
            }
        };
    }

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(new PreBuiltAnalyzerProviderFactory("cjk", CachingStrategy.LUCENE, CJKAnalyzer::new));
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> tokenizers = new TreeMap<>();
        tokenizers.put("keyword", Tokenizers.Keyword::new);
        tokenizers.put("whitespace", Tokenizers.Whitespace::new);
        tokenizers.put("pattern", Tokenizers.PatternSplit::new);
        tokenizers.put("ngram", Tokenizers.NGram::new);
        tokenizers.put("edge_ngram", Tokenizers.EdgeNGram::new);
        return tokenizers;
    }

    @Override
    public List<PreConfiguredTokenizer> getPreConfiguredTokenizers() {
        return List.of(
            PreConfiguredTokenizer.singleton("keyword", KeywordTokenizer::new),
            PreConfiguredTokenizer.singleton("whitespace", WhitespaceTokenizer::new),
            PreConfiguredTokenizer.singleton("pattern", () -> new PatternTokenizer(Regex.compile("\\W+", null), -1)),
            PreConfiguredTokenizer.singleton("ngram", NGramTokenizer::new),
            PreConfiguredTokenizer.singleton(
                "edge_ngram",
                () -> new EdgeNGramTokenizer(NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE, NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE)
            )
        );
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
        filters.put("lowercase", TokenFilters.Lowercase::new);
        filters.put("asciifolding", TokenFilters.AsciiFolding::new);
        filters.put("cjk_width", TokenFilters.CjkWidth::new);
        filters.put("cjk_bigram", TokenFilters.CjkBigram::new);
        filters.put("edge_ngram", TokenFilters.EdgeNGram::new);
        filters.put("ngram", TokenFilters.NGram::new);
        filters.put("unique", TokenFilters.Unique::new);
        filters.put("trim", TokenFilters.Trim::new);
        filters.put("truncate", requiresAnalysisSettings(TokenFilters.Truncate::new));
        filters.put("length", TokenFilters.Length::new);
        filters.put("pattern_replace", requiresAnalysisSettings(TokenFilters.PatternReplace::new));
        filters.put("synonym", requiresAnalysisSettings(SynonymFilters.Factory::synonym));
        filters.put("synonym_graph", requiresAnalysisSettings(SynonymFilters.Factory::synonymGraph));
        return filters;
    }

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        // Same defaults as the stock pre-configured filters (note: a bare "edge_ngram" emits 1-grams only).
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("cjk_bigram", false, CJKBigramFilter::new),
            PreConfiguredTokenFilter.singleton("cjk_width", true, CJKWidthFilter::new),
            PreConfiguredTokenFilter.singleton("edge_ngram", false, false, in -> new EdgeNGramTokenFilter(in, 1)),
            PreConfiguredTokenFilter.singleton("ngram", false, false, in -> new NGramTokenFilter(in, 1, 2, false)),
            PreConfiguredTokenFilter.singleton("length", false, in -> new LengthFilter(in, 0, Integer.MAX_VALUE)),
            PreConfiguredTokenFilter.singleton("trim", true, TrimFilter::new),
            PreConfiguredTokenFilter.singleton("truncate", false, in -> TruncateTokenFilter.truncateAfterChars(in, 10)),
            PreConfiguredTokenFilter.singleton("unique", false, in -> new UniqueTokenFilter(in, false))
        );
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> filters = new TreeMap<>();
        filters.put("mapping", requiresAnalysisSettings(CharFilters.Mapping::new));
        filters.put("pattern_replace", requiresAnalysisSettings(CharFilters.PatternReplace::new));
        filters.put("html_strip", CharFilters.HtmlStrip::new);
        return filters;
    }

    @Override
    public List<PreConfiguredCharFilter> getPreConfiguredCharFilters() {
        return List.of(PreConfiguredCharFilter.singleton("html_strip", false, HTMLStripCharFilter::new));
    }

    /** Names registered by this plugin, for the start-up log. */
    public String summary() {
        return "analyzers "
            + getAnalyzers().keySet()
            + ", tokenizers "
            + getTokenizers().keySet()
            + ", token filters "
            + getTokenFilters().keySet()
            + ", char filters "
            + getCharFilters().keySet();
    }
}
