package org.heritageregistry.engine.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;

import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/** Tokenizer factories with the stock names and parameters. */
final class Tokenizers {

    private Tokenizers() {}

    /** {@code keyword}: the whole input as one token; {@code buffer_size} (default 256). */
    static final class Keyword extends AbstractTokenizerFactory {
        private final int bufferSize;

        Keyword(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            bufferSize = settings.getAsInt("buffer_size", KeywordTokenizer.DEFAULT_BUFFER_SIZE);
        }

        @Override
        public Tokenizer create() {
            return new KeywordTokenizer(bufferSize);
        }
    }

    /** {@code whitespace}: splits on white space; {@code max_token_length} (default 255). */
    static final class Whitespace extends AbstractTokenizerFactory {
        private final int maxTokenLength;

        Whitespace(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            maxTokenLength = settings.getAsInt("max_token_length", StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH);
        }

        @Override
        public Tokenizer create() {
            return new WhitespaceTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, maxTokenLength);
        }
    }

    /** {@code pattern}: {@code pattern} (default {@code \W+}), {@code flags}, {@code group} (default -1: split). */
    static final class PatternSplit extends AbstractTokenizerFactory {
        private final Pattern pattern;
        private final int group;

        PatternSplit(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            String regex = settings.get("pattern", "\\W+");
            pattern = Regex.compile(regex, settings.get("flags"));
            group = settings.getAsInt("group", -1);
        }

        @Override
        public Tokenizer create() {
            return new PatternTokenizer(pattern, group);
        }
    }

    /** {@code ngram}: {@code min_gram} (1), {@code max_gram} (2), {@code token_chars}, {@code custom_token_chars}. */
    static final class NGram extends AbstractTokenizerFactory {
        private final int minGram;
        private final int maxGram;
        private final IntPredicate tokenChars;

        NGram(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            minGram = settings.getAsInt("min_gram", NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE);
            maxGram = settings.getAsInt("max_gram", NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE);
            TokenFilters.checkNgramDiff(indexSettings, minGram, maxGram);
            tokenChars = TokenChars.parse(settings);
        }

        @Override
        public Tokenizer create() {
            if (tokenChars == null) {
                return new NGramTokenizer(minGram, maxGram);
            }
            IntPredicate chars = tokenChars;
            return new NGramTokenizer(minGram, maxGram) {
                @Override
                protected boolean isTokenChar(int chr) {
                    return chars.test(chr);
                }
            };
        }
    }

    /** {@code edge_ngram}: {@code min_gram} (1), {@code max_gram} (2), {@code token_chars}, {@code custom_token_chars}. */
    static final class EdgeNGram extends AbstractTokenizerFactory {
        private final int minGram;
        private final int maxGram;
        private final IntPredicate tokenChars;

        EdgeNGram(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            minGram = settings.getAsInt("min_gram", NGramTokenizer.DEFAULT_MIN_NGRAM_SIZE);
            maxGram = settings.getAsInt("max_gram", NGramTokenizer.DEFAULT_MAX_NGRAM_SIZE);
            tokenChars = TokenChars.parse(settings);
        }

        @Override
        public Tokenizer create() {
            if (tokenChars == null) {
                return new EdgeNGramTokenizer(minGram, maxGram);
            }
            IntPredicate chars = tokenChars;
            return new EdgeNGramTokenizer(minGram, maxGram) {
                @Override
                protected boolean isTokenChar(int chr) {
                    return chars.test(chr);
                }
            };
        }
    }
}
