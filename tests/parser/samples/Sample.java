package com.example.shapes;

import java.util.List;
import java.util.Map;

/**
 * A shape registry.
 */
@Deprecated
public class Registry<T> extends Base implements Iterable<T> {
    public static final int MAX = 10;
    private final List<T> items;

    public Registry(List<T> items) {
        this.items = items;
    }

    @Override
    public java.util.Iterator<T> iterator() {
        return items.iterator();
    }

    public <R> Map<String, R> collect(
            String prefix,
            int limit) throws Exception {
        return null;
    }

    interface Visitor {
        void visit(Object o);
    }

    enum Kind {
        ROUND,
        SQUARE
    }
}
