package org.heritageregistry.engine.analysis;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.lucene.analysis.miscellaneous.DisableGraphAttribute;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.pattern.PatternReplaceFilter;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Token filter factories with the stock names, parameters and synonym/normalizer behaviour. */
final class TokenFilters {

    private TokenFilters() {}

    static void checkNgramDiff(IndexSettings indexSettings, int minGram, int maxGram) {
        int allowed = indexSettings.getMaxNgramDiff();
        int diff = maxGram - minGram;
        if (diff > allowed) {
            throw new IllegalArgumentException(
                "The difference between max_gram and min_gram in NGram Tokenizer must be less than or equal to: ["
                    + allowed
                    + "] but was ["
                    + diff
                    + "]. This limit can be set by changing the ["
                    + IndexSettings.MAX_NGRAM_DIFF_SETTING.getKey()
                    + "] index level setting."
            );
        }
    }

    static IllegalArgumentException notForSynonyms(String name) {
        return new IllegalArgumentException("Token filter [" + name + "] cannot be used to parse synonyms");
    }

    /** {@code lowercase}: optional {@code language} (greek, irish, turkish). Usable in normalizers. */
    static final class Lowercase extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final String language;

        Lowercase(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            language = settings.get("language");
            if (language != null && Set.of("greek", "irish", "turkish").contains(language.toLowerCase(Locale.ROOT)) == false) {
                throw new IllegalArgumentException("language [" + language + "] not support for lower case");
            }
        }

