package org.heritageregistry.engine.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymFilter;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.synonym.WordnetSynonymParser;
import org.apache.lucene.util.CharsRef;
import org.apache.lucene.util.CharsRefBuilder;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalysisMode;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.CustomAnalyzer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.text.ParseException;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code synonym} and {@code synonym_graph} token filters.
 *
 * <p>Parameters as in the stock filters: {@code synonyms} (inline rules) or {@code synonyms_path}
 * (a file under the config directory), {@code format} ({@code solr}, the default, or {@code wordnet}),
 * {@code expand} (true), {@code lenient} (false, or true when {@code updateable}), {@code updateable}
 * (false; true restricts the filter to search analyzers). Index-stored synonym sets
 * ({@code synonyms_set}) are not available on this node.
 *
 * <p>As in the stock filters, the rules are analysed with the part of the analysis chain that comes
 * before the filter (tokenizer, char filters and the earlier token filters), so a rule matches the
 * tokens the chain really produces.
 */
final class SynonymFilters {

    private SynonymFilters() {}

    static final class Factory extends AbstractTokenFilterFactory {
        private final boolean graph;
        private final Environment environment;
        private final Settings settings;
        private final boolean expand;
        private final boolean lenient;
        private final String format;
        private final AnalysisMode analysisMode;

        private Factory(boolean graph, IndexSettings indexSettings, Environment environment, String name, Settings settings) {
            super(name);
            this.graph = graph;
            this.environment = environment;
            this.settings = settings;
            if (settings.hasValue("synonyms") == false && settings.hasValue("synonyms_path") == false) {
                if (settings.hasValue("synonyms_set")) {
                    throw new IllegalArgumentException(
                        "[synonyms_set] (synonyms stored in an index) is not supported by this node; use [synonyms] or [synonyms_path]"
                    );
                }
                throw new IllegalArgumentException("synonym requires either `synonyms`, `synonyms_set` or `synonyms_path` to be configured");
            }
            this.expand = settings.getAsBoolean("expand", true);
            boolean updateable = settings.getAsBoolean("updateable", false);
            this.lenient = settings.getAsBoolean("lenient", updateable);
            this.format = settings.get("format", "");
            this.analysisMode = updateable ? AnalysisMode.SEARCH_TIME : AnalysisMode.ALL;
        }

        static Factory synonym(IndexSettings indexSettings, Environment environment, String name, Settings settings) {
            return new Factory(false, indexSettings, environment, name, settings);
        }

        static Factory synonymGraph(IndexSettings indexSettings, Environment environment, String name, Settings settings) {
            return new Factory(true, indexSettings, environment, name, settings);
        }

        @Override
        public AnalysisMode getAnalysisMode() {
            return analysisMode;
        }

        @Override
        public TokenStream create(TokenStream in) {
            throw new IllegalStateException("the synonym filter [" + name() + "] must be specialised for its analysis chain first");
        }

        @Override
        public TokenFilterFactory getChainAwareTokenFilterFactory(
            IndexCreationContext context,
            TokenizerFactory tokenizer,
            List<CharFilterFactory> charFilters,
            List<TokenFilterFactory> previousTokenFilters,
            Function<String, TokenFilterFactory> allFilters
        ) {
            Analyzer ruleAnalyzer = new CustomAnalyzer(
                tokenizer,
                charFilters.toArray(new CharFilterFactory[0]),
                previousTokenFilters.stream().map(TokenFilterFactory::getSynonymFilter).toArray(TokenFilterFactory[]::new)
            );
            SynonymMap map;
            try (ruleAnalyzer) {
                map = buildMap(ruleAnalyzer);
            }
            String name = name();
            boolean isGraph = graph;
            AnalysisMode mode = analysisMode;
            return new TokenFilterFactory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                @SuppressWarnings("deprecation") // the stock "synonym" type still uses Lucene's SynonymFilter
                public TokenStream create(TokenStream in) {
                    if (map.fst == null) {
                        return in;
                    }
                    return isGraph ? new SynonymGraphFilter(in, map, false) : new SynonymFilter(in, map, false);
                }

                @Override
                public TokenFilterFactory getSynonymFilter() {
                    // a later synonym filter must not see this filter's stacked output when it parses its rules
                    return IDENTITY_FILTER;
                }

                @Override
                public AnalysisMode getAnalysisMode() {
                    return mode;
                }
            };
        }

        private SynonymMap buildMap(Analyzer analyzer) {
            String origin = settings.hasValue("synonyms") ? "'" + name() + "' analyzer settings" : settings.get("synonyms_path");
            try {
                Reader rules;
                if (settings.hasValue("synonyms")) {
                    StringBuilder text = new StringBuilder();
                    for (String line : Analysis.getWordList(environment, settings, "synonyms")) {
                        text.append(line).append(System.lineSeparator());
                    }
                    rules = new StringReader(text.toString());
                } else {
                    rules = Analysis.getReaderFromFile(environment, origin, "synonyms");
                }
                try (rules) {
                    if ("wordnet".equalsIgnoreCase(format)) {
                        LenientWordnetParser parser = new LenientWordnetParser(expand, lenient, analyzer);
                        parser.parse(rules);
                        return parser.build();
                    }
                    LenientSolrParser parser = new LenientSolrParser(expand, lenient, analyzer);
                    parser.parse(rules);
                    return parser.build();
                }
            } catch (IOException | ParseException | RuntimeException e) {
                throw new IllegalArgumentException("failed to build synonyms from [" + origin + "]", e);
            }
        }
    }

    /** Solr-format rules; with {@code lenient}, a rule term the chain cannot analyse drops that rule instead of failing. */
    private static final class LenientSolrParser extends SolrSynonymParser {
        private final boolean lenient;

        LenientSolrParser(boolean expand, boolean lenient, Analyzer analyzer) {
            super(true, expand, analyzer);
            this.lenient = lenient;
        }

        @Override
        public void add(CharsRef input, CharsRef output, boolean includeOrig) {
            if (lenient == false || (input.length > 0 && output.length > 0)) {
                super.add(input, output, includeOrig);
            }
        }

        @Override
        public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
            try {
                return super.analyze(text, reuse);
            } catch (IllegalArgumentException e) {
                if (lenient) {
                    return new CharsRef("");
                }
                throw e;
            }
        }
    }

    /** WordNet-format rules, lenient like {@link LenientSolrParser}. */
    private static final class LenientWordnetParser extends WordnetSynonymParser {
        private final boolean lenient;

        LenientWordnetParser(boolean expand, boolean lenient, Analyzer analyzer) {
            super(true, expand, analyzer);
            this.lenient = lenient;
        }

        @Override
        public void add(CharsRef input, CharsRef output, boolean includeOrig) {
            if (lenient == false || (input.length > 0 && output.length > 0)) {
                super.add(input, output, includeOrig);
            }
        }

        @Override
        public CharsRef analyze(String text, CharsRefBuilder reuse) throws IOException {
            try {
                return super.analyze(text, reuse);
            } catch (IllegalArgumentException e) {
                if (lenient) {
                    return new CharsRef("");
                }
                throw e;
            }
        }
    }
}
