package org.heritageregistry.engine.analysis;

import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractCharFilterFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;

import java.io.Reader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Char filter factories with the stock names and parameters. */
final class CharFilters {

    private CharFilters() {}

    /**
     * {@code mapping}: {@code mappings} (a list of {@code "source => target"} rules) or {@code mappings_path}.
     * Both sides may use the escapes {@code \\ \n \t \r \b \f \\uXXXX}. Usable in normalizers.
     */
    static final class Mapping extends AbstractCharFilterFactory implements NormalizingCharFilterFactory {
        private static final Pattern RULE = Pattern.compile("(.*)\\s*=>\\s*(.*)\\s*$");

        private final NormalizeCharMap map;

        Mapping(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            List<String> rules = Analysis.getWordList(env, settings, "mappings");
            if (rules == null) {
                throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
            }
            NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
            for (String rule : rules) {
                Matcher m = RULE.matcher(rule);
                if (m.find() == false) {
                    throw new RuntimeException("Invalid Mapping Rule : [" + rule + "]");
                }
                builder.add(unescape(m.group(1).trim()), unescape(m.group(2).trim()));
            }
            map = builder.build();
        }

        private static String unescape(String s) {
            StringBuilder out = new StringBuilder(s.length());
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    throw new RuntimeException("Invalid escaped char in [" + s + "]");
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw new RuntimeException("Invalid escaped char in [" + s + "]");
                        }
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
            return out.toString();
        }

        @Override
        public Reader create(Reader reader) {
            return new MappingCharFilter(map, reader);
        }
    }

    /** {@code pattern_replace}: {@code pattern} (required), {@code replacement} (""), {@code flags}. Usable in normalizers. */
    static final class PatternReplace extends AbstractCharFilterFactory implements NormalizingCharFilterFactory {
        private final Pattern pattern;
        private final String replacement;

        PatternReplace(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            String regex = settings.get("pattern", null);
            if (regex == null || regex.isEmpty()) {
                throw new IllegalArgumentException("pattern is missing for [" + name + "] char filter of type 'pattern_replace'");
            }
            pattern = Regex.compile(regex, settings.get("flags"));
            replacement = settings.get("replacement", "");
        }

        @Override
        public Reader create(Reader reader) {
            return new PatternReplaceCharFilter(pattern, replacement, reader);
        }
    }

    /** {@code html_strip}: removes HTML markup; {@code escaped_tags} lists tags to keep. */
    static final class HtmlStrip extends AbstractCharFilterFactory {
        private final Set<String> escapedTags;

        HtmlStrip(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(name);
            List<String> tags = settings.getAsList("escaped_tags");
            escapedTags = tags.isEmpty() ? null : Set.copyOf(new HashSet<>(tags));
        }

        @Override
        public Reader create(Reader reader) {
            return new HTMLStripCharFilter(reader, escapedTags);
        }
    }
}
