package org.heritageregistry.engine.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;

import java.io.IOException;

/**
 * Drops a token whose term was already emitted: anywhere in the stream, or, with
 * {@code onlyOnSamePosition}, only among tokens stacked on the same position.
 * The position increments of the kept tokens are left as they are, as the stock filter does.
 */
final class UniqueTokenFilter extends TokenFilter {
    private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute posInc = addAttribute(PositionIncrementAttribute.class);
    private final CharArraySet seen = new CharArraySet(8, false);
    private final boolean onlyOnSamePosition;

    UniqueTokenFilter(TokenStream in, boolean onlyOnSamePosition) {
        super(in);
        this.onlyOnSamePosition = onlyOnSamePosition;
    }

    @Override
    public boolean incrementToken() throws IOException {
        while (input.incrementToken()) {
            boolean newPosition = posInc.getPositionIncrement() > 0;
            if (onlyOnSamePosition && newPosition) {
                seen.clear();
            }
            boolean repeated = seen.contains(term.buffer(), 0, term.length());
            if (onlyOnSamePosition && newPosition) {
                repeated = false;
            }
            if (repeated == false) {
                seen.add(term.toString());
                return true;
            }
        }
        return false;
    }

    @Override
    public void reset() throws IOException {
        super.reset();
        seen.clear();
    }
}