        @Override
        public TokenStream create(TokenStream in) {
            if (language == null) {
                return new LowerCaseFilter(in);
            }
            return switch (language.toLowerCase(Locale.ROOT)) {
                case "greek" -> new GreekLowerCaseFilter(in);
                case "irish" -> new IrishLowerCaseFilter(in);
                default -> new TurkishLowerCaseFilter(in);
            };
        }
    }

    /** {@code asciifolding}: {@code preserve_original} (false). Usable in normalizers (folded form only). */
    static final class AsciiFolding extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final boolean preserveOriginal;

        AsciiFolding(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new ASCIIFoldingFilter(in, preserveOriginal);
        }

        @Override
        public TokenStream normalize(TokenStream in) {
            return new ASCIIFoldingFilter(in, false);
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            if (preserveOriginal == false) {
                return this;
            }
            String name = name();
            return new NormalizingTokenFilterFactory() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public TokenStream create(TokenStream in) {
                    return new ASCIIFoldingFilter(in, false);
                }
            };
        }
    }

    /** {@code cjk_width}: folds full-width ASCII and half-width katakana. Usable in normalizers. */
    static final class CjkWidth extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        CjkWidth(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new CJKWidthFilter(in);
        }
    }

    /** {@code cjk_bigram}: {@code ignored_scripts} (han, hiragana, katakana, hangul), {@code output_unigrams} (false). */
    static final class CjkBigram extends AbstractTokenFilterFactory {
        private final int flags;
        private final boolean outputUnigrams;

        CjkBigram(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            outputUnigrams = settings.getAsBoolean("output_unigrams", false);
            List<String> ignored = settings.getAsList("ignored_scripts");
            int f = 0;
            if (ignored.contains("han") == false) {
                f |= CJKBigramFilter.HAN;
            }
            if (ignored.contains("hiragana") == false) {
                f |= CJKBigramFilter.HIRAGANA;
            }
            if (ignored.contains("katakana") == false) {
                f |= CJKBigramFilter.KATAKANA;
            }
            if (ignored.contains("hangul") == false) {
                f |= CJKBigramFilter.HANGUL;
            }
            flags = f;
        }

        @Override
        public TokenStream create(TokenStream in) {
            CJKBigramFilter filter = new CJKBigramFilter(in, flags, outputUnigrams);
            if (outputUnigrams) {
                // unigrams and bigrams overlap: a token graph built from them would be meaningless
                filter.addAttribute(DisableGraphAttribute.class);
            }
            return filter;
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            if (outputUnigrams) {
                throw notForSynonyms(name());
            }
            return this;
        }
    }

    /** {@code edge_ngram}: {@code min_gram} (1), {@code max_gram} (2), {@code preserve_original} (false), {@code side}. */
    static final class EdgeNGram extends AbstractTokenFilterFactory {
        private final int minGram;
        private final int maxGram;
        private final boolean preserveOriginal;
        private final boolean back;

        EdgeNGram(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            minGram = settings.getAsInt("min_gram", 1);
            maxGram = settings.getAsInt("max_gram", 2);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
            String side = settings.get("side", "front");
            back = switch (side) {
                case "front" -> false;
                case "back" -> true;
                default -> throw new IllegalArgumentException("invalid side: " + side);
            };
        }

        @Override
        public TokenStream create(TokenStream in) {
            TokenStream result = in;
            if (back) {
                result = new ReverseStringFilter(result);
            }
            result = new EdgeNGramTokenFilter(result, minGram, maxGram, preserveOriginal);
            if (back) {
                result = new ReverseStringFilter(result);
            }
            return result;
        }

        @Override
        public boolean breaksFastVectorHighlighter() {
            return true;
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            throw notForSynonyms(name());
        }
    }

    /** {@code ngram}: {@code min_gram} (1), {@code max_gram} (2), {@code preserve_original} (false). */
    static final class NGram extends AbstractTokenFilterFactory {
        private final int minGram;
        private final int maxGram;
        private final boolean preserveOriginal;

        NGram(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            minGram = settings.getAsInt("min_gram", 1);
            maxGram = settings.getAsInt("max_gram", 2);
            checkNgramDiff(indexSettings, minGram, maxGram);
            preserveOriginal = settings.getAsBoolean("preserve_original", false);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new NGramTokenFilter(in, minGram, maxGram, preserveOriginal);
        }

        @Override
        public TokenFilterFactory getSynonymFilter() {
            throw notForSynonyms(name());
        }
    }

    /** {@code unique}: {@code only_on_same_position} (false). */
    static final class Unique extends AbstractTokenFilterFactory {
        private final boolean onlyOnSamePosition;

        Unique(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            onlyOnSamePosition = settings.getAsBoolean("only_on_same_position", false);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new UniqueTokenFilter(in, onlyOnSamePosition);
        }
    }

    /** {@code trim}: strips leading and trailing white space. Usable in normalizers. */
    static final class Trim extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        Trim(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            if (settings.get("update_offsets") != null) {
                throw new IllegalArgumentException("update_offsets is not supported anymore. Please fix your analysis chain");
            }
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new TrimFilter(in);
        }
    }

    /** {@code truncate}: {@code length} (required here, positive). */
    static final class Truncate extends AbstractTokenFilterFactory {
        private final int length;

        Truncate(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            length = settings.getAsInt("length", -1);
            if (length <= 0) {
                throw new IllegalArgumentException("length parameter must be provided");
            }
        }

        @Override
        public TokenStream create(TokenStream in) {
            return TruncateTokenFilter.truncateAfterChars(in, length);
        }
    }

    /** {@code length}: keeps tokens of {@code min} (0) to {@code max} (Integer.MAX_VALUE) characters. */
    static final class Length extends AbstractTokenFilterFactory {
        private final int min;
        private final int max;

        Length(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            min = settings.getAsInt("min", 0);
            max = settings.getAsInt("max", Integer.MAX_VALUE);
            if (settings.get("enable_position_increments") != null) {
                throw new IllegalArgumentException("[enable_position_increments] is not supported anymore. Please fix your analysis chain");
            }
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new LengthFilter(in, min, max);
        }
    }

    /** {@code pattern_replace}: {@code pattern} (required), {@code replacement} (""), {@code all} (true), {@code flags}. */
    static final class PatternReplace extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final Pattern pattern;
        private final String replacement;
        private final boolean all;

        PatternReplace(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            String regex = settings.get("pattern");
            if (regex == null) {
                throw new IllegalArgumentException("pattern is missing for [" + name + "] token filter of type 'pattern_replace'");
            }
            pattern = Regex.compile(regex, settings.get("flags"));
            replacement = settings.get("replacement", "");
            all = settings.getAsBoolean("all", true);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new PatternReplaceFilter(in, pattern, replacement, all);
        }
    }
}
