package org.heritageregistry.engine.analysis;

import org.elasticsearch.common.settings.Settings;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * The {@code token_chars} / {@code custom_token_chars} parameters of the {@code ngram} and
 * {@code edge_ngram} tokenizers: which code points belong to a token.
 *
 * <p>Classes: {@code letter}, {@code digit}, {@code whitespace}, {@code punctuation}, {@code symbol},
 * {@code custom} (the code points listed in {@code custom_token_chars}), and any Java
 * {@link Character} general category by its lower-case constant name (e.g. {@code other_letter}).
 */
final class TokenChars {

    private static final Map<String, IntPredicate> CLASSES = buildClasses();

    private TokenChars() {}

    private static Map<String, IntPredicate> buildClasses() {
        Map<String, IntPredicate> classes = new TreeMap<>();
        classes.put("letter", Character::isLetter);
        classes.put("digit", Character::isDigit);
        classes.put("whitespace", Character::isWhitespace);
        classes.put("punctuation", cp -> switch (Character.getType(cp)) {
            case Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.OTHER_PUNCTUATION,
                Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                Character.FINAL_QUOTE_PUNCTUATION -> true;
            default -> false;
        });
        classes.put("symbol", cp -> switch (Character.getType(cp)) {
            case Character.CURRENCY_SYMBOL, Character.MATH_SYMBOL, Character.OTHER_SYMBOL, Character.MODIFIER_SYMBOL -> true;
            default -> false;
        });
        for (Field field : Character.class.getFields()) {
            int mods = field.getModifiers();
            if (field.getType() == byte.class
                && Modifier.isStatic(mods)
                && Modifier.isPublic(mods)
                && field.getName().startsWith("DIRECTIONALITY") == false) {
                try {
                    byte category = field.getByte(null);
                    classes.putIfAbsent(field.getName().toLowerCase(Locale.ROOT), cp -> Character.getType(cp) == category);
                } catch (IllegalAccessException e) {
                    // not a readable constant: not a category
                }
            }
        }
        return Map.copyOf(classes);
    }

    /** Returns the predicate for the configured classes, or {@code null} when every code point is a token char. */
    static IntPredicate parse(Settings settings) {
        List<String> names = settings.getAsList("token_chars");
        if (names == null || names.isEmpty()) {
            return null;
        }
        List<IntPredicate> predicates = new ArrayList<>();
        for (String raw : names) {
            String name = raw.toLowerCase(Locale.ROOT).trim();
            if (name.equals("custom")) {
                String custom = settings.get("custom_token_chars");
                if (custom == null) {
                    throw new IllegalArgumentException("Token type: 'custom' requires setting `custom_token_chars`");
                }
                // Like the stock tokenizers: UTF-16 units of the setting's string value.
                int[] chars = custom.chars().sorted().distinct().toArray();
                predicates.add(cp -> Arrays.binarySearch(chars, cp) >= 0);
                continue;
            }
            IntPredicate predicate = CLASSES.get(name);
            if (predicate == null) {
                List<String> known = new ArrayList<>(CLASSES.keySet());
                known.add("custom");
                throw new IllegalArgumentException("Unknown token type: '" + name + "', must be one of " + known);
            }
            predicates.add(predicate);
        }
        if (predicates.size() == 1) {
            return predicates.get(0);
        }
        IntPredicate[] all = predicates.toArray(new IntPredicate[0]);
        return cp -> {
            for (IntPredicate p : all) {
                if (p.test(cp)) {
                    return true;
                }
            }
            return false;
        };
    }
}
