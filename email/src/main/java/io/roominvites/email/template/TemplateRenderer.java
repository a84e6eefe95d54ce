package io.roominvites.email.template;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Why over 400 lines: one self-contained parser and renderer of SES's Handlebars subset (below), used only by the local
 * outbox; its parts share the one token stream and are read together.
 *
 * <p>Renders SES-style Handlebars templates in plain Java, for the local outbox (which must show what SES
 * would send without SES). It follows SES, not stock Handlebars, on one point: <b>nothing is
 * HTML-escaped</b>, neither {@code {{x}}} nor {@code {{{x}}}} (SES renders template data raw; see
 * {@link TemplateValues#htmlSafe}).
 *
 * <p>The subset: {@code {{path}}}, {@code {{{path}}}}, paths {@code a.b}, {@code this}, {@code .},
 * {@code ../x}, {@code @index}, {@code @first}, {@code @last}, {@code @key}; blocks {@code #if},
 * {@code #unless}, {@code #each}, {@code #with} with {@code {{else}}} and {@code {{else if x}}};
 * {@code {{#path}}} sections and {@code {{^path}}} inverted sections; comments {@code {{! }}} and
 * {@code {{!-- --}}}; whitespace control {@code ~}; Handlebars' removal of lines holding only a block
 * tag. Anything else (custom helpers, partials, block parameters) is refused with a
 * {@link TemplateException} naming it, since SES would not know it either.
 */
public final class TemplateRenderer {
    private TemplateRenderer() {
    }

    /** Renders {@code source} with {@code data} (maps, lists, strings, numbers, booleans, null). */
    public static String render(String source, Object data) {
        List<Node> nodes = new Parser(Tokenizer.tokenize(source)).parseAll();
        StringBuilder out = new StringBuilder(source.length() + 256);
        new Scope(data, null, Map.of()).renderAll(nodes, out);
        return out.toString();
    }

    /** Parses without rendering: throws {@link TemplateException} for what SES (or this subset) can't render. */
    public static void check(String source) {
        new Parser(Tokenizer.tokenize(source)).parseAll();
    }

    // ------------------------------------------------------------------ tokens

    private enum Kind { TEXT, VAR, OPEN, INVERSE_OPEN, ELSE, CLOSE, COMMENT }

    private static final class Token {
        final Kind kind;
        String text;          // TEXT: content; others: the raw expression
        final String helper;  // OPEN/CLOSE/ELSE-if: helper or path name
        final String arg;     // OPEN: its argument, or null
        final boolean trimBefore;
        final boolean trimAfter;
        final int offset;

        Token(Kind kind, String text, String helper, String arg, boolean trimBefore, boolean trimAfter, int offset) {
            this.kind = kind;
            this.text = text;
            this.helper = helper;
            this.arg = arg;
            this.trimBefore = trimBefore;
            this.trimAfter = trimAfter;
            this.offset = offset;
        }

        boolean standaloneCandidate() {
            return kind == Kind.OPEN || kind == Kind.INVERSE_OPEN || kind == Kind.ELSE || kind == Kind.CLOSE
                    || kind == Kind.COMMENT;
        }
    }

    private static final class Tokenizer {
        static List<Token> tokenize(String s) {
            List<Token> tokens = new ArrayList<>();
            int i = 0;
            int textStart = 0;
            while (true) {
                int open = s.indexOf("{{", i);
                if (open < 0) {
                    break;
                }
                if (open > 0 && s.charAt(open - 1) == '\\') {
                    // \{{ is a literal "{{" in Handlebars
                    addText(tokens, s.substring(textStart, open - 1), textStart);
                    textStart = open;
                    i = open + 2;
                    continue;
                }
                addText(tokens, s.substring(textStart, open), textStart);
                boolean triple = s.startsWith("{{{", open);
                int start = open + (triple ? 3 : 2);
                boolean trimBefore = start < s.length() && s.charAt(start) == '~';
                if (trimBefore) {
                    start++;
                }
                int end;
                String inner;
                boolean trimAfter;
                if (!triple && s.startsWith("!--", start)) {
                    int close = s.indexOf("--", start + 3);
                    while (close >= 0 && !(s.startsWith("}}", close + 2) || s.startsWith("~}}", close + 2))) {
                        close = s.indexOf("--", close + 1);
                    }
                    if (close < 0) {
                        throw new TemplateException("an unclosed comment {{!-- at character " + open);
                    }
                    trimAfter = s.charAt(close + 2) == '~';
                    end = close + 2 + (trimAfter ? 3 : 2);
                    tokens.add(new Token(Kind.COMMENT, s.substring(open, end), null, null, trimBefore, trimAfter, open));
                    i = end;
                    textStart = end;
                    continue;
                }
                String closer = triple ? "}}}" : "}}";
                int close = s.indexOf(closer, start);
                if (close < 0) {
                    throw new TemplateException("an unclosed " + (triple ? "{{{" : "{{") + " at character " + open);
                }
                trimAfter = close > start && s.charAt(close - 1) == '~';
                inner = s.substring(start, trimAfter ? close - 1 : close).trim();
                end = close + closer.length();
                tokens.add(tag(inner, triple, trimBefore, trimAfter, open, s.substring(open, end)));
                i = end;
                textStart = end;
            }
            addText(tokens, s.substring(textStart), textStart);
            stripStandaloneLines(tokens);
            applyTildes(tokens);
            tokens.removeIf(t -> t.kind == Kind.TEXT && t.text.isEmpty());
            return tokens;
        }

        private static void addText(List<Token> tokens, String text, int offset) {
            tokens.add(new Token(Kind.TEXT, text, null, null, false, false, offset));
        }

        private static Token tag(String inner, boolean triple, boolean trimBefore, boolean trimAfter, int offset, String raw) {
            if (triple) {
                return new Token(Kind.VAR, raw, checkPath(inner, raw), null, trimBefore, trimAfter, offset);
            }
            if (inner.startsWith("!")) {
                return new Token(Kind.COMMENT, raw, null, null, trimBefore, trimAfter, offset);
            }
            if (inner.startsWith("#") || inner.startsWith("^")) {
                String body = inner.substring(1).trim();
                if (body.startsWith(">") || body.startsWith("*")) {
                    throw new TemplateException("partial blocks and decorators are not supported: " + raw);
                }
                String[] parts = split(body, raw);
                Kind kind = inner.startsWith("^") ? Kind.INVERSE_OPEN : Kind.OPEN;
                if (kind == Kind.INVERSE_OPEN && parts.length != 1) {
                    throw new TemplateException("an inverted section takes one path: " + raw);
                }
                if (parts.length == 1) {
                    if (isBuiltIn(parts[0])) {
                        throw new TemplateException("{{#" + parts[0] + "}} needs an argument: " + raw);
                    }
                    return new Token(kind, raw, checkPath(parts[0], raw), null, trimBefore, trimAfter, offset);
                }
                if (!isBuiltIn(parts[0])) {
                    throw new TemplateException("unknown helper '" + parts[0] + "' (SES knows only the built-in helpers if, unless, each, with): " + raw);
                }
                if (parts.length != 2) {
                    throw new TemplateException("{{#" + parts[0] + "}} takes exactly one argument here: " + raw);
                }
                return new Token(Kind.OPEN, raw, parts[0], checkPath(parts[1], raw), trimBefore, trimAfter, offset);
            }
            if (inner.startsWith("/")) {
                return new Token(Kind.CLOSE, raw, inner.substring(1).trim(), null, trimBefore, trimAfter, offset);
            }
            if (inner.equals("else") || inner.equals("^")) {
                return new Token(Kind.ELSE, raw, null, null, trimBefore, trimAfter, offset);
            }
            if (inner.startsWith("else ")) {
                String[] parts = split(inner.substring(5).trim(), raw);
                if (parts.length != 2 || !isBuiltIn(parts[0])) {
                    throw new TemplateException("unsupported chained else: " + raw);
                }
                return new Token(Kind.ELSE, raw, parts[0], checkPath(parts[1], raw), trimBefore, trimAfter, offset);
            }
            if (inner.startsWith(">")) {
                throw new TemplateException("partials are not supported: " + raw);
            }
            if (inner.startsWith("&")) {
                return new Token(Kind.VAR, raw, checkPath(inner.substring(1).trim(), raw), null, trimBefore, trimAfter, offset);
            }
            String[] parts = split(inner, raw);
            if (parts.length != 1) {
                throw new TemplateException("unknown helper '" + parts[0] + "' (SES knows only the built-in helpers if, unless, each, with): " + raw);
            }
            return new Token(Kind.VAR, raw, checkPath(parts[0], raw), null, trimBefore, trimAfter, offset);
        }

        private static boolean isBuiltIn(String name) {
            return name.equals("if") || name.equals("unless") || name.equals("each") || name.equals("with");
        }

        private static String[] split(String expression, String raw) {
            if (expression.contains(" as |") || expression.contains("=") || expression.contains("(")
                    || expression.contains("\"") || expression.contains("'")) {
                throw new TemplateException("block parameters, hash arguments, sub-expressions and literals are not supported: " + raw);
            }
            return expression.trim().split("\\s+");
        }

        private static String checkPath(String path, String raw) {
            if (path.isEmpty() || !path.matches("(\\.\\./)*(@?[A-Za-z_$][A-Za-z0-9_$-]*|this|\\.)(\\.[A-Za-z0-9_$-]+)*|\\.")) {
                throw new TemplateException("not a variable name: " + raw);
            }
            return path;
        }

        /** Handlebars drops a line that holds nothing but one block tag or comment (and its line break). */
        private static void stripStandaloneLines(List<Token> tokens) {
            // decided on the original text (as Handlebars does), then cut: a text between two standalone
            // tags loses its first line break to the one and its last indentation to the other
            int[] cutStart = new int[tokens.size()];
            int[] cutEnd = new int[tokens.size()];
            for (int k = 0; k < tokens.size(); k++) {
                cutEnd[k] = tokens.get(k).text.length();
            }
            for (int k = 0; k < tokens.size(); k++) {
                Token t = tokens.get(k);
                if (!t.standaloneCandidate()) {
                    continue;
                }
                Token prev = k > 0 ? tokens.get(k - 1) : null;
                Token next = k + 1 < tokens.size() ? tokens.get(k + 1) : null;
                if (prev == null || prev.kind != Kind.TEXT || next == null || next.kind != Kind.TEXT) {
                    continue;
                }
                int lineStart = prev.text.lastIndexOf('\n') + 1;
                boolean startsLine = (lineStart > 0 || k == 1) && prev.text.substring(lineStart).isBlank();
                int nl = next.text.indexOf('\n');
                boolean endsLine = nl >= 0 ? next.text.substring(0, nl).isBlank()
                        : k + 2 == tokens.size() && next.text.isBlank();
                if (startsLine && endsLine) {
                    cutEnd[k - 1] = Math.min(cutEnd[k - 1], lineStart);
                    cutStart[k + 1] = Math.max(cutStart[k + 1], nl >= 0 ? nl + 1 : next.text.length());
                }
            }
            for (int k = 0; k < tokens.size(); k++) {
                Token t = tokens.get(k);
                if (t.kind == Kind.TEXT) {
                    t.text = cutStart[k] >= cutEnd[k] ? "" : t.text.substring(cutStart[k], cutEnd[k]);
                }
            }
        }

        private static void applyTildes(List<Token> tokens) {
            for (int k = 0; k < tokens.size(); k++) {
                Token t = tokens.get(k);
                if (t.kind == Kind.TEXT) {
                    continue;
                }
                if (t.trimBefore && k > 0 && tokens.get(k - 1).kind == Kind.TEXT) {
                    Token p = tokens.get(k - 1);
                    p.text = p.text.stripTrailing();
                }
                if (t.trimAfter && k + 1 < tokens.size() && tokens.get(k + 1).kind == Kind.TEXT) {
                    Token n = tokens.get(k + 1);
                    n.text = n.text.stripLeading();
                }
            }
        }
    }

    // ------------------------------------------------------------------ tree

    private sealed interface Node permits Text, Var, Block {
    }

    private record Text(String text) implements Node {
    }

    private record Var(String path) implements Node {
    }

    /** helper: if, unless, each, with, or null for a section over {@code path}; inverted for {{^path}}. */
    private record Block(String helper, String path, boolean inverted, List<Node> body, List<Node> inverse)
            implements Node {
    }

    private static final class Parser {
        private final List<Token> tokens;
        private int pos;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        List<Node> parseAll() {
            List<Node> nodes = parseUntilEnd(null);
            if (pos < tokens.size()) {
                Token t = tokens.get(pos);
                throw new TemplateException("unexpected " + t.text + " at character " + t.offset);
            }
            return nodes;
        }

        /** Nodes until a CLOSE or ELSE that belongs to the enclosing block (left unconsumed). */
        private List<Node> parseUntilEnd(String openName) {
            List<Node> nodes = new ArrayList<>();
            while (pos < tokens.size()) {
                Token t = tokens.get(pos);
                switch (t.kind) {
                    case TEXT -> {
                        nodes.add(new Text(t.text));
                        pos++;
                    }
                    case COMMENT -> pos++;
                    case VAR -> {
                        nodes.add(new Var(t.helper));
                        pos++;
                    }
                    case OPEN, INVERSE_OPEN -> {
                        pos++;
                        nodes.add(block(t));
                    }
                    case ELSE, CLOSE -> {
                        if (openName == null) {
                            throw new TemplateException("unexpected " + t.text + " at character " + t.offset);
                        }
                        return nodes;
                    }
                    default -> throw new IllegalStateException();
                }
            }
            if (openName != null) {
                throw new TemplateException("{{#" + openName + "}} is never closed");
            }
            return nodes;
        }

        private Block block(Token open) {
            String name = open.helper;
            String helper = open.arg == null ? null : open.helper;
            String path = open.arg == null ? open.helper : open.arg;
            List<Node> body = parseUntilEnd(name);
            List<Node> inverse = inverse(name);
            Token t = tokens.get(pos);
            if (t.kind == Kind.ELSE) {
                throw new TemplateException("a second {{else}} in {{#" + name + "}} at character " + t.offset);
            }
            closeBlock(name);
            return new Block(helper, path, open.kind == Kind.INVERSE_OPEN, body, inverse);
        }

        /** {{else if x}}: a nested block that ends at the same {{/name}} as the block it chains onto. */
        private Block chainedBlock(Token elseIf, String outerName) {
            List<Node> body = parseUntilEnd(outerName);
            return new Block(elseIf.helper, elseIf.arg, false, body, inverse(outerName));
        }

        /** After a body: at an {{else}}, consumes it and parses what follows up to {{/name}}; else nothing. */
        private List<Node> inverse(String name) {
            Token t = tokens.get(pos);
            if (t.kind != Kind.ELSE) {
                return List.of();
            }
            pos++;
            return t.helper != null ? List.of(chainedBlock(t, name)) : parseUntilEnd(name);
        }

        private void closeBlock(String name) {
            Token t = tokens.get(pos);
            if (t.kind != Kind.CLOSE || !t.helper.equals(name)) {
                throw new TemplateException("{{#" + name + "}} is closed by " + t.text + " at character " + t.offset);
            }
            pos++;
        }
    }

    // ------------------------------------------------------------------ evaluation

    private record Scope(Object context, Scope parent, Map<String, Object> data) {
        void renderAll(List<Node> nodes, StringBuilder out) {
            for (Node n : nodes) {
                render(n, out);
            }
        }

        private void render(Node node, StringBuilder out) {
            switch (node) {
                case Text t -> out.append(t.text());
                case Var v -> out.append(display(resolve(v.path())));
                case Block b -> block(b, out);
            }
        }

        private void block(Block b, StringBuilder out) {
            Object value = resolve(b.path());
            String helper = b.helper();
            if (helper == null) {
                if (b.inverted()) {
                    renderAll(truthy(value) ? b.inverse() : b.body(), out);
                } else if (value instanceof Collection<?> || value instanceof Map<?, ?>) {
                    each(value, b, out);
                } else if (truthy(value)) {
                    child(value).renderAll(b.body(), out);
                } else {
                    renderAll(b.inverse(), out);
                }
                return;
            }
            switch (helper) {
                case "if" -> renderAll(truthy(value) ? b.body() : b.inverse(), out);
                case "unless" -> renderAll(truthy(value) ? b.inverse() : b.body(), out);
                case "with" -> {
                    if (truthy(value)) {
                        child(value).renderAll(b.body(), out);
                    } else {
                        renderAll(b.inverse(), out);
                    }
                }
                case "each" -> each(value, b, out);
                default -> throw new TemplateException("unknown helper " + helper);
            }
        }

        private void each(Object value, Block b, StringBuilder out) {
            if (value instanceof List<?> list && !list.isEmpty()) {
                for (int i = 0; i < list.size(); i++) {
                    Map<String, Object> frame = Map.of("index", i, "first", i == 0, "last", i == list.size() - 1);
                    new Scope(list.get(i), this, frame).renderAll(b.body(), out);
                }
            } else if (value instanceof Collection<?> c && !c.isEmpty()) {
                each(new ArrayList<>(c), b, out);
            } else if (value instanceof Map<?, ?> map && !map.isEmpty()) {
                int i = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    Map<String, Object> frame = Map.of("index", i, "first", i == 0, "last", i == map.size() - 1,
                            "key", String.valueOf(e.getKey()));
                    new Scope(e.getValue(), this, frame).renderAll(b.body(), out);
                    i++;
                }
            } else {
                renderAll(b.inverse(), out);
            }
        }

        private Scope child(Object value) {
            return new Scope(value, this, data);
        }

        private Object resolve(String path) {
            Scope scope = this;
            String p = path;
            while (p.startsWith("../")) {
                p = p.substring(3);
                scope = scope.parent == null ? scope : scope.parent;
            }
            if (p.equals("this") || p.equals(".")) {
                return scope.context;
            }
            if (p.startsWith("this.")) {
                p = p.substring(5);
            }
            String[] segments = p.split("\\.");
            Object current;
            int first;
            if (segments[0].startsWith("@")) {
                current = scope.data.get(segments[0].substring(1));
                first = 1;
            } else {
                current = scope.context;
                first = 0;
            }
            for (int i = first; i < segments.length && current != null; i++) {
                current = member(current, segments[i]);
            }
            return current;
        }

        private static Object member(Object value, String name) {
            if (value instanceof Map<?, ?> m) {
                return m.get(name);
            }
            if (value instanceof List<?> l) {
                if (name.equals("length")) {
                    return l.size();
                }
                try {
                    int index = Integer.parseInt(name);
                    return index >= 0 && index < l.size() ? l.get(index) : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            if (value instanceof String s && name.equals("length")) {
                return s.length();
            }
            return null;
        }
    }

    /** Handlebars' #if: false for null, false, "", 0 and empty lists (objects, even empty ones, are true). */
    static boolean truthy(Object v) {
        if (v == null || Boolean.FALSE.equals(v)) {
            return false;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    /** How JavaScript prints a value into a template: lists comma-joined, whole numbers without ".0". */
    static String display(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21 ? Long.toString((long) d) : Double.toString(d);
        }
        if (v instanceof Collection<?> c) {
            return joinList(c);
        }
        if (v instanceof Map<?, ?>) {
            return "[object Object]";
        }
        return String.valueOf(v);
    }

    private static String joinList(Collection<?> c) {
        List<String> parts = new ArrayList<>(c.size());
        for (Object o : c) {
            parts.add(o == null ? "" : display(o));
        }
        return String.join(",", parts);
    }
}
